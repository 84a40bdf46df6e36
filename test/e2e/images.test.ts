// The image table in the real binary, in an 80×24 terminal, on real Glance: find an image, verify it.
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {adminToken, deleteImages, openrcPath, upload, type Uploaded} from '../support/glance-lab.js';
import {lab, repoRoot} from '../support/lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

const tag = `e2e-images-${randomBytes(3).toString('hex')}`;
let image: Uploaded;
let terminal: Terminal;

beforeAll(async () => {
	image = await upload(await adminToken(), `${tag}-cirros`, randomBytes(3 * 1024 * 1024));
	terminal = await openTerminal(`node ${repoRoot}/bin/glance-inspector.js --datadir ${lab.LAB_DATADIR} --openrc ${openrcPath} --refresh 1`);
	await terminal.waitFor('RESPONSIVE', 30_000);
});

afterAll(async () => {
	await terminal.close();
	await deleteImages([image.id]);
});

describe('the image table on the real lab', () => {
	it('opens with i, finds the image with /, and verifies its checksum with v', async () => {
		await terminal.press('i');
		await terminal.waitFor(/Images \d+ of \d+/);
		await terminal.press('/');
		await terminal.press('-l', tag);
		await terminal.waitFor(`/${tag}`);
		await terminal.press('Enter');
		await terminal.waitFor(`text "${tag}"`);
		// Glance's first listing waits for a Keystone token: the row appears when it lands.
		const filtered = await terminal.waitFor(/Images 1 of/, 20_000);
		expect(filtered).toContain(image.id.slice(0, 8));
		expect(filtered).toMatch(/ok\s+e2e-images/);
		await terminal.press('v');
		const verified = await terminal.waitFor('checksum ok', 15_000);
		expect(verified).toContain('sha512 matches, md5 matches');
		await terminal.press('Enter');
		const detail = await terminal.waitFor('file in container');
		expect(detail).toContain(`/var/lib/glance/images/${image.id.slice(0, 20)}`);
		await terminal.press('Escape');
		await terminal.waitFor(/Images 1 of/);
		await terminal.press('Escape');
		await terminal.waitFor(/Findings \(\d+\)/);
	});
});
