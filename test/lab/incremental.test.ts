// The incremental inventory on the real lab Glance: after a full listing, a round asks only for what changed
// and still sees a new image and a changed status; a deletion shows at the full resync.
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {GlanceImage, Snapshot} from '../../source/model/types.js';
import {resolveSettings} from '../../source/settings.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import {adminToken, deleteImages, glanceUrl, openrcPath, upload, type Token} from '../support/glance-lab.js';
import {lab} from '../support/lab.js';

const tag = `incremental-test-${randomBytes(3).toString('hex')}`;
const created: string[] = [];
let token: Token;
let world: RealWorld;

function imageOf(snapshot: Snapshot, id: string): GlanceImage | undefined {
	return snapshot.glance?.state === 'ok' ? snapshot.glance.images.find(image => image.id === id) : undefined;
}

beforeAll(async () => {
	token = await adminToken();
	const resolved = resolveSettings({
		flags: {datadir: lab.LAB_DATADIR, container: lab.LAB_CONTAINER, probeTimeout: 3, openrc: openrcPath},
		env: {},
		globals: {path: '/nonexistent/globals.yml', text: null, readError: null},
		containerGlanceSource: null,
	});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	world = new RealWorld(resolved.value);
});

afterAll(async () => {
	await deleteImages(created);
	await world?.close();
});

describe('the incremental inventory on the lab Glance', () => {
	it('picks up a new image and a changed status from a changes listing, and a deletion at the resync', async () => {
		const first = await upload(token, `${tag}-first`, randomBytes(4096));
		created.push(first.id);
		const asked: Array<string | null> = [];
		const listAll = world.listGlanceImages.bind(world);
		world.listGlanceImages = (options = {}) => {
			asked.push(options.changedSince ?? null);
			return listAll(options);
		};
		let clock = Date.now();
		const poller = new SnapshotPoller(world, 3_600_000, () => clock, 30_000);

		const start = await poller.collect();
		expect(imageOf(start, first.id)?.status).toBe('active');

		const added = await upload(token, `${tag}-added`, randomBytes(4096), true);
		created.push(added.id);
		const deactivated = await fetch(`${glanceUrl}/v2/images/${first.id}/actions/deactivate`, {method: 'POST', headers: {'X-Auth-Token': token.value}});
		expect(deactivated.status).toBe(204);
		clock += 30_000;
		const changed = await poller.collect();
		expect(asked.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(imageOf(changed, added.id)?.hidden).toBe(true);
		expect(imageOf(changed, first.id)?.status).toBe('deactivated');
		expect(changed.files?.state === 'ok' && changed.files.files.some(file => file.name === added.id)).toBe(true);

		await deleteImages([first.id]);
		clock += 30_000;
		const unseen = await poller.collect();
		// Glance never lists a deleted image: only the full listing can tell it is gone.
		expect(asked.at(-1)).not.toBeNull();
		expect(imageOf(unseen, first.id)).toBeDefined();
		clock += 300_000;
		const resynced = await poller.collect();
		expect(asked.at(-1)).toBeNull();
		expect(imageOf(resynced, first.id)).toBeUndefined();
		expect(imageOf(resynced, added.id)).toBeDefined();
	}, 60_000);

	it('reads the whole record of one image for its detail, custom properties too', async () => {
		const image = await upload(token, `${tag}-described`, randomBytes(1024));
		created.push(image.id);
		await fetch(`${glanceUrl}/v2/images/${image.id}`, {
			method: 'PATCH',
			headers: {'Content-Type': 'application/openstack-images-v2.1-json-patch', 'X-Auth-Token': token.value},
			body: JSON.stringify([{op: 'add', path: '/os_distro', value: 'cirros'}]),
		});
		const record = await world.describeImage(image.id);
		expect(record.ok && record.value['os_distro']).toBe('cirros');
		expect(record.ok && record.value['name']).toBe(`${tag}-described`);
	});
});
