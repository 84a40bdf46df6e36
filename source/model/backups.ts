// Backups and snapshots of the datadir: the newest one this tool can see, its age, and the images newer than it
// (users' snapshots uploaded since are in no backup). Pure: the facts the World found come in, findings go out.
import path from 'node:path';
import {formatBytes, formatDuration} from './format.js';
import type {BackupFacts, Finding, GlanceImage} from './types.js';

/** Where snapshots of a share show: NetApp-style `.snapshot` (at the mount and in the directory) and ZFS's. */
export function snapshotDirectoryCandidates(mountpoint: string | null, datadir: string): string[] {
	const roots = [mountpoint, datadir].filter((root): root is string => root !== null);
	const candidates = roots.flatMap(root => [path.posix.join(root, '.snapshot'), path.posix.join(root, '.zfs', 'snapshot')]);
	return [...new Set(candidates)];
}

export type NewestBackup = {atMs: number; what: string};

/** The newest snapshot or marker time found, and what it is. */
export function newestBackup(facts: BackupFacts): NewestBackup | null {
	const found: NewestBackup[] = [];
	for (const directory of facts.snapshotDirectories) {
		if (directory.state !== 'found') continue;
		for (const snapshot of directory.snapshots) found.push({atMs: snapshot.mtimeMs, what: `snapshot ${path.posix.join(directory.path, snapshot.name)}`});
	}
	const marker = facts.marker;
	if (marker?.state === 'found') found.push({atMs: marker.mtimeMs, what: `backup marker ${marker.path}${marker.kind === 'directory' ? ' (newest entry of the mirror)' : ''}`});
	return found.reduce<NewestBackup | null>((newest, each) => (newest === null || each.atMs > newest.atMs ? each : newest), null);
}

function createdMs(image: GlanceImage): number | null {
	const created = image.createdAt ? Date.parse(image.createdAt) : Number.NaN;
	return Number.isNaN(created) ? null : created;
}

/** Images holding data that were created after `sinceMs`: in no backup yet. */
export function imagesNewerThan(images: readonly GlanceImage[], sinceMs: number): GlanceImage[] {
	return images.filter(image => image.status === 'active' && (createdMs(image) ?? Number.NEGATIVE_INFINITY) > sinceMs);
}

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

export type BackupContext = {now: number; maxAgeMs: number; images: readonly GlanceImage[] | null; customDatadirVolume: string | null};

/** No backup known, a stale one, images newer than the newest, and kolla-ansible destroy's reach. */
export function backupFindings(facts: BackupFacts | null | undefined, context: BackupContext): Finding[] {
	const findings: Finding[] = [];
	if (context.customDatadirVolume) {
		findings.push({
			id: 'kolla-destroy-wipes',
			severity: 'info',
			title: 'kolla-ansible destroy removes the datadir: users\' images go with it',
			evidence: [context.customDatadirVolume],
			action: 'Keep a copy of the datadir outside it before any kolla-ansible destroy, and never run destroy with --include-images on this host without one',
		});
	}
	if (!facts) return findings;
	const looked = facts.snapshotDirectories.map(directory => `${directory.path}: ${directory.state === 'unreadable' ? `unreadable (${directory.reason})` : directory.state === 'found' ? `${plural(directory.snapshots.length, 'snapshot', 'snapshots')}` : 'none'}`);
	const marker = facts.marker;
	const markerLine = marker === null ? 'backup marker: not configured (--backup-marker PATH)' : `backup marker ${marker.path}: ${marker.state === 'found' ? `touched ${formatDuration(Math.max(0, context.now - marker.mtimeMs))} ago` : marker.state === 'missing' ? 'missing' : `unreadable (${marker.reason})`}`;
	const newest = newestBackup(facts);
	const userImages = context.images?.filter(image => image.status === 'active') ?? [];
	if (!newest) {
		const bytes = userImages.reduce((sum, image) => sum + (image.size ?? 0), 0);
		findings.push({
			id: 'backup-none',
			// A marker that was configured and is not there is a backup that never ran; nothing configured is only unknown to this tool.
			severity: marker?.state === 'missing' ? 'warning' : 'info',
			title: marker?.state === 'missing' ? `The backup marker ${marker.path} does not exist: no backup has succeeded` : 'No backup or snapshot of the datadir is known to this tool',
			evidence: [...looked, markerLine, ...(context.images ? [`${plural(userImages.length, 'image', 'images')}, ${formatBytes(bytes)}, would have no copy`] : [])],
			action: 'Make sure the share has snapshots or a backup (the datadir holds users\' snapshots), and pass --backup-marker PATH: the file your backup job touches when it succeeds',
		});
		return findings;
	}
	const ageMs = Math.max(0, context.now - newest.atMs);
	if (ageMs > context.maxAgeMs) {
		findings.push({
			id: 'backup-stale',
			severity: 'warning',
			title: `The newest backup is ${formatDuration(ageMs)} old (more than ${formatDuration(context.maxAgeMs)})`,
			evidence: [`newest: ${newest.what}, ${new Date(newest.atMs).toISOString()}`, ...looked, markerLine],
			action: 'Check the backup or snapshot job: it has not succeeded since. Threshold: --backup-max-age HOURS',
		});
	}
	const unprotected = context.images ? imagesNewerThan(context.images, newest.atMs) : [];
	if (unprotected.length > 0) {
		const bytes = unprotected.reduce((sum, image) => sum + (image.size ?? 0), 0);
		const shown = unprotected.slice(0, 3).map(image => `${image.name ?? image.id} (${image.id})`).join(', ');
		findings.push({
			id: 'images-unprotected',
			severity: ageMs > context.maxAgeMs ? 'warning' : 'info',
			title: `${plural(unprotected.length, 'user image', 'user images')}, ${formatBytes(bytes)}, not in any backup`,
			evidence: [`created after the newest backup (${newest.what}, ${formatDuration(ageMs)} ago)`, `e.g. ${shown}${unprotected.length > 3 ? ` and ${unprotected.length - 3} more` : ''}`],
			action: 'They are in the next backup if it runs; until then the share is their only copy',
		});
	}
	return findings;
}
