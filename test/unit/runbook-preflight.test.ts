// The preflight on hand-built snapshots: what is wrong, who holds the mount, what a stop kills, what blocks the walk.
import {describe, expect, it} from 'vitest';
import type {ContainerProbe} from '../../source/model/types.js';
import {buildPreflight} from '../../source/runbook/preflight.js';
import {containerProbe, datadirProbe, flappedSnapshot, images, preflightFacts, rootMount, shareMount} from './runbook-fixtures.js';

const sameMount = containerProbe({view: {state: 'same', mount: {...shareMount, mountPoint: '/var/lib/glance'}, health: {state: 'responsive', latencyMs: 2, entries: 7, device: '0:53'}}});

describe('the preflight', () => {
	it('says what is wrong and why a remount fixes it', () => {
		const snapshot = flappedSnapshot();
		const preflight = buildPreflight(snapshot, preflightFacts(snapshot));
		expect(preflight.blockers).toEqual([]);
		expect(preflight.wrong.map(each => each.finding.id)).toEqual(['container-stale-mount']);
		expect(preflight.wrong[0]?.remedy).toMatch(/stop and a start/);
		expect(preflight).toMatchObject({mountpoint: '/srv/glance', mountpointFrom: 'fstab', imageFilesBefore: 7, parentFilesystem: {path: '/srv'}});
	});

	it('names the uploads a stop would kill, or says they cannot be known', () => {
		const snapshot = flappedSnapshot({glance: {at: 1, state: 'ok', images, endpoint: 'http://10.0.0.10:9292', authSource: 'openrc', pages: 1, tookMs: 3}});
		const preflight = buildPreflight(snapshot, preflightFacts(snapshot));
		expect(preflight.uploads.ok && preflight.uploads.value.map(image => image.name)).toEqual(['snapshot-web03-before-upgrade']);
		expect(preflight.warnings.join('\n')).toMatch(/1 upload\(s\) in progress will be killed when glance_api stops: snapshot-web03-before-upgrade/);
		const unknown = buildPreflight(flappedSnapshot({glance: null}), preflightFacts(snapshot));
		expect(unknown.uploads).toEqual({ok: false, problem: {reason: 'Glance has not been listed yet'}});
		expect(unknown.warnings.join('\n')).toMatch(/Uploads in progress cannot be known \(Glance has not been listed yet\)/);
	});

	it('names the processes holding the mount', () => {
		const snapshot = flappedSnapshot();
		const holders = [{pid: 4242, command: 'rsync -a /srv/glance/images/ /backup/', user: 'root', how: 'cwd' as const, path: '/srv/glance/images'}];
		const preflight = buildPreflight(snapshot, preflightFacts(snapshot, {holders: {ok: true, value: holders}}));
		expect(preflight.warnings.join('\n')).toContain('rsync -a /srv/glance/images/ /backup/ (pid 4242) holds /srv/glance');
	});

	it('says so when nothing is wrong that a remount fixes', () => {
		const snapshot = flappedSnapshot({container: sameMount});
		const preflight = buildPreflight(snapshot, preflightFacts(snapshot));
		expect(preflight.wrong).toEqual([]);
		expect(preflight.warnings.join('\n')).toMatch(/Nothing is wrong that a remount fixes/);
	});

	it('warns that a share that does not answer makes the unmount busy', () => {
		const snapshot = flappedSnapshot({datadir: datadirProbe({health: {state: 'unresponsive', afterMs: 3000}, verdict: 'unresponsive'})});
		const preflight = buildPreflight(snapshot, preflightFacts(snapshot));
		expect(preflight.warnings.join('\n')).toMatch(/\/srv\/glance does not answer: the unmount will likely be busy.*Check nfs01:\/export\/glance first/);
		expect(preflight.wrong.map(each => each.finding.id)).toContain('mount-unresponsive');
	});

	it('blocks the walk when the audit log cannot be written, but lets a dry run go with a warning', () => {
		const snapshot = flappedSnapshot();
		const audit = {path: '/var/log/glance-inspector/audit.jsonl', problem: 'permission denied'};
		expect(buildPreflight(snapshot, preflightFacts(snapshot, {audit})).blockers.join('\n')).toMatch(/audit log cannot be written \(permission denied\)/);
		const dry = buildPreflight(snapshot, preflightFacts(snapshot, {audit, dryRun: true}));
		expect(dry.blockers).toEqual([]);
		expect(dry.warnings.join('\n')).toMatch(/dry run is not recorded/);
		expect(dry.warnings[0]).toMatch(/Dry run: nothing will be executed/);
	});

	it('blocks the walk when Docker cannot be asked, the container is missing, or no mount point is known', () => {
		const snapshot = flappedSnapshot();
		const unreachable: ContainerProbe = {at: 1, state: 'docker-unreachable', name: 'glance_api', reason: 'permission denied', hint: 'run as root'};
		expect(buildPreflight({...snapshot, container: unreachable}, preflightFacts(snapshot)).blockers.join('\n')).toMatch(/Docker cannot be asked about glance_api: permission denied — run as root/);
		expect(buildPreflight({...snapshot, container: {at: 1, state: 'missing', name: 'glance'}}, preflightFacts(snapshot)).blockers.join('\n')).toMatch(/no container named glance/);
		const local = flappedSnapshot({datadir: datadirProbe({expectedMountpoint: null, expectedFrom: null, fstab: null, mount: rootMount})});
		const nowhere = buildPreflight(local, preflightFacts(local));
		expect(nowhere.blockers.join('\n')).toMatch(/No mount point is known.*--mountpoint/);
	});
});
