// The one place that starts a child process of this tool. A child may touch a share that hangs; the
// supervisor gives it a deadline, kills it when it misses one, and abandons a killed child that does not
// die (stuck in the kernel on a hung FUSE/NFS request): never waited on, counted, bounded per target.
import {spawn, type ChildProcess} from 'node:child_process';
import {isSea} from 'node:sea';
import {fileURLToPath} from 'node:url';
import {parseJsonLine, splitLines} from './child-io.js';

/** What a child does; each role is one program that reads its request and writes JSON lines. */
export type ChildRole = 'probe-worker' | 'datadir-list' | 'checksum' | 'holders' | 'under-mount';

/** Killed children still alive that a target may have before no new child is started for it. */
export const maxStuckPerTarget = 2;

// How long a cancelled child gets to vanish before the caller is told anyway (it may be stuck in the kernel).
const cancelGraceMs = 1000;
// Enough of a child's stderr to name why it failed.
const stderrTailChars = 4000;

/** In the single executable, the first arguments that start it again as a child role (its entry reads them). */
export const childRoleArgument = '--child-role';

/**
 * Which program runs `role`, with its request. The only place that knows: the single executable has no
 * scripts beside it, so it is `process.execPath` started again with the role; no caller changes.
 */
export function roleCommand(role: ChildRole, request: unknown): {command: string; args: string[]} {
	if (isSea()) return {command: process.execPath, args: [childRoleArgument, role, JSON.stringify(request)]};
	// Beside this file: TypeScript when running from source (tests), JavaScript from dist.
	const script = fileURLToPath(new URL(`./${role}-child.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));
	return {command: process.execPath, args: [script, JSON.stringify(request)]};
}

/** What the ledger needs of a child: whether it has exited, and to hear when it does. */
export type Abandoned = Pick<ChildProcess, 'pid' | 'exitCode' | 'signalCode' | 'once'>;

type Stuck = {child: Abandoned; role: ChildRole; since: number};

/** Killed children not yet seen to exit, by target: what a hung share has cost so far. */
export class StuckLedger {
	private readonly byTarget = new Map<string, Set<Stuck>>();

	constructor(readonly maxPerTarget: number) {}

	/** Counted from `since` (when it stopped answering) until it is seen to exit; one already gone is not. */
	add(target: string, role: ChildRole, child: Abandoned, since: number): void {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const entry: Stuck = {child, role, since};
		const stuck = this.byTarget.get(target) ?? new Set<Stuck>();
		this.byTarget.set(target, stuck.add(entry));
		child.once('exit', () => {
			stuck.delete(entry);
			if (stuck.size === 0 && this.byTarget.get(target) === stuck) this.byTarget.delete(target);
		});
	}

	/** When the oldest stuck child of `target` stopped answering, once the target has as many as it may. */
	fullSince(target: string): number | null {
		const stuck = this.byTarget.get(target);
		if (!stuck || stuck.size < this.maxPerTarget) return null;
		return Math.min(...[...stuck].map(entry => entry.since));
	}

	/** Every stuck child, for the screen to say how many a hung share holds. */
	list(): Array<{target: string; role: ChildRole; pid: number; sinceMs: number}> {
		const now = Date.now();
		return [...this.byTarget].flatMap(([target, stuck]) => [...stuck].map(entry => ({target, role: entry.role, pid: entry.child.pid ?? 0, sinceMs: now - entry.since})));
	}
}

/** The one ledger of this process's stuck children; `stuckChildren.list().length` is the count to show. */
export const stuckChildren = new StuckLedger(maxStuckPerTarget);

export type ChildEnd =
	| {how: 'exited'; code: number | null; signal: NodeJS.Signals | null; stderrTail: string}
	| {how: 'spawn-failed'; message: string};

export type StartOptions = {
	role: ChildRole;
	/** What the child touches (a path): stuck children are counted and bounded per target. */
	target: string;
	request: unknown;
	/** A pipe to the child's stdin: a long-lived worker takes requests there and exits when it closes. */
	stdin?: boolean;
	/** A long-lived worker must not keep this process running by itself: the caller's own timers do while it waits. */
	unref?: boolean;
	env?: NodeJS.ProcessEnv;
	/** Each JSON line the child writes; null for a line that is not JSON. */
	onLine: (message: unknown, line: string) => void;
	/** Once, however the child ends; not called for a child this side killed. */
	onEnd: (end: ChildEnd) => void;
};

export type Supervised = {
	readonly pid: number | undefined;
	/** One JSON line to a worker's stdin; false when the child is gone. */
	send(message: unknown): boolean;
	/** Close its stdin: a worker finishes and exits. */
	end(): void;
	/** SIGKILL; a child that outlives it is abandoned and counted stuck until it dies. Resolves true once it is gone, false after `graceMs`. */
	kill(hungSince?: number, graceMs?: number): Promise<boolean>;
};

export type StartRefused = {refused: true; hungForMs: number};

/**
 * Start `role` for `target`, unless the target already has `maxStuckPerTarget` stuck children (a hung
 * share would otherwise collect one process per refresh): then say how long it has been hung.
 */
export function startChild(options: StartOptions): Supervised | StartRefused {
	const hungSince = stuckChildren.fullSince(options.target);
	if (hungSince !== null) return {refused: true, hungForMs: Date.now() - hungSince};

	const {command, args} = roleCommand(options.role, options.request);
	const child = spawn(command, args, {stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], ...(options.env ? {env: options.env} : {})});
	let killed = false;
	let ended = false;
	let stderrTail = '';

	function end(result: ChildEnd): void {
		if (ended || killed) return;
		ended = true;
		options.onEnd(result);
	}

	const stdout = splitLines(line => {
		if (line.trim() !== '') options.onLine(parseJsonLine(line), line);
	});
	child.stdout?.setEncoding('utf8').on('data', stdout.push);
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-stderrTailChars)));
	// A worker that died leaves a broken pipe; its end is reported through 'close', not as an exception here.
	child.stdin?.on('error', () => {});
	child.on('error', error => end({how: 'spawn-failed', message: error.message}));
	if (options.unref) {
		child.unref();
		for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as {unref?: () => void} | null)?.unref?.();
	}
	child.on('close', (code, signal) => {
		if (killed) return;
		stdout.flush();
		end({how: 'exited', code, signal, stderrTail});
	});

	return {
		pid: child.pid,
		send(message) {
			if (killed || ended || !child.stdin?.writable) return false;
			child.stdin.write(JSON.stringify(message) + '\n');
			return true;
		},
		end() {
			child.stdin?.end();
		},
		kill(since = Date.now(), graceMs = 0) {
			if (!killed && !ended) {
				killed = true;
				child.kill('SIGKILL');
				abandon(child, options, since);
			}
			return gone(child, graceMs);
		},
	};
}

/** Counted stuck until it is seen to exit; never waited on, its pipes let go. */
function abandon(child: ChildProcess, options: StartOptions, since: number): void {
	stuckChildren.add(options.target, options.role, child, since);
	child.unref();
	child.stdin?.destroy();
	child.stdout?.destroy();
	child.stderr?.destroy();
}

function gone(child: ChildProcess, graceMs: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise(resolve => {
		const grace = setTimeout(() => resolve(false), graceMs);
		child.once('exit', () => {
			clearTimeout(grace);
			resolve(true);
		});
	});
}

export type RunOutcome =
	| ChildEnd
	/** Missed its deadline (or said nothing for `timeoutMs`): killed, or abandoned if it would not die. */
	| {how: 'timed-out'; afterMs: number}
	| {how: 'cancelled'}
	/** Not started: earlier children for the same target are still stuck, the oldest for `afterMs`. */
	| {how: 'refused'; afterMs: number};

export type RunOptions = Omit<StartOptions, 'onEnd' | 'stdin'> & {
	timeoutMs: number;
	/** The deadline restarts with every line: for a child that reports progress (a listing, a long read). */
	timeoutIsSilence?: boolean;
	signal?: AbortSignal;
};

/** A child that does one job and exits: started, watched to its deadline, and how it ended. Never rejects. */
export function runChild(options: RunOptions): Promise<RunOutcome> {
	const {signal, timeoutMs, timeoutIsSilence = false} = options;
	if (signal?.aborted) return Promise.resolve({how: 'cancelled'});
	return new Promise(resolve => {
		const started = Date.now();
		let lastHeard = started;
		let timer: NodeJS.Timeout | undefined;
		const handle = startChild({
			...options,
			onLine(message, line) {
				if (timeoutIsSilence) {
					lastHeard = Date.now();
					arm();
				}
				options.onLine(message, line);
			},
			onEnd(end) {
				finish(end);
			},
		});
		if ('refused' in handle) {
			resolve({how: 'refused', afterMs: handle.hungForMs});
			return;
		}
		const child = handle;

		function finish(outcome: RunOutcome): void {
			clearTimeout(timer);
			signal?.removeEventListener('abort', cancel);
			resolve(outcome);
		}

		function arm(): void {
			clearTimeout(timer);
			timer = setTimeout(() => {
				void child.kill(lastHeard);
				finish({how: 'timed-out', afterMs: Date.now() - (timeoutIsSilence ? lastHeard : started)});
			}, timeoutMs);
		}

		function cancel(): void {
			clearTimeout(timer);
			void child.kill(Date.now(), cancelGraceMs).then(() => finish({how: 'cancelled'}));
		}

		arm();
		signal?.addEventListener('abort', cancel, {once: true});
	});
}

/** The last line a failed child wrote to stderr, to name why in one line. */
export function lastStderrLine(stderrTail: string): string {
	return stderrTail.trim().split('\n').at(-1) || 'no output';
}
