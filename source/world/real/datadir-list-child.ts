// Runs in its own process: readdir + lstat of every entry of one directory. On a hung share these block
// forever, so the parent kills or abandons this process instead of losing one of its own threads.
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
// Writes JSON lines: {"directoryMtimeMs": n}, {"entries": [[name, size, mtimeMs, kind, allocated], ...]} batches, then
// {"done": count, "unchanged"?: true} or {"error": ...}. Given the mtime it saw last and the directory still has
// it, only the `watch` names are lstat'ed (uploads in progress grow without touching the directory's mtime).
import {lstat, opendir, stat} from 'node:fs/promises';
import path from 'node:path';

type ListRequest = {directory: string; knownMtimeMs?: number; watch?: string[]};
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

async function fail(error: unknown): Promise<never> {
	const errno = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
	const message = error instanceof Error ? error.message : String(error);
	await write(JSON.stringify({error: {errno, message}}));
	process.exit(0);
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
		const stats = await lstat(path.join(request.directory, name)).catch((error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? null : fail(error)));
		if (!stats) continue;
		count++;
		add(entryOf(name, stats));
	}
	await flush();
	await write(JSON.stringify({done: count, unchanged: true}));
}

async function list(request: ListRequest): Promise<void> {
	const directoryStats = await stat(request.directory).catch(fail);
	await write(JSON.stringify({directoryMtimeMs: directoryStats.mtimeMs}));
	if (request.knownMtimeMs === directoryStats.mtimeMs) return restat(request);
	// Streamed, so a huge directory shows progress; names as bytes, so one that is not UTF-8 can still be lstat'ed.
	const directory = await opendir(request.directory, {encoding: 'buffer' as BufferEncoding, bufferSize: 1024}).catch(fail);
	const directoryBytes = Buffer.from(request.directory + path.sep);
	let count = 0;
	// Each batch is lstat'ed all at once: libuv's pool (sized by the parent) bounds how many run in parallel.
	async function describe(names: Buffer[]): Promise<void> {
		const described = await Promise.all(
			names.map(name =>
				lstat(Buffer.concat([directoryBytes, name])).then(
					stats => entryOf(name.toString('utf8'), stats),
					// Removed between readdir and lstat: it is simply gone.
					(error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? null : fail(error)),
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
	try {
		for await (const entry of directory) {
			names.push(entry.name as unknown as Buffer);
			if (names.length >= lstatBatch) {
				await describe(names);
				names = [];
			}
		}
	} catch (error) {
		await fail(error);
	}
	await describe(names);
	await flush();
	await write(JSON.stringify({done: count}));
}

await list(JSON.parse(process.argv[2] ?? '{}') as ListRequest);
