// Whether a new Snapshot would draw the same screen as the one shown: a probe round that changes nothing the
// operator sees costs no React render and no Ink frame (an idle dashboard draws only when something changed).
import {capacityTrend} from './components/capacity-panel.js';
import {hostDetails} from './details.js';
import type {Snapshot, Thresholds} from '../model/types.js';

/** What the screen shows of a Snapshot besides its raw facts: the host facts only in the capacity details. */
export type ScreenShows = {host: boolean; trendWidth: number; thresholds: Thresholds};

/** Latencies this close, both this quick, read the same to an operator: a few ms of jitter is not news. */
const latencyJitterMs = 10;
const quickLatencyMs = 100;

/** Deep equality of probe results, leaving out their time stamps (`at`: the header says how fresh they are). */
function sameFacts(a: unknown, b: unknown): boolean {
	if (Object.is(a, b)) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const left = a as Record<string, unknown>;
	const right = b as Record<string, unknown>;
	const keys = Object.keys(left);
	if (keys.length !== Object.keys(right).length) return false;
	for (const key of keys) {
		if (key === 'at') continue;
		if (key === 'latencyMs' && typeof left[key] === 'number' && typeof right[key] === 'number') {
			const [x, y] = [left[key] as number, right[key] as number];
			if (Math.abs(x - y) < latencyJitterMs && Math.max(x, y) < quickLatencyMs) continue;
		}
		if (!(key in right) || !sameFacts(left[key], right[key])) return false;
	}
	return true;
}

/** True when `next` draws what `shown` drew: same facts, the same capacity graph and growth, the same host line. */
export function sameOnScreen(shown: Snapshot, next: Snapshot, shows: ScreenShows): boolean {
	const {history: shownHistory, host: shownHost, ...shownRest} = shown;
	const {history: nextHistory, host: nextHost, ...nextRest} = next;
	if (!sameFacts(shownRest, nextRest)) return false;
	if ((shownHost === null) !== (nextHost === null)) return false;
	if (shows.host && shownHost && nextHost && !sameFacts(hostDetails(shownHost), hostDetails(nextHost))) return false;
	return shownHistory === nextHistory || sameFacts(capacityTrend(shown, shows.thresholds, shows.trendWidth), capacityTrend(next, shows.thresholds, shows.trendWidth));
}
