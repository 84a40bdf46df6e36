// The plan's words, where the share is, and how it is mounted again: pure functions on hand-built probes.
import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../source/model/types.js';
import {mountCommand, mountSourceFor} from '../../source/runbook/mount-spec.js';
import {shellQuote} from '../../source/model/shell.js';
import {buildPlan} from '../../source/runbook/plan.js';
import {buildPreflight} from '../../source/runbook/preflight.js';
import {locateShare, type ShareLocation} from '../../source/runbook/share-location.js';
import {stepOrder} from '../../source/runbook/steps/index.js';
import {at, cirrosId, datadir, datadirProbe, flappedSnapshot, image, preflightFacts, rootMount, shareMount} from './runbook-fixtures.js';

const settings = {mountpoint: null, datadir};
const plannerOptions = {graceSeconds: 60, probeTimeoutMs: 3000, healthWaitMs: 180_000};

/** The datadir probe without an fstab line: only the current mount says where the share is. */
const withoutFstab = datadirProbe({expectedMountpoint: null, expectedFrom: null, fstab: null});

describe('where the share is', () => {
	it('takes the mount point from the fstab line holding the datadir', () => {
		expect(locateShare(flappedSnapshot(), settings)).toMatchObject({mountpoint: '/srv/glance', from: 'fstab', currentMount: {majorMinor: '0:53'}, fstab: {line: 13}});
	});

	it('prefers --mountpoint, normalised', () => {
		expect(locateShare(flappedSnapshot(), {mountpoint: '/srv/glance/', datadir})).toMatchObject({mountpoint: '/srv/glance', from: 'flag'});
	});

	it('falls back to the network share the datadir is on, never to a local filesystem or /', () => {
		expect(locateShare(flappedSnapshot({datadir: withoutFstab}), settings)).toMatchObject({mountpoint: '/srv/glance', from: 'current-mount'});
		const onVar = {...withoutFstab, mount: {...shareMount, mountPoint: '/var', fsType: 'ext4', source: '/dev/sdb1'}};
		expect(locateShare(flappedSnapshot({datadir: onVar}), settings).mountpoint).toBeNull();
		expect(locateShare(flappedSnapshot({datadir: {...withoutFstab, mount: rootMount}}), settings).mountpoint).toBeNull();
		expect(locateShare(flappedSnapshot(), {mountpoint: '/', datadir}).mountpoint).toBeNull();
	});
});

describe('how to mount it again', () => {
	const location = (overrides: Partial<ShareLocation>): ShareLocation => ({mountpoint: '/srv/glance', from: 'current-mount', currentMount: null, fstab: null, ...overrides});

	it('mounts by fstab when it has a line, and shows that line', () => {
		const snapshot = flappedSnapshot();
		const plan = buildPlan(buildPreflight(snapshot, preflightFacts(snapshot)), plannerOptions);
		const mount = plan.steps.find(step => step.id === 'mount')!;
		expect(mount.command).toBe('mount /srv/glance');
		expect(mount.fstabLine).toBe('nfs01:/export/glance /srv/glance nfs4 rw,hard,vers=4.2,_netdev 0 0');
		expect(mount.why).toMatch(/\/etc\/fstab line 13/);
		expect(plan.mountSpec).toBeNull();
		expect(plan.expectedSource).toBe('nfs01:/export/glance');
	});

	it('without fstab, spells out source, type and options from the current mount', () => {
		const source = mountSourceFor(location({currentMount: shareMount}), null);
		expect(mountCommand('/srv/glance', source)).toBe('mount -t nfs4 -o rw,vers=4.2 nfs01:/export/glance /srv/glance');
		expect(source).toMatchObject({kind: 'spec', from: 'current-mount', note: null});
	});

	it('warns that an sshfs mount cannot be rebuilt fully from mountinfo', () => {
		const sshfs = {...shareMount, fsType: 'fuse.sshfs', source: 'root@127.0.0.1:/export', superOptions: ['rw', 'user_id=0']};
		const source = mountSourceFor(location({currentMount: sshfs}), null);
		expect(mountCommand('/srv/glance', source)).toBe('mount -t fuse.sshfs -o rw root@127.0.0.1:/export /srv/glance');
		expect(source.kind === 'spec' && source.note).toMatch(/IdentityFile/);
	});

	it('uses the last recorded spec when nothing is mounted, and says so when nothing is known', () => {
		const recorded = mountSourceFor(location({}), {spec: {source: 'nfs01:/export/glance', fsType: 'nfs4', options: ['rw']}, time: '2026-11-24T09:00:00Z'});
		expect(recorded).toMatchObject({kind: 'spec', from: 'audit-log'});
		expect(mountCommand('/srv/glance', recorded)).toBe('mount -t nfs4 -o rw nfs01:/export/glance /srv/glance');
		const unknown = mountSourceFor(location({}), null);
		expect(unknown.kind).toBe('unknown');
		expect(unknown.kind === 'unknown' && unknown.reason).toMatch(/fstab/);
	});

	it('quotes paths only when the shell needs it', () => {
		expect(shellQuote('/srv/glance')).toBe('/srv/glance');
		expect(shellQuote('/srv/glance share')).toBe("'/srv/glance share'");
		expect(shellQuote("/srv/it's")).toBe(`'/srv/it'\\''s'`);
		const snapshot = flappedSnapshot({datadir: datadirProbe({expectedMountpoint: '/srv/glance share', fstab: null, mount: {...shareMount, mountPoint: '/srv/glance share'}})});
		const plan = buildPlan(buildPreflight(snapshot, preflightFacts(snapshot)), plannerOptions);
		expect(plan.steps.slice(1, 3).map(step => step.command)).toEqual(["umount '/srv/glance share'", "mount -t nfs4 -o rw,vers=4.2 nfs01:/export/glance '/srv/glance share'"]);
	});
});

describe('the plan', () => {
	it('has the five steps in order, each with its exact command, why, and what it verifies', () => {
		const snapshot = flappedSnapshot();
		const plan = buildPlan(buildPreflight(snapshot, preflightFacts(snapshot)), plannerOptions);
		expect(plan.steps.map(step => step.id)).toEqual([...stepOrder]);
		expect(stepOrder).toEqual(['stop', 'unmount', 'mount', 'start', 'prove']);
		expect(plan.steps.map(step => step.command).slice(0, 4)).toEqual(['docker stop -t 60 glance_api', 'umount /srv/glance', 'mount /srv/glance', 'docker start glance_api']);
		expect(plan.steps.find(step => step.id === 'unmount')?.lazy?.command).toBe('umount -l /srv/glance');
		const stop = plan.steps[0]!;
		expect(stop.why).toMatch(/root disk/);
		expect(stop.why).toContain('55 GiB free on /srv');
		expect(plan.steps.find(step => step.id === 'mount')?.verifies.join('\n')).toMatch(/nfs01:\/export\/glance[\s\S]*7 before/);
		expect(plan.steps.find(step => step.id === 'start')?.verifies.join('\n')).toMatch(/same major:minor/);
		for (const step of plan.steps) {
			expect(step.why.length).toBeGreaterThan(60);
			expect(step.verifies.length).toBeGreaterThan(0);
		}
		expect(plan.steps.filter(step => step.mutates).map(step => step.id)).toEqual(['stop', 'unmount', 'mount', 'start']);
		const prove = plan.steps.at(-1)!;
		expect(prove.skipped).toBeNull();
		expect(prove.command).toContain(`/v2/images/${cirrosId}/file`);
		expect(plan.proveImage?.name).toBe('cirros-0.6.2-x86_64');
	});

	it('skips the proof, with the reason, when Glance is not configured or lists no active image', () => {
		const skipped = (snapshot: Snapshot) => buildPlan(buildPreflight(snapshot, preflightFacts(snapshot)), plannerOptions).steps.at(-1)!.skipped;
		const notConfigured = flappedSnapshot({
			glance: {at, state: 'unavailable', problem: 'glance-not-configured', reason: 'no OS_AUTH_URL, clouds.yaml or admin-openrc.sh', hint: 'pass --openrc', endpoint: null, authSource: null},
		});
		expect(skipped(notConfigured)).toMatch(/not configured/);
		const unusable = flappedSnapshot({
			glance: {at, state: 'unavailable', problem: 'glance-credentials-unusable', reason: 'the openrc file /dev/zero is a character device, not a regular file: not read', hint: 'pass --openrc', endpoint: null, authSource: null},
		});
		expect(skipped(unusable)).toMatch(/^The Glance credentials given cannot be used \(the openrc file \/dev\/zero/);
		const noActive = flappedSnapshot({glance: {at, state: 'ok', images: [image({status: 'deactivated'}), image({size: 0})], endpoint: 'http://10.0.0.10:9292', authSource: 'openrc', pages: 1, tookMs: 3}});
		expect(skipped(noActive)).toMatch(/no active image/);
		// Glance unreachable for now (the container is stopped): the image is chosen when the step runs.
		const unreachable = flappedSnapshot({glance: {at, state: 'unavailable', problem: 'glance-unreachable', reason: 'connection refused', hint: '', endpoint: null, authSource: null}});
		expect(skipped(unreachable)).toBeNull();
		expect(buildPlan(buildPreflight(unreachable, preflightFacts(unreachable)), plannerOptions).steps.at(-1)!.command).toContain('<first active image>');
	});
});
