// A long-lived worker for one path: on each request, statfs, stat and a bounded readdir (and an lstat of the
// names asked to be looked at again), answered as one JSON line. On a hung share these block forever, so the parent abandons this process when a request misses
// its deadline and starts another, instead of losing one of its own threads. Idle, it waits on stdin and
// costs nothing; it exits when stdin closes (the parent went away or let it go).
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
import {lstat, opendir, stat, statfs} from 'node:fs/promises';
import path from 'node:path';
import {createInterface} from 'node:readline';

type WorkerRequest = {path: string};
type ProbeRequest = {id: number; maxEntries: number; restat?: string[]};
/** An entry looked at again: its mode (type bits) and blocks as lstat gives them. */
type Restated = [name: string, size: number, mtimeMs: number, mode: number, blocks: number];

const target = (JSON.parse(process.argv[2] ?? '{}') as WorkerRequest).path;

// glibc's dev_t encoding, as /proc/<pid>/mountinfo prints major:minor.
function majorOf(dev: bigint): bigint {
	return ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
}

function minorOf(dev: bigint): bigint {
	return (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
}

/** The first `maxEntries` names only: "does it answer" must not cost a read of a 100,000-entry directory. */
async function countSome(maxEntries: number): Promise<number> {
	if (maxEntries <= 0) return 0;
	const directory = await opendir(target, {bufferSize: Math.max(1, maxEntries)});
	let entries = 0;
	// The iterator closes the directory on break and on error.
	for await (const entry of directory) {
		if (entry) entries++;
		if (entries >= maxEntries) break;
	}
	return entries;
}

/** Node's own mtimeMs (seconds * 1e3 + nanoseconds / 1e6), from a bigint stat: equal to what a plain stat gives. */
function mtimeMsOf(mtimeNs: bigint): number {
	return Number(mtimeNs / 1_000_000_000n) * 1e3 + Number(mtimeNs % 1_000_000_000n) / 1e6;
}

/** The names asked for, lstat'ed one by one; one that is gone is left out. */
async function restat(names: string[]): Promise<Restated[]> {
	const found: Restated[] = [];
	for (const name of names) {
		const stats = await lstat(path.join(target, name)).catch((error: unknown) => {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		});
		if (stats) found.push([name, stats.size, stats.mtimeMs, stats.mode, stats.blocks]);
	}
	return found;
}

async function probe(request: ProbeRequest): Promise<object> {
	const started = performance.now();
	try {
		const fsStats = await statfs(target);
		const pathStat = await stat(target, {bigint: true});
		const entries = await countSome(request.maxEntries);
		const restated = request.restat ? await restat(request.restat) : undefined;
		return {
			id: request.id,
			ok: true,
			latencyMs: Math.round(performance.now() - started),
			entries,
			device: `${majorOf(pathStat.dev)}:${minorOf(pathStat.dev)}`,
			mtimeMs: mtimeMsOf(pathStat.mtimeNs),
			...(restated ? {restated} : {}),
			statfs: {
				bsize: Number(fsStats.bsize),
				blocks: Number(fsStats.blocks),
				bfree: Number(fsStats.bfree),
				bavail: Number(fsStats.bavail),
				files: Number(fsStats.files),
				ffree: Number(fsStats.ffree),
			},
		};
	} catch (error) {
		const errno = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
		return {id: request.id, ok: false, errno, message: error instanceof Error ? error.message : String(error)};
	}
}

const requests = createInterface({input: process.stdin});
requests.on('line', line => {
	void probe(JSON.parse(line) as ProbeRequest).then(reply => process.stdout.write(JSON.stringify(reply) + '\n'));
});
// Requests still blocked in the kernel must not keep this process: the parent has stopped listening.
requests.on('close', () => process.exit(0));
