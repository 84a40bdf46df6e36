import {spawn, type ChildProcess} from 'node:child_process';
import type {DatadirFile, DatadirListing} from '../../model/types.js';
import {classifyErrno} from './path-probe.js';
import {parseJsonLine, siblingScript, splitLines} from './child-io.js';

const childScript = siblingScript('datadir-list-child', import.meta.url);

type ChildLine =
	| {entries: Array<[name: string, size: number, mtimeMs: number, kind: DatadirFile['kind']]>}
	| {done: number}
	| {error: {errno: string; message: string}};

export type ListDatadirOptions = {
	/** How long the child may go without reporting anything before the share counts as hung. */
	timeoutMs: number;
	/** lstat calls in flight at once: a network share answers many small requests faster in parallel. */
	concurrency?: number;
};

/** Children still stuck in the kernel after being killed (a hung FUSE/NFS request), by directory. */
const stuck = new Map<string, {child: ChildProcess; since: number}>();

/**
 * Every entry of `directory` with its size, mtime and kind (lstat; contents are never read), listed in a
 * child process. A child silent for `timeoutMs` is killed and the directory reported unresponsive; while
 * it is still stuck, no new child is started for the same directory.
 */
export async function listDatadir(directory: string, options: ListDatadirOptions): Promise<DatadirListing> {
	const previous = stuck.get(directory);
	if (previous) {
		if (previous.child.exitCode === null && previous.child.signalCode === null) {
			return {at: Date.now(), state: 'failed', directory, health: {state: 'unresponsive', afterMs: Date.now() - previous.since}};
		}
		stuck.delete(directory);
	}

	const started = Date.now();
	const child = spawn(process.execPath, [childScript, JSON.stringify({directory})], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {...process.env, UV_THREADPOOL_SIZE: String(options.concurrency ?? 16)},
	});
	const files: DatadirFile[] = [];
	let finished: {done: number} | {error: {errno: string; message: string}} | null = null;
	let unreadable: string | null = null;
	let errors = '';

	function take(line: string): void {
		if (line === '') return;
		const parsed = parseJsonLine<ChildLine>(line);
		if (!parsed) {
			unreadable = line.slice(0, 200);
			return;
		}
		if ('entries' in parsed) {
			for (const [name, size, mtimeMs, kind] of parsed.entries) files.push({name, size, mtimeMs, kind});
		} else {
			finished ??= parsed;
		}
	}

	return new Promise<DatadirListing>(resolve => {
		let timer = setTimeout(giveUp, options.timeoutMs);

		function giveUp(): void {
			child.kill('SIGKILL');
			// A process in uninterruptible sleep outlives SIGKILL; remember it and let it go.
			stuck.set(directory, {child, since: started});
			child.unref();
			child.stdout.destroy();
			child.stderr.destroy();
			resolve({at: Date.now(), state: 'failed', directory, health: {state: 'unresponsive', afterMs: Date.now() - started}});
		}

		// 50,000 entries arrive over many chunks, and one JSON line may span two.
		const stdout = splitLines(take);
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			clearTimeout(timer);
			timer = setTimeout(giveUp, options.timeoutMs);
			stdout.push(chunk);
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors = (errors + chunk).slice(-4000)));

		child.on('error', error => {
			clearTimeout(timer);
			resolve({at: Date.now(), state: 'failed', directory, health: {state: 'error', errno: 'ESPAWN', message: `could not start the listing process: ${error.message}`}});
		});
		child.on('close', code => {
			clearTimeout(timer);
			if (stuck.get(directory)?.child === child) return;
			stdout.flush();
			const outcome = finished as ChildLine | null;
			if (outcome && 'error' in outcome) {
				resolve({at: Date.now(), state: 'failed', directory, health: classifyErrno(outcome.error.errno, outcome.error.message)});
				return;
			}
			if (!outcome || unreadable !== null) {
				const why = unreadable ?? (errors.trim().split('\n').at(-1) || 'no output');
				resolve({at: Date.now(), state: 'failed', directory, health: {state: 'error', errno: 'EPROBE', message: `listing process exited ${code}: ${why}`}});
				return;
			}
			resolve({at: Date.now(), state: 'ok', directory, files, tookMs: Date.now() - started});
		});
	});
}
