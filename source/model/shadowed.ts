// Images written under the mount point: while the share was not mounted, Glance kept writing into the bare
// directory on the parent filesystem; once the share is mounted over it, those files are hidden, not gone.
// Pure: where to look, the join with Glance's images, and the findings.
import path from 'node:path';
import {formatBytes} from './format.js';
import {findMountFor, normalizeMountPath} from './mount.js';
import type {DatadirFile, DatadirProbe, Finding, GlanceImage, Inventory, InventoryRow, MountEntry, Snapshot, UnderMountListing} from './types.js';

/** Where the datadir lies on the filesystem under its share, or that no share is mounted over it. */
export type UnderMountPlace =
	| {state: 'mounted'; shareMountpoint: string; parentMountpoint: string; relativeDirectory: string}
	| {state: 'not-mounted'; parentMountpoint: string};

/**
 * The share holding `datadir` and the filesystem its mount point sits on: binding that filesystem's mount point
 * (non-recursively) shows `relativeDirectory` as it is beneath the share. The root filesystem has nothing under it.
 */
export function placeUnderMount(datadir: string, mounts: readonly MountEntry[]): UnderMountPlace {
	const share = findMountFor(datadir, mounts);
	if (!share || share.mountPoint === '/') return {state: 'not-mounted', parentMountpoint: share?.mountPoint ?? '/'};
	const parent = findMountFor(path.posix.dirname(share.mountPoint), mounts.filter(mount => mount.mountPoint !== share.mountPoint)) ?? share;
	const relativeDirectory = path.posix.relative(parent.mountPoint, normalizeMountPath(datadir)) || '.';
	return {state: 'mounted', shareMountpoint: share.mountPoint, parentMountpoint: parent.mountPoint, relativeDirectory};
}

/** What the join reads of a look under the mount point: a round that found the same entries keeps the same key. */
export function underMountKey(listing: UnderMountListing | null | undefined): string {
	if (!listing) return 'none';
	if (listing.state !== 'ok') return `${listing.state}:${listing.state === 'unknown' ? listing.reason : listing.parentMountpoint}`;
	return `ok:${listing.parentMountpoint}:${listing.files.map(file => `${file.name}/${file.size}/${file.kind}`).join('|')}`;
}

/** The hidden regular files by name, when the look worked. */
export function hiddenFiles(listing: UnderMountListing | null | undefined): Map<string, DatadirFile> | null {
	if (listing?.state !== 'ok') return null;
	return new Map(listing.files.filter(file => file.kind === 'file').map(file => [file.name, file]));
}

/** Whether a hidden file can be put back as it is: Glance's size, when Glance recorded one. */
export function isRecoverable(image: GlanceImage, hidden: DatadirFile): boolean {
	return image.size === null || image.size === hidden.size;
}

/** The verdict of an image with no file on the share whose file lies under the mount point. */
export function judgeShadowed(image: GlanceImage, hidden: DatadirFile): {verdict: 'shadowed-file'; note: string} {
	const size = isRecoverable(image, hidden)
		? `${formatBytes(hidden.size)}${image.size === null ? '' : ' as Glance says'}: recoverable`
		: `${formatBytes(hidden.size)} but Glance says ${formatBytes(image.size ?? 0)}: not recoverable as it is`;
	return {verdict: 'shadowed-file', note: `no file on the share; its file lies under the mount point, on the parent filesystem (${size})`};
}

/** The rows a recovery puts back: shadowed, with a hidden file of Glance's size and a checksum to compare. */
export function recoverableRows(inventory: Inventory): Array<InventoryRow & {image: GlanceImage; hidden: DatadirFile}> {
	return inventory.rows.filter(
		(row): row is InventoryRow & {image: GlanceImage; hidden: DatadirFile} => row.verdict === 'shadowed-file' && row.image !== null && row.hidden !== undefined && isRecoverable(row.image, row.hidden),
	);
}

/** Entries under the mount point that are not a shadowed image's file: listed apart, never judged as images. */
export function otherHidden(listing: UnderMountListing | null | undefined, inventory: Inventory): DatadirFile[] {
	if (listing?.state !== 'ok') return [];
	const shadowed = new Set(inventory.rows.filter(row => row.verdict === 'shadowed-file').map(row => row.id));
	return listing.files.filter(file => !shadowed.has(file.name));
}

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

function names(files: readonly {name: string}[]): string {
	const shown = files.slice(0, 3).map(file => file.name).join(', ');
	return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}

/** A shell command run on the datadir as it lies under the mount point, in a private namespace the host never sees. */
export function underMountCommand(parentMountpoint: string, datadir: string, command: 'ls -la' | 'rm -i', name = ''): string {
	// Read-write only for the removal the operator types themselves.
	const readOnly = command === 'ls -la';
	const relative = path.posix.relative(parentMountpoint, datadir) || '.';
	const target = `"$d"/${relative}${name ? `/${name}` : ''}`;
	return `unshare -m --propagation private sh -c 'd=$(mktemp -d) && mount --bind${readOnly ? ' -o ro' : ''} ${parentMountpoint} "$d" && ${command} ${target}; umount "$d"; rmdir "$d"'`;
}

/** What lies under the mount point, and, while the share is not mounted, that uploads land on the parent filesystem now. */
export function underMountFindings(snapshot: Snapshot, inventory: Inventory): Finding[] {
	const findings: Finding[] = [];
	const listing = snapshot.underMount ?? null;
	const probe = snapshot.datadir;
	if (probe?.verdict === 'not-mounted') findings.push(uploadsOnRootDisk(probe, snapshot, inventory));
	if (listing?.state === 'unknown') {
		findings.push({id: 'under-mount-unknown', severity: 'info', title: 'Under the mount point was not looked at: images written there would not be seen', evidence: [listing.reason], action: listing.hint});
	}
	if (listing?.state !== 'ok') return findings;
	const shadowed = inventory.rows.filter(row => row.verdict === 'shadowed-file');
	if (shadowed.length > 0) {
		const recoverable = recoverableRows(inventory);
		const bytes = shadowed.reduce((sum, row) => sum + (row.hidden?.size ?? 0), 0);
		const notAsIs = shadowed.length - recoverable.length;
		findings.push({
			id: 'shadowed-files',
			severity: 'critical',
			title: `${plural(shadowed.length, 'image is', 'images are')} hidden under the mount point (${formatBytes(bytes)}): ${recoverable.length === shadowed.length ? 'recoverable' : `${recoverable.length} recoverable`}`,
			evidence: [
				`${plural(shadowed.length, 'image', 'images')}, ${formatBytes(bytes)}, written to ${listing.hiddenDirectory} on the parent filesystem (${listing.parentMountpoint}) while the share was not mounted`,
				`Glance lists ${shadowed.length === 1 ? 'it' : 'them'} as active, the share has no file: downloads and boots fail`,
				`e.g. ${shadowed
					.slice(0, 3)
					.map(row => `${row.image?.name ?? row.id} (${row.id})`)
					.join(', ')}${shadowed.length > 3 ? ` and ${shadowed.length - 3} more` : ''}`,
				...(notAsIs > 0 ? [`${plural(notAsIs, 'file has', 'files have')} a size Glance did not record: not put back`] : []),
			],
			action: 'Press Enter on this finding (or P in the image table) to put them back onto the share, each checked against Glance\'s hash; nothing on the share is overwritten and nothing under the mount point is deleted',
		});
	}
	const others = otherHidden(listing, inventory);
	if (others.length > 0) {
		const bytes = others.reduce((sum, file) => sum + (file.allocated ?? file.size), 0);
		findings.push({
			id: 'under-mount-files',
			severity: 'warning',
			title: `${plural(others.length, 'other entry lies', 'other entries lie')} under the mount point, hidden by the share (${formatBytes(bytes)})`,
			evidence: [`in ${listing.hiddenDirectory} on ${listing.parentMountpoint}: ${names(others)}`, 'not the file of any image missing from the share: compare them with the share before removing anything'],
			action: `They take space on the parent filesystem. See them with: ${underMountCommand(listing.parentMountpoint, listing.hiddenDirectory, 'ls -la')}`,
		});
	}
	return findings;
}

function uploadsOnRootDisk(probe: DatadirProbe, snapshot: Snapshot, inventory: Inventory): Finding {
	const onDisk = inventory.rows.filter(row => row.file !== null);
	const bytes = onDisk.reduce((sum, row) => sum + (row.file?.size ?? 0), 0);
	const container = snapshot.container;
	const running = container?.state === 'present' && container.running;
	const free = probe.stats ? `${formatBytes(probe.stats.bytesAvailable)} free of ${formatBytes(probe.stats.bytesTotal)}` : 'free space not known';
	return {
		id: 'uploads-on-root-disk',
		severity: 'critical',
		title: `Uploads land on the parent filesystem right now, not on the share (${free})`,
		evidence: [
			`${probe.datadir} sits on ${probe.mount ? `${probe.mount.source} at ${probe.mount.mountPoint}` : 'the parent filesystem'}: ${free}`,
			`${plural(onDisk.length, 'image file is', 'image files are')} there now (${formatBytes(bytes)}): once the share is mounted again they are hidden under it`,
			running ? `${container.name} is running: every image uploaded or snapshot taken now is written there` : 'the container is not running: nothing is being written now',
		],
		action: `Mount the share before more users' images land on the local disk; afterwards this tool finds them under the mount point and puts them back`,
	};
}
