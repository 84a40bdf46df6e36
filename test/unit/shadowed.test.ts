import {describe, expect, it} from 'vitest';
import {deriveFindings} from '../../source/model/findings.js';
import {buildInventory} from '../../source/model/inventory.js';
import {placeUnderMount, recoverableRows, underMountCommand} from '../../source/model/shadowed.js';
import type {DatadirFile, DatadirProbe, GlanceImage, GlanceListing, MountEntry, Snapshot, UnderMountListing} from '../../source/model/types.js';
import {lookUnderMount} from '../../source/world/real/under-mount.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const MiB = 1024 ** 2;
const datadir = '/srv/share/images';

function mount(mountPoint: string, source: string, fsType = 'ext4'): MountEntry {
	return {mountId: mountPoint.length, parentId: 1, majorMinor: '0:1', root: '/', mountPoint, mountOptions: ['rw'], optionalFields: [], fsType, source, superOptions: []};
}

function file(name: string, size: number): DatadirFile {
	return {name, size, mtimeMs: now - 3_600_000, kind: 'file'};
}

function image(n: number, size = 10 * MiB): GlanceImage {
	return glanceImage({id: imageUuid(n), name: `snapshot-${n}`, size});
}

const glance = (images: GlanceImage[]): GlanceListing => ({at: now, state: 'ok', images, endpoint: 'http://glance', authSource: 'openrc', pages: 1, tookMs: 3});
const hiddenListing = (files: DatadirFile[]): UnderMountListing => ({at: now, state: 'ok', parentMountpoint: '/', hiddenDirectory: datadir, files, tookMs: 4});

function probe(verdict: DatadirProbe['verdict']): DatadirProbe {
	return {
		at: now,
		datadir,
		mount: verdict === 'not-mounted' ? mount('/', '/dev/vda') : mount('/srv/share', 'nfs01:/export', 'nfs4'),
		expectedMountpoint: '/srv/share',
		expectedFrom: 'fstab',
		fstab: null,
		fstabProblem: null,
		health: {state: 'responsive', latencyMs: 1, entries: 1, device: '0:1'},
		verdict,
		stats: {bytesTotal: 100 * 1024 * MiB, bytesUsed: 60 * 1024 * MiB, bytesAvailable: 40 * 1024 * MiB, inodesTotal: 1000, inodesUsed: 10, inodesFree: 990},
	};
}

function snapshotOf(patch: Partial<Snapshot>): Snapshot {
	return {datadir: probe('responsive'), container: null, host: null, history: [], lastEvent: null, glance: null, files: null, ...patch};
}

describe('where the datadir lies under its share', () => {
	it('binds the filesystem the mount point sits on and looks at the datadir within it', () => {
		const mounts = [mount('/', '/dev/vda'), mount('/srv', '/dev/vdb'), mount('/srv/share', 'nfs01:/export', 'nfs4')];
		expect(placeUnderMount(datadir, mounts)).toEqual({state: 'mounted', shareMountpoint: '/srv/share', parentMountpoint: '/srv', relativeDirectory: 'share/images'});
	});

	it('has nothing to look under when the datadir is on the root filesystem (the share is not mounted)', () => {
		expect(placeUnderMount(datadir, [mount('/', '/dev/vda')])).toEqual({state: 'not-mounted', parentMountpoint: '/'});
	});

	it('without root it says so instead of guessing', async () => {
		// /proc/self sits on the proc mount: there is something to look under, and only root may.
		const listing = await lookUnderMount('/proc/self', {timeoutMs: 1000, uid: 1000});
		expect(listing).toMatchObject({state: 'unknown', reason: expect.stringContaining('needs root'), hint: expect.stringContaining('sudo')});
	});
});

describe('an image missing from the share whose file lies under the mount point', () => {
	const images = [image(1), image(2), image(3, 5 * MiB)];
	const share = {at: now, state: 'ok' as const, directory: datadir, files: [file(imageUuid(3), 5 * MiB)], tookMs: 2};
	const hidden = hiddenListing([file(imageUuid(1), 10 * MiB), file(imageUuid(2), 4 * MiB), file(imageUuid(3), 5 * MiB), file('leftover.tmp', MiB)]);
	const inventory = buildInventory(glance(images), share, new Map(), {underMount: hidden});
	const verdictOf = (n: number) => inventory.rows.find(row => row.id === imageUuid(n));

	it('is shadowed-file, with its size compared with Glance', () => {
		expect(verdictOf(1)).toMatchObject({verdict: 'shadowed-file', note: expect.stringContaining('10 MiB as Glance says: recoverable'), hidden: {size: 10 * MiB}});
		expect(verdictOf(2)).toMatchObject({verdict: 'shadowed-file', note: expect.stringContaining('4 MiB but Glance says 10 MiB: not recoverable as it is')});
		// On the share already: its hidden copy is another file, not the image's.
		expect(verdictOf(3)?.verdict).toBe('ok');
		expect(inventory.totals['shadowed-file'].count).toBe(2);
		expect(inventory.totals['missing-file'].count).toBe(0);
	});

	it('only a file of Glance\'s size is put back', () => {
		expect(recoverableRows(inventory).map(row => row.id)).toEqual([imageUuid(1)]);
	});

	it('is a critical finding with counts, bytes and what is recoverable; the other entries are listed apart', () => {
		const findings = deriveFindings(snapshotOf({glance: glance(images), files: share, underMount: hidden}), {warnPercent: 80, critPercent: 90, container: 'glance_api', now, inventory});
		const shadowed = findings.find(finding => finding.id === 'shadowed-files');
		expect(shadowed).toMatchObject({severity: 'critical', title: '2 images are hidden under the mount point (14 MiB): 1 recoverable'});
		expect(shadowed?.evidence).toContain('1 file has a size Glance did not record: not put back');
		expect(findings.map(finding => finding.id)).not.toContain('image-missing-file');
		const others = findings.find(finding => finding.id === 'under-mount-files');
		expect(others?.title).toBe('2 other entries lie under the mount point, hidden by the share (6 MiB)');
		expect(others?.evidence[0]).toContain(`${imageUuid(3)}, leftover.tmp`);
		expect(others?.action).toContain("mount --bind -o ro / \"$d\" && ls -la \"$d\"/srv/share/images");
	});

	it('without a look under the mount point it stays missing-file, and the finding says why nothing was looked at', () => {
		const unknown: UnderMountListing = {at: now, state: 'unknown', reason: 'looking under the mount point needs root', hint: 'Run as root'};
		const blind = buildInventory(glance(images), share, new Map(), {underMount: unknown});
		expect(blind.rows.find(row => row.id === imageUuid(1))?.verdict).toBe('missing-file');
		const findings = deriveFindings(snapshotOf({glance: glance(images), files: share, underMount: unknown}), {warnPercent: 80, critPercent: 90, container: 'glance_api', now, inventory: blind});
		expect(findings.find(finding => finding.id === 'under-mount-unknown')).toMatchObject({severity: 'info', evidence: ['looking under the mount point needs root']});
	});
});

describe('while the share is not mounted', () => {
	it('says that uploads land on the parent filesystem right now, with its free space and what is there', () => {
		const onRoot = {at: now, state: 'ok' as const, directory: datadir, files: [file(imageUuid(1), 10 * MiB)], tookMs: 2};
		const snapshot = snapshotOf({datadir: probe('not-mounted'), glance: glance([image(1)]), files: onRoot, underMount: {at: now, state: 'not-mounted', parentMountpoint: '/'}});
		const finding = deriveFindings(snapshot, {warnPercent: 80, critPercent: 90, container: 'glance_api', now}).find(each => each.id === 'uploads-on-root-disk');
		expect(finding).toMatchObject({severity: 'critical', title: 'Uploads land on the parent filesystem right now, not on the share (40 GiB free of 100 GiB)'});
		expect(finding?.evidence).toContain('1 image file is there now (10 MiB): once the share is mounted again they are hidden under it');
	});
});

describe('the command that removes a hidden copy', () => {
	it('binds read-write only for the removal, in a private namespace, and asks before it removes', () => {
		expect(underMountCommand('/', datadir, 'rm -i', imageUuid(1))).toBe(
			`unshare -m --propagation private sh -c 'd=$(mktemp -d) && mount --bind / "$d" && rm -i "$d"/srv/share/images/${imageUuid(1)}; umount "$d"; rmdir "$d"'`,
		);
		expect(underMountCommand('/', datadir, 'ls -la')).toContain('mount --bind -o ro / "$d"');
	});
});
