import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import type {ContainerProbe} from '../../source/model/types.js';
import {actionDurationsMs, type ControllerState} from '../../source/world/simulated/controller.js';
import {loadScenarioState, saveScenarioState, scenarioStateFile} from '../../source/world/simulated/saved-state.js';
import {createScenarioState, hungRecoveryMs, isScenarioName, scenarios} from '../../source/world/simulated/scenarios.js';
import {createSimulatedWorld, type SimulatedWorldOptions} from '../../source/world/simulated/simulated-world.js';

const start = Date.parse('2026-11-24T10:00:00Z');
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A clock that only moves when the simulator sleeps, so every delay passes at once. */
function instantTime(): Required<Pick<SimulatedWorldOptions, 'now' | 'sleep'>> & {sleeps: number[]; advance(ms: number): void} {
	let clock = start;
	const sleeps: number[] = [];
	return {
		now: () => clock,
		sleep: async ms => {
			sleeps.push(ms);
			clock += ms;
		},
		sleeps,
		advance: ms => {
			clock += ms;
		},
	};
}

/** A clock whose sleeps wait until the test releases them, to see what happens in between. */
function steppedTime(): Required<Pick<SimulatedWorldOptions, 'now' | 'sleep'>> & {pending: Array<{ms: number; release(): void}>} {
	let clock = start;
	const pending: Array<{ms: number; release(): void}> = [];
	return {
		now: () => clock,
		sleep: ms =>
			new Promise<void>(resolve => {
				pending.push({
					ms,
					release: () => {
						clock += ms;
						resolve();
					},
				});
			}),
		pending,
	};
}

function settle(): Promise<void> {
	return new Promise(resolve => setImmediate(resolve));
}

function present(probe: ContainerProbe): Extract<ContainerProbe, {state: 'present'}> {
	if (probe.state !== 'present') throw new Error(`expected a present container, got ${probe.state}`);
	return probe;
}

async function probeBoth(world: ReturnType<typeof createSimulatedWorld>) {
	const datadir = await world.probeDatadir();
	const container = present(await world.probeContainer(datadir.mount));
	return {datadir, container};
}

function usedPercent(stats: {bytesUsed: number; bytesTotal: number}): number {
	return (stats.bytesUsed / stats.bytesTotal) * 100;
}

describe('scenarios', () => {
	it('lists the seven scenarios once each, with a title and a lesson', () => {
		expect(scenarios.map(scenario => scenario.name).sort()).toEqual(['busy', 'drift', 'flapped', 'full', 'healthy', 'hung', 'shadowed']);
		for (const scenario of scenarios) {
			expect(scenario.title.length).toBeGreaterThan(5);
			expect(scenario.lesson.length).toBeGreaterThan(40);
		}
	});

	it('recognises scenario names from the command line and rejects others', () => {
		expect(isScenarioName('flapped')).toBe(true);
		expect(isScenarioName('flap')).toBe(false);
		expect(isScenarioName('')).toBe(false);
	});

	it('gives the container the name it is asked for', async () => {
		const world = createSimulatedWorld('healthy', {...instantTime(), container: 'glance_api_test'});
		const probe = await world.probeContainer(null);
		expect(probe.name).toBe('glance_api_test');
		expect(createScenarioState('healthy', {at: start}).container.name).toBe('glance_api');
	});
});

describe('healthy', () => {
	it('shows the NFS share mounted from fstab, answering, 45% full, the container on the same mount', async () => {
		const world = createSimulatedWorld('healthy', instantTime());
		expect(world.kind).toBe('simulated');
		expect(world.label).toBe('simulator: healthy');
		const {datadir, container} = await probeBoth(world);

		expect(datadir.datadir).toBe('/srv/glance/images');
		expect(datadir.verdict).toBe('responsive');
		expect(datadir.mount).toMatchObject({fsType: 'nfs4', source: 'nfs01:/export/glance', mountPoint: '/srv/glance', majorMinor: '0:52'});
		expect(datadir.expectedMountpoint).toBe('/srv/glance');
		expect(datadir.expectedFrom).toBe('fstab');
		expect(datadir.fstab).toMatchObject({spec: 'nfs01:/export/glance', file: '/srv/glance', vfsType: 'nfs4'});
		expect(datadir.health).toMatchObject({state: 'responsive', device: '0:52', entries: world.controller.files.length});
		expect(usedPercent(datadir.stats!)).toBeCloseTo(45, 1);
		expect(datadir.stats!.bytesAvailable).toBe(datadir.stats!.bytesTotal - datadir.stats!.bytesUsed);

		expect(container).toMatchObject({
			name: 'glance_api',
			image: 'quay.io/openstack.kolla/glance-api:2024.1-ubuntu-jammy',
			status: 'running',
			running: true,
			health: 'healthy',
			restartPolicy: 'unless-stopped',
			glanceSource: '/srv/glance',
			exitCode: null,
			finishedAt: null,
		});
		expect(container.id).toMatch(/^[0-9a-f]{64}$/);
		expect(container.mounts).toContainEqual(expect.objectContaining({source: '/srv/glance', destination: '/var/lib/glance', propagation: 'rprivate'}));
		expect(container.view.state).toBe('same');
		if (container.view.state !== 'same') return;
		expect(container.view.mount).toMatchObject({mountPoint: '/var/lib/glance', majorMinor: '0:52', optionalFields: []});
		expect(container.view.health.state).toBe('responsive');
	});

	it('keeps a datadir of Glance image files named by their ids', () => {
		const world = createSimulatedWorld('healthy', instantTime());
		expect(world.controller.files.length).toBeGreaterThanOrEqual(5);
		for (const file of world.controller.files) {
			expect(file.name).toMatch(uuidPattern);
			expect(file.size).toBeGreaterThan(0);
			expect(file.mtime).toBeLessThan(start);
		}
	});

	it('fills slowly: an hour later the share holds an hour of growth more', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('healthy', time);
		const before = (await world.probeDatadir()).stats!;
		time.advance(3_600_000);
		const after = (await world.probeDatadir()).stats!;
		const grown = after.bytesUsed - before.bytesUsed;
		expect(grown).toBeGreaterThan(0);
		expect(grown).toBeCloseTo(world.controller.growthBytesPerSecond * 3600, -1);
		expect(after.bytesAvailable).toBe(before.bytesAvailable - grown);
	});

	it('reports a host that changes over time', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('healthy', time);
		const first = await world.probeHost();
		time.advance(5000);
		const later = await world.probeHost();
		expect(first.hostname).toBe('sim-controller01');
		expect(first.problem).toBeNull();
		expect(first.network?.iface).toBe('ens3');
		for (const probe of [first, later]) {
			expect(probe.load1).toBeGreaterThan(0);
			expect(probe.cpuPercent).toBeGreaterThan(0);
			expect(probe.cpuPercent).toBeLessThan(100);
			expect(probe.memUsedPercent).toBeGreaterThan(0);
			expect(probe.memUsedPercent).toBeLessThan(100);
		}
		expect(later.at - first.at).toBe(5000);
		expect([later.load1, later.cpuPercent, later.network?.rxBytesPerSec]).not.toEqual([first.load1, first.cpuPercent, first.network?.rxBytesPerSec]);
	});
});

describe('flapped', () => {
	it('shows a healthy host mount with a new major:minor and a container still on the old, dead one', async () => {
		const world = createSimulatedWorld('flapped', instantTime());
		const {datadir, container} = await probeBoth(world);
		expect(datadir.verdict).toBe('responsive');
		expect(datadir.mount?.majorMinor).toBe('0:53');
		// kolla's healthcheck only asks the API, so Docker still says healthy.
		expect(container.health).toBe('healthy');
		expect(container.running).toBe(true);
		expect(container.view.state).toBe('stale');
		if (container.view.state !== 'stale') return;
		expect(container.view.mount.majorMinor).toBe('0:52');
		expect(container.view.hostMajorMinor).toBe('0:53');
		expect(container.view.health).toMatchObject({state: 'dead', errno: 'ENOTCONN'});
	});

	it('heals with stop, umount, mount, start: the container then sees the new mount, and Docker reports each step', async () => {
		const world = createSimulatedWorld('flapped', instantTime());
		const events: string[] = [];
		world.watch(event => events.push(event.text));
		const {controller} = world;

		await controller.stopContainer();
		const stopped = present(await world.probeContainer((await world.probeDatadir()).mount));
		expect(stopped).toMatchObject({running: false, status: 'exited', exitCode: 0, pid: 0, health: 'unhealthy'});
		expect(stopped.finishedAt).not.toBeNull();
		expect(stopped.view.state).toBe('unknown');

		await controller.unmount();
		const unmounted = await world.probeDatadir();
		expect(unmounted.verdict).toBe('not-mounted');
		expect(unmounted.mount?.mountPoint).toBe('/');
		expect(unmounted.health.state).toBe('missing');
		expect(unmounted.stats).toBeNull();

		await controller.mount();
		await controller.startContainer();
		await vi.waitFor(() => expect(events).toContain('health_status: healthy'));

		const {datadir, container} = await probeBoth(world);
		expect(datadir.verdict).toBe('responsive');
		// A remount is a new filesystem: the next minor after 0:53.
		expect(datadir.mount?.majorMinor).toBe('0:54');
		expect(container.view.state).toBe('same');
		if (container.view.state !== 'same') return;
		expect(container.view.mount.majorMinor).toBe('0:54');
		expect(container.view.health.state).toBe('responsive');
		expect(container).toMatchObject({running: true, health: 'healthy', exitCode: null, finishedAt: null});
		expect(container.pid).toBeGreaterThan(0);
		expect(container.pid).not.toBe(stopped.pid);
		expect(events).toEqual(['kill', 'die', 'stop', 'start', 'health_status: healthy']);
	});

	it('gives every host remount a new minor, and a running container never follows it', async () => {
		const world = createSimulatedWorld('healthy', instantTime());
		const minors: Array<string | undefined> = [];
		for (let round = 0; round < 2; round++) {
			await world.controller.unmount();
			await world.controller.mount();
			minors.push((await world.probeDatadir()).mount?.majorMinor);
		}
		expect(minors).toEqual(['0:53', '0:54']);
		const {container} = await probeBoth(world);
		expect(container.view).toMatchObject({state: 'stale', mount: {majorMinor: '0:52'}, hostMajorMinor: '0:54'});
	});
	it('gives a container started with nothing mounted the bare directory, which a later mount does not replace', async () => {
		const world = createSimulatedWorld('healthy', instantTime());
		const {controller} = world;
		await controller.stopContainer();
		await controller.unmount();
		await controller.startContainer();
		const early = await probeBoth(world);
		expect(early.container.view).toMatchObject({state: 'same', mount: {majorMinor: '8:1', root: '/srv/glance', fsType: 'ext4'}, health: {state: 'missing'}});

		await controller.mount();
		const late = await probeBoth(world);
		expect(late.datadir.verdict).toBe('responsive');
		expect(late.container.view).toMatchObject({state: 'stale', mount: {majorMinor: '8:1'}, hostMajorMinor: '0:53'});
	});
});

describe('flap', () => {
	it('leaves the running container on the dead mount while the host remounts, without a Docker event', async () => {
		const world = createSimulatedWorld('healthy', instantTime());
		const events: string[] = [];
		world.watch(event => events.push(event.text));
		await world.controller.flap();
		const {datadir, container} = await probeBoth(world);
		expect(datadir.verdict).toBe('responsive');
		expect(datadir.mount?.majorMinor).toBe('0:53');
		expect(container.health).toBe('healthy');
		expect(container.view).toMatchObject({state: 'stale', hostMajorMinor: '0:53', mount: {majorMinor: '0:52'}, health: {state: 'dead'}});
		expect(events).toEqual([]);
	});
});

describe('hung', () => {
	it('answers unresponsive only when the probe timeout has elapsed', async () => {
		const time = steppedTime();
		const world = createSimulatedWorld('hung', {...time, probeTimeoutMs: 4000});
		let finished = false;
		const probing = world.probeDatadir().then(probe => {
			finished = true;
			return probe;
		});
		await settle();
		expect(finished).toBe(false);
		expect(time.pending.map(sleep => sleep.ms)).toEqual([4000]);

		time.pending[0]!.release();
		const probe = await probing;
		expect(probe.verdict).toBe('unresponsive');
		expect(probe.health).toEqual({state: 'unresponsive', afterMs: 4000});
		expect(probe.stats).toBeNull();
		expect(probe.at - start).toBe(4000);
		// The mount is still in the table: hung is not unmounted.
		expect(probe.mount?.majorMinor).toBe('0:52');
	});

	it('hangs the container view too, and reports it unresponsive on the same device as the host', async () => {
		const time = steppedTime();
		const world = createSimulatedWorld('hung', {...time, probeTimeoutMs: 2500});
		const probingHost = world.probeDatadir();
		await settle();
		time.pending.shift()!.release();
		const datadir = await probingHost;

		const probingContainer = world.probeContainer(datadir.mount);
		await settle();
		expect(time.pending.map(sleep => sleep.ms)).toEqual([2500]);
		time.pending.shift()!.release();
		const container = present(await probingContainer);
		expect(container.view).toMatchObject({state: 'same', mount: {majorMinor: '0:52'}, health: {state: 'unresponsive', afterMs: 2500}});
	});

	it('answers as soon as the share thaws within the timeout', async () => {
		const time = steppedTime();
		const world = createSimulatedWorld('hung', {...time, probeTimeoutMs: 4000});
		const probing = world.probeDatadir();
		await settle();
		world.controller.thaw();
		const probe = await probing;
		expect(probe.verdict).toBe('responsive');
		expect(probe.stats).not.toBeNull();
	});

	it('refuses a plain umount of the hung share but lets a lazy one through, and a new mount times out', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('hung', time);
		await expect(world.controller.unmount()).resolves.toMatchObject({ok: false, problem: {errno: 'EBUSY', reason: 'umount.nfs4: /srv/glance: device is busy'}});
		expect(world.controller.hostMount).not.toBeNull();
		await world.controller.unmount({lazy: true});
		expect(world.controller.hostMount).toBeNull();
		await expect(world.controller.mount()).resolves.toMatchObject({ok: false, problem: {errno: 'ETIMEDOUT'}});
		expect(time.sleeps.at(-1)).toBe(actionDurationsMs.mountTimeout);
		expect(world.controller.hostMount).toBeNull();
	});
});

describe('full', () => {
	it('is at least 95% full and fills within minutes to hours', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('full', time);
		const first = (await world.probeDatadir()).stats!;
		expect(usedPercent(first)).toBeGreaterThanOrEqual(95);
		time.advance(60_000);
		const minuteLater = (await world.probeDatadir()).stats!;
		const bytesPerSecond = (minuteLater.bytesUsed - first.bytesUsed) / 60;
		const secondsToFull = minuteLater.bytesAvailable / bytesPerSecond;
		expect(secondsToFull).toBeGreaterThan(10 * 60);
		expect(secondsToFull).toBeLessThan(24 * 3600);
		expect(minuteLater.inodesUsed).toBeGreaterThan(first.inodesUsed);
	});

	it('stops growing at the size of the share', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('full', time);
		time.advance(7 * 86_400_000);
		const stats = (await world.probeDatadir()).stats!;
		expect(stats.bytesUsed).toBe(stats.bytesTotal);
		expect(stats.bytesAvailable).toBe(0);
	});
});

describe('drift', () => {
	it('mounts fine but lists odd files: a zero-byte one, a hand-copied name, a truncated copy, a missing one', async () => {
		const healthy = createSimulatedWorld('healthy', instantTime()).controller.files;
		const world = createSimulatedWorld('drift', instantTime());
		const files = world.controller.files;
		const probe = await world.probeDatadir();
		expect(probe.verdict).toBe('responsive');
		expect(probe.health).toMatchObject({entries: files.length});

		expect(files.some(file => file.size === 0)).toBe(true);
		expect(files.some(file => !uuidPattern.test(file.name))).toBe(true);
		const sizeOf = new Map(healthy.map(file => [file.name, file.size]));
		expect(files.some(file => sizeOf.has(file.name) && sizeOf.get(file.name) !== file.size)).toBe(true);
		expect(healthy.some(file => !files.some(other => other.name === file.name))).toBe(true);
	});
});

describe('busy', () => {
	it('refuses umount while rsync holds the mount, until a lazy unmount; then the remount heals the container', async () => {
		const world = createSimulatedWorld('busy', instantTime());
		const {controller} = world;
		expect((await probeBoth(world)).container.view.state).toBe('stale');
		expect(controller.mountHolders()).toEqual([{pid: 4242, command: 'rsync -a /srv/glance/images/ /backup/'}]);

		await controller.stopContainer();
		await expect(controller.unmount()).resolves.toMatchObject({ok: false, problem: {errno: 'EBUSY', reason: 'umount: /srv/glance: target is busy.'}});
		expect((await world.probeDatadir()).verdict).toBe('responsive');

		await controller.unmount({lazy: true});
		expect((await world.probeDatadir()).verdict).toBe('not-mounted');
		await controller.mount();
		await controller.startContainer();
		const {datadir, container} = await probeBoth(world);
		expect(datadir.mount?.majorMinor).toBe('0:54');
		expect(container.view.state).toBe('same');
		expect(controller.mountHolders()).toEqual([]);
	});

	it('lets a plain umount through once the holder is killed', async () => {
		const {controller} = createSimulatedWorld('busy', instantTime());
		await controller.killHolder(4242);
		expect(controller.mountHolders()).toEqual([]);
		await controller.unmount();
		expect(controller.hostMount).toBeNull();
		await expect(controller.killHolder(4242)).resolves.toMatchObject({ok: false, problem: {errno: 'ESRCH'}});
	});
});

describe('the share server', () => {
	it('going down kills the live mount with ENOTCONN and refuses new mounts until it is back', async () => {
		const world = createSimulatedWorld('healthy', instantTime());
		const {controller} = world;
		controller.takeServerDown();
		const dead = await world.probeDatadir();
		expect(dead.verdict).toBe('dead');
		expect(dead.health).toMatchObject({state: 'dead', errno: 'ENOTCONN'});

		await controller.stopContainer();
		await expect(controller.startContainer()).resolves.toMatchObject({ok: false, problem: {errno: 'ENOTCONN'}});
		expect(controller.container.running).toBe(false);

		await controller.unmount();
		await expect(controller.mount()).resolves.toMatchObject({ok: false, problem: {errno: 'ECONNREFUSED', reason: 'mount.nfs4: Connection refused for nfs01:/export/glance on /srv/glance'}});
		expect((await world.probeDatadir()).verdict).toBe('not-mounted');

		controller.bringServerUp();
		await controller.mount();
		expect((await world.probeDatadir()).verdict).toBe('responsive');
	});

	it('refuses to unmount what is not mounted, and to mount twice', async () => {
		const {controller} = createSimulatedWorld('healthy', instantTime());
		await expect(controller.mount()).resolves.toMatchObject({ok: false, problem: {errno: 'EBUSY'}});
		await controller.unmount();
		await expect(controller.unmount()).resolves.toMatchObject({ok: false, problem: {errno: 'EINVAL', reason: 'umount: /srv/glance: not mounted.'}});
	});
});

describe('timing', () => {
	it('takes realistic time, divided by speed, and reports each state on the way', async () => {
		const time = steppedTime();
		const world = createSimulatedWorld('flapped', {...time, speed: 10});
		const {controller} = world;
		const events: string[] = [];
		world.watch(event => events.push(event.text));

		const stopping = controller.stopContainer();
		await settle();
		expect(time.pending.map(sleep => sleep.ms)).toEqual([actionDurationsMs.stop / 10]);
		// Still running while it drains, but Docker already calls it unhealthy.
		expect(controller.container).toMatchObject({running: true, health: 'unhealthy'});
		expect(events).toEqual(['kill']);
		time.pending.shift()!.release();
		await stopping;
		expect(controller.container.running).toBe(false);

		const starting = controller.startContainer();
		await settle();
		expect(time.pending.map(sleep => sleep.ms)).toEqual([actionDurationsMs.start / 10]);
		expect(controller.container.running).toBe(false);
		time.pending.shift()!.release();
		await starting;
		expect(controller.container).toMatchObject({running: true, health: 'starting'});
		await settle();
		expect(time.pending.map(sleep => sleep.ms)).toEqual([actionDurationsMs.healthStarting / 10]);
		expect(events).toEqual(['kill', 'die', 'stop', 'start']);
		time.pending.shift()!.release();
		await vi.waitFor(() => expect(controller.container.health).toBe('healthy'));
		expect(events.at(-1)).toBe('health_status: healthy');
		expect(controller.container.startedAt).toBe(start + (actionDurationsMs.stop + actionDurationsMs.start) / 10);
	});

	it('does nothing when asked to stop a stopped container or start a running one, as docker does', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('healthy', time);
		const events: string[] = [];
		world.watch(event => events.push(event.text));
		const pid = world.controller.container.pid;
		await world.controller.startContainer();
		expect(world.controller.container.pid).toBe(pid);
		await world.controller.stopContainer();
		await world.controller.stopContainer();
		expect(events).toEqual(['kill', 'die', 'stop']);
	});

	it('stops delivering events after unsubscribe and after close', async () => {
		const world = createSimulatedWorld('healthy', instantTime());
		const kept: string[] = [];
		const dropped: string[] = [];
		world.watch(event => kept.push(event.text));
		const unsubscribe = world.watch(event => dropped.push(event.text));
		unsubscribe();
		await world.controller.stopContainer();
		await world.close();
		await world.controller.startContainer();
		expect(kept).toEqual(['kill', 'die', 'stop']);
		expect(dropped).toEqual([]);
	});

	it('with real timers, close ends pending delays at once instead of leaving them running', async () => {
		const world = createSimulatedWorld('flapped');
		const began = performance.now();
		const stopping = world.controller.stopContainer();
		await world.close();
		await stopping;
		expect(performance.now() - began).toBeLessThan(actionDurationsMs.stop / 2);
	});

	it('rejects a speed that would never finish', () => {
		expect(() => createSimulatedWorld('healthy', {speed: 0})).toThrow(RangeError);
	});
});

describe('verify in the simulator tells the truth about the bytes on disk', () => {
	async function verify(scenario: 'drift' | 'healthy', name: string) {
		const world = createSimulatedWorld(scenario, {...instantTime(), speed: 1000});
		const listing = await world.listGlanceImages();
		if (listing.state !== 'ok') throw new Error('Glance should answer');
		const image = listing.images.find(each => each.name === name)!;
		return {image, outcome: await world.verifyChecksum(image, () => {}, new AbortController().signal)};
	}

	it('finds an empty file that Glance says holds 1 GiB, with the digest of nothing', async () => {
		const {image, outcome} = await verify('drift', 'centos-stream-9');
		expect(image.size).toBe(1024 ** 3);
		expect(outcome).toMatchObject({state: 'checksum-mismatch', bytes: 0, md5Matches: false, actual: createHash('sha512').update('').digest('hex')});
	});

	it('finds a truncated copy', async () => {
		const {image, outcome} = await verify('drift', 'rocky-9.4');
		expect(outcome).toMatchObject({state: 'checksum-mismatch', bytes: 536_870_912, expected: image.osHashValue});
		if (outcome.state !== 'checksum-mismatch') throw new Error('unreachable');
		expect(outcome.actual).not.toBe(outcome.expected);
	});

	it('passes a whole, sound file', async () => {
		const {image, outcome} = await verify('healthy', 'rocky-9.4');
		expect(outcome).toMatchObject({state: 'ok', bytes: image.size, actual: image.osHashValue, md5Matches: true});
	});
});

describe('the hung scenario recovers', () => {
	it('its server answers again once the scenario has run for hungRecoveryMs, and the same mount carries on', async () => {
		const time = instantTime();
		const world = createSimulatedWorld('hung', {...time, probeTimeoutMs: 1000});
		expect((await world.probeDatadir()).verdict).toBe('unresponsive');
		time.advance(hungRecoveryMs);
		const probe = await world.probeDatadir();
		expect(probe.verdict).toBe('responsive');
		expect(probe.mount?.majorMinor).toBe('0:52');
		expect(scenarios.find(scenario => scenario.name === 'hung')?.lesson).toContain('comes back by itself 90 s after the scenario starts');
		expect(hungRecoveryMs).toBe(90_000);
	});
});

describe('a scenario kept across a quit', () => {
	it('tells after every change, and a world built on the kept machine carries on where it was left', async () => {
		const kept: string[] = [];
		const world = createSimulatedWorld('flapped', {...instantTime(), onChange: state => kept.push(JSON.stringify(state))});
		await world.controller.stopContainer();
		await world.controller.unmount();
		expect(kept.length).toBe(2);
		const restored = JSON.parse(kept.at(-1)!) as ControllerState;
		const again = createSimulatedWorld('flapped', {...instantTime(), restored});
		expect(again.controller.container.running).toBe(false);
		expect(again.controller.hostMount).toBeNull();
		expect((await again.probeDatadir()).verdict).toBe('not-mounted');
	});

	it('a container kept while it was still starting turns healthy in the next session', async () => {
		const state = createScenarioState('healthy', {at: start});
		state.container.health = 'starting';
		const world = createSimulatedWorld('healthy', {...instantTime(), restored: state});
		await settle();
		expect(world.controller.container.health).toBe('healthy');
	});

	it('is written whole to its file and read back; a file of another scenario or not JSON is the problem', () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'gi-saved-'));
		const file = scenarioStateFile(directory, 'busy');
		expect(file).toBe(path.join(directory, 'demo-busy.json'));
		expect(loadScenarioState(file, 'busy')).toEqual({ok: true, value: null});
		const state = createScenarioState('busy', {at: start});
		expect(saveScenarioState(file, 'busy', state)).toEqual({ok: true, value: undefined});
		expect(loadScenarioState(file, 'busy')).toEqual({ok: true, value: state});
		expect(loadScenarioState(file, 'flapped')).toMatchObject({ok: false, problem: {reason: `${file}: not a saved flapped scenario`}});
		writeFileSync(file, '{"scenario":');
		expect(loadScenarioState(file, 'busy')).toMatchObject({ok: false, problem: {reason: `${file}: not JSON`, hint: '--reset starts it fresh'}});
	});

	it('a saved machine that is a FIFO or too large is refused with --reset as the way out, without waiting for a writer', () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'gi-saved-'));
		const fifo = scenarioStateFile(directory, 'busy');
		execFileSync('mkfifo', [fifo]);
		expect(loadScenarioState(fifo, 'busy')).toMatchObject({ok: false, problem: {reason: expect.stringContaining('is a FIFO, not a regular file'), hint: '--reset starts it fresh'}});
		const large = scenarioStateFile(directory, 'flapped');
		writeFileSync(large, Buffer.alloc(2 * 1024 * 1024, 0x20));
		expect(loadScenarioState(large, 'flapped')).toMatchObject({ok: false, problem: {reason: expect.stringContaining('is larger than'), hint: '--reset starts it fresh'}});
	});
});
