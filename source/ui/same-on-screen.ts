// Whether a new Snapshot would draw the same screen as the one shown: a probe round that changes nothing the
// operator sees costs no React render and no Ink frame (an idle dashboard draws only when something changed).
import {assessCapacity} from '../model/capacity.js';
import {capacityTrend} from './components/capacity-panel.js';
import {hostDetails} from './details.js';
import {lastUpdate} from './hooks/use-freshness.js';
import type {Snapshot, Thresholds} from '../model/types.js';

/** What the screen shows of a Snapshot besides its raw facts: the host facts only in the capacity details. */
export type ScreenShows = {host: boolean; trendWidth: number; thresholds: Thresholds};

/** Latencies both below this read alike to an operator ("answers quickly"): jitter between them is not news. */
const quickLatencyMs = 100;
/** Figures that move on every round (space used, its graph, the growth, a quick latency) redraw at most this often. */
const movingFiguresEveryMs = 10_000;
/** Findings that age with the clock (a backup growing overdue, an upload stuck) are judged again at least this often. */
const keptAtMostMs = 60_000;

/** Time stamps (the header says how fresh facts are) and how long a listing took (never drawn): not news. */
const unseenKeys = new Set(['at', 'tookMs']);

/** Deep equality of probe results, leaving out unseenKeys; `quickAlike`: two quick latencies match. */
function sameFacts(a: unknown, b: unknown, quickAlike = false): boolean {
	if (Object.is(a, b)) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const left = a as Record<string, unknown>;
	const right = b as Record<string, unknown>;
	const keys = Object.keys(left);
	if (keys.length !== Object.keys(right).length) return false;
	for (const key of keys) {
		if (unseenKeys.has(key)) continue;
		if (quickAlike && key === 'latencyMs' && Math.max(Number(left[key]), Number(right[key])) < quickLatencyMs) continue;
		if (!(key in right) || !sameFacts(left[key], right[key], quickAlike)) return false;
	}
	return true;
}

/** What the capacity figures decide: the levels and the filling-soon warning (the findings follow them). */
function capacityStanding(snapshot: Snapshot, thresholds: Thresholds): object | null {
	const probe = snapshot.datadir;
	if (!probe?.stats) return null;
	const {level, inodeLevel, fillingSoon} = assessCapacity(probe.stats, snapshot.history, thresholds, probe.at);
	return {level, inodeLevel, fillingSoon};
}

/**
 * True when `next` may leave `shown` on screen: the same facts and the same host line where it shows, or facts that
 * differ only in moving figures (capacity, a quick latency) that keep their level, within the last movingFiguresEveryMs.
 */
export function sameOnScreen(shown: Snapshot, next: Snapshot, shows: ScreenShows): boolean {
	const keptMs = (lastUpdate(next) ?? 0) - (lastUpdate(shown) ?? 0);
	if (keptMs >= keptAtMostMs) return false;
	const {history: shownHistory, host: shownHost, datadir: shownDatadir, ...shownRest} = shown;
	const {history: nextHistory, host: nextHost, datadir: nextDatadir, ...nextRest} = next;
	const shownProbe = shownDatadir && {...shownDatadir, stats: null};
	const nextProbe = nextDatadir && {...nextDatadir, stats: null};
	if (!sameFacts(shownRest, nextRest, true) || !sameFacts(shownProbe, nextProbe, true)) return false;
	if ((shownHost === null) !== (nextHost === null)) return false;
	if (shows.host && shownHost && nextHost && !sameFacts(hostDetails(shownHost), hostDetails(nextHost))) return false;
	const sameFigures =
		sameFacts(shownRest, nextRest) &&
		sameFacts(shownProbe, nextProbe) &&
		sameFacts(shownDatadir?.stats, nextDatadir?.stats) &&
		(shownHistory === nextHistory || sameFacts(capacityTrend(shown, shows.thresholds, shows.trendWidth), capacityTrend(next, shows.thresholds, shows.trendWidth)));
	return sameFigures || (keptMs < movingFiguresEveryMs && sameFacts(capacityStanding(shown, shows.thresholds), capacityStanding(next, shows.thresholds)));
}
