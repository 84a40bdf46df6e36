// Under the share's mount point: the datadir's directory on the parent filesystem, looked at and put back from
// in the under-mount child (a private mount namespace, a read-only bind; nothing is mounted on the host).
import {formatDuration} from '../../model/format.js';
import {parseMountinfo} from '../../model/mountinfo.js';
import {placeUnderMount, type UnderMountPlace} from '../../model/shadowed.js';
import type {DatadirFile, GlanceImage, UnderMountListing} from '../../model/types.js';
import type {RecoveryOutcome, RecoveryProgress} from '../world.js';
import {readMountinfo} from './bounded-file.js';
import {expectation} from './checksum.js';
import {lastStderrLine, runChild, type RunOutcome} from './supervisor.js';

type ChildLine =
	| {progress: RecoveryProgress}
	| {listing: {files: DatadirFile[]; directoryExists: boolean; tookMs: number}}
	| {hashed: {digest: string; bytes: number}}
	| {recovered: {file: string; bytes: number; digestOnShare: string; bytesOnShare: number; uid: number; gid: number; mode: number; likeFrom: string; tookMs: number}}
	| {refused: {reason: 'exists'; file: string} | {reason: 'mismatch' | 'changed'; actual: string; bytes: number}}
	| {error: {errno: string; message: string}};

const needsRoot = {
	reason: 'looking under the mount point needs root: it takes a private mount namespace (unshare -m) and a read-only bind mount',
	hint: 'Run as root (sudo glance-inspector) to find images written under the mount point while the share was not mounted',
};

/** Where the datadir lies under its mount point right now, or why there is nothing to look under. */
async function currentPlace(datadir: string): Promise<UnderMountPlace | {problem: string}> {
	const mountinfo = await readMountinfo('self');
	if (!mountinfo.ok) return {problem: mountinfo.problem.reason};
	return placeUnderMount(datadir, parseMountinfo(mountinfo.value));
}

function outcomeProblem(outcome: RunOutcome, what: string): string {
	switch (outcome.how) {
		case 'timed-out':
			return `${what}: no answer for ${formatDuration(outcome.afterMs)}`;
		case 'refused':
			return `${what}: an earlier one is still stuck`;
		case 'cancelled':
			return `${what}: cancelled`;
		case 'spawn-failed':
			return `${what}: could not start: ${outcome.message}`;
		case 'exited':
			return `${what}: the process exited ${outcome.code}: ${lastStderrLine(outcome.stderrTail)}`;
	}
}

/** The datadir's entries under the share's mount point; 'not-mounted' when nothing lies on top; 'unknown' with why. */
export async function lookUnderMount(datadir: string, options: {timeoutMs: number; uid?: number}): Promise<UnderMountListing> {
	const at = Date.now();
	const place = await currentPlace(datadir);
	if ('problem' in place) return {at, state: 'unknown', reason: `the mount table could not be read: ${place.problem}`, hint: 'Run as root'};
	if (place.state === 'not-mounted') return {at, state: 'not-mounted', parentMountpoint: place.parentMountpoint};
	if ((options.uid ?? process.getuid?.() ?? 0) !== 0) return {at, state: 'unknown', ...needsRoot};
	let answer: ChildLine | null = null;
	const outcome = await runChild({
		role: 'under-mount',
		target: `${place.parentMountpoint} (under ${place.shareMountpoint})`,
		request: {op: 'list', parentMountpoint: place.parentMountpoint, relativeDirectory: place.relativeDirectory},
		timeoutMs: options.timeoutMs,
		onLine: message => {
			if (message && !('progress' in (message as object))) answer = message as ChildLine;
		},
	});
	const said = answer as ChildLine | null;
	if (said && 'listing' in said) return {at: Date.now(), state: 'ok', parentMountpoint: place.parentMountpoint, hiddenDirectory: datadir, files: said.listing.files, tookMs: said.listing.tookMs};
	if (said && 'error' in said) return {at, state: 'unknown', reason: `looking under ${place.shareMountpoint} failed: ${said.error.message}`, hint: said.error.errno === 'EPERM' ? needsRoot.hint : 'Check that unshare and mount (util-linux) are installed'};
	return {at, state: 'unknown', reason: outcomeProblem(outcome, `looking under ${place.shareMountpoint}`), hint: 'Try again; if it keeps failing, check the parent filesystem'};
}

/** Put one hidden image file back onto the share (see the child's recover): every way it ends is a value. */
export async function recoverShadowed(datadir: string, image: GlanceImage, options: {timeoutMs: number; onProgress?: (progress: RecoveryProgress) => void; signal?: AbortSignal}): Promise<RecoveryOutcome> {
	const wanted = expectation(image);
	if (typeof wanted === 'string') return {state: 'failed', reason: wanted};
	const place = await currentPlace(datadir);
	if ('problem' in place) return {state: 'failed', reason: `the mount table could not be read: ${place.problem}`};
	if (place.state === 'not-mounted') return {state: 'failed', reason: `the share is not mounted at ${datadir}: nothing is hidden, there is nowhere to put it back`};
	if ((process.getuid?.() ?? 0) !== 0) return {state: 'failed', reason: needsRoot.reason};
	let answer: ChildLine | null = null;
	const outcome = await runChild({
		role: 'under-mount',
		target: datadir,
		request: {op: 'recover', parentMountpoint: place.parentMountpoint, relativeDirectory: place.relativeDirectory, name: image.id, algorithm: wanted.algorithm, expected: wanted.expected, expectedSize: image.size, shareDirectory: datadir},
		// Progress comes every 200 ms while bytes move: silence means the share (or the disk) stopped.
		timeoutMs: options.timeoutMs,
		timeoutIsSilence: true,
		...(options.signal ? {signal: options.signal} : {}),
		onLine: message => {
			const line = message as ChildLine | null;
			if (!line) return;
			if ('progress' in line) options.onProgress?.(line.progress);
			else answer = line;
		},
	});
	const said = answer as ChildLine | null;
	if (said && 'recovered' in said) {
		const done = said.recovered;
		if (done.digestOnShare !== wanted.expected || (image.size !== null && done.bytesOnShare !== image.size)) {
			return {state: 'failed', reason: `the copy on the share (${done.file}) reads back with a different ${wanted.algorithm} (${done.digestOnShare.slice(0, 16)}…): check the share; the file under the mount point is untouched`};
		}
		return {state: 'recovered', file: done.file, bytes: done.bytes, algorithm: wanted.algorithm, digestOnShare: done.digestOnShare, uid: done.uid, gid: done.gid, mode: done.mode, likeFrom: done.likeFrom, tookMs: done.tookMs};
	}
	if (said && 'refused' in said) {
		const refused = said.refused;
		if (refused.reason === 'exists') return {state: 'exists', file: refused.file};
		if (refused.reason === 'mismatch') return {state: 'mismatch', algorithm: wanted.algorithm, expected: wanted.expected, actual: refused.actual, bytes: refused.bytes};
		return {state: 'failed', reason: `the copy did not read back as Glance's ${wanted.algorithm} (${refused.actual.slice(0, 16)}…): the temporary copy was removed, nothing took the image's name; the file under the mount point is untouched`};
	}
	if (said && 'error' in said) return {state: 'failed', reason: `${said.error.errno}: ${said.error.message}`};
	return {state: 'failed', reason: outcomeProblem(outcome, `putting ${image.id} back`)};
}
