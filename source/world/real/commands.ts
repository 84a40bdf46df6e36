// Runs a system command (umount, mount, ssh) as a child that can be killed on timeout, with its lines live.
import {spawn, type ChildProcess} from 'node:child_process';
import {shellQuote} from '../../model/shell.js';
import {splitLines, type LineSplitter} from './child-io.js';

export type CommandRun = {
	/** What ran, for messages: `umount -l /srv/glance`. */
	commandLine: string;
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	/** Killed after the deadline; when it outlived SIGKILL (stuck in the kernel) `stuck` is true as well. */
	timedOut: boolean;
	stuck: boolean;
	/** The command could not be started at all (not installed: ENOENT). */
	spawnError: {code: string; message: string} | null;
	/** An earlier run under the same key is still stuck: this one was not started. */
	blockedBy: {pid: number; sinceMs: number; commandLine: string} | null;
	/** stdout and stderr lines in the order they came, and stderr alone for error matching. */
	lines: string[];
	stderr: string[];
	tookMs: number;
};

export type RunOptions = {
	timeoutMs: number;
	onLine?: (line: string) => void;
	/** Runs sharing a key (a mount point) are not started while an earlier one is stuck in the kernel. */
	stuckKey?: string;
};

/** Children that outlived SIGKILL (an umount stuck on a hung FUSE/NFS request), by key. */
const stuckRuns = new Map<string, {child: ChildProcess; since: number; commandLine: string}>();

// After the command exits, its pipes may stay open in a grandchild it left behind (a mount daemon): wait this long at most.
const drainMs = 250;
// After SIGKILL, how long the command gets to vanish before it counts as stuck in the kernel.
const killGraceMs = 1000;

function isAlive(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

/**
 * Run `file args` with English messages (LC_ALL=C, so errors can be matched), no stdin and no controlling
 * terminal (its own session: an ssh password prompt fails instead of writing over the screen), in its own
 * process group so that a timeout kills helpers too (mount -> mount.fuse.sshfs -> ssh). Never rejects.
 */
export async function runCommand(file: string, args: readonly string[], options: RunOptions): Promise<CommandRun> {
	const commandLine = [file, ...args].map(shellQuote).join(' ');
	const started = Date.now();
	const base = {commandLine, exitCode: null, signal: null, timedOut: false, stuck: false, spawnError: null, blockedBy: null, lines: [], stderr: []};

	const key = options.stuckKey;
	const previous = key === undefined ? undefined : stuckRuns.get(key);
	if (previous && key !== undefined) {
		if (isAlive(previous.child)) return {...base, blockedBy: {pid: previous.child.pid ?? 0, sinceMs: Date.now() - previous.since, commandLine: previous.commandLine}, tookMs: 0};
		stuckRuns.delete(key);
	}

	const env: NodeJS.ProcessEnv = {...process.env, LC_ALL: 'C', LANG: 'C', SSH_ASKPASS_REQUIRE: 'never'};
	delete env['LANGUAGE'];
	const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe'], detached: true, env});
	const lines: string[] = [];
	const stderr: string[] = [];

	function lineSplitter(isError: boolean): LineSplitter {
		return splitLines(raw => {
			const line = raw.replace(/\r$/, '').trimEnd();
			if (line === '') return;
			lines.push(line);
			if (isError) stderr.push(line);
			options.onLine?.(line);
		});
	}
	const out = lineSplitter(false);
	const err = lineSplitter(true);
	child.stdout.setEncoding('utf8').on('data', out.push);
	child.stderr.setEncoding('utf8').on('data', err.push);

	return new Promise<CommandRun>(resolve => {
		let settled = false;
		const finish = (fields: Partial<CommandRun>): void => {
			if (settled) return;
			settled = true;
			clearTimeout(deadline);
			child.stdout.destroy();
			child.stderr.destroy();
			out.flush();
			err.flush();
			resolve({...base, exitCode: child.exitCode, signal: child.signalCode, lines, stderr, tookMs: Date.now() - started, ...fields});
		};

		const deadline = setTimeout(() => {
			killGroup(child);
			const grace = setTimeout(() => {
				// Still there after SIGKILL: in uninterruptible sleep on a hung share. Remember it and let it go.
				if (key !== undefined) stuckRuns.set(key, {child, since: started, commandLine});
				child.unref();
				finish({timedOut: true, stuck: true});
			}, killGraceMs);
			child.once('exit', () => {
				clearTimeout(grace);
				finish({timedOut: true});
			});
		}, options.timeoutMs);

		child.on('error', error => {
			const code = (error as NodeJS.ErrnoException).code ?? 'ESPAWN';
			finish({spawnError: {code, message: error.message}});
		});
		child.on('exit', () => {
			// A daemon the command started may hold our pipes: give late lines a moment, then stop listening.
			const drain = setTimeout(() => finish({}), drainMs);
			child.once('close', () => {
				clearTimeout(drain);
				finish({});
			});
		});
	});
}

function killGroup(child: ChildProcess): void {
	try {
		if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
	} catch {
		child.kill('SIGKILL');
	}
}
