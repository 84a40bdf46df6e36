// How often the inventory asks Glance and the datadir: changes every round, everything every tenth round, and
// Glance's changes at least every 8 s, so a Glance that stopped answering is known within 15 s.
import {formatDuration} from './format.js';

/** A full listing (Glance's every page, every datadir entry) once in this many inventory rounds; changes in between. */
export const fullPassEvery = 10;

/** Glance's changes at least this often: with the client's 5 s answer deadline, a frozen Glance shows within 15 s. */
export const glanceWatchMs = 8000;

/** How often each part of the inventory is taken, from the inventory refresh. */
export type InventoryCadence = {changesMs: number; glanceChangesMs: number; fullMs: number};

export function inventoryCadence(inventoryRefreshMs: number): InventoryCadence {
	return {changesMs: inventoryRefreshMs, glanceChangesMs: Math.min(inventoryRefreshMs, glanceWatchMs), fullMs: inventoryRefreshMs * fullPassEvery};
}

/** The cadences as rows for --print-settings and the help overlay. */
export function inventoryCadenceRows(inventoryRefreshSeconds: number): Array<{name: string; value: string; source: string}> {
	const cadence = inventoryCadence(inventoryRefreshSeconds * 1000);
	const every = (ms: number) => `every ${formatDuration(ms)}`;
	const source = `inventory refresh; full = ${fullPassEvery} × it`;
	return [
		{name: 'glance changes', value: `${every(cadence.glanceChangesMs)}: images updated since the last (updated_at=gte, hidden too); a frozen Glance shows within 15 s`, source: `at most ${formatDuration(glanceWatchMs)}`},
		{name: 'glance full listing', value: `${every(cadence.fullMs)}: every page, so deletions show`, source},
		{name: 'datadir changes', value: `${every(cadence.changesMs)}: its mtime and the uploads in progress asked of its probe worker; re-listed when the mtime moved`, source},
		{name: 'datadir full listing', value: `${every(cadence.fullMs)}: every entry lstat'ed`, source},
		{name: 'under the mount point', value: `when the datadir's mount changes, and ${every(cadence.fullMs)}: a private read-only look (root)`, source},
		{name: 'backups, staging', value: `${every(cadence.fullMs)}: snapshot directories, the backup marker, Glance's working directories`, source},
	];
}
