import {describe, expect, it} from 'vitest';
import {readAudit} from '../support/audit.js';
import {appFixture, plain} from './render-app.js';

const open = appFixture();
const enter = '\r';

describe('putting shadowed images back, on the shadowed scenario', () => {
	it('Enter on the shadowed-files finding asks first, y puts back what matches Glance, the mismatch is reported, the finding is gone after', async () => {
		const app = open('shadowed', {remount: {}, columns: 100, rows: 40});
		await app.waitFor('shadowed-files');
		await app.press(enter);
		const asked = plain(await app.waitFor('Put back 3 images (8.5 GiB) onto the share? [y/N]'));
		expect(asked).toContain('its hash is checked against Glance');
		expect(asked).toContain('snapshot-web01-during-outage');
		await app.press('y');
		const done = plain(await app.waitFor('Put shadowed images back onto the share · finished', 20_000));
		expect(done).toMatch(/✔ snapshot-web01-during-outage .*: put back/);
		expect(done).toMatch(/✔ snapshot-db02-during-outage .*: put back/);
		expect(done).toContain('✖ snapshot-ci07-during-outage');
		expect(done).toContain("its sha512 is not Glance's");
		const results = readAudit(app.auditLog).filter(line => line.event === 'result');
		expect(results.map(line => line.outcome).sort()).toEqual(['mismatch', 'recovered', 'recovered']);
		await app.press('\u001B');
		// Back on the dashboard: only the mismatched one is still hidden.
		const after = plain(await app.waitFor(/1 image is hidden under the mount point/, 10_000));
		expect(after).toContain('shadowed-files');
	}, 30_000);

	it('n changes nothing; P in the image table on a shadowed row opens it for that image alone', async () => {
		const app = open('shadowed', {remount: {}, columns: 100, rows: 40});
		await app.waitFor('shadowed-files');
		await app.press(enter);
		await app.waitFor('[y/N]');
		await app.press('n');
		await app.waitFor('· not run');
		await app.press('\u001B');
		await app.press('i');
		await app.waitFor(/Images \d+ of \d+/);
		// The table opens on the most urgent row: a shadowed one.
		await app.press('P');
		const asked = plain(await app.waitFor('Put back 1 image'));
		expect(asked).toMatch(/snapshot-(web01|db02|ci07)-during-outage/);
		expect(readAudit(app.auditLog).map(line => line.event)).toEqual(['declined']);
	}, 15_000);

	it('read-only: Enter and P put nothing back and say why', async () => {
		const app = open('shadowed', {columns: 100, rows: 40});
		await app.waitFor('shadowed-files');
		await app.press(enter);
		expect(plain(app.frame())).not.toContain('[y/N]');
		await app.press('i');
		await app.waitFor(/Images \d+ of \d+/);
		await app.press('P');
		expect(plain(await app.waitFor('putting images back is off'))).toContain('--read-only');
	}, 15_000);
});
