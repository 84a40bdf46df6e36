import {getHashes} from 'node:crypto';
import {formatDuration} from '../../model/format.js';
import type {ChecksumOutcome, GlanceImage} from '../../model/types.js';
import {classifyErrno} from './path-probe.js';
import {lastStderrLine, runChild} from './supervisor.js';

export type VerifyChecksumOptions = {
	/** The fastest progress is reported; the UI redraws no more often than this. */
	progressIntervalMs?: number;
	/** No bytes read for this long: the share stopped answering and the read is abandoned. */
	stallTimeoutMs?: number;
};

type ChildLine =
	| {size: number}
	| {progress: number}
	| {done: {bytes: number; digests: Record<string, string>}}
	| {error: {errno: string; message: string}};

export type Expectation = {algorithm: string; expected: string; md5: string | null};

// Bytes/s is measured over this recent window, so a share that slows down shows it at once.
const rateWindowMs = 2000;

/** Glance names algorithms as hashlib does (`sha3_512`); node:crypto as OpenSSL does (`sha3-512`). */
function nodeAlgorithm(glanceAlgorithm: string): string {
	return glanceAlgorithm.trim().toLowerCase().replaceAll('_', '-');
}

export function expectation(image: GlanceImage): Expectation | string {
	const md5 = image.checksum?.trim().toLowerCase() || null;
	if (image.osHashAlgo && image.osHashValue) {
		const algorithm = nodeAlgorithm(image.osHashAlgo);
		if (!getHashes().includes(algorithm)) return `Glance's os_hash_algo "${image.osHashAlgo}" is not a hash this Node.js knows`;
		return {algorithm, expected: image.osHashValue.trim().toLowerCase(), md5: algorithm === 'md5' ? null : md5};
	}
	if (md5) return {algorithm: 'md5', expected: md5, md5: null};
	return 'Glance records no checksum for this image (neither os_hash_value nor checksum): nothing to compare with';
}

function errnoReason(errno: string, message: string): string {
	const text = message.startsWith(errno) ? message : `${errno}: ${message}`;
	return classifyErrno(errno, message).state === 'dead' ? `${text} — the share behind the datadir is gone` : text;
}

/**
 * Read `filePath` once in a child process and compare its digests with Glance's os_hash_value (and the md5
 * `checksum` when set). Progress comes as `running` outcomes; `signal` cancels (the child is killed); a read
 * that makes no progress for `stallTimeoutMs` is abandoned. Always resolves, never rejects.
 */
export async function verifyChecksum(
	filePath: string,
	image: GlanceImage,
	onProgress: (outcome: ChecksumOutcome) => void,
	signal: AbortSignal,
	options: VerifyChecksumOptions = {},
): Promise<ChecksumOutcome> {
	const progressIntervalMs = options.progressIntervalMs ?? 100;
	const stallTimeoutMs = options.stallTimeoutMs ?? 10_000;
	if (signal.aborted) return {state: 'cancelled', at: Date.now()};
	const wanted = expectation(image);
	if (typeof wanted === 'string') return {state: 'failed', reason: wanted, at: Date.now()};
	const expected: Expectation = wanted;

	const algorithms = expected.md5 === null ? [expected.algorithm] : [expected.algorithm, 'md5'];
	const startedAt = Date.now();
	let bytesTotal = image.size ?? 0;
	const samples: Array<{at: number; bytes: number}> = [{at: startedAt, bytes: 0}];
	let result: ChecksumOutcome | null = null;

	function advance(bytesDone: number): void {
		const now = Date.now();
		samples.push({at: now, bytes: bytesDone});
		while (samples.length > 2 && now - (samples[0]?.at ?? now) > rateWindowMs) samples.shift();
		const oldest = samples[0] ?? {at: startedAt, bytes: 0};
		const seconds = (now - oldest.at) / 1000;
		const bytesPerSecond = seconds > 0 ? Math.round((bytesDone - oldest.bytes) / seconds) : 0;
		onProgress({state: 'running', bytesDone, bytesTotal, startedAt, bytesPerSecond});
	}

	function take(parsed: ChildLine): void {
		if ('size' in parsed) {
			bytesTotal = parsed.size;
			advance(0);
		} else if ('progress' in parsed) {
			advance(parsed.progress);
		} else if ('error' in parsed) {
			result = {state: 'failed', reason: errnoReason(parsed.error.errno, parsed.error.message), at: Date.now()};
		} else {
			const actual = parsed.done.digests[expected.algorithm] ?? '';
			const md5Matches = expected.md5 === null ? null : parsed.done.digests['md5'] === expected.md5;
			result = {
				state: actual === expected.expected && md5Matches !== false ? 'ok' : 'checksum-mismatch',
				algorithm: expected.algorithm,
				expected: expected.expected,
				actual,
				md5Matches,
				bytes: parsed.done.bytes,
				tookMs: Date.now() - startedAt,
				at: Date.now(),
			};
		}
	}

	const outcome = await runChild({
		role: 'checksum',
		target: filePath,
		request: {path: filePath, algorithms, progressIntervalMs},
		// Every progress line shows the share still answers; silence this long means it stopped.
		timeoutMs: stallTimeoutMs,
		timeoutIsSilence: true,
		signal,
		onLine: message => message && take(message as ChildLine),
	});
	switch (outcome.how) {
		case 'cancelled':
			return {state: 'cancelled', at: Date.now()};
		case 'refused':
			return {state: 'failed', reason: `an earlier read of ${filePath} is still stuck on the share; it answers nothing`, at: Date.now()};
		case 'timed-out':
			return {state: 'failed', reason: `${filePath}: no data for ${formatDuration(outcome.afterMs)} — the share stopped answering`, at: Date.now()};
		case 'spawn-failed':
			return {state: 'failed', reason: `could not start the verify process: ${outcome.message}`, at: Date.now()};
		case 'exited':
			return result ?? {state: 'failed', reason: `verify process exited ${outcome.code}: ${lastStderrLine(outcome.stderrTail)}`, at: Date.now()};
	}
}
