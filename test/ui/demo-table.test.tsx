// The image table on the drift scenario: the cursor stays on the image, whatever reorders the rows.
import {describe, expect, it} from 'vitest';
import {appFixture, plain} from './render-app.js';

const open = appFixture();

const selectedLine = (frame: string) => plain(frame).split('\n').find(line => line.includes('›')) ?? '';

async function tableOnImage(name: string) {
	const app = open('drift');
	await app.waitFor(/Findings \(\d+\)/);
	await app.press('i');
	await app.waitFor('Images 13 of 13');
	for (let presses = 0; !selectedLine(app.frame()).includes(name) && presses < 13; presses++) await app.press('j');
	expect(selectedLine(app.frame())).toContain(name);
	return app;
}

describe('the image table keeps the selected image', () => {
	it('across a verify that changes its verdict, a sort, a reverse and a refresh', {timeout: 20_000}, async () => {
		const app = await tableOnImage('debian-12-bookworm');
		const rowOf = () => plain(app.frame()).split('\n').findIndex(line => line.includes('›'));
		const before = rowOf();
		await app.press('v');
		// The corrupt copy turns checksum-mismatch, which sorts it higher: the cursor goes with it.
		await app.waitFor(/›[^\n]*checksum-mismatch[^\n]*debian-12-bookworm/, 10_000);
		expect(rowOf()).toBeLessThan(before);
		await app.press('s');
		await app.waitFor('sort size ↓');
		expect(selectedLine(app.frame())).toContain('debian-12-bookworm');
		await app.press('o');
		await app.waitFor('sort size ↑');
		expect(selectedLine(app.frame())).toContain('debian-12-bookworm');
		await app.press('r');
		await app.waitFor('sort size ↑');
		expect(selectedLine(app.frame())).toContain('debian-12-bookworm');
	});

	it('says an empty file that Glance calls 1 GiB does not match its checksum', {timeout: 20_000}, async () => {
		const app = await tableOnImage('centos-stream-9');
		await app.press('v');
		await app.waitFor(/›[^\n]*checksum-mismatch[^\n]*centos-stream-9/, 10_000);
	});
});
