// Runs in its own process: readdir + lstat of every entry of one directory. On a hung share these block
// forever, so the parent kills or abandons this process instead of losing one of its own threads.
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
// Writes JSON lines: {"directoryMtimeMs": n}, {"entries": [[name, size, mtimeMs, kind, allocated], ...]} batches, then
// {"done": count, "unchanged"?: true, "parallel"?: bool} or {"error": ...}. Given the mtime it saw last and the
// directory still has it, only the `watch` names are lstat'ed (uploads in progress grow without touching the
// directory's mtime).
// Given `directories` (small ones: snapshot directories, Glance's working directories), it lists each in turn,
// each announced by {"directory": path}: one process for all of them rather than one each.
import {isAscii} from 'node:buffer';
import {lstatSync, type Stats} from 'node:fs';
import {lstat, opendir, stat} from 'node:fs/promises';
import path from 'node:path';

/** `oneAtATimeMs`: how long a batch may take one lstat at a time before the rest go to the pool (default 20). */
type ListRequest = {directory: string; knownMtimeMs?: number; watch?: string[]; oneAtATimeMs?: number};
type ManyRequest = {directories: string[]};
type Kind = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device' | 'other';
/** `allocated`: blocks * 512, what the entry takes on disk (less than `size` for a sparse file). */
type Entry = [name: string, size: number, mtimeMs: number, kind: Kind, allocated: number];
type EntryStats = {size: number; mtimeMs: number; blocks: number; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean};

// Batches flushed by size or age, so the parent sees steady progress on a slow share.
const batchBytes = 64 * 1024;
const batchAgeMs = 200;
const lstatBatch = 256;
// A share mostly answers lstat from its attribute cache (NFS's READDIRPLUS, sshfs's own cache): then one lstat after
// another costs half the CPU of a pool of them (10,000 entries: ~100 ms against ~250 ms, beside Glance's pages) and
// is no slower. A batch that takes longer than this one lstat at a time is making round trips: the rest go to the
// pool, in parallel, for good.
const defaultOneAtATimeMs = 20;
let inParallel = false;

let pending: string[] = [];
let pendingBytes = 0;
let lastFlush = performance.now();

function write(line: string): Promise<void> {
	return new Promise(resolve => {
		if (process.stdout.write(line + '\n')) resolve();
		else process.stdout.once('drain', () => resolve());
	});
}

async function flush(): Promise<void> {
	if (pending.length === 0) return;
	const line = `{"entries":[${pending.join(',')}]}`;
	pending = [];
	pendingBytes = 0;
	lastFlush = performance.now();
	await write(line);
}

function add(entry: Entry): void {
	// As JSON.stringify(entry) would write it, without walking the array: only the name needs quoting.
	const json = `[${JSON.stringify(entry[0])},${entry[1]},${entry[2]},"${entry[3]}",${entry[4]}]`;
	pending.push(json);
	pendingBytes += json.length;
}

/** An lstat that found the entry gone (removed between readdir and lstat) gives null; any other error is the listing's. */
function goneIsNull(error: unknown): null {
	if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
	throw error;
}

/** The listing's error as its last line (entries not yet sent are dropped: the listing failed). */
async function reportFailure(error: unknown): Promise<void> {
	pending = [];
	pendingBytes = 0;
	const errno = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
	const message = error instanceof Error ? error.message : String(error);
	await write(JSON.stringify({error: {errno, message}}));
}

function kindOf(stats: EntryStats): Kind {
	if (stats.isFile()) return 'file';
	if (stats.isDirectory()) return 'directory';
	if (stats.isSymbolicLink()) return 'symlink';
	if (stats.isFIFO()) return 'fifo';
	if (stats.isSocket()) return 'socket';
	if (stats.isCharacterDevice()) return 'char-device';
	if (stats.isBlockDevice()) return 'block-device';
	return 'other';
}

function entryOf(name: string, stats: EntryStats): Entry {
	return [name, stats.size, stats.mtimeMs, kindOf(stats), stats.blocks * 512];
}

async function restat(request: ListRequest): Promise<void> {
	let count = 0;
	for (const name of request.watch ?? []) {
		const stats = await lstat(path.join(request.directory, name)).catch(goneIsNull);
		if (!stats) continue;
		count++;
		add(entryOf(name, stats));
	}
	await flush();
	await write(JSON.stringify({done: count, unchanged: true}));
}

async function list(request: ListRequest): Promise<void> {
	const directoryStats = await stat(request.directory);
	await write(JSON.stringify({directoryMtimeMs: directoryStats.mtimeMs}));
	if (request.knownMtimeMs === directoryStats.mtimeMs) return restat(request);
	// Streamed, so a huge directory shows progress; names as bytes, so one that is not UTF-8 can still be lstat'ed.
	const directory = await opendir(request.directory, {encoding: 'buffer' as BufferEncoding, bufferSize: 1024});
	const oneAtATimeMs = request.oneAtATimeMs ?? defaultOneAtATimeMs;
	const directoryText = request.directory + path.sep;
	const directoryBytes = Buffer.from(directoryText);
	/** An ASCII name (Glance's are UUIDs) joined as text; any other as bytes, exactly as readdir gave them. */
	const pathOf = (name: Buffer): string | Buffer => (isAscii(name) ? directoryText + name.toString('latin1') : Buffer.concat([directoryBytes, name]));
	let count = 0;
	function lstatNow(name: Buffer): Entry | null {
		let stats: Stats;
		try {
			stats = lstatSync(pathOf(name));
		} catch (error) {
			return goneIsNull(error);
		}
		return entryOf(name.toString('utf8'), stats);
	}
	// One lstat at a time while they come from a cache; once a batch is slow, all at once: libuv's pool (sized by the
	// parent) bounds how many run in parallel.
	async function describe(names: Buffer[]): Promise<void> {
		const described: Array<Entry | null> = [];
		let next = 0;
		const started = performance.now();
		while (!inParallel && next < names.length) {
			described.push(lstatNow(names[next++]!));
			if (performance.now() - started > oneAtATimeMs) inParallel = true;
		}
		const rest = names.slice(next).map(name =>
			lstat(pathOf(name)).then(
				stats => entryOf(name.toString('utf8'), stats),
				goneIsNull,
			),
		);
		if (rest.length > 0) described.push(...(await Promise.all(rest)));
		for (const entry of described) {
			if (!entry) continue;
			count++;
			add(entry);
		}
		if (pendingBytes >= batchBytes || performance.now() - lastFlush >= batchAgeMs) await flush();
	}
	let names: Buffer[] = [];
	// Read in turn, not through the async iterator: a promise per entry costs more than the readdir.
	for (let entry = directory.readSync(); entry !== null; entry = directory.readSync()) {
		names.push(entry.name as unknown as Buffer);
		if (names.length >= lstatBatch) {
			await describe(names);
			names = [];
		}
	}
	directory.closeSync();
	await describe(names);
	await flush();
	// Whether the lstats went to the pool: what the share's answers looked like, for whoever reads the lines.
	await write(JSON.stringify({done: count, parallel: inParallel}));
}

async function listOrReport(request: ListRequest): Promise<void> {
	await list(request).catch(reportFailure);
}

const request = JSON.parse(process.argv[2] ?? '{}') as ListRequest | ManyRequest;
if ('directories' in request) {
	for (const directory of request.directories) {
		await write(JSON.stringify({directory}));
		await listOrReport({directory});
	}
} else await listOrReport(request);
// Lstats of a failed batch may still be in flight: they must not keep the process.
process.exit(0);
