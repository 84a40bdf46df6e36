import {afterEach, describe, expect, it} from 'vitest';
import {fullPassEvery} from '../../source/model/cadence.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import {createSimulatedWorld, type SimulatedWorld} from '../../source/world/simulated/simulated-world.js';

let world: SimulatedWorld | null = null;
afterEach(async () => {
	await world?.close();
});

describe('SnapshotPoller', () => {
	it('judges the container against the host mount of the same round, so a flap reads stale at once', async () => {
		world = createSimulatedWorld('healthy', {speed: 1000, probeTimeoutMs: 100});
		const poller = new SnapshotPoller(world, 3_600_000);
		const first = await poller.collect();
		expect(first.container?.state === 'present' && first.container.view.state).toBe('same');
		await world.controller.flap();
		const second = await poller.collect();
		expect(second.datadir!.mount!.majorMinor).not.toBe(first.datadir!.mount!.majorMinor);
		expect(second.container?.state === 'present' && second.container.view.state).toBe('stale');
	});

	it('keeps a capacity history of one sample per round', async () => {
		world = createSimulatedWorld('full', {speed: 1000, probeTimeoutMs: 100});
		const poller = new SnapshotPoller(world, 3_600_000);
		await poller.collect();
		await poller.collect();
		const snapshot = await poller.collect();
		expect(snapshot.history).toHaveLength(3);
		expect(snapshot.history.at(-1)!.bytesUsed).toBe(snapshot.datadir!.stats!.bytesUsed);
	});

	it('refreshes at once on a docker event', async () => {
		world = createSimulatedWorld('healthy', {speed: 1000, probeTimeoutMs: 100});
		const poller = new SnapshotPoller(world, 3_600_000);
		const seen: string[] = [];
		poller.subscribe(snapshot => {
			if (snapshot.lastEvent) seen.push(snapshot.lastEvent.text);
		});
		poller.start();
		await new Promise(resolve => setTimeout(resolve, 100));
		const before = poller.snapshot.container?.at ?? 0;
		await world.controller.stopContainer();
		const deadline = Date.now() + 3000;
		while ((poller.snapshot.container?.state !== 'present' || poller.snapshot.container.running) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10));
		poller.stop();
		expect(seen).toContain('die');
		expect(poller.snapshot.container!.at).toBeGreaterThan(before);
		expect(poller.snapshot.container?.state === 'present' && poller.snapshot.container.running).toBe(false);
	});

	it('looks under the mount point when the mount changes or at a full round, and at backups and staging only at full rounds', async () => {
		world = createSimulatedWorld('healthy', {speed: 1000, probeTimeoutMs: 100});
		const calls = {under: 0, backups: 0, glanceDirs: 0};
		const look = world.lookUnderMount!.bind(world);
		world.lookUnderMount = () => (calls.under++, look());
		world.probeBackups = async () => (calls.backups++, undefined as never);
		world.probeGlanceDirs = async () => (calls.glanceDirs++, undefined as never);
		let clock = Date.parse('2026-12-01T12:00:00Z');
		const inventoryMs = 30_000;
		const poller = new SnapshotPoller(world, 3_600_000, () => clock, inventoryMs);
		await poller.collect();
		expect(calls).toEqual({under: 1, backups: 1, glanceDirs: 1});
		clock += inventoryMs;
		await poller.collect();
		expect(calls).toEqual({under: 1, backups: 1, glanceDirs: 1});
		await world.controller.flap();
		clock += inventoryMs;
		await poller.collect();
		clock += inventoryMs;
		await poller.collect();
		// The round after the probe saw the new mount looks under it; the rest waits for the full round.
		expect(calls).toEqual({under: 2, backups: 1, glanceDirs: 1});
		clock += inventoryMs * fullPassEvery;
		await poller.collect();
		expect(calls).toEqual({under: 3, backups: 2, glanceDirs: 2});
	});
});

