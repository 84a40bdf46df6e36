import {spawn} from 'node:child_process';
import path from 'node:path';
import {normalizeMountPath} from '../../model/mount.js';
import type {Holder} from '../world.js';
import {parseJsonLine, siblingScript, splitLines} from './child-io.js';

const childScript = siblingScript('holders-child', import.meta.url);

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
	const child = spawn(process.execPath, [childScript, JSON.stringify({mountpoint: target, skip: [process.pid]})], {stdio: ['ignore', 'pipe', 'ignore']});
	const holders: Holder[] = [];
	const commands = new Map<number, string>();

	function take(line: string): void {
		const parsed = parseJsonLine<ChildLine>(line);
		if (!parsed) return;
		if ('holder' in parsed) {
			const {comm, ...holder} = parsed.holder;
			holders.push({...holder, command: comm});
		} else if ('command' in parsed) {
			commands.set(parsed.command.pid, parsed.command.command);
		}
	}

	child.stdout.setEncoding('utf8').on('data', splitLines(take).push);

	await new Promise<void>(resolve => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			child.unref();
			child.stdout.destroy();
			resolve();
		}, options.timeoutMs ?? defaultHoldersTimeoutMs);
		child.on('error', () => {
			clearTimeout(timer);
			resolve();
		});
		child.on('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
	return holders.map(holder => ({...holder, command: commands.get(holder.pid) ?? holder.command}));
}
