import {mergeDatadirChanges} from '../../model/inventory.js';
import type {DatadirFile, DatadirListing} from '../../model/types.js';
import type {DatadirSince} from '../world.js';
import {classifyErrno} from './path-probe.js';
import {lastStderrLine, runChild} from './supervisor.js';

type ChildLine =
	| {entries: Array<[name: string, size: number, mtimeMs: number, kind: DatadirFile['kind'], allocated: number]>}
	| {directoryMtimeMs: number}
	| {done: number; unchanged?: true}
	| {error: {errno: string; message: string}};

// Over sshfs an mtime has whole seconds: a listing that began this close to the mtime it saw may have missed an
// entry made in the same second, so the next one reads the directory again.
const mtimeGrainMs = 2000;

export type ListDatadirOptions = {
	/** How long the child may go without reporting anything before the share counts as hung. */
	timeoutMs: number;
	/** lstat calls in flight at once: a network share answers many small requests faster in parallel. */
	concurrency?: number;
	/** The last listing: when the directory's mtime is still the one it saw, only `watch` is stat'ed again. */
	since?: DatadirSince;
};

function knownMtime(since: DatadirSince | undefined): number | undefined {
	const previous = since?.previous;
	if (previous?.directoryMtimeMs === undefined) return undefined;
	const startedAt = previous.at - previous.tookMs;
	return startedAt - previous.directoryMtimeMs > mtimeGrainMs ? previous.directoryMtimeMs : undefined;
}

/**
 * Every entry of `directory` with its apparent and allocated size, mtime and kind (lstat; contents are never read), listed in a
 * child process. A child silent for `timeoutMs` is killed and the directory reported unresponsive; while
 * earlier ones are still stuck, no new child is started for the same directory.
 */
export async function listDatadir(directory: string, options: ListDatadirOptions): Promise<DatadirListing> {
	const started = Date.now();
	const files: DatadirFile[] = [];
	let finished: Exclude<ChildLine, {entries: unknown} | {directoryMtimeMs: number}> | null = null;
	let directoryMtimeMs: number | undefined;
	let unreadable: string | null = null;
	const knownMtimeMs = knownMtime(options.since);

	const outcome = await runChild({
		role: 'datadir-list',
		target: directory,
		request: {directory, ...(knownMtimeMs === undefined ? {} : {knownMtimeMs, watch: options.since?.watch ?? []})},
		env: {...process.env, UV_THREADPOOL_SIZE: String(options.concurrency ?? 16)},
		timeoutMs: options.timeoutMs,
		// 50,000 entries arrive over many lines: each one shows the share still answers.
		timeoutIsSilence: true,
		onLine(message, line) {
			const parsed = message as ChildLine | null;
			if (!parsed) unreadable = line.slice(0, 200);
			else if ('entries' in parsed) for (const [name, size, mtimeMs, kind, allocated] of parsed.entries) files.push({name, size, mtimeMs, kind, allocated});
			else if ('directoryMtimeMs' in parsed) directoryMtimeMs = parsed.directoryMtimeMs;
			else finished ??= parsed;
		},
	});

	const failed = (health: Extract<DatadirListing, {state: 'failed'}>['health']): DatadirListing => ({at: Date.now(), state: 'failed', directory, health});
	if (outcome.how === 'spawn-failed') return failed({state: 'error', errno: 'ESPAWN', message: `could not start the listing process: ${outcome.message}`});
	if (outcome.how !== 'exited') return failed({state: 'unresponsive', afterMs: 'afterMs' in outcome ? outcome.afterMs : Date.now() - started});
	const end = finished as ChildLine | null;
	if (end && 'error' in end) return failed(classifyErrno(end.error.errno, end.error.message));
	if (!end || unreadable !== null) return failed({state: 'error', errno: 'EPROBE', message: `listing process exited ${outcome.code}: ${unreadable ?? lastStderrLine(outcome.stderrTail)}`});
	if ('unchanged' in end && end.unchanged && options.since) return mergeDatadirChanges(options.since.previous, files, Date.now(), Date.now() - started);
	return {at: Date.now(), state: 'ok', directory, files, tookMs: Date.now() - started, ...(directoryMtimeMs === undefined ? {} : {directoryMtimeMs})};
}
