import {spawn, type ChildProcess} from 'node:child_process';
import type {FsStats, PathHealth} from '../../model/types.js';
import {siblingScript} from './child-io.js';

const childScript = siblingScript('fs-probe-child', import.meta.url);

/** Errnos that mean "mounted, but the server behind it is gone" rather than a local problem. */
const deadErrnos = new Set(['ENOTCONN', 'ESTALE', 'EIO', 'ENODEV', 'EHOSTDOWN', 'EHOSTUNREACH', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENXIO']);
const missingErrnos = new Set(['ENOENT', 'ENOTDIR']);

export type PathProbeResult = {health: PathHealth; stats: FsStats | null};

type ChildReply =
	| {ok: true; latencyMs: number; entries: number; device: string; statfs: {bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number}}
	| {ok: false; errno: string; message: string};

/** Children still stuck in the kernel after being killed (a hung FUSE/NFS request), by path. */
const stuck = new Map<string, {child: ChildProcess; since: number}>();

export function classifyErrno(errno: string, message: string): PathHealth {
	if (deadErrnos.has(errno)) return {state: 'dead', errno, message};
	if (missingErrnos.has(errno)) return {state: 'missing', errno, message};
	return {state: 'error', errno, message};
}

function toStats(reply: Extract<ChildReply, {ok: true}>['statfs']): FsStats {
	const bytesTotal = reply.blocks * reply.bsize;
	return {
		bytesTotal,
		bytesUsed: (reply.blocks - reply.bfree) * reply.bsize,
		bytesAvailable: reply.bavail * reply.bsize,
		inodesTotal: reply.files,
		inodesUsed: reply.files - reply.ffree,
		inodesFree: reply.ffree,
	};
}

/**
 * statfs + stat + readdir of `target` in a child process. Never blocks this process: after `timeoutMs`
 * the child is killed and the path reported unresponsive. While an earlier child for the same path is
 * still stuck, no new one is started (a hung share would otherwise collect one process per refresh).
 */
export async function probePath(target: string, options: {timeoutMs: number; maxEntries?: number}): Promise<PathProbeResult> {
	const previous = stuck.get(target);
	if (previous) {
		if (previous.child.exitCode === null && previous.child.signalCode === null) {
			return {health: {state: 'unresponsive', afterMs: Date.now() - previous.since}, stats: null};
		}
		stuck.delete(target);
	}

	const started = Date.now();
	const child = spawn(process.execPath, [childScript, JSON.stringify({path: target, maxEntries: options.maxEntries ?? 100_000})], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let errors = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));

	return new Promise<PathProbeResult>(resolve => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			// A process in uninterruptible sleep outlives SIGKILL; remember it and let it go.
			stuck.set(target, {child, since: started});
			child.unref();
			child.stdout.destroy();
			child.stderr.destroy();
			resolve({health: {state: 'unresponsive', afterMs: Date.now() - started}, stats: null});
		}, options.timeoutMs);

		child.on('error', error => {
			clearTimeout(timer);
			resolve({health: {state: 'error', errno: 'ESPAWN', message: `could not start the probe process: ${error.message}`}, stats: null});
		});
		child.on('close', code => {
			clearTimeout(timer);
			if (stuck.get(target)?.child === child) return;
			let reply: ChildReply;
			try {
				reply = JSON.parse(output) as ChildReply;
			} catch {
				resolve({health: {state: 'error', errno: 'EPROBE', message: `probe process exited ${code}: ${errors.trim().split('\n').at(-1) ?? 'no output'}`}, stats: null});
				return;
			}
			if (!reply.ok) {
				resolve({health: classifyErrno(reply.errno, reply.message), stats: null});
				return;
			}
			resolve({
				health: {state: 'responsive', latencyMs: reply.latencyMs, entries: reply.entries, device: reply.device},
				stats: toStats(reply.statfs),
			});
		});
	});
}
