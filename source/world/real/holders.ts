import path from 'node:path';
import {normalizeMountPath} from '../../model/mount.js';
import type {Holder} from '../world.js';
import {runChild} from './supervisor.js';

export const defaultHoldersTimeoutMs = 10_000;

type ChildLine =
	| {holder: {pid: number; how: Holder['how']; path: string; comm: string; user: string | null}}
	| {command: {pid: number; command: string}}
	| {done: number};

/**
 * Processes of this mount namespace whose cwd, root, open or mapped files are at or under `mountpoint`,
 * one entry per process and way of holding, as `fuser -vm` lists them; this process is left out. The scan
 * runs in a child: reading another process's maps or cmdline can block behind a page fault on a hung share.
 * At the deadline the child is killed and what it found so far is returned, with `comm` as the command.
 */
export async function mountHolders(mountpoint: string, options: {timeoutMs?: number} = {}): Promise<Holder[]> {
	const target = normalizeMountPath(path.posix.resolve(mountpoint));
	const holders: Holder[] = [];
	const commands = new Map<number, string>();

	function take(parsed: ChildLine | null): void {
		if (!parsed) return;
		if ('holder' in parsed) {
			const {comm, ...holder} = parsed.holder;
			holders.push({...holder, command: comm});
		} else if ('command' in parsed) {
			commands.set(parsed.command.pid, parsed.command.command);
		}
	}

	// Whatever it found before it ended or missed the deadline counts.
	await runChild({
		role: 'holders',
		target,
		request: {mountpoint: target, skip: [process.pid]},
		timeoutMs: options.timeoutMs ?? defaultHoldersTimeoutMs,
		onLine: message => take(message as ChildLine | null),
	});
	return holders.map(holder => ({...holder, command: commands.get(holder.pid) ?? holder.command}));
}
