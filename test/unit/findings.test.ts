import {describe, expect, it} from 'vitest';
import {deriveFindings, overallStatus} from '../../source/model/findings.js';
import {findingContext, resolveSettings} from '../../source/settings.js';
import type {ContainerProbe, DatadirProbe, MountEntry, Snapshot} from '../../source/model/types.js';

const share: MountEntry = {
	mountId: 812,
	parentId: 27,
	majorMinor: '0:52',
	root: '/',
	mountPoint: '/srv/glance',
	mountOptions: ['rw', 'nosuid', 'nodev', 'relatime'],
	optionalFields: [],
	fsType: 'fuse.sshfs',
	source: 'root@127.0.0.1:/export',
	superOptions: ['rw', 'user_id=0', 'group_id=0'],
};
const rootFs: MountEntry = {...share, mountId: 27, parentId: 1, majorMinor: '254:0', mountPoint: '/', fsType: 'ext4', source: '/dev/vda'};

const healthyDatadir: DatadirProbe = {
	at: 1_000_000,
	datadir: '/srv/glance/images',
	mount: share,
	expectedMountpoint: '/srv/glance',
	expectedFrom: 'fstab',
	fstab: {spec: 'root@127.0.0.1:/export', file: '/srv/glance', vfsType: 'fuse.sshfs', options: ['_netdev'], freq: 0, passno: 0, line: 12},
	fstabProblem: null,
	health: {state: 'responsive', latencyMs: 3, entries: 4, device: '0:52'},
	verdict: 'responsive',
	stats: {bytesTotal: 100e9, bytesUsed: 40e9, bytesAvailable: 60e9, inodesTotal: 1e6, inodesUsed: 1e3, inodesFree: 999e3},
};

const healthyContainer: Extract<ContainerProbe, {state: 'present'}> = {
	at: 1_000_000,
	state: 'present',
	name: 'glance_api',
	id: 'abc',
	image: 'kolla/glance-api',
	status: 'running',
	running: true,
	health: 'healthy',
	healthOutput: null,
	startedAt: '2026-11-24T10:00:00Z',
	finishedAt: null,
	exitCode: null,
	restartCount: 0,
	restartPolicy: 'unless-stopped',
	pid: 4242,
	mounts: [],
	glanceSource: '/srv/glance',
	view: {state: 'same', mount: {...share, mountPoint: '/var/lib/glance'}, health: {state: 'responsive', latencyMs: 2, entries: 4, device: '0:52'}},
};

function snapshot(patch: Partial<Snapshot>): Snapshot {
	// An empty inventory: these cases are about the mount and the container, not about images still pending.
	const glance: Snapshot['glance'] = {at: 1_000_000, state: 'ok', images: [], endpoint: '', authSource: '', pages: 1, tookMs: 1};
	const files: Snapshot['files'] = {at: 1_000_000, state: 'ok', directory: '/srv/glance/images', files: [], tookMs: 1};
	return {datadir: healthyDatadir, container: healthyContainer, host: null, history: [], lastEvent: null, glance, files, ...patch};
}

const context = {warnPercent: 80, critPercent: 90, container: 'glance_api', now: 1_000_000};

function ids(value: Snapshot): string[] {
	return deriveFindings(value, context).map(finding => finding.id);
}

describe('findings', () => {
	it('finds nothing on a healthy controller and exits OK', () => {
		const findings = deriveFindings(snapshot({}), context);
		expect(findings).toEqual([]);
		expect(overallStatus(findings)).toEqual({status: 'ok', exitCode: 0});
	});

	it('calls a healthy container with a stale view what it is, quoting the misleading healthcheck', () => {
		const stale = snapshot({
			datadir: {...healthyDatadir, mount: {...share, majorMinor: '0:53'}},
			container: {...healthyContainer, view: {state: 'stale', mount: {...share, mountPoint: '/var/lib/glance'}, health: {state: 'dead', errno: 'ENOTCONN', message: 'socket is not connected'}, hostMajorMinor: '0:53'}},
		});
		const [finding] = deriveFindings(stale, context);
		expect(finding?.id).toBe('container-stale-mount');
		expect(finding?.severity).toBe('critical');
		expect(finding?.evidence.join('\n')).toContain('0:52');
		expect(finding?.evidence.join('\n')).toContain('0:53');
		expect(finding?.evidence.join('\n')).toContain('healthcheck');
		expect(finding?.action).toBe('The container keeps its own copy of the mount. Remount in order: docker stop glance_api → umount /srv/glance → mount /srv/glance → docker start glance_api');
		expect(overallStatus(deriveFindings(stale, context)).exitCode).toBe(2);
	});

	it('names who holds the share while a remount is advised, and only then', () => {
		const holders = {at: 1_000_000, mountpoint: '/srv/glance', holders: [{pid: 4242, command: 'rsync -a /srv/glance/images/ /backup/', user: 'root', how: 'cwd' as const, path: '/srv/glance/images'}]};
		const stale = snapshot({
			datadir: {...healthyDatadir, mount: {...share, majorMinor: '0:53'}},
			container: {...healthyContainer, view: {state: 'stale', mount: {...share, mountPoint: '/var/lib/glance'}, health: {state: 'dead', errno: 'ENOTCONN', message: 'socket is not connected'}, hostMajorMinor: '0:53'}},
			holders,
		});
		const held = deriveFindings(stale, context).find(finding => finding.id === 'mount-held');
		expect(held?.title).toBe('1 process holds /srv/glance: its unmount will be busy');
		expect(held?.evidence).toEqual(['pid 4242 rsync -a /srv/glance/images/ /backup/ (root): cwd /srv/glance/images']);
		expect(held?.severity).toBe('info');
		// A healthy share needs no remount: who works in it is nobody's business here.
		expect(ids(snapshot({holders}))).not.toContain('mount-held');
	});

	it('words the health of both sides of a dead view the one way', () => {
		const dead = snapshot({container: {...healthyContainer, view: {state: 'dead', mount: null, health: {state: 'unresponsive', afterMs: 3000}}}});
		const [finding] = deriveFindings(dead, context);
		expect(finding?.evidence.slice(0, 2)).toEqual(['inside the container: no answer after 3 s', 'on the host: answers in 3 ms (4 entries)']);
	});

	it('takes its thresholds and container from the settings', () => {
		const resolved = resolveSettings({flags: {warnPercent: 50, critPercent: 60, container: 'glance'}, env: {}, globals: {path: '/etc/kolla/globals.yml', text: null, readError: null}, containerGlanceSource: null});
		if (!resolved.ok) throw new Error(resolved.problem.reason);
		const judged = findingContext(resolved.value, {now: 1_000_000});
		expect(judged).toEqual({warnPercent: 50, critPercent: 60, container: 'glance', inventoryRefreshMs: 30_000, containerDatadir: '/var/lib/glance/images', backupMaxAgeMs: 26 * 3_600_000, customDatadirVolume: null, now: 1_000_000});
		const [dead] = deriveFindings(snapshot({datadir: {...healthyDatadir, verdict: 'dead', health: {state: 'dead', errno: 'EIO', message: 'x'}, stats: null}}), judged);
		expect(dead?.action).toContain('docker stop glance → umount /srv/glance');
		expect(deriveFindings(snapshot({datadir: {...healthyDatadir, stats: {...healthyDatadir.stats!, bytesUsed: 55e9, bytesAvailable: 45e9}}}), judged).map(each => each.id)).toEqual(['capacity-warning']);
	});

	it('reports a dead, a hung and a missing mount with the evidence', () => {
		expect(ids(snapshot({datadir: {...healthyDatadir, verdict: 'dead', health: {state: 'dead', errno: 'ENOTCONN', message: 'x'}, stats: null}}))).toEqual(['mount-dead']);
		expect(ids(snapshot({datadir: {...healthyDatadir, verdict: 'unresponsive', health: {state: 'unresponsive', afterMs: 3000}, stats: null}}))).toEqual(['mount-unresponsive']);
		const notMounted = deriveFindings(snapshot({datadir: {...healthyDatadir, mount: rootFs, verdict: 'not-mounted'}}), context);
		expect(notMounted[0]?.id).toBe('not-mounted');
		expect(notMounted[0]?.evidence.join()).toContain('fstab line 12');
		expect(notMounted[0]?.action).toContain('local disk');
	});

	it('warns at the warning threshold, goes critical at the critical one, counting inodes too', () => {
		const at = (usedFraction: number, inodeFraction = 0.001) =>
			ids(snapshot({datadir: {...healthyDatadir, stats: {bytesTotal: 100, bytesUsed: usedFraction * 100, bytesAvailable: (1 - usedFraction) * 100, inodesTotal: 1000, inodesUsed: inodeFraction * 1000, inodesFree: 1000 - inodeFraction * 1000}}}));
		expect(at(0.79)).toEqual([]);
		expect(at(0.8)).toEqual(['capacity-warning']);
		expect(at(0.95)).toEqual(['capacity-critical']);
		expect(at(0.1, 0.92)).toEqual(['capacity-critical']);
	});

	it('warns when the current growth fills the share within a day', () => {
		const history = [
			{at: 1_000_000 - 600_000, bytesUsed: 40e9 - 10e9, inodesUsed: 1000, filesystem: 'share'},
			{at: 1_000_000, bytesUsed: 40e9, inodesUsed: 1000, filesystem: 'share'},
		];
		const findings = deriveFindings(snapshot({history}), context);
		expect(findings.map(finding => finding.id)).toEqual(['capacity-filling']);
		expect(findings[0]?.title).toMatch(/fills in/);
	});

	it('tells a stopped, a missing and an unhealthy container apart', () => {
		expect(ids(snapshot({container: {...healthyContainer, running: false, status: 'exited', exitCode: 137, view: {state: 'unknown', reason: 'not running'}}}))).toEqual(['container-not-running']);
		expect(ids(snapshot({container: {at: 1, state: 'missing', name: 'glance_api'}}))).toEqual(['container-missing']);
		expect(ids(snapshot({container: {...healthyContainer, health: 'unhealthy', healthOutput: 'exit 1: curl failed'}}))).toEqual(['container-unhealthy']);
	});

	it('orders by severity and maps docker trouble to UNKNOWN (exit 3) only when nothing is worse', () => {
		const unreachable: ContainerProbe = {at: 1, state: 'docker-unreachable', name: 'glance_api', reason: 'docker socket /var/run/docker.sock: permission denied', hint: 'Run as root (sudo) or add your user to the docker group'};
		const onlyDocker = deriveFindings(snapshot({container: unreachable}), context);
		expect(onlyDocker.map(finding => finding.id)).toEqual(['docker-unreachable']);
		expect(onlyDocker[0]?.action).toContain('docker group');
		expect(overallStatus(onlyDocker).exitCode).toBe(3);
		const withDeadShare = deriveFindings(snapshot({container: unreachable, datadir: {...healthyDatadir, verdict: 'dead', health: {state: 'dead', errno: 'EIO', message: 'x'}, stats: null}}), context);
		expect(withDeadShare.map(finding => finding.id)).toEqual(['mount-dead', 'docker-unreachable']);
		expect(overallStatus(withDeadShare).exitCode).toBe(2);
	});

	describe('a --datadir that is not where the container keeps its images', () => {
		// The datadir asked for sits on the root filesystem; glance_api's /var/lib/glance is bound from the share.
		const onRoot = snapshot({
			datadir: {...healthyDatadir, datadir: '/var/tmp/images', mount: rootFs, expectedMountpoint: null, expectedFrom: null, fstab: null},
			container: {...healthyContainer, view: {state: 'stale', mount: {...share, mountPoint: '/var/lib/glance'}, health: {state: 'responsive', latencyMs: 2, entries: 4, device: '0:52'}, hostMajorMinor: rootFs.majorMinor}},
		});

		it('is its own finding naming both directories and the --datadir to pass, not a stale mount', () => {
			const findings = deriveFindings(onRoot, context);
			expect(findings.map(finding => finding.id)).toEqual(['datadir-not-container']);
			const [finding] = findings;
			expect(finding?.evidence).toEqual(['the container uses /srv/glance for /var/lib/glance', 'you asked for /var/tmp/images']);
			expect(finding?.action).toContain('Pass --datadir /srv/glance/images');
			expect(overallStatus(findings)).toEqual({status: 'unknown', exitCode: 3});
		});

		it('suggests the images directory under the container datadir the settings name', () => {
			const [finding] = deriveFindings(onRoot, {...context, containerDatadir: '/var/lib/glance/store'});
			expect(finding?.action).toContain('Pass --datadir /srv/glance/store');
		});

		it('never advises a remount of / even when the bind source is not known', () => {
			const unknownSource = snapshot({...onRoot, container: {...(onRoot.container as typeof healthyContainer), glanceSource: null}});
			const findings = deriveFindings(unknownSource, context);
			expect(findings.map(finding => finding.id)).toEqual(['container-stale-mount']);
			for (const finding of findings) expect(finding.action).not.toMatch(/umount \/( |$)/);
			expect(findings[0]?.action).toContain('root filesystem, which is never remounted');
			const deadOnRoot = deriveFindings(snapshot({datadir: {...onRoot.datadir!, verdict: 'dead', health: {state: 'dead', errno: 'EIO', message: 'x'}}}), context);
			for (const finding of deadOnRoot) expect(finding.action).not.toMatch(/umount \/( |$)/);
		});

		it('accepts a datadir anywhere under the bind source', () => {
			expect(ids(snapshot({}))).toEqual([]);
			expect(ids(snapshot({container: {...healthyContainer, glanceSource: '/srv/glance/'}}))).toEqual([]);
		});
	});
});
