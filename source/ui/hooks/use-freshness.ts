import {useEffect, useRef, useState} from 'react';
import type {Snapshot} from '../../model/types.js';
import type {SnapshotPoller} from '../../world/poller.js';

/** When the mount or the container was last probed; null before either answered. */
export function lastUpdate(snapshot: Snapshot): number | null {
	const times = [snapshot.datadir?.at, snapshot.container?.at].filter((at): at is number => at !== undefined);
	return times.length > 0 ? Math.max(...times) : null;
}

/** Rounds this many refresh intervals apart still count as live: one slow round is not stale data. */
export const staleAfterRounds = 2;

/** How fresh the shown facts are: probing (none yet), live (the last round came in time), or stale since `since`. */
export type Freshness = {state: 'probing'} | {state: 'live'} | {state: 'stale'; since: number; now: number};

// A tick this long after the whole second, so the stale age counts up on its whole seconds.
const secondsLateMs = 250;

/**
 * The header's freshness, told apart from the Snapshot shown (which may be an earlier, identical-looking one): it
 * changes state only when rounds stop coming, so live data costs no frame; once stale it counts seconds.
 */
export function useFreshness(poller: SnapshotPoller, refreshMs: number): Freshness {
	const [freshness, setFreshness] = useState<Freshness>({state: 'probing'});
	const told = useRef<Freshness>(freshness);
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		const tell = (next: Freshness) => {
			const before = told.current;
			if (before.state === next.state && (next.state !== 'stale' || (before.state === 'stale' && Math.floor((before.now - before.since) / 1000) === Math.floor((next.now - next.since) / 1000)))) return;
			told.current = next;
			setFreshness(next);
		};
		const judge = () => {
			clearTimeout(timer);
			const updated = lastUpdate(poller.snapshot);
			if (updated === null) return tell({state: 'probing'});
			const now = Date.now();
			const staleAt = updated + staleAfterRounds * refreshMs;
			if (now < staleAt) {
				tell({state: 'live'});
				timer = setTimeout(judge, staleAt - now + 1);
			} else {
				tell({state: 'stale', since: updated, now});
				timer = setTimeout(judge, 1000 - ((now - updated) % 1000) + secondsLateMs);
			}
		};
		const unsubscribe = poller.subscribe(judge);
		judge();
		return () => {
			unsubscribe();
			clearTimeout(timer);
		};
	}, [poller, refreshMs]);
	return freshness;
}
