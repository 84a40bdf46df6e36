// The share's snapshot directories and the backup marker, each read by the datadir-list child: a snapshot
// directory on a hung share blocks like the share, so the child is abandoned on timeout and said unreadable.
import path from 'node:path';
import {describeHealth} from '../../model/health.js';
import {snapshotDirectoryCandidates} from '../../model/backups.js';
import type {BackupFacts, BackupMarker, SnapshotDirectory} from '../../model/types.js';
import {listDatadir} from './datadir-list.js';

async function snapshotDirectory(directory: string, timeoutMs: number): Promise<SnapshotDirectory> {
	const listing = await listDatadir(directory, {timeoutMs});
	if (listing.state === 'ok') return {path: directory, state: 'found', snapshots: listing.files.filter(file => file.kind === 'directory').map(file => ({name: file.name, mtimeMs: file.mtimeMs}))};
	return listing.health.state === 'missing' ? {path: directory, state: 'absent'} : {path: directory, state: 'unreadable', reason: describeHealth(listing.health)};
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
		Promise.all(snapshotDirectoryCandidates(options.mountpoint, options.datadir).map(directory => snapshotDirectory(directory, options.timeoutMs))),
		options.marker ? marker(options.marker, options.timeoutMs) : Promise.resolve(null),
	]);
	return {at: Date.now(), snapshotDirectories, marker: found};
}
