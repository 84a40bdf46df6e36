import {mkdirSync, utimesSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseCliArgs} from '../../source/cli-args.js';
import {backupFindings} from '../../source/model/backups.js';
import {resolveSettings} from '../../source/settings.js';
import {probeBackups} from '../../source/world/real/backups.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';
import {scratchDir} from '../support/scratch.js';

const hour = 3_600_000;
const GiB = 1024 ** 3;

/** A share with ZFS-style snapshots and a marker, their times set as a backup job would leave them. */
function share(now: number) {
	const root = scratchDir('gi-backups-');
	const mountpoint = path.join(root, 'share');
	const datadir = path.join(mountpoint, 'images');
	mkdirSync(datadir, {recursive: true});
	for (const [name, ageHours] of [['nightly-1', 50], ['nightly-2', 30]] as const) {
		const snapshot = path.join(mountpoint, '.zfs', 'snapshot', name);
		mkdirSync(snapshot, {recursive: true});
		utimesSync(snapshot, new Date(now - ageHours * hour), new Date(now - ageHours * hour));
	}
	const marker = path.join(root, 'cron_last_success');
	writeFileSync(marker, '');
	utimesSync(marker, new Date(now - 3 * hour), new Date(now - 3 * hour));
	return {mountpoint, datadir, marker};
}

describe('backups and snapshots, on real directories', () => {
	it('finds the share\'s snapshot directories and the marker, with their real times', async () => {
		const now = Date.now();
		const {mountpoint, datadir, marker} = share(now);
		const facts = await probeBackups({mountpoint, datadir, marker, timeoutMs: 5000});
		const zfs = facts.snapshotDirectories.find(directory => directory.path === path.join(mountpoint, '.zfs', 'snapshot'));
		expect(zfs?.state).toBe('found');
		if (zfs?.state === 'found') expect(zfs.snapshots.map(snapshot => snapshot.name).sort()).toEqual(['nightly-1', 'nightly-2']);
		expect(facts.snapshotDirectories.find(directory => directory.path === path.join(mountpoint, '.snapshot'))?.state).toBe('absent');
		expect(facts.marker).toMatchObject({state: 'found', kind: 'file'});
		if (facts.marker?.state === 'found') expect(Math.abs(facts.marker.mtimeMs - (now - 3 * hour))).toBeLessThan(1000);
	});

	it('the newest backup decides: images created after it are in no backup; older than the threshold it is stale', async () => {
		const now = Date.now();
		const {mountpoint, datadir} = share(now);
		const facts = await probeBackups({mountpoint, datadir, marker: null, timeoutMs: 5000});
		const images = [
			glanceImage({id: imageUuid(1), name: 'snapshot-before', createdAt: new Date(now - 40 * hour).toISOString(), size: GiB}),
			glanceImage({id: imageUuid(2), name: 'snapshot-after', createdAt: new Date(now - 2 * hour).toISOString(), size: 2 * GiB}),
		];
		const findings = backupFindings(facts, {now, maxAgeMs: 26 * hour, images, customDatadirVolume: null});
		expect(findings.map(finding => finding.id)).toEqual(['backup-stale', 'images-unprotected']);
		expect(findings[0]?.title).toBe('The newest backup is 1 d 6 h old (more than 1 d 2 h)');
		expect(findings[0]?.evidence[0]).toContain(`snapshot ${path.join(mountpoint, '.zfs', 'snapshot', 'nightly-2')}`);
		expect(findings[1]).toMatchObject({severity: 'warning', title: '1 user image, 2 GiB, not in any backup'});
		expect(findings[1]?.evidence[1]).toContain('snapshot-after');
	});

	it('a fresh marker is the newest backup; nothing configured and no snapshots is only unknown (info); a configured marker that is missing is a warning', async () => {
		const now = Date.now();
		const {mountpoint, datadir, marker} = share(now);
		const fresh = backupFindings(await probeBackups({mountpoint, datadir, marker, timeoutMs: 5000}), {now, maxAgeMs: 26 * hour, images: [], customDatadirVolume: null});
		expect(fresh).toEqual([]);
		const bare = scratchDir('gi-backups-bare-');
		const none = backupFindings(await probeBackups({mountpoint: bare, datadir: bare, marker: null, timeoutMs: 5000}), {now, maxAgeMs: 26 * hour, images: [], customDatadirVolume: null});
		expect(none.map(finding => [finding.id, finding.severity])).toEqual([['backup-none', 'info']]);
		const missing = backupFindings(await probeBackups({mountpoint: bare, datadir: bare, marker: path.join(bare, 'cron_last_success'), timeoutMs: 5000}), {now, maxAgeMs: 26 * hour, images: [], customDatadirVolume: null});
		expect(missing[0]).toMatchObject({id: 'backup-none', severity: 'warning', title: `The backup marker ${path.join(bare, 'cron_last_success')} does not exist: no backup has succeeded`});
	});

	it('a custom glance_file_datadir_volume says kolla-ansible destroy removes it', () => {
		const findings = backupFindings(null, {now: 0, maxAgeMs: hour, images: null, customDatadirVolume: 'glance_file_datadir_volume: /srv/glance'});
		expect(findings).toMatchObject([{id: 'kolla-destroy-wipes', severity: 'info', evidence: ['glance_file_datadir_volume: /srv/glance']}]);
	});
});

describe('the backup settings', () => {
	it('--backup-marker and --backup-max-age are flags with their sources; a bad age is refused', () => {
		const parsed = parseCliArgs(['--backup-marker', '/var/lib/backup/cron_last_success', '--backup-max-age', '48']);
		expect(parsed).toMatchObject({ok: true, value: {backupMarker: '/var/lib/backup/cron_last_success', backupMaxAge: 48}});
		expect(parseCliArgs(['--backup-max-age', 'soon'])).toMatchObject({ok: false, problem: {reason: "--backup-max-age: expected a number of hours, got 'soon'"}});
		const globals = {path: '/nonexistent', text: null, readError: null};
		const resolved = resolveSettings({flags: parsed.ok ? parsed.value : {}, env: {}, globals, containerGlanceSource: null});
		expect(resolved).toMatchObject({ok: true, value: {backupMarker: {value: '/var/lib/backup/cron_last_success', source: 'flag'}, backupMaxAgeHours: {value: 48, source: 'flag'}}});
		expect(resolveSettings({flags: {}, env: {GLANCE_INSPECTOR_BACKUP_MAX_AGE: '0'}, globals, containerGlanceSource: null})).toMatchObject({ok: false});
	});
});
