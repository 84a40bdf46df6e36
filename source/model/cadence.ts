// How often the inventory asks Glance and the datadir: changes every round, everything every tenth round.
import {formatDuration} from './format.js';

/** A full listing (Glance's every page, every datadir entry) once in this many inventory rounds; changes in between. */
export const fullPassEvery = 10;

/** How often each part of the inventory is taken, from the inventory refresh. */
export type InventoryCadence = {changesMs: number; fullMs: number};

export function inventoryCadence(inventoryRefreshMs: number): InventoryCadence {
	return {changesMs: inventoryRefreshMs, fullMs: inventoryRefreshMs * fullPassEvery};
}

/** The cadences as rows for --print-settings and the help overlay. */
export function inventoryCadenceRows(inventoryRefreshSeconds: number): Array<{name: string; value: string; source: string}> {
	const cadence = inventoryCadence(inventoryRefreshSeconds * 1000);
	const every = (ms: number) => `every ${formatDuration(ms)}`;
	const source = `inventory refresh; full = ${fullPassEvery} × it`;
	return [
		{name: 'glance changes', value: `${every(cadence.changesMs)}: images updated since the last (updated_at=gte, hidden too)`, source},
		{name: 'glance full listing', value: `${every(cadence.fullMs)}: every page, so deletions show`, source},
		{name: 'datadir changes', value: `${every(cadence.changesMs)}: re-listed when its mtime moved; uploads in progress stat'ed`, source},
		{name: 'datadir full listing', value: `${every(cadence.fullMs)}: every entry lstat'ed`, source},
	];
}
