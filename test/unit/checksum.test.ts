import {execFileSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {mkdtemp, open, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {verifyChecksum} from '../../source/world/real/checksum.js';
import type {ChecksumOutcome, GlanceImage} from '../../source/model/types.js';
import {glanceImage} from '../support/glance-images.js';
import {processesMentioning} from '../support/processes.js';

let directory = '';
let imagePath = '';
let content: Buffer;
let sha512 = '';
let md5 = '';

// Not a multiple of the child's 4 MiB reads, so the last short read counts too.
const size = 12 * 1024 * 1024 + 12_345;

function image(patch: Partial<GlanceImage> = {}): GlanceImage {
	return glanceImage({id: 'e3b0c442-98fc-4c14-9afb-f4c8996fb924', name: 'cirros', size, checksum: md5, osHashValue: sha512, stores: ['file'], ...patch});
}

function never(): AbortSignal {
	return new AbortController().signal;
}


beforeAll(async () => {
	directory = await mkdtemp(path.join(os.tmpdir(), 'checksum-'));
	imagePath = path.join(directory, 'e3b0c442-98fc-4c14-9afb-f4c8996fb924');
	content = randomBytes(size);
	await writeFile(imagePath, content);
	sha512 = createHash('sha512').update(content).digest('hex');
	md5 = createHash('md5').update(content).digest('hex');
});

afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('verifyChecksum', () => {
	it('computes the same sha512 and md5 as node:crypto and sha512sum, and says ok', async () => {
		expect(execFileSync('sha512sum', [imagePath], {encoding: 'utf8'}).split(' ')[0]).toBe(sha512);
		const outcome = await verifyChecksum(imagePath, image(), () => {}, never());
		expect(outcome).toMatchObject({state: 'ok', algorithm: 'sha512', expected: sha512, actual: sha512, md5Matches: true, bytes: size});
	});

	it('falls back to md5 when Glance has no os_hash_value', async () => {
		const outcome = await verifyChecksum(imagePath, image({osHashAlgo: null, osHashValue: null}), () => {}, never());
		expect(outcome).toMatchObject({state: 'ok', algorithm: 'md5', expected: md5, actual: md5, md5Matches: null});
	});

	it('skips md5 when Glance has no checksum, and accepts uppercase hex from Glance', async () => {
		const outcome = await verifyChecksum(imagePath, image({checksum: null, osHashValue: sha512.toUpperCase()}), () => {}, never());
		expect(outcome).toMatchObject({state: 'ok', actual: sha512, md5Matches: null});
	});

	it('reports a flipped byte as checksum-mismatch with both digests', async () => {
		const flipped = Buffer.from(content);
		flipped[size - 100] = (flipped[size - 100] ?? 0) ^ 0x01;
		const flippedPath = path.join(directory, 'flipped');
		await writeFile(flippedPath, flipped);
		const outcome = await verifyChecksum(flippedPath, image(), () => {}, never());
		expect(outcome).toMatchObject({state: 'checksum-mismatch', expected: sha512, actual: createHash('sha512').update(flipped).digest('hex'), md5Matches: false});
	});

	it('reports an md5 that disagrees while sha512 agrees as a mismatch', async () => {
		const outcome = await verifyChecksum(imagePath, image({checksum: '0'.repeat(32)}), () => {}, never());
		expect(outcome).toMatchObject({state: 'checksum-mismatch', actual: sha512, md5Matches: false});
	});

	it('reports progress with increasing bytesDone up to the file size', async () => {
		const progress: ChecksumOutcome[] = [];
		const outcome = await verifyChecksum(imagePath, image(), update => progress.push(update), never(), {progressIntervalMs: 0});
		expect(outcome.state).toBe('ok');
		const done = progress.map(update => (update.state === 'running' ? update.bytesDone : -1));
		expect(done.length).toBeGreaterThanOrEqual(3);
		expect(done[0]).toBe(0);
		expect(done.every((bytes, index) => index === 0 || bytes > (done[index - 1] ?? 0))).toBe(true);
		expect(done.at(-1)).toBeLessThanOrEqual(size);
		expect(progress.every(update => update.state === 'running' && update.bytesTotal === size)).toBe(true);
	});

	it('cancels on abort: the outcome is cancelled and the child process is gone', async () => {
		// The child sits blocked on a FIFO after the first MiB: only killing it makes it go away.
		const fifo = path.join(directory, 'cancelled');
		execFileSync('mkfifo', [fifo]);
		const writer = open(fifo, 'w');
		const controller = new AbortController();
		const verifying = verifyChecksum(
			fifo,
			image(),
			update => {
				if (update.state === 'running' && update.bytesDone > 0) controller.abort();
			},
			controller.signal,
			{progressIntervalMs: 0},
		);
		const handle = await writer;
		await handle.write(Buffer.alloc(1024 * 1024, 1));
		const outcome = await verifying;
		await handle.close();
		expect(outcome.state).toBe('cancelled');
		expect(await processesMentioning(fifo)).toEqual([]);
	});

	it('does not start at all when already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		expect((await verifyChecksum(imagePath, image(), () => {}, controller.signal)).state).toBe('cancelled');
	});

	it('reports a missing file as failed with ENOENT', async () => {
		const outcome = await verifyChecksum(path.join(directory, 'gone'), image(), () => {}, never());
		expect(outcome.state).toBe('failed');
		expect(outcome.state === 'failed' && outcome.reason).toMatch(/^ENOENT/);
	});

	it('fails without reading when Glance records no checksum at all', async () => {
		const outcome = await verifyChecksum(imagePath, image({checksum: null, osHashAlgo: null, osHashValue: null}), () => {}, never());
		expect(outcome).toMatchObject({state: 'failed', reason: expect.stringMatching(/no checksum/)});
	});

	it('gives up on a read that stops making progress, as on a share that stopped answering', async () => {
		// A FIFO whose writer goes quiet blocks the reader exactly like a hung share does.
		const fifo = path.join(directory, 'stalling');
		execFileSync('mkfifo', [fifo]);
		const writer = open(fifo, 'w');
		const progress: number[] = [];
		const verifying = verifyChecksum(fifo, image(), update => update.state === 'running' && progress.push(update.bytesDone), never(), {
			progressIntervalMs: 0,
			stallTimeoutMs: 400,
		});
		const handle = await writer;
		await handle.write(Buffer.alloc(1024 * 1024, 1));
		const outcome = await verifying;
		await handle.close();
		expect(outcome.state).toBe('failed');
		expect(outcome.state === 'failed' && outcome.reason).toMatch(/stopped answering/);
		expect(progress.at(-1)).toBeGreaterThan(0);
		await expect.poll(() => processesMentioning(fifo), {timeout: 5000}).toEqual([]);
	});
});
