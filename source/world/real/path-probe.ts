import type {FsStats, PathHealth} from '../../model/types.js';
import {healthEntriesBound} from '../../model/health.js';
import {askProbeWorker, type ProbeReply} from './probe-worker.js';

/** Errnos that mean "mounted, but the server behind it is gone" rather than a local problem. */
const deadErrnos = new Set(['ENOTCONN', 'ESTALE', 'EIO', 'ENODEV', 'EHOSTDOWN', 'EHOSTUNREACH', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENXIO']);
const missingErrnos = new Set(['ENOENT', 'ENOTDIR']);

export type PathProbeResult = {health: PathHealth; stats: FsStats | null};

export function classifyErrno(errno: string, message: string): PathHealth {
	if (deadErrnos.has(errno)) return {state: 'dead', errno, message};
	if (missingErrnos.has(errno)) return {state: 'missing', errno, message};
	return {state: 'error', errno, message};
}

function toStats(reply: Extract<ProbeReply, {ok: true}>['statfs']): FsStats {
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
 * Does `target` answer: statfs + stat + the first few names (at most `healthEntriesBound`, so a directory
 * of a million entries answers as fast as an empty one), by a long-lived worker. Never blocks this process:
 * after `timeoutMs` the path is unresponsive, and its worker is abandoned and replaced.
 */
export async function probePath(target: string, options: {timeoutMs: number; maxEntries?: number}): Promise<PathProbeResult> {
	const maxEntries = Math.min(options.maxEntries ?? healthEntriesBound, healthEntriesBound);
	const answer = await askProbeWorker(target, {timeoutMs: options.timeoutMs, maxEntries});
	if (!answer.replied) return {health: answer.health, stats: null};
	const reply = answer.reply;
	if (!reply.ok) return {health: classifyErrno(reply.errno, reply.message), stats: null};
	return {
		health: {state: 'responsive', latencyMs: reply.latencyMs, entries: reply.entries, device: reply.device},
		stats: toStats(reply.statfs),
	};
}
