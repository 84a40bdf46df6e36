// Runs in its own process: reads one image file once and hashes it. On a hung share a read blocks forever,
// so the parent kills this process (on cancel or when progress stalls) instead of losing one of its threads.
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
// Writes JSON lines: {"size": n}, then {"progress": bytesDone} at most every progressIntervalMs, then
// {"done": {"bytes": n, "digests": {algorithm: hex}}} or {"error": {"errno", "message"}}.
import {createHash} from 'node:crypto';
import {open} from 'node:fs/promises';
import {Worker} from 'node:worker_threads';

type HashRequest = {path: string; algorithms: string[]; progressIntervalMs: number};

const chunkBytes = 4 * 1024 * 1024;
// A network share answers two reads at once faster than one after the other (sshfs: 4.0 s -> 3.2 s a GiB).
const readsInFlight = 2;
// Enough slots for the reads in flight, the chunk this thread hashes, and a worker lagging a little.
const slotCount = readsInFlight + 4;

// Extra algorithms (md5 beside sha512) hash the same shared buffers in their own threads: two cores, one read.
const hasherSource = `
const {parentPort, workerData} = require('node:worker_threads');
const {createHash} = require('node:crypto');
const hash = createHash(workerData.algorithm);
const slots = workerData.slots.map(shared => Buffer.from(shared));
parentPort.on('message', message => {
	if (message.end) {
		parentPort.postMessage({digest: hash.digest('hex')});
		return;
	}
	hash.update(slots[message.slot].subarray(0, message.length));
	parentPort.postMessage({slot: message.slot});
});
`;

function emit(message: unknown): void {
	process.stdout.write(JSON.stringify(message) + '\n');
}

function fail(error: unknown): never {
	const errno = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
	const message = error instanceof Error ? error.message : String(error);
	emit({error: {errno, message}});
	process.exit(0);
}

type Hasher = {algorithm: string; worker: Worker; digest: Promise<string>};

async function hashFile(request: HashRequest): Promise<void> {
	const [primaryAlgorithm, ...extraAlgorithms] = request.algorithms;
	if (!primaryAlgorithm) fail(new Error('no algorithm requested'));
	const primary = createHash(primaryAlgorithm);
	const shared = Array.from({length: slotCount}, () => new SharedArrayBuffer(chunkBytes));
	const slots = shared.map(buffer => Buffer.from(buffer));
	// Workers still hashing each slot; a slot is refilled only when they all have finished with it.
	const busy = new Array<number>(slotCount).fill(0);
	const waiters: Array<() => void> = [];

	const hashers: Hasher[] = extraAlgorithms.map(algorithm => {
		const worker = new Worker(hasherSource, {eval: true, workerData: {algorithm, slots: shared}});
		worker.on('error', fail);
		const digest = new Promise<string>(resolve => {
			worker.on('message', (message: {slot?: number; digest?: string}) => {
				if (message.digest !== undefined) {
					resolve(message.digest);
					return;
				}
				if (message.slot === undefined) return;
				busy[message.slot] = (busy[message.slot] ?? 1) - 1;
				for (const wake of waiters.splice(0)) wake();
			});
		});
		return {algorithm, worker, digest};
	});

	async function free(slot: number): Promise<void> {
		while ((busy[slot] ?? 0) > 0) await new Promise<void>(resolve => waiters.push(resolve));
	}

	const file = await open(request.path, 'r').catch(fail);
	const stats = await file.stat().catch(fail);
	emit({size: stats.size});
	// A regular file is read at known offsets, several at once; a pipe has none and is read one chunk at a time.
	const positional = stats.isFile();
	const reads: Array<{slot: number; done: Promise<{bytesRead: number}>}> = [];
	let nextSlot = 0;
	let nextOffset = 0;

	async function readAhead(): Promise<void> {
		const slot = nextSlot;
		nextSlot = (nextSlot + 1) % slotCount;
		await free(slot);
		reads.push({slot, done: file.read(slots[slot] ?? Buffer.alloc(0), 0, chunkBytes, positional ? nextOffset : null)});
		nextOffset += chunkBytes;
	}

	let bytesDone = 0;
	let lastReport = performance.now();
	for (let read = 0; read < (positional ? readsInFlight : 1); read++) await readAhead();
	for (;;) {
		const {slot, done} = reads.shift() ?? fail(new Error('no read in flight'));
		const {bytesRead} = await done.catch(fail);
		if (bytesRead === 0) break;
		// The next reads run in libuv's pool while this thread hashes the chunk just read.
		await readAhead();
		primary.update((slots[slot] ?? Buffer.alloc(0)).subarray(0, bytesRead));
		busy[slot] = hashers.length;
		for (const hasher of hashers) hasher.worker.postMessage({slot, length: bytesRead});
		bytesDone += bytesRead;
		const now = performance.now();
		if (now - lastReport >= request.progressIntervalMs) {
			lastReport = now;
			emit({progress: bytesDone});
		}
		// A short read of a regular file is its end: the reads beyond it have nothing to add.
		if (positional && bytesRead < chunkBytes) break;
	}
	await Promise.all(reads.map(pending => pending.done.catch(() => {})));
	await file.close();

	const digests: Record<string, string> = {[primaryAlgorithm]: primary.digest('hex')};
	for (const hasher of hashers) hasher.worker.postMessage({end: true});
	for (const hasher of hashers) {
		digests[hasher.algorithm] = await hasher.digest;
		await hasher.worker.terminate();
	}
	emit({done: {bytes: bytesDone, digests}});
}

await hashFile(JSON.parse(process.argv[2] ?? '{}') as HashRequest);
