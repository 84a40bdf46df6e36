// Runs in its own process: readdir + lstat of every entry of one directory. On a hung share these block
// forever, so the parent kills or abandons this process instead of losing one of its own threads.
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
// Writes JSON lines: {"directoryMtimeMs": n}, {"entries": [[name, size, mtimeMs, kind, allocated], ...]} batches, then
// {"done": count, "unchanged"?: true} or {"error": ...}. Given the mtime it saw last and the directory still has
// it, only the `watch` names are lstat'ed (uploads in progress grow without touching the directory's mtime).
// Given `directories` (small ones: snapshot directories, Glance's working directories), it lists each in turn,
// each announced by {"directory": path}: one process for all of them rather than one each.
import {lstat, opendir, stat} from 'node:fs/promises';
import path from 'node:path';

type ListRequest = {directory: string; knownMtimeMs?: number; watch?: string[]};
type ManyRequest = {directories: string[]};
type Kind = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device' | 'other';
/** `allocated`: blocks * 512, what the entry takes on disk (less than `size` for a sparse file). */
type Entry = [name: string, size: number, mtimeMs: number, kind: Kind, allocated: number];
type EntryStats = {size: number; mtimeMs: number; blocks: number; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean};

// Batches flushed by size or age, so the parent sees steady progress on a slow share.
const batchBytes = 64 * 1024;
const batchAgeMs = 200;
const lstatBatch = 256;

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
	const json = JSON.stringify(entry);
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
	const directoryBytes = Buffer.from(request.directory + path.sep);
	let count = 0;
	// Each batch is lstat'ed all at once: libuv's pool (sized by the parent) bounds how many run in parallel.
	async function describe(names: Buffer[]): Promise<void> {
		const described = await Promise.all(
			names.map(name =>
				lstat(Buffer.concat([directoryBytes, name])).then(
					stats => entryOf(name.toString('utf8'), stats),
					goneIsNull,
				),
			),
		);
		for (const entry of described) {
			if (!entry) continue;
			count++;
			add(entry);
		}
		if (pendingBytes >= batchBytes || performance.now() - lastFlush >= batchAgeMs) await flush();
	}
	let names: Buffer[] = [];
	for await (const entry of directory) {
		names.push(entry.name as unknown as Buffer);
		if (names.length >= lstatBatch) {
			await describe(names);
			names = [];
		}
	}
	await describe(names);
	await flush();
	await write(JSON.stringify({done: count}));
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
