// The one way this tool reads a file someone else wrote (globals.yml, openrc, clouds.yaml, fstab, mountinfo,
// a CA bundle): only a regular file, only up to a stated size. A device, a FIFO or an endless file named as a
// config is a problem naming its path, never a hang or an exhausted process.
import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs';
import {open} from 'node:fs/promises';
import {formatBytes} from '../../model/format.js';
import {fail, ok, problemFrom, type Problem, type Result} from '../../model/result.js';

/** Sizes no honest file of each kind comes near. */
export const fileLimits = {
	config: 1024 * 1024,
	/** A host with thousands of mounts (containers, snaps) stays far below this. */
	mountinfo: 16 * 1024 * 1024,
} as const;

export type BoundedRead = {
	/** What the file is, for problems: "globals.yml", "the openrc file". */
	what: string;
	maxBytes: number;
};

// O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever; O_NOCTTY: a tty never becomes ours.
const openFlags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** What a file that is not a regular file is, for problems: "a FIFO", "a character device". */
export function kindOf(stats: Stats): string {
	if (stats.isDirectory()) return 'a directory';
	if (stats.isFIFO()) return 'a FIFO';
	if (stats.isSocket()) return 'a socket';
	if (stats.isCharacterDevice()) return 'a character device';
	if (stats.isBlockDevice()) return 'a block device';
	return 'not a regular file';
}

function notRegular(file: string, options: BoundedRead, stats: Stats): Problem {
	return {reason: `${options.what} ${file} is ${kindOf(stats)}, not a regular file: not read`, hint: `point it at the real file`, errno: 'EINVAL'};
}

function tooLarge(file: string, options: BoundedRead): Problem {
	return {reason: `${options.what} ${file} is larger than ${formatBytes(options.maxBytes)}: not read`, hint: 'check the file (is it the right one?)', errno: 'EFBIG'};
}

function unreadable(file: string, options: BoundedRead, error: unknown): Problem {
	const problem = problemFrom(error);
	return {...problem, reason: `${options.what} ${file}: ${problem.reason}`};
}

const chunkBytes = 64 * 1024;

/** Chunks read so far; says when the file has gone past its limit, so reading can stop there. */
class Collected {
	private readonly chunks: Buffer[] = [];
	private length = 0;
	constructor(private readonly maxBytes: number) {}
	/** Adds what one read returned; false once the file is over its limit. */
	add(chunk: Buffer, bytesRead: number): boolean {
		this.chunks.push(chunk.subarray(0, bytesRead));
		this.length += bytesRead;
		return this.length <= this.maxBytes;
	}
	text(): string {
		return Buffer.concat(this.chunks, this.length).toString('utf8');
	}
}

/** The file's text, or why it was not read; ENOENT keeps its errno so a missing optional file can be told apart. */
export async function readBoundedText(file: string, options: BoundedRead): Promise<Result<string>> {
	let handle;
	try {
		handle = await open(file, openFlags);
	} catch (error) {
		return fail(unreadable(file, options, error));
	}
	try {
		const stats = await handle.stat();
		if (!stats.isFile()) return fail(notRegular(file, options, stats));
		// /proc files say size 0, so the size is what reading finds, and reading stops past the limit.
		const collected = new Collected(options.maxBytes);
		for (;;) {
			const chunk = Buffer.allocUnsafe(chunkBytes);
			const {bytesRead} = await handle.read(chunk, 0, chunkBytes, null);
			if (bytesRead === 0) return ok(collected.text());
			if (!collected.add(chunk, bytesRead)) return fail(tooLarge(file, options));
		}
	} catch (error) {
		return fail(unreadable(file, options, error));
	} finally {
		await handle.close();
	}
}

/** The same, for the few reads made while settings are resolved, before anything async runs. */
export function readBoundedTextSync(file: string, options: BoundedRead): Result<string> {
	let descriptor: number;
	try {
		descriptor = openSync(file, openFlags);
	} catch (error) {
		return fail(unreadable(file, options, error));
	}
	try {
		const stats = fstatSync(descriptor);
		if (!stats.isFile()) return fail(notRegular(file, options, stats));
		const collected = new Collected(options.maxBytes);
		for (;;) {
			const chunk = Buffer.allocUnsafe(chunkBytes);
			const bytesRead = readSync(descriptor, chunk, 0, chunkBytes, null);
			if (bytesRead === 0) return ok(collected.text());
			if (!collected.add(chunk, bytesRead)) return fail(tooLarge(file, options));
		}
	} catch (error) {
		return fail(unreadable(file, options, error));
	} finally {
		closeSync(descriptor);
	}
}

/** The mount table a process sees (self, or a container's first process). */
export function readMountinfo(pid: number | 'self'): Promise<Result<string>> {
	return readBoundedText(`/proc/${pid}/mountinfo`, {what: 'mountinfo', maxBytes: fileLimits.mountinfo});
}

/** The same, read at once (/proc never hangs): for work that must be asked for in the same turn. */
export function readMountinfoSync(pid: number | 'self'): Result<string> {
	return readBoundedTextSync(`/proc/${pid}/mountinfo`, {what: 'mountinfo', maxBytes: fileLimits.mountinfo});
}

/** An fstab's text: /etc/fstab, or the file --fstab names. */
export function readFstab(file: string): Promise<Result<string>> {
	return readBoundedText(file, {what: 'fstab', maxBytes: fileLimits.config});
}
