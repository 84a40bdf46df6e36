// The real adapter against real parts: dockerd, a glance_api container and an sshfs share we kill and freeze.
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {deriveFindings} from '../../source/model/findings.js';
import type {ContainerProbe, Snapshot} from '../../source/model/types.js';
import {resolveSettings, type Flags} from '../../source/settings.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import {lab, labScript, sh} from '../support/lab.js';

const probeTimeoutSeconds = 2;

function worldWith(flags: Flags = {}, env: NodeJS.ProcessEnv = {}): RealWorld {
	const resolved = resolveSettings({
		flags: {datadir: lab.LAB_DATADIR, container: lab.LAB_CONTAINER, probeTimeout: probeTimeoutSeconds, ...flags},
		env,
		globals: {path: '/nonexistent/globals.yml', text: null, readError: null},
		containerGlanceSource: null,
	});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	return new RealWorld(resolved.value);
}

async function fullSnapshot(world: RealWorld): Promise<Snapshot> {
	const datadir = await world.probeDatadir();
	const container = await world.probeContainer(datadir.mount, datadir.health);
	return {datadir, container, host: null, history: [], lastEvent: null, glance: null, files: null};
}

function findingIds(snapshot: Snapshot): string[] {
	return deriveFindings(snapshot, {warnPercent: 80, critPercent: 90, container: lab.LAB_CONTAINER!, now: Date.now()}).map(finding => finding.id);
}

function present(probe: ContainerProbe | null) {
	if (probe?.state !== 'present') throw new Error(`expected the container to be present, got ${JSON.stringify(probe)}`);
	return probe;
}

describe('the real world on a healthy lab', () => {
	it('finds the sshfs share holding the datadir, its fstab line, and figures from statfs', async () => {
		const {datadir} = await fullSnapshot(worldWith());
		expect(datadir!.verdict).toBe('responsive');
		expect(datadir!.mount).toMatchObject({fsType: 'fuse.sshfs', mountPoint: lab.LAB_MOUNTPOINT, source: lab.LAB_SSHFS_SOURCE});
		expect(datadir!.fstab?.file).toBe(lab.LAB_MOUNTPOINT);
		expect(datadir!.expectedFrom).toBe('fstab');
		expect(datadir!.stats!.bytesTotal).toBeGreaterThan(0);
		// Cross-check with df, which is safe here because the share is healthy.
		const dfTotal = Number((await sh(`df --output=size -B1 ${lab.LAB_MOUNTPOINT} | tail -1`)).trim());
		expect(datadir!.stats!.bytesTotal).toBe(dfTotal);
	});

	it('sees the running glance_api holding the same mount as the host', async () => {
		const snapshot = await fullSnapshot(worldWith());
		const container = present(snapshot.container);
		expect(container.running).toBe(true);
		expect(container.glanceSource).toBe(lab.LAB_MOUNTPOINT);
		expect(container.view.state).toBe('same');
		if (container.view.state === 'same') expect(container.view.mount.majorMinor).toBe(snapshot.datadir!.mount!.majorMinor);
		expect(findingIds(snapshot)).not.toContain('container-stale-mount');
	});

	it('probes an idle lab alike round after round: the screen is not drawn again for nothing', async () => {
		const world = worldWith();
		const rounds: Snapshot[] = [];
		for (let round = 0; round < 6; round++) rounds.push(await fullSnapshot(world));
		const mounts = rounds.map(snapshot => present(snapshot.container).mounts);
		// The Engine lists a container's mounts in no fixed order (a Go map): the probe sorts them.
		expect(mounts[0]!.length).toBeGreaterThan(1);
		expect(mounts[0]!.map(mount => mount.destination)).toEqual(mounts[0]!.map(mount => mount.destination).sort());
		for (const each of mounts) expect(each).toEqual(mounts[0]);
		// Everything docker says of the idle container is the same each round, but when it was asked.
		const facts = rounds.map(snapshot => ({...present(snapshot.container), at: 0, view: null}));
		for (const each of facts) expect(each).toEqual(facts[0]);
	});

	it('reports a missing container and an unreachable docker socket as findings, not crashes', async () => {
		const missing = await fullSnapshot(worldWith({container: 'glance_api_not_here'}));
		expect(missing.container?.state).toBe('missing');
		expect(findingIds(missing)).toContain('container-missing');

		const unreachable = await fullSnapshot(worldWith({}, {DOCKER_HOST: 'unix:///run/no-such-docker.sock'}));
		expect(unreachable.container).toMatchObject({state: 'docker-unreachable'});
		if (unreachable.container?.state === 'docker-unreachable') expect(unreachable.container.reason).toContain('does not exist');
		expect(findingIds(unreachable)).toContain('docker-unreachable');
	});
});

describe('the real world when the share flaps', () => {
	afterAll(async () => {
		await labScript('heal');
	});

	it('reports container-stale-mount once the host has remounted and the container has not', async () => {
		const before = await fullSnapshot(worldWith());
		await labScript('flap');
		const after = await fullSnapshot(worldWith());
		expect(after.datadir!.verdict).toBe('responsive');
		expect(after.datadir!.mount!.majorMinor).not.toBe(before.datadir!.mount!.majorMinor);
		const view = present(after.container).view;
		expect(view.state).toBe('stale');
		if (view.state === 'stale') {
			expect(view.mount.majorMinor).toBe(before.datadir!.mount!.majorMinor);
			expect(view.health).toMatchObject({state: 'dead', errno: 'ENOTCONN'});
		}
		expect(findingIds(after)).toContain('container-stale-mount');
		// Independent evidence: Glance's own process cannot list its datadir.
		const inside = await sh(`docker exec ${lab.LAB_CONTAINER} ls ${lab.LAB_CONTAINER_DATADIR} 2>&1 || true`);
		expect(inside).toMatch(/Transport endpoint is not connected/);
		// kolla's healthcheck only asks the API, so docker still says healthy: the finding must say so.
		const finding = deriveFindings(after, {warnPercent: 80, critPercent: 90, container: lab.LAB_CONTAINER!, now: Date.now()}).find(each => each.id === 'container-stale-mount')!;
		expect(finding.severity).toBe('critical');
		expect(finding.action).toContain(`docker stop ${lab.LAB_CONTAINER}`);
	});

	it('is back to the same mount after the documented stop, remount, start', async () => {
		await labScript('heal');
		const healed = await fullSnapshot(worldWith());
		expect(present(healed.container).view.state).toBe('same');
		expect(findingIds(healed)).not.toContain('container-stale-mount');
	});
});

describe('the real world when the share hangs', () => {
	afterEach(async () => {
		await labScript('thaw');
	});

	it('answers within the probe timeout with mount-unresponsive, then recovers after SIGCONT', async () => {
		const world = worldWith();
		await labScript('freeze');
		const started = Date.now();
		const hung = await world.probeDatadir();
		const took = Date.now() - started;
		expect(hung.verdict).toBe('unresponsive');
		expect(took).toBeLessThan(probeTimeoutSeconds * 1000 + 1500);
		expect(findingIds({datadir: hung, container: null, host: null, history: [], lastEvent: null, glance: null, files: null})).toContain('mount-unresponsive');
		// A second round while still hung must not pile up another stuck process.
		const again = await world.probeDatadir();
		expect(again.verdict).toBe('unresponsive');

		await labScript('thaw');
		let recovered = await world.probeDatadir();
		for (let attempt = 0; attempt < 20 && recovered.verdict !== 'responsive'; attempt++) {
			await new Promise(resolve => setTimeout(resolve, 500));
			recovered = await world.probeDatadir();
		}
		expect(recovered.verdict).toBe('responsive');
	});
});
