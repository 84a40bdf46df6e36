import {constants} from 'node:fs';
import {mergeDatadirChanges} from '../../model/inventory.js';
import type {DatadirFile, DatadirFiles, DatadirListing} from '../../model/types.js';
import type {DatadirSince} from '../world.js';
import {classifyErrno} from './path-probe.js';
import {askProbeWorker} from './probe-worker.js';
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

/** A file type from lstat's mode bits, as the listing child names them. */
const kindsByType = new Map<number, DatadirFile['kind']>([
	[constants.S_IFREG, 'file'],
	[constants.S_IFDIR, 'directory'],
	[constants.S_IFLNK, 'symlink'],
	[constants.S_IFIFO, 'fifo'],
	[constants.S_IFSOCK, 'socket'],
	[constants.S_IFCHR, 'char-device'],
	[constants.S_IFBLK, 'block-device'],
]);

export function kindOfMode(mode: number): DatadirFile['kind'] {
	return kindsByType.get(mode & constants.S_IFMT) ?? 'other';
}

/**
 * The directory's mtime still the one the last listing saw: the uploads in progress looked at again by the
 * path's long-lived probe worker, no process started. Null when that cannot be said (the mtime moved, the
 * worker did not answer or failed): the listing child then reads the directory and says what went wrong.
 */
export async function restatIfUnchanged(directory: string, previous: DatadirFiles, knownMtimeMs: number, watch: readonly string[], timeoutMs: number): Promise<DatadirListing | null> {
	const started = Date.now();
	const answer = await askProbeWorker(directory, {timeoutMs, maxEntries: 0, restat: watch});
	if (!answer.replied || !answer.reply.ok || answer.reply.mtimeMs !== knownMtimeMs || !answer.reply.restated) return null;
	const restated = answer.reply.restated.map(([name, size, mtimeMs, mode, blocks]): DatadirFile => ({name, size, mtimeMs, kind: kindOfMode(mode), allocated: blocks * 512}));
	return mergeDatadirChanges(previous, restated, Date.now(), Date.now() - started);
}

/** One directory's lines as they come: its entries, its mtime, and how its listing ended. */
class Collected {
	readonly files: DatadirFile[] = [];
	directoryMtimeMs: number | undefined;
	finished: Extract<ChildLine, {done: number}> | Extract<ChildLine, {error: unknown}> | null = null;

	take(parsed: ChildLine): void {
		if ('entries' in parsed) for (const [name, size, mtimeMs, kind, allocated] of parsed.entries) this.files.push({name, size, mtimeMs, kind, allocated});
		else if ('directoryMtimeMs' in parsed) this.directoryMtimeMs = parsed.directoryMtimeMs;
		else this.finished ??= parsed;
	}
}

type Outcome = Awaited<ReturnType<typeof runChild>>;

/** What one directory's lines and the child's end say: its listing, or why there is none. */
function listingOf(directory: string, collected: Collected | undefined, outcome: Outcome, unreadable: string | null, started: number, since?: DatadirSince): DatadirListing {
	const failed = (health: Extract<DatadirListing, {state: 'failed'}>['health']): DatadirListing => ({at: Date.now(), state: 'failed', directory, health});
	if (outcome.how === 'spawn-failed') return failed({state: 'error', errno: 'ESPAWN', message: `could not start the listing process: ${outcome.message}`});
	const end = collected?.finished ?? null;
	// A directory listed to its end before the child went silent on a later one is known.
	if (outcome.how !== 'exited' && !(end && 'done' in end)) return failed({state: 'unresponsive', afterMs: 'afterMs' in outcome ? outcome.afterMs : Date.now() - started});
	if (end && 'error' in end) return failed(classifyErrno(end.error.errno, end.error.message));
	if (!end || !collected || unreadable !== null) return failed({state: 'error', errno: 'EPROBE', message: `listing process exited ${'code' in outcome ? outcome.code : outcome.how}: ${unreadable ?? ('stderrTail' in outcome ? lastStderrLine(outcome.stderrTail) : '')}`});
	if (end.unchanged && since) return mergeDatadirChanges(since.previous, collected.files, Date.now(), Date.now() - started);
	return {at: Date.now(), state: 'ok', directory, files: collected.files, tookMs: Date.now() - started, ...(collected.directoryMtimeMs === undefined ? {} : {directoryMtimeMs: collected.directoryMtimeMs})};
}

/**
 * Every entry of `directory` with its apparent and allocated size, mtime and kind (lstat; contents are never read), listed in a
 * child process. A child silent for `timeoutMs` is killed and the directory reported unresponsive; while
 * earlier ones are still stuck, no new child is started for the same directory.
 */
export async function listDatadir(directory: string, options: ListDatadirOptions): Promise<DatadirListing> {
	const started = Date.now();
	const collected = new Collected();
	let unreadable: string | null = null;
	const knownMtimeMs = knownMtime(options.since);
	if (options.since && knownMtimeMs !== undefined) {
		const unchanged = await restatIfUnchanged(directory, options.since.previous, knownMtimeMs, options.since.watch, options.timeoutMs);
		if (unchanged) return unchanged;
	}

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
			else collected.take(parsed);
		},
	});
	return listingOf(directory, collected, outcome, unreadable, started, options.since);
}

type Queued = {directories: readonly string[]; timeoutMs: number; resolve(listings: Map<string, DatadirListing>): void};
let queued: Queued[] | null = null;

/**
 * Several small directories (snapshot directories, Glance's working directories), each listed in full, by one
 * child in turn: one process rather than one each, and one for every call made in the same turn of the event
 * loop (the backups and Glance's directories are looked at together). A child silent for `timeoutMs` is killed;
 * the directories it had not finished are unresponsive, those it had are known. Keyed by directory, in the order given.
 */
export function listDirectories(directories: readonly string[], options: {timeoutMs: number}): Promise<Map<string, DatadirListing>> {
	if (directories.length === 0) return Promise.resolve(new Map());
	return new Promise(resolve => {
		if (!queued) {
			queued = [];
			setImmediate(() => void listQueued());
		}
		queued.push({directories, timeoutMs: options.timeoutMs, resolve});
	});
}

async function listQueued(): Promise<void> {
	const batch = queued ?? [];
	queued = null;
	const all = [...new Set(batch.flatMap(each => each.directories))];
	const listings = await listDirectoriesNow(all, {timeoutMs: Math.max(...batch.map(each => each.timeoutMs))});
	for (const each of batch) each.resolve(new Map(each.directories.map(directory => [directory, listings.get(directory)!])));
}

async function listDirectoriesNow(directories: readonly string[], options: {timeoutMs: number}): Promise<Map<string, DatadirListing>> {
	const listings = new Map<string, DatadirListing>();
	const started = Date.now();
	const collected = new Map<string, Collected>();
	let current: Collected | undefined;
	let unreadable: string | null = null;
	const outcome = await runChild({
		role: 'datadir-list',
		// Counted against the first: they sit side by side (beside the datadir, at the share's mount point).
		target: directories[0]!,
		request: {directories},
		timeoutMs: options.timeoutMs,
		timeoutIsSilence: true,
		onLine(message, line) {
			const parsed = message as (ChildLine | {directory: string}) | null;
			if (!parsed) unreadable = line.slice(0, 200);
			else if ('directory' in parsed) {
				current = new Collected();
				collected.set(parsed.directory, current);
			} else current?.take(parsed);
		},
	});
	for (const directory of directories) listings.set(directory, listingOf(directory, collected.get(directory), outcome, unreadable, started));
	return listings;
}
