// The share's snapshot directories (all by one datadir-list child) and the backup marker: a snapshot directory
// on a hung share blocks like the share, so the child is abandoned on timeout and said unreadable.
import path from 'node:path';
import {describeHealth} from '../../model/health.js';
import {snapshotDirectoryCandidates} from '../../model/backups.js';
import type {BackupFacts, BackupMarker, SnapshotDirectory} from '../../model/types.js';
import type {DatadirListing} from '../../model/types.js';
import {listDatadir, listDirectories} from './datadir-list.js';

function snapshotDirectory(directory: string, listing: DatadirListing | undefined): SnapshotDirectory {
	if (listing?.state === 'ok') return {path: directory, state: 'found', snapshots: listing.files.filter(file => file.kind === 'directory').map(file => ({name: file.name, mtimeMs: file.mtimeMs}))};
	if (!listing || listing.health.state === 'missing') return {path: directory, state: 'absent'};
	return {path: directory, state: 'unreadable', reason: describeHealth(listing.health)};
}

/** A marker file's mtime, or a mirror directory's newest entry (its own mtime when it is empty). */
async function marker(file: string, timeoutMs: number): Promise<BackupMarker> {
	const parent = await listDatadir(path.posix.dirname(file), {timeoutMs});
	if (parent.state !== 'ok') return parent.health.state === 'missing' ? {path: file, state: 'missing'} : {path: file, state: 'unreadable', reason: describeHealth(parent.health)};
	const entry = parent.files.find(each => each.name === path.posix.basename(file));
	if (!entry) return {path: file, state: 'missing'};
	if (entry.kind !== 'directory') return {path: file, state: 'found', kind: 'file', mtimeMs: entry.mtimeMs};
	const mirror = await listDatadir(file, {timeoutMs});
	if (mirror.state !== 'ok') return {path: file, state: 'unreadable', reason: describeHealth(mirror.health)};
	const newest = Math.max(entry.mtimeMs, ...mirror.files.map(each => each.mtimeMs));
	return {path: file, state: 'found', kind: 'directory', mtimeMs: newest};
}

export async function probeBackups(options: {mountpoint: string | null; datadir: string; marker: string | null; timeoutMs: number}): Promise<BackupFacts> {
	const [snapshotDirectories, found] = await Promise.all([
		(async () => {
			const candidates = snapshotDirectoryCandidates(options.mountpoint, options.datadir);
			const listings = await listDirectories(candidates, {timeoutMs: options.timeoutMs});
			return candidates.map(directory => snapshotDirectory(directory, listings.get(directory)));
		})(),
		options.marker ? marker(options.marker, options.timeoutMs) : Promise.resolve(null),
	]);
	return {at: Date.now(), snapshotDirectories, marker: found};
}
