import {afterEach, describe, expect, it} from 'vitest';
import type {ContainerProbe, DatadirProbe, MountEntry, Snapshot} from '../../source/model/types.js';
import type {AuditRecord} from '../../source/runbook/audit.js';
import {
	buildPlan,
	buildPreflight,
	locateShare,
	mountCommand,
	mountSourceFor,
	resumePoint,
	shellQuote,
	stepOrder,
	type PreflightFacts,
	type ShareLocation,
} from '../../source/runbook/plan.js';
import {checkMounted, checkProof, checkStarted, checkStopped, checkUnmounted, mayStillTurnHealthy} from '../../source/runbook/postconditions.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import type {ScenarioName} from '../../source/world/simulated/scenarios.js';
import {createSimulatedWorld, simulatedDatadir, type SimulatedWorld} from '../../source/world/simulated/simulated-world.js';
import type {Holder} from '../../source/world/world.js';

const worlds: SimulatedWorld[] = [];
afterEach(async () => {
	await Promise.all(worlds.splice(0).map(world => world.close()));
});

async function scenarioSnapshot(scenario: ScenarioName): Promise<{snapshot: Snapshot; world: SimulatedWorld}> {
	const world = createSimulatedWorld(scenario, {speed: 1000, probeTimeoutMs: 20});
	worlds.push(world);
	return {snapshot: await new SnapshotPoller(world, 60_000).collect(), world};
}

const settings = {mountpoint: null, datadir: simulatedDatadir};
const plannerOptions = {graceSeconds: 60, probeTimeoutMs: 3000, healthWaitMs: 180_000};

function facts(snapshot: Snapshot, overrides: Partial<PreflightFacts> = {}): PreflightFacts {
	const location = overrides.location ?? locateShare(snapshot, settings);
	return {
		now: Date.parse('2026-11-24T10:00:00Z'),
		dryRun: false,
		container: 'glance_api',
		datadir: simulatedDatadir,
		containerDatadir: '/var/lib/glance/images',
		thresholds: {warnPercent: 80, critPercent: 90},
		location,
		mountSource: mountSourceFor(location, null),
		holders: {ok: true, value: []},
		parentFilesystem: {ok: true, value: {stats: {bytesTotal: 100 * 2 ** 30, bytesUsed: 40 * 2 ** 30, bytesAvailable: 55 * 2 ** 30, inodesTotal: 1000, inodesUsed: 10, inodesFree: 990}, health: {state: 'responsive', latencyMs: 1, entries: 3, device: '8:1'}}},
		audit: {path: '/tmp/audit.jsonl', problem: null},
		missingActions: [],
		canProve: true,
		...overrides,
	};
}

/** The datadir probe without an fstab line: only the current mount says where the share is. */
function withoutFstab(datadir: DatadirProbe): DatadirProbe {
	return {...datadir, expectedMountpoint: null, expectedFrom: null, fstab: null};
}

const nfsMount: MountEntry = {
	mountId: 1243,
	parentId: 28,
	majorMinor: '0:53',
	root: '/',
	mountPoint: '/srv/glance',
	mountOptions: ['rw', 'relatime'],
	optionalFields: [],
	fsType: 'nfs4',
	source: 'nfs01:/export/glance',
	superOptions: ['rw', 'vers=4.2', 'hard', 'proto=tcp', 'addr=10.0.0.20'],
};

describe('where the share is', () => {
	it('takes the mount point from the fstab line holding the datadir', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const location = locateShare(snapshot, settings);
		expect(location).toMatchObject({mountpoint: '/srv/glance', from: 'fstab', currentMount: {majorMinor: '0:53'}, fstab: {line: 13}});
	});

	it('prefers --mountpoint, normalised', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		expect(locateShare(snapshot, {mountpoint: '/srv/glance/', datadir: simulatedDatadir})).toMatchObject({mountpoint: '/srv/glance', from: 'flag'});
	});

	it('falls back to the network share the datadir is on, never to a local filesystem or /', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const bare = withoutFstab(snapshot.datadir!);
		expect(locateShare({...snapshot, datadir: bare}, settings)).toMatchObject({mountpoint: '/srv/glance', from: 'current-mount'});
		const onVar = {...bare, mount: {...nfsMount, mountPoint: '/var', fsType: 'ext4', source: '/dev/sdb1'}};
		expect(locateShare({...snapshot, datadir: onVar}, settings).mountpoint).toBeNull();
		expect(locateShare(snapshot, {mountpoint: '/', datadir: simulatedDatadir}).mountpoint).toBeNull();
	});
});

describe('how to mount it again', () => {
	const location = (overrides: Partial<ShareLocation>): ShareLocation => ({mountpoint: '/srv/glance', from: 'current-mount', currentMount: null, fstab: null, ...overrides});

	it('mounts by fstab when it has a line, and shows that line', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const preflight = buildPreflight(snapshot, facts(snapshot));
		const plan = buildPlan(preflight, plannerOptions);
		const mount = plan.steps.find(step => step.id === 'mount')!;
		expect(mount.command).toBe('mount /srv/glance');
		expect(mount.fstabLine).toBe('nfs01:/export/glance /srv/glance nfs4 rw,hard,vers=4.2,_netdev 0 0');
		expect(plan.mountSpec).toBeNull();
	});

	it('without fstab, spells out source, type and options from the current mount', () => {
		const source = mountSourceFor(location({currentMount: nfsMount}), null);
		expect(mountCommand('/srv/glance', source)).toBe('mount -t nfs4 -o rw,vers=4.2 nfs01:/export/glance /srv/glance');
		expect(source).toMatchObject({kind: 'spec', from: 'current-mount', note: null});
	});

	it('warns that an sshfs mount cannot be rebuilt fully from mountinfo', () => {
		const sshfs = {...nfsMount, fsType: 'fuse.sshfs', source: 'root@127.0.0.1:/export', superOptions: ['rw', 'user_id=0']};
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
	});
});

describe('the plan', () => {
	it('has the five steps in order, each with its exact command, why, and what it verifies', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const plan = buildPlan(buildPreflight(snapshot, facts(snapshot)), plannerOptions);
		expect(plan.steps.map(step => step.id)).toEqual([...stepOrder]);
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
		expect(prove.command).toContain('/v2/images/0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58/file');
		expect(plan.proveImage?.name).toBe('cirros-0.6.2-x86_64');
	});

	it('skips the proof, with the reason, when Glance is not configured, lists no active image, or the World cannot ask', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const skipped = (snap: Snapshot, canProve = true) => buildPlan(buildPreflight(snap, facts(snap, {canProve})), plannerOptions).steps.at(-1)!.skipped;
		const notConfigured: Snapshot = {
			...snapshot,
			glance: {at: 1, state: 'unavailable', problem: 'glance-not-configured', reason: 'no OS_AUTH_URL, clouds.yaml or admin-openrc.sh', hint: 'pass --openrc', endpoint: null, authSource: null},
		};
		expect(skipped(notConfigured)).toMatch(/not configured/);
		const glance = snapshot.glance!;
		if (glance.state !== 'ok') throw new Error('expected an image list');
		const noActive: Snapshot = {...snapshot, glance: {...glance, images: glance.images.map(image => ({...image, status: 'deactivated'}))}};
		expect(skipped(noActive)).toMatch(/no active image/);
		expect(skipped(snapshot, false)).toMatch(/cannot ask Glance/);
		// Glance unreachable for now (the container is stopped): the image is chosen when the step runs.
		const unreachable: Snapshot = {...snapshot, glance: {at: 1, state: 'unavailable', problem: 'glance-unreachable', reason: 'connection refused', hint: '', endpoint: null, authSource: null}};
		expect(skipped(unreachable)).toBeNull();
	});
});

describe('the preflight', () => {
	it('says what is wrong and why a remount fixes it', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const preflight = buildPreflight(snapshot, facts(snapshot));
		expect(preflight.blockers).toEqual([]);
		expect(preflight.wrong.map(each => each.finding.id)).toEqual(['container-stale-mount']);
		expect(preflight.wrong[0]?.remedy).toMatch(/stop and a start/);
		expect(preflight).toMatchObject({mountpoint: '/srv/glance', mountpointFrom: 'fstab', imageFilesBefore: 7, parentFilesystem: {path: '/srv'}});
	});

	it('names the uploads a stop would kill', async () => {
		const {snapshot} = await scenarioSnapshot('drift');
		const preflight = buildPreflight(snapshot, facts(snapshot));
		expect(preflight.uploads.ok && preflight.uploads.value.map(image => image.name)).toEqual(['snapshot-web03-before-upgrade']);
		expect(preflight.warnings.join('\n')).toMatch(/1 upload\(s\) in progress will be killed when glance_api stops: snapshot-web03-before-upgrade/);
		const unknown = buildPreflight({...snapshot, glance: null}, facts(snapshot));
		expect(unknown.warnings.join('\n')).toMatch(/Uploads in progress cannot be known/);
	});

	it('names the processes holding the mount', async () => {
		const {snapshot, world} = await scenarioSnapshot('busy');
		const holders: Holder[] = await world.mountHolders!('/srv/glance');
		const preflight = buildPreflight(snapshot, facts(snapshot, {holders: {ok: true, value: holders}}));
		expect(preflight.warnings.join('\n')).toContain('rsync -a /srv/glance/images/ /backup/ (pid 4242) holds /srv/glance');
	});

	it('says so when nothing is wrong that a remount fixes', async () => {
		const {snapshot} = await scenarioSnapshot('healthy');
		const preflight = buildPreflight(snapshot, facts(snapshot));
		expect(preflight.wrong).toEqual([]);
		expect(preflight.warnings.join('\n')).toMatch(/Nothing is wrong that a remount fixes/);
	});

	it('blocks the walk when the audit log cannot be written, but lets a dry run go with a warning', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const audit = {path: '/var/log/glance-inspector/audit.jsonl', problem: 'permission denied'};
		expect(buildPreflight(snapshot, facts(snapshot, {audit})).blockers.join('\n')).toMatch(/audit log cannot be written \(permission denied\)/);
		const dry = buildPreflight(snapshot, facts(snapshot, {audit, dryRun: true}));
		expect(dry.blockers).toEqual([]);
		expect(dry.warnings.join('\n')).toMatch(/dry run is not recorded/);
		expect(dry.warnings[0]).toMatch(/Dry run: nothing will be executed/);
	});

	it('blocks the walk when Docker cannot be asked, the World cannot act, or no mount point is known', async () => {
		const {snapshot} = await scenarioSnapshot('flapped');
		const unreachable: ContainerProbe = {at: 1, state: 'docker-unreachable', name: 'glance_api', reason: 'permission denied', hint: 'run as root'};
		expect(buildPreflight({...snapshot, container: unreachable}, facts(snapshot)).blockers.join('\n')).toMatch(/Docker cannot be asked about glance_api/);
		expect(buildPreflight(snapshot, facts(snapshot, {missingActions: ['stop containers', 'mount']})).blockers.join('\n')).toMatch(/cannot stop containers, mount/);
		const local = {...snapshot, datadir: {...withoutFstab(snapshot.datadir!), mount: {...nfsMount, mountPoint: '/', fsType: 'ext4'}}};
		const nowhere = buildPreflight(local, facts(local));
		expect(nowhere.blockers.join('\n')).toMatch(/No mount point is known.*--mountpoint/);
	});
});

describe('where a half-done remount resumes', () => {
	const time = '2026-11-24T09:00:00.000Z';
	const record = (event: AuditRecord['event'], step: AuditRecord['step'], outcome: string | null, detail?: AuditRecord['detail']): AuditRecord => ({
		time,
		run: 'run-1',
		host: 'ctl01',
		operator: 'alice',
		ssh: null,
		event,
		step,
		command: null,
		dryRun: false,
		outcome,
		...(detail ? {detail} : {}),
	});

	async function facts(scenario: ScenarioName, change: (world: SimulatedWorld) => Promise<void>) {
		const world = createSimulatedWorld(scenario, {speed: 1000, probeTimeoutMs: 20});
		worlds.push(world);
		await change(world);
		const datadir = await world.probeDatadir();
		const container = await world.probeContainer(datadir.mount, datadir.health);
		return {datadir, container, containerName: 'glance_api', mountpoint: '/srv/glance'};
	}

	it('starts at the beginning while the container runs on a mounted share', async () => {
		const point = resumePoint({...(await facts('flapped', async () => {})), lastRun: null});
		expect(point).toMatchObject({from: 'stop', urgent: false, alreadyDone: []});
	});

	it('stops first, urgently, when the container runs with nothing mounted', async () => {
		const point = resumePoint({...(await facts('flapped', world => world.controller.unmount())), lastRun: null});
		expect(point.from).toBe('stop');
		expect(point.urgent).toBe(true);
		expect(point.reason).toMatch(/root disk right now/);
	});

	it('continues with the mount when the container is stopped and the share unmounted', async () => {
		const point = resumePoint({
			...(await facts('flapped', async world => {
				await world.controller.stopContainer();
				await world.controller.unmount();
			})),
			lastRun: null,
		});
		expect(point.from).toBe('mount');
		expect(point.alreadyDone.map(each => each.step)).toEqual(['stop', 'unmount']);
		expect(point.alreadyDone[1]?.evidence).toMatch(/not a mount point.*\/dev\/sda1/);
	});

	it('with the container stopped and the share mounted, starts only when the last run mounted this very mount', async () => {
		const world = await facts('flapped', async each => {
			await each.controller.stopContainer();
			await each.controller.unmount();
			await each.controller.mount();
		});
		const device = world.datadir.mount?.majorMinor;
		expect(device).toBe('0:54');
		const mountedAfterUnmount = [record('postcondition', 'unmount', 'done'), record('postcondition', 'mount', 'done', {device, mountpoint: '/srv/glance'})];
		const fresh = resumePoint({...world, lastRun: mountedAfterUnmount});
		expect(fresh.from).toBe('start');
		expect(fresh.reason).toMatch(/run of 2026-11-24T09:00:00.000Z by alice mounted it \(dev 0:54\)/);
		expect(fresh.alreadyDone.map(each => each.step)).toEqual(['stop', 'unmount', 'mount']);

		expect(resumePoint({...world, lastRun: null}).from).toBe('unmount');
		// Unmounted again after that mount, or a different mount now: not vouched for.
		expect(resumePoint({...world, lastRun: [...mountedAfterUnmount, record('postcondition', 'unmount', 'done')]}).from).toBe('unmount');
		expect(resumePoint({...world, lastRun: [record('postcondition', 'mount', 'done', {device: '0:99'})]}).from).toBe('unmount');
		expect(resumePoint({...world, lastRun: [record('postcondition', 'mount', 'failed')]}).from).toBe('unmount');
	});

	it('unmounts first when the container is stopped and the mounted share is dead', async () => {
		const point = resumePoint({
			...(await facts('flapped', async world => {
				await world.controller.stopContainer();
				world.controller.takeServerDown();
			})),
			lastRun: [record('postcondition', 'mount', 'done')],
		});
		expect(point.from).toBe('unmount');
		expect(point.reason).toMatch(/ENOTCONN/);
	});

	it('goes straight to the proof when the last run started the container healthy and stopped there', async () => {
		const world = await facts('flapped', async each => {
			await each.controller.stopContainer();
			await each.controller.unmount();
			await each.controller.mount();
			await each.controller.startContainer();
			await each.controller.wait(20);
		});
		const started = [record('postcondition', 'mount', 'done'), record('postcondition', 'start', 'done')];
		expect(resumePoint({...world, lastRun: started}).from).toBe('prove');
		expect(resumePoint({...world, lastRun: [...started, record('finished', null, 'finished')]}).from).toBe('stop');
		expect(resumePoint({...world, lastRun: null}).from).toBe('stop');
	});
});

describe('postconditions', () => {
	it('judges stop, unmount and mount from what the world answers', async () => {
		const {world} = await scenarioSnapshot('flapped');
		const running = await world.probeContainer(null, null);
		expect(checkStopped(running).holds).toBe(false);
		await world.controller.stopContainer();
		const stopped = checkStopped(await world.probeContainer(null, null));
		expect(stopped.holds).toBe(true);
		expect(stopped.checks[0]?.evidence).toMatch(/exited, exit code 0/);

		expect(checkUnmounted(await world.probeDatadir(), '/srv/glance').holds).toBe(false);
		await world.controller.unmount();
		const unmounted = await world.probeDatadir();
		expect(checkUnmounted(unmounted, '/srv/glance').holds).toBe(true);
		const expected = {mountpoint: '/srv/glance', source: 'nfs01:/export/glance', filesBefore: 7};
		const notMounted = checkMounted(unmounted, null, expected);
		expect(notMounted.holds).toBe(false);
		expect(notMounted.checks.filter(check => !check.ok).map(check => check.label)).toContain('/srv/glance is a mount point');

		await world.controller.mount();
		const mounted = await world.probeDatadir();
		expect(checkMounted(mounted, await world.listDatadir(), expected).holds).toBe(true);
		expect(checkMounted(mounted, await world.listDatadir(), {...expected, source: 'nfs02:/export/glance'}).holds).toBe(false);
		const empty = {at: 1, state: 'ok' as const, directory: simulatedDatadir, files: [], tookMs: 1};
		expect(checkMounted(mounted, empty, expected).checks.find(check => check.label.startsWith('the image files'))?.ok).toBe(false);
	});

	it('wants the started container healthy and on the host mount, and a proof with bytes', async () => {
		const {world} = await scenarioSnapshot('flapped');
		const datadir = await world.probeDatadir();
		const stale = await world.probeContainer(datadir.mount, datadir.health);
		const staleVerdict = checkStarted(stale, '/srv/glance');
		expect(staleVerdict.holds).toBe(false);
		expect(staleVerdict.checks.find(check => !check.ok)?.evidence).toMatch(/holds dev 0:52, the host has dev 0:53/);
		expect(mayStillTurnHealthy({...stale, health: 'starting'} as ContainerProbe)).toBe(true);
		expect(mayStillTurnHealthy(stale)).toBe(false);

		expect(checkProof({ok: false, status: 204, bytes: 0, imageId: 'x', reason: 'no bytes'}).holds).toBe(false);
		expect(checkProof({ok: true, status: 200, bytes: 0, imageId: 'x', tookMs: 3}).holds).toBe(false);
		expect(checkProof({ok: true, status: 200, bytes: 65536, imageId: 'x', tookMs: 3}).holds).toBe(true);
	});
});
