// Runs in its own process: what lies in the datadir's directory under the share's mount point. Each look runs
// `unshare -m --propagation private` with a read-only, non-recursive bind of the parent filesystem, so the
// host's namespace never sees a mount and the share on top is not in the bind. Self-contained (node: builtins
// only) so Node can run it straight from source or from dist.
// Requests (argv[2], JSON): {op: 'list'}, {op: 'hash', name}, {op: 'recover', name, shareDirectory, ...}.
// Writes JSON lines: {"progress": {phase, done, total}}, then one of {"listing": ...}, {"hashed": ...},
// {"recovered": ...}, {"refused": {reason, ...}} or {"error": {errno, message}}.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmod, chown, link, lstat, mkdtemp, open, opendir, rename, rmdir, stat, unlink} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {Transform, Writable, type Readable} from 'node:stream';

type Base = {parentMountpoint: string; relativeDirectory: string};
type Request =
	| (Base & {op: 'list'})
	| (Base & {op: 'hash'; name: string; algorithm: string})
	| (Base & {op: 'recover'; name: string; algorithm: string; expected: string; expectedSize: number | null; shareDirectory: string});

const kinds: Record<string, string> = {f: 'file', d: 'directory', l: 'symlink', p: 'fifo', s: 'socket', c: 'char-device', b: 'block-device'};
const progressEveryMs = 200;
// The bind: mount it or say so with a code of its own; the tmpdir is the child's, removed after.
const bindFailed = 90;
const bindScript = 'mount --bind -o ro -- "$1" "$2" || exit 90; ';

function write(message: unknown): void {
	process.stdout.write(JSON.stringify(message) + '\n');
}

/** A temporary copy on the share that is not the image file yet: removed however the child fails. */
let temporaryCopy: string | null = null;

async function failWith(error: unknown): Promise<never> {
	if (temporaryCopy) await unlink(temporaryCopy).catch(() => {});
	const errno = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
	write({error: {errno, message: error instanceof Error ? error.message : String(error)}});
	process.exit(0);
}

/** `sh -c script` inside a private mount namespace with the parent filesystem bound read-only at a fresh tmpdir. */
async function underMount(request: Base, script: string, args: string[]): Promise<{stdout: Readable; done: Promise<{code: number | null; stderr: string}>}> {
	const scratch = await mkdtemp(path.join(os.tmpdir(), 'glance-inspector-under-'));
	const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', bindScript + script, 'sh', request.parentMountpoint, scratch, request.relativeDirectory, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
	const done = new Promise<{code: number | null; stderr: string}>(resolve => {
		child.on('error', error => resolve({code: -1, stderr: error.message}));
		child.on('close', code => resolve({code, stderr}));
	}).finally(() => rmdir(scratch).catch(() => {}));
	return {stdout: child.stdout, done};
}

function childProblem(end: {code: number | null; stderr: string}): {errno: string; message: string} {
	const said = end.stderr.trim().split('\n').at(-1) ?? '';
	if (end.code === -1) return {errno: 'ENOENT', message: `could not run unshare: ${said}`};
	if (end.code === bindFailed || /unshare failed|Operation not permitted/.test(said)) return {errno: 'EPERM', message: `the private read-only bind of the parent filesystem failed: ${said || `exit ${end.code}`}`};
	return {errno: 'EIO', message: said || `exit ${end.code}`};
}

async function list(request: Base): Promise<void> {
	const started = Date.now();
	const {stdout, done} = await underMount(request, 'cd -- "$2/$3" 2>/dev/null || { echo NODIR; exit 0; }; find . -mindepth 1 -maxdepth 1 -printf "%s %T@ %y %b %P\\0"', []);
	const chunks: Buffer[] = [];
	stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
	const end = await done;
	if (end.code !== 0) return void write({error: childProblem(end)});
	const text = Buffer.concat(chunks).toString('utf8');
	if (text.startsWith('NODIR')) return void write({listing: {files: [], directoryExists: false, tookMs: Date.now() - started}});
	const files = text
		.split('\0')
		.filter(record => record !== '')
		.map(record => {
			const [size, mtime, type, blocks, ...name] = record.split(' ');
			return {name: name.join(' '), size: Number(size), mtimeMs: Math.round(Number(mtime) * 1000), kind: kinds[type ?? ''] ?? 'other', allocated: Number(blocks) * 512};
		});
	write({listing: {files, directoryExists: true, tookMs: Date.now() - started}});
}

function discard(): Writable {
	return new Writable({write: (_chunk, _encoding, callback) => callback()});
}

/** Counts bytes through a stream and says how far it got, at most every progressEveryMs. */
function progress(phase: string, total: number | null, hash: ReturnType<typeof createHash>): Transform & {bytes(): number} {
	let done = 0;
	let last = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			done += chunk.length;
			hash.update(chunk);
			const now = Date.now();
			if (now - last >= progressEveryMs) {
				last = now;
				write({progress: {phase, done, total}});
			}
			callback(null, chunk);
		},
	});
	return Object.assign(counter, {bytes: () => done});
}

/** The hidden file's bytes through `sink`, hashed on the way: its digest and length. */
async function readHidden(request: Base & {name: string; algorithm: string}, phase: string, total: number | null, sink: Writable | null): Promise<{digest: string; bytes: number}> {
	const {stdout, done} = await underMount(request, 'exec cat -- "$2/$3/$4"', [request.name]);
	const hash = createHash(request.algorithm);
	const counter = progress(phase, total, hash);
	await pipeline(stdout, counter, sink ?? discard()).catch(failWith);
	const end = await done;
	if (end.code !== 0) await failWith(Object.assign(new Error(childProblem(end).message), {code: childProblem(end).errno}));
	return {digest: hash.digest('hex'), bytes: counter.bytes()};
}

/** A file on the share read back and hashed: what Glance will serve. */
async function hashOnShare(file: string, algorithm: string, total: number | null): Promise<{digest: string; bytes: number}> {
	const handle = await open(file, 'r');
	const hash = createHash(algorithm);
	const counter = progress('verify', total, hash);
	await pipeline(handle.createReadStream(), counter, discard());
	return {digest: hash.digest('hex'), bytes: counter.bytes()};
}

/** Owner and mode like the other image files on the share (the first one found), else the directory's owner and 0640. */
async function neighbourLike(directory: string, except: string): Promise<{uid: number; gid: number; mode: number; from: string}> {
	const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
	const dir = await opendir(directory);
	let looked = 0;
	for await (const entry of dir) {
		if (!entry.isFile() || entry.name === except || !uuid.test(entry.name)) continue;
		const stats = await lstat(path.join(directory, entry.name)).catch(() => null);
		// Leaving the loop closes the directory.
		if (stats?.isFile()) return {uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o777, from: entry.name};
		if (++looked > 100) break;
	}
	const own = await stat(directory);
	// No image file to copy from: the directory's owner, and the mode Glance's file store gives its files.
	return {uid: own.uid, gid: own.gid, mode: 0o640, from: directory};
}

async function exists(file: string): Promise<boolean> {
	return lstat(file).then(
		() => true,
		(error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : failWith(error)),
	);
}

/** Put a hidden file back: hash checked, copied through a temporary name, fsync, renamed without overwriting, checked again. */
async function recover(request: Extract<Request, {op: 'recover'}>): Promise<void> {
	const started = Date.now();
	const final = path.join(request.shareDirectory, request.name);
	if (await exists(final)) return void write({refused: {reason: 'exists', file: final}});
	const first = await readHidden(request, 'hash', request.expectedSize, null);
	if (first.digest !== request.expected || (request.expectedSize !== null && first.bytes !== request.expectedSize)) {
		return void write({refused: {reason: 'mismatch', actual: first.digest, bytes: first.bytes}});
	}
	const temporary = path.join(request.shareDirectory, `.${request.name}.recovering`);
	const handle = await open(temporary, 'wx').catch(failWith);
	temporaryCopy = temporary;
	// Written through the handle it keeps, so it can be fsync'ed before it is closed.
	const intoHandle = new Writable({write: (chunk: Buffer, _encoding, callback) => void handle.write(chunk).then(() => callback(), callback)});
	const copied = await readHidden(request, 'copy', request.expectedSize, intoHandle);
	await handle.sync();
	await handle.close();
	// Read back from the share before it takes the image's name: a bad copy never becomes the image file.
	const onShare = await hashOnShare(temporary, request.algorithm, request.expectedSize);
	if (copied.digest !== request.expected || onShare.digest !== request.expected) {
		await unlink(temporary).catch(() => {});
		const actual = copied.digest === request.expected ? onShare.digest : copied.digest;
		return void write({refused: {reason: 'changed', actual, bytes: copied.bytes}});
	}
	const like = await neighbourLike(request.shareDirectory, request.name);
	await chown(temporary, like.uid, like.gid).catch(failWith);
	await chmod(temporary, like.mode).catch(failWith);
	// link() fails if the name exists: never an overwrite. Filesystems without hard links get a checked rename.
	const linked = await link(temporary, final).then(
		() => true,
		(error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? 'exists' : false),
	);
	if (linked === 'exists') {
		await unlink(temporary).catch(() => {});
		return void write({refused: {reason: 'exists', file: final}});
	}
	if (linked) await unlink(temporary);
	else if (await exists(final)) {
		await unlink(temporary).catch(() => {});
		return void write({refused: {reason: 'exists', file: final}});
	} else await rename(temporary, final);
	temporaryCopy = null;
	const directory = await open(request.shareDirectory, 'r').catch(() => null);
	const directorySynced = directory ? await directory.sync().then(() => true, () => false) : false;
	await directory?.close().catch(() => {});
	write({
		recovered: {
			file: final,
			bytes: copied.bytes,
			digestOnShare: onShare.digest,
			bytesOnShare: onShare.bytes,
			uid: like.uid,
			gid: like.gid,
			mode: like.mode,
			likeFrom: like.from,
			renamedBy: linked ? 'link' : 'rename',
			directorySynced,
			tookMs: Date.now() - started,
		},
	});
}

const request = JSON.parse(process.argv[2] ?? '{}') as Request;
try {
	if (request.op === 'list') await list(request);
	else if (request.op === 'hash') {
		const hashed = await readHidden(request, 'hash', null, null);
		write({hashed});
	} else await recover(request);
} catch (error) {
	await failWith(error);
}
