// One wording of a path's health (statfs + readdir in a child): every panel, finding, check and plan says it
// the same way, so two places can never disagree on what "hung" means.
import {formatDuration} from './format.js';
import type {PathHealth} from './types.js';

export type HealthTone = 'ok' | 'crit' | 'unknown';

/** Names the health probe reads at most: it asks "does the share answer", never "how many files" (the listing counts). */
export const healthEntriesBound = 32;

function entriesRead(entries: number): string {
	return entries >= healthEntriesBound ? `${healthEntriesBound}+ entries` : `${entries} ${entries === 1 ? 'entry' : 'entries'}`;
}

/** The full sentence with its evidence: "answers in 3 ms (32+ entries)", "no answer after 3 s", "ENOTCONN: …". */
export function describeHealth(health: PathHealth): string {
	switch (health.state) {
		case 'responsive':
			return `answers in ${formatDuration(health.latencyMs)} (${entriesRead(health.entries)})`;
		case 'unresponsive':
			return `no answer after ${formatDuration(health.afterMs)}`;
		default:
			return health.message.startsWith(health.errno) ? health.message : `${health.errno}: ${health.message}`;
	}
}

/** The verb alone, for a sentence that names the path itself: "answers", "does not answer", "fails (ENOTCONN)". */
export function healthVerb(health: PathHealth): string {
	switch (health.state) {
		case 'responsive':
			return 'answers';
		case 'unresponsive':
			return `does not answer (${describeHealth(health)})`;
		default:
			return `fails (${health.errno})`;
	}
}

/** How bad it is: a dead or hung or missing path is critical; an error we cannot classify is unknown. */
export function healthTone(health: PathHealth): HealthTone {
	switch (health.state) {
		case 'responsive':
			return 'ok';
		case 'error':
			return 'unknown';
		default:
			return 'crit';
	}
}

/** One word or so, for a line with no room: "answers", "no answer after 3 s", "ENOTCONN". */
export function healthWord(health: PathHealth): string {
	switch (health.state) {
		case 'responsive':
			return 'answers';
		case 'unresponsive':
			return describeHealth(health);
		default:
			return health.errno;
	}
}

/** Everything known, for a details view: the state, the sentence, and the device it answered from. */
export function healthDetail(health: PathHealth): string {
	const device = health.state === 'responsive' ? `, dev ${health.device}` : '';
	return `${health.state}: ${describeHealth(health)}${device}`;
}
