// Long-lived probe workers, one per path, so a dashboard's probes cost no process each and a hang on one
// path never delays the probe of another. A request that misses its deadline marks its worker stuck: the
// supervisor kills or abandons it, and the next request gets a fresh worker (within the supervisor's bound).
import type {PathHealth} from '../../model/types.js';
import {lastStderrLine, startChild, type ChildEnd, type Supervised} from './supervisor.js';

// A worker nobody asked for this long is let go (a container restarted: its old /proc/PID/root path is gone).
const idleExitMs = 60_000;

export type ProbeReply =
	| {
			ok: true;
			latencyMs: number;
			entries: number;
			device: string;
			/** The path's mtime, as a plain stat's mtimeMs. */
			mtimeMs: number;
			statfs: {bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number};
			/** The names asked to be looked at again: lstat's size, mtimeMs, mode and blocks (gone ones left out). */
			restated?: Array<[name: string, size: number, mtimeMs: number, mode: number, blocks: number]>;
	  }
	| {ok: false; errno: string; message: string};

/** The worker's reply, or the health it implies when there is none (hung, crashed, could not start). */
export type ProbeAnswer = {replied: true; reply: ProbeReply} | {replied: false; health: PathHealth};

type Request = {timeoutMs: number; maxEntries: number; restat?: readonly string[]};
type Waiting = {sentAt: number; timer: NodeJS.Timeout; request: Request; retried: boolean; answer(answer: ProbeAnswer): void};
type Worker = {target: string; child: Supervised; waiting: Map<number, Waiting>; idle: NodeJS.Timeout | null};

const workers = new Map<string, Worker>();
let nextRequestId = 1;

function retire(worker: Worker): void {
	if (workers.get(worker.target) === worker) workers.delete(worker.target);
	if (worker.idle) clearTimeout(worker.idle);
}

function answerAll(worker: Worker, answer: (waiting: Waiting) => ProbeAnswer): void {
	for (const waiting of worker.waiting.values()) {
		clearTimeout(waiting.timer);
		waiting.answer(answer(waiting));
	}
	worker.waiting.clear();
}

/**
 * The worker ended by itself. A request it held is asked once more of a fresh worker: a worker that died
 * between two probes (killed, out of memory) says nothing about the share. A second end is the answer.
 */
function ended(worker: Worker, end: ChildEnd): void {
	retire(worker);
	const message = end.how === 'spawn-failed' ? `could not start the probe process: ${end.message}` : `probe process exited ${end.code ?? end.signal}: ${lastStderrLine(end.stderrTail)}`;
	const health: PathHealth = {state: 'error', errno: end.how === 'spawn-failed' ? 'ESPAWN' : 'EPROBE', message};
	for (const waiting of worker.waiting.values()) {
		clearTimeout(waiting.timer);
		if (waiting.retried || end.how === 'spawn-failed') waiting.answer({replied: false, health});
		else void ask(worker.target, waiting.request, true).then(waiting.answer);
	}
	worker.waiting.clear();
}

/** Missed a deadline: every request it holds is unanswered, and the worker is not asked again. */
function stuck(worker: Worker): void {
	retire(worker);
	const oldest = Math.min(...[...worker.waiting.values()].map(waiting => waiting.sentAt));
	void worker.child.kill(oldest);
	answerAll(worker, waiting => ({replied: false, health: {state: 'unresponsive', afterMs: Date.now() - waiting.sentAt}}));
}

function workerFor(target: string): Worker | {hungForMs: number} {
	const existing = workers.get(target);
	if (existing) return existing;
	let worker: Worker | undefined;
	const child = startChild({
		role: 'probe-worker',
		target,
		request: {path: target},
		stdin: true,
		unref: true,
		onLine(message) {
			const reply = message as (ProbeReply & {id: number}) | null;
			const waiting = reply && worker?.waiting.get(reply.id);
			if (!waiting || !worker) return;
			worker.waiting.delete(reply.id);
			clearTimeout(waiting.timer);
			const {id: _id, ...rest} = reply;
			waiting.answer({replied: true, reply: rest as ProbeReply});
			if (worker.waiting.size === 0) idleFrom(worker);
		},
		onEnd(end) {
			if (worker) ended(worker, end);
		},
	});
	if ('refused' in child) return {hungForMs: child.hungForMs};
	worker = {target, child, waiting: new Map(), idle: null};
	workers.set(target, worker);
	return worker;
}

function idleFrom(worker: Worker): void {
	if (worker.idle) clearTimeout(worker.idle);
	worker.idle = setTimeout(() => {
		retire(worker);
		worker.child.end();
	}, idleExitMs).unref();
}

/** statfs + stat + the first `maxEntries` names of `target` (+ an lstat of each `restat` name in it), by its worker, within `timeoutMs`. Never rejects. */
export function askProbeWorker(target: string, options: Request): Promise<ProbeAnswer> {
	return ask(target, options, false);
}

function ask(target: string, options: Request, retried: boolean): Promise<ProbeAnswer> {
	const worker = workerFor(target);
	if (!('child' in worker)) return Promise.resolve({replied: false, health: {state: 'unresponsive', afterMs: worker.hungForMs}});
	if (worker.idle) clearTimeout(worker.idle);
	worker.idle = null;
	const id = nextRequestId++;
	return new Promise(resolve => {
		const timer = setTimeout(() => stuck(worker), options.timeoutMs);
		worker.waiting.set(id, {sentAt: Date.now(), timer, request: options, retried, answer: resolve});
		worker.child.send({id, maxEntries: options.maxEntries, ...(options.restat ? {restat: options.restat} : {})});
	});
}

/** Let every worker go (each exits when its stdin closes): for the World's close(). */
export function closeProbeWorkers(): void {
	for (const worker of [...workers.values()]) {
		retire(worker);
		worker.child.end();
	}
}
