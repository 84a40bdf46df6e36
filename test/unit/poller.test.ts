import {afterEach, describe, expect, it} from 'vitest';
import {fullPassEvery} from '../../source/model/cadence.js';
import {glanceHeadStartMs, SnapshotPoller} from '../../source/world/poller.js';
import type {ListGlanceOptions} from '../../source/world/world.js';
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
	/** A world whose Glance answers its first page, and then the rest, only when the test says so. */
	function heldGlance(events: string[]) {
		world = createSimulatedWorld('healthy', {speed: 1000, probeTimeoutMs: 100});
		const list = world.listGlanceImages.bind(world);
		const gates = {firstPage: () => {}, rest: () => {}};
		const firstPage = new Promise<void>(resolve => (gates.firstPage = resolve));
		const rest = new Promise<void>(resolve => (gates.rest = resolve));
		world.listGlanceImages = async (options?: ListGlanceOptions) => {
			events.push('glance asked');
			await firstPage;
			events.push('glance first page');
			options?.onFirstPage?.();
			await rest;
			return list();
		};
		for (const name of ['probeDatadir', 'listDatadir', 'probeContainer', 'probeHost'] as const) {
			const probe = (world[name] as (...args: unknown[]) => Promise<unknown>).bind(world);
			(world as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (events.push(name), probe(...args));
		}
		return gates;
	}

	it('in a one-shot round, lets Glance\'s first page go alone before the local probes start', async () => {
		const events: string[] = [];
		const gates = heldGlance(events);
		const collected = new SnapshotPoller(world!, 3_600_000).collect();
		for (let turn = 0; turn < 5; turn++) await new Promise(resolve => setImmediate(resolve));
		expect(events).toEqual(['glance asked']);
		gates.firstPage();
		while (!events.includes('listDatadir')) await new Promise(resolve => setImmediate(resolve));
		gates.rest();
		const snapshot = await collected;
		expect(events.slice(0, 2)).toEqual(['glance asked', 'glance first page']);
		expect(events.filter(event => event === 'glance asked')).toHaveLength(1);
		expect(events.slice(2).sort()).toEqual(['listDatadir', 'probeContainer', 'probeDatadir', 'probeHost']);
		expect(snapshot.glance?.state).toBe('ok');
		expect(snapshot.files?.state).toBe('ok');
	});

	it('asks a Glance that answered before its head start was up only once in the round', async () => {
		world = createSimulatedWorld('healthy', {speed: 1000, probeTimeoutMs: 100});
		const list = world.listGlanceImages.bind(world);
		let asked = 0;
		world.listGlanceImages = options => (asked++, list(options));
		const snapshot = await new SnapshotPoller(world, 3_600_000).collect();
		expect(snapshot.glance?.state).toBe('ok');
		expect(snapshot.files?.state).toBe('ok');
		expect(asked).toBe(1);
	});

	it(`starts the local probes after ${glanceHeadStartMs} ms when Glance's first page does not come`, async () => {
		const events: string[] = [];
		const gates = heldGlance(events);
		const started = performance.now();
		const collected = new SnapshotPoller(world!, 3_600_000).collect();
		while (!events.includes('probeDatadir')) await new Promise(resolve => setTimeout(resolve, 10));
		expect(performance.now() - started).toBeGreaterThanOrEqual(glanceHeadStartMs - 20);
		expect(events).not.toContain('glance first page');
		gates.firstPage();
		gates.rest();
		const snapshot = await collected;
		expect(snapshot.datadir?.health.state).toBe('responsive');
		expect(snapshot.glance?.state).toBe('ok');
	});
});
