// The dashboard's textfile: rewritten after each probe or inventory round the poller tells of, one write at
// a time (a round that lands during a write is written right after it, only the newest).
import {inventoryOfSnapshot} from '../model/inventory.js';
import type {Inventory, Snapshot} from '../model/types.js';
import type {Settings} from '../settings.js';
import {judge, writeCheckTextfile} from './check.js';

type Subscribable = {subscribe(listener: (snapshot: Snapshot) => void): () => void};

/** When the round behind a snapshot finished: its newest probe. */
function lastProbeAt(snapshot: Snapshot): number | null {
	const times = [snapshot.datadir?.at, snapshot.container?.at].filter((at): at is number => at !== undefined);
	return times.length > 0 ? Math.max(...times) : null;
}

/** Keeps `file` in step with the poller until `stop()`; `lastProblem()` is why the last write failed, if it did. */
export function feedTextfile(poller: Subscribable, file: string, settings: Settings): {stop(): void; lastProblem(): string | null} {
	let writing = false;
	let next: Snapshot | null = null;
	let problem: string | null = null;
	let joined: {glance: Snapshot['glance']; files: Snapshot['files']; underMount: Snapshot['underMount']; inventory: Inventory} | null = null;

	const inventoryOf = (snapshot: Snapshot): Inventory => {
		// Rebuilt only when a listing changed: at 10,000 images the join is not free.
		if (!joined || joined.glance !== snapshot.glance || joined.files !== snapshot.files || joined.underMount !== snapshot.underMount) {
			joined = {glance: snapshot.glance, files: snapshot.files, underMount: snapshot.underMount, inventory: inventoryOfSnapshot(snapshot)};
		}
		return joined.inventory;
	};

	const drain = async () => {
		writing = true;
		while (next) {
			const snapshot: Snapshot = next;
			next = null;
			const finishedAtMs = lastProbeAt(snapshot);
			if (finishedAtMs === null) continue;
			const incomplete = snapshot.datadir && snapshot.container ? null : 'the first probe round is still out';
			problem = await writeCheckTextfile(file, judge(snapshot, settings, incomplete, {completed: incomplete === null, finishedAtMs, durationMs: null}, inventoryOf(snapshot)));
		}
		writing = false;
	};

	const unsubscribe = poller.subscribe(snapshot => {
		next = snapshot;
		if (!writing) void drain();
	});
	return {stop: unsubscribe, lastProblem: () => problem};
}
