import {describe, expect, it} from 'vitest';
import {appFixture, plain, renderApp} from './render-app.js';

const open = appFixture();

async function imagesOf(scenario: Parameters<typeof renderApp>[0] = 'drift') {
	const app = open(scenario);
	await app.waitFor(/Findings \(\d+\)/);
	await app.press('i');
	await app.waitFor(/Images \d+ of \d+/);
	return app;
}

const selectedLine = (frame: string) => plain(frame).split('\n').find(line => line.includes('›')) ?? '';

describe('the image inventory on the drift scenario', () => {
	it('shows the verdict counts in the header, every verdict the drift scenario teaches', async () => {
		const app = await imagesOf();
		const frame = plain(await app.waitFor('not-file-backed'));
		for (const verdict of ['missing-file 1', 'empty-file 1', 'size-mismatch 1', 'partial 1', 'orphan-file 1', 'leftover-file 1', 'not-file-backed 1', 'no-data 1', 'ok 5']) {
			expect(frame).toContain(verdict);
		}
		expect(frame).toMatch(/Images 13 of 13/);
		expect(selectedLine(frame)).toContain('missing-file');
	});

	it('lists the dashboard findings for the drift', async () => {
		const app = open('drift');
		const frame = plain(await app.waitFor('image-missing-file'));
		expect(frame).toMatch(/Findings \(5\)/);
	});

	it('filters by typed text, and Esc clears the filter', async () => {
		const app = await imagesOf();
		await app.press('/');
		await app.press('ubuntu');
		const filtered = plain(await app.waitFor('Images 1 of 13'));
		expect(filtered).toContain('ubuntu-22.04-jammy');
		expect(filtered).not.toContain('cirros');
		await app.press('\r');
		expect(plain(app.frame())).toContain('text "ubuntu"');
		await app.press('/');
		await app.press('\u001B');
		await app.waitFor('Images 13 of 13');
	});

	it('cycles the verdict filter with f and sorts by size with s', async () => {
		const app = await imagesOf();
		await app.press('f');
		expect(plain(await app.waitFor('Images 1 of 13'))).toContain('verdict missing-file');
		await app.press('f');
		expect(plain(await app.waitFor('verdict empty-file'))).toContain('centos-stream-9');
		// Through every verdict present, then back to all.
		let presses = 2;
		while (!plain(app.frame()).includes('Images 13 of 13') && presses < 20) {
			await app.press('f');
			presses++;
		}
		expect(presses).toBe(10);
		await app.press('s');
		// The cursor stays on the image it was on; the largest is now first.
		const bySize = plain(await app.waitFor('sort size ↓'));
		expect(selectedLine(bySize)).toContain('amphora-x64-hap');
		await app.press('g');
		await app.waitFor(/›[^\n]*windows-2019-rbd/);
	});

	it('opens an image with Enter, with its paths on the host and in the container', async () => {
		const app = await imagesOf();
		await app.press('\r');
		const detail = plain(await app.waitFor('file in container'));
		expect(detail).toContain('/srv/glance/images/f58b3d1e-6c0a-4b72-9e4f-a1d7c3b9e806');
		expect(detail).toContain('/var/lib/glance/images/f58b3d1e');
		expect(detail).toContain('hidden (os_hidden)');
		await app.press('\u001B');
		await app.waitFor(/Images 13 of 13/);
		await app.press('\u001B');
		await app.waitFor(/Findings \(\d+\)/);
	});

	it('verifies a checksum with v, showing progress, and finds the corrupt one', async () => {
		const app = await imagesOf();
		await app.press('/');
		await app.press('debian');
		await app.press('\r');
		await app.waitFor('Images 1 of 13');
		await app.press('v');
		const result = plain(await app.waitFor('CHECKSUM MISMATCH', 10_000));
		expect(result).toContain('checksum-mismatch 1');
		expect(selectedLine(result)).toContain('checksum-mismatch');
	});

	it('cancels a running verify with Esc', async () => {
		const app = await imagesOf();
		await app.press('s');
		await app.waitFor('sort size ↓');
		// The largest file on disk, second after the rbd image: the windows snapshot, 9.7 GiB.
		await app.press('g');
		await app.press('j');
		await app.press('v');
		await app.waitFor('verifying', 5000);
		await app.press('\u001B');
		await app.waitFor('verify cancelled', 5000);
	});

	it('asks before verifying every row shown, and only y runs it', async () => {
		const app = await imagesOf();
		await app.press('V');
		const ask = plain(await app.waitFor('[y/N]'));
		expect(ask).toMatch(/Verify \d+ images/);
		await app.press('\r');
		await app.waitFor(/Images 13 of 13/);
		expect(app.verifier.isBusy()).toBe(false);
		await app.press('V');
		await app.waitFor('[y/N]');
		await app.press('y');
		await app.waitFor(/Images 13 of 13/);
		expect(app.verifier.isBusy()).toBe(true);
	});

	it('still lists the files, marked, when Glance is unavailable', async () => {
		const app = await imagesOf('drift');
		await app.world.controller.stopContainer();
		await app.press('r');
		const frame = plain(await app.waitFor('Glance unavailable', 8000));
		expect(frame).toMatch(/unknown \d+/);
		expect(frame).toContain('connection refused');
	});
});

describe('typing in the image table', () => {
	it('takes "/" and the filter text arriving in one chunk, as a paste or a fast typist sends them', async () => {
		const app = await imagesOf();
		await app.press('/fedora');
		await app.press('\r');
		const frame = plain(await app.waitFor('Images 1 of 13'));
		expect(frame).toContain('fedora-40');
	});
});
