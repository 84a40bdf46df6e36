import {describe, expect, it, vi} from 'vitest';
import {deriveFindings, overallStatus} from '../../source/model/findings.js';
import {buildInventory, mergeDatadirChanges, sortedRows} from '../../source/model/inventory.js';
import {changesMarker, mergeGlanceChanges} from '../../source/model/openstack/glance.js';
import type {DatadirFiles, DatadirListing, DatadirProbe, GlanceImage, GlanceImages, GlanceListing, Snapshot} from '../../source/model/types.js';
import {emptySnapshot, SnapshotPoller} from '../../source/world/poller.js';
import type {DatadirSince, WorldView} from '../../source/world/world.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';

const now = Date.parse('2026-11-24T12:00:00Z');

function image(n: number, patch: Partial<GlanceImage> = {}): GlanceImage {
	return glanceImage({id: imageUuid(n), name: `image-${n}`, size: 4096, updatedAt: '2026-11-24T11:00:00Z', ...patch});
}

function glanceOk(images: GlanceImage[], at = now): GlanceImages {
	return {at, state: 'ok', images, endpoint: 'http://127.0.0.1:9292', authSource: 'openrc', pages: 1, tookMs: 12};
}

function filesOk(ids: number[], at = now): DatadirFiles {
	return {at, state: 'ok', directory: '/var/lib/glance/images', files: ids.map(n => ({name: imageUuid(n), size: 4096, mtimeMs: now - 3_600_000, kind: 'file'})), tookMs: 5, directoryMtimeMs: now - 3_600_000};
}

const healthyDatadir = {at: now, datadir: '/var/lib/glance/images', mount: null, expectedMountpoint: null, expectedFrom: null, fstab: null, fstabProblem: null, health: {state: 'responsive', latencyMs: 2, entries: 3, device: '0:52'}, verdict: 'responsive', stats: null} satisfies DatadirProbe;

function snapshotWith(patch: Partial<Snapshot>): Snapshot {
	return {...emptySnapshot, datadir: healthyDatadir, ...patch};
}

const context = {warnPercent: 80, critPercent: 90, container: 'glance_api', now};

describe('no false all-clear', () => {
	it('is not OK before the first inventory round, and says the inventory is pending', () => {
		const findings = deriveFindings(snapshotWith({glance: glanceOk([image(1)])}), context);
		expect(overallStatus(findings).status).not.toBe('ok');
		expect(findings.map(finding => finding.title).join('\n')).toMatch(/Inventory pending/);
		expect(findings.find(finding => finding.id === 'inventory-pending')?.evidence).toEqual(['datadir: listing its files…']);
	});

	it('is OK once both listings are in and agree', () => {
		const findings = deriveFindings(snapshotWith({glance: glanceOk([image(1)]), files: filesOk([1])}), context);
		expect(overallStatus(findings).status).toBe('ok');
	});

	it('keeps a CRITICAL found before the share hung, with the age of the listing it came from', () => {
		const listedAt = now - 95_000;
		const hung: DatadirListing = {at: now, state: 'failed', directory: '/var/lib/glance/images', health: {state: 'unresponsive', afterMs: 3000}, previous: filesOk([1], listedAt)};
		const before = deriveFindings(snapshotWith({glance: glanceOk([image(1), image(2)]), files: filesOk([1], listedAt)}), {...context, now: listedAt});
		const during = deriveFindings(snapshotWith({glance: glanceOk([image(1), image(2)]), files: hung}), context);
		const missing = (findings: typeof during) => findings.find(finding => finding.id === 'image-missing-file');
		expect(missing(before)?.severity).toBe('critical');
		expect(missing(during)?.severity).toBe('critical');
		expect(missing(during)?.asOf).toBe(listedAt);
		expect(missing(during)?.evidence.at(-1)).toMatch(/as of the inventory of 1 min ago: the datadir could not be listed since/);
		expect(overallStatus(during).status).toBe('critical');
	});

	it('says how old an inventory finding is once its listing is older than two rounds', () => {
		const files = filesOk([1], now - 30_000);
		const fresh = deriveFindings(snapshotWith({glance: glanceOk([image(1), image(2)], now - 30_000), files}), {...context, inventoryRefreshMs: 30_000});
		const old = deriveFindings(snapshotWith({glance: glanceOk([image(1), image(2)], now - 30_000), files}), {...context, now: now + 60_000, inventoryRefreshMs: 30_000});
		expect(fresh.find(finding => finding.id === 'image-missing-file')?.evidence.join('\n')).not.toMatch(/as of/);
		expect(old.find(finding => finding.id === 'image-missing-file')?.evidence.at(-1)).toBe('as of the inventory of 1 min ago');
	});
});

describe('changes merged into the last listing', () => {
	it('adds a new image, replaces a changed one, and keeps the same array when nothing changed', () => {
		const previous = glanceOk([image(1), image(2)]);
		expect(changesMarker(previous)).toBe('2026-11-24T11:00:00Z');
		const same = mergeGlanceChanges(previous, glanceOk([image(2)], now + 30_000));
		expect(same.images).toBe(previous.images);
		expect(same.at).toBe(now + 30_000);
		const merged = mergeGlanceChanges(previous, glanceOk([image(2, {status: 'deactivated', updatedAt: '2026-11-24T11:30:00Z'}), image(3)]));
		expect(merged.images.map(each => [each.id, each.status])).toEqual([
			[imageUuid(1), 'active'],
			[imageUuid(2), 'deactivated'],
			[imageUuid(3), 'active'],
		]);
		expect(changesMarker(merged)).toBe('2026-11-24T11:30:00Z');
	});

	it('takes the grown file of an upload in progress, and keeps the same files when none grew', () => {
		const previous = filesOk([1, 2]);
		expect(mergeDatadirChanges(previous, [previous.files[1]!], now + 1, 3).files).toBe(previous.files);
		const grown = mergeDatadirChanges(previous, [{...previous.files[1]!, size: 8192}], now + 1, 3);
		expect(grown.files.map(file => file.size)).toEqual([4096, 8192]);
	});

	it('sorts the table once per order: the next key press gets the same rows', () => {
		const inventory = buildInventory(glanceOk([image(1), image(2, {name: 'a'})]), filesOk([1, 2]), new Map());
		const byName = sortedRows(inventory, 'name', false);
		expect(byName.map(row => row.image?.name)).toEqual(['a', 'image-1']);
		expect(sortedRows(inventory, 'name', false)).toBe(byName);
	});
});

/** A Glance and a datadir that answer from arrays the test changes, recording what each round asked. */
function scriptedWorld(state: {images: GlanceImage[]; files: DatadirFiles}) {
	const asked: Array<{glance: string | null} | {datadir: DatadirSince | null}> = [];
	const world = {
		kind: 'simulated',
		label: 'scripted',
		async listGlanceImages(options: {changedSince?: string} = {}): Promise<GlanceListing> {
			asked.push({glance: options.changedSince ?? null});
			const since = options.changedSince;
			return glanceOk(since ? state.images.filter(each => (each.updatedAt ?? '') >= since) : state.images, Date.now());
		},
		async listDatadir(since?: DatadirSince): Promise<DatadirListing> {
			asked.push({datadir: since ?? null});
			return state.files;
		},
		// The probe rounds, for a poller that is started: they answer and are not counted.
		probeDatadir: async () => healthyDatadir,
		probeContainer: async () => ({at: Date.now(), state: 'missing', name: 'glance_api'}),
		probeHost: async () => ({at: Date.now(), hostname: 'scripted', load1: null, cpuPercent: null, memUsedPercent: null, network: null, problem: null}),
		watch: () => () => {},
	} as unknown as WorldView;
	return {world, asked};
}

describe('the poller takes the inventory incrementally', () => {
	it('asks Glance only for changes after the first listing, and lists everything at the resync', async () => {
		const state = {images: [image(1), image(2, {status: 'saving'})], files: filesOk([1, 2])};
		const {world, asked} = scriptedWorld(state);
		let clock = now;
		// Every 30 s, a full listing every 10 rounds.
		const poller = new SnapshotPoller(world, 3_600_000, () => clock, 30_000);
		const collectInventory = async () => (poller as unknown as {inventoryRound(): Promise<void>}).inventoryRound();
		await collectInventory();
		expect(asked.splice(0)).toEqual([{glance: null}, {datadir: null}]);

		state.images = [image(1, {status: 'deactivated', updatedAt: '2026-11-24T11:40:00Z'}), image(2, {status: 'saving'}), image(3, {updatedAt: '2026-11-24T11:41:00Z'})];
		clock += 30_000;
		await collectInventory();
		const [glanceAsk, datadirAsk] = asked.splice(0);
		expect(glanceAsk).toEqual({glance: '2026-11-24T11:00:00Z'});
		// The upload in progress is stat'ed even when the directory did not change.
		expect(datadirAsk && 'datadir' in datadirAsk ? datadirAsk.datadir?.watch : null).toEqual([imageUuid(2)]);
		const listed = poller.snapshot.glance;
		expect(listed?.state === 'ok' && listed.images.map(each => [each.id, each.status])).toEqual([
			[imageUuid(1), 'deactivated'],
			[imageUuid(2), 'saving'],
			[imageUuid(3), 'active'],
		]);

		// Deleted in Glance: a changes listing cannot show it, the full listing at the resync does.
		state.images = state.images.filter(each => each.id !== imageUuid(1));
		clock += 30_000;
		await collectInventory();
		const afterChanges = poller.snapshot.glance;
		expect(afterChanges?.state === 'ok' && afterChanges.images.some(each => each.id === imageUuid(1))).toBe(true);
		clock += 300_000;
		asked.splice(0);
		await collectInventory();
		expect(asked[0]).toEqual({glance: null});
		const resynced = poller.snapshot.glance;
		expect(resynced?.state === 'ok' && resynced.images.map(each => each.id)).toEqual([imageUuid(2), imageUuid(3)]);
	});

	it('asks Glance for changes every 8 s between inventory rounds while it runs, so a frozen Glance shows within 15 s', async () => {
		vi.useFakeTimers();
		try {
			const {world, asked} = scriptedWorld({images: [image(1)], files: filesOk([1])});
			const poller = new SnapshotPoller(world, 3_600_000, Date.now, 30_000);
			poller.start();
			await vi.advanceTimersByTimeAsync(100);
			expect(asked.splice(0).map(ask => Object.keys(ask)[0])).toEqual(['glance', 'datadir']);
			await vi.advanceTimersByTimeAsync(8000);
			await vi.advanceTimersByTimeAsync(8000);
			// Glance twice more; the datadir (statfs and listing on the share) not before its own 30 s.
			expect(asked.splice(0).map(ask => Object.keys(ask)[0])).toEqual(['glance', 'glance']);
			poller.stop();
			await vi.advanceTimersByTimeAsync(60_000);
			expect(asked).toEqual([]);
		} finally {
			vi.useRealTimers();
		}
	});
});
