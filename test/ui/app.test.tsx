import {describe, expect, it} from 'vitest';
import {appFixture, plain, renderApp} from './render-app.js';

const open = appFixture();

describe('the dashboard on the simulator', () => {
	it('shows a healthy controller as all clear, with every panel', async () => {
		const app = open('healthy');
		const frame = plain(await app.waitFor('ALL CLEAR'));
		expect(frame).toContain('Capacity');
		expect(frame).toContain('Mount RESPONSIVE');
		expect(frame).toContain('nfs01:/export/glance');
		expect(frame).toContain('same mount as the host');
		expect(frame).toMatch(/ OK /);
	});

	it('calls the flapped share a stale mount even though docker says healthy', async () => {
		const app = open('flapped');
		const frame = plain(await app.waitFor('container-stale-mount'));
		expect(frame).toContain('STALE MOUNT');
		expect(frame).toContain('docker health: healthy');
		expect(frame).toContain('Remount in order');
		expect(frame).toContain('umount /srv/glance → mount /srv/glance');
		expect(frame).toContain('CRITICAL');
	});

	it('names the process holding a busy share on the dashboard, before any remount is begun', async () => {
		const app = open('busy', {columns: 120, rows: 40});
		const frame = plain(await app.waitFor('mount-held'));
		expect(frame).toContain('container-stale-mount');
		await app.press('j'.repeat(12));
		expect(plain(await app.waitFor('pid 4242 rsync'))).toContain('1 process holds /srv/glance: its unmount will be busy');
	});

	it('reports a hung share within the probe timeout', async () => {
		const app = open('hung', {probeTimeoutMs: 300});
		const frame = plain(await app.waitFor('mount-unresponsive', 3000));
		expect(frame).toContain('Mount HUNG');
	});

	it('reports a nearly full share as critical', async () => {
		const app = open('full');
		const frame = plain(await app.waitFor('capacity-critical'));
		expect(frame).toMatch(/Capacity 9\d%/);
	});

	it('opens help with ?, lists every setting with its source, closes with Esc', async () => {
		const app = open('healthy');
		await app.waitFor('ALL CLEAR');
		await app.press('?');
		const help = plain(await app.waitFor('Help — keys'));
		// The simulator says what its scenario teaches, first thing in the help.
		expect(help).toContain('Training: The host and glance_api see the same mount');
		expect(help).toContain('Help — keys of the dashboard');
		expect(help).toMatch(/Ctrl\+C\s+quit/);
		// The list is longer than 24 rows: j scrolls to the settings, then to the last of them.
		expect(help).toContain('j/k scroll');
		await app.press('j'.repeat(12));
		const settings = plain(app.frame());
		expect(settings).toMatch(/refresh\s+0\.2 \(flag\)/);
		expect(settings).toMatch(/container\s+glance_api \(default\)/);
		await app.press('j'.repeat(20));
		expect(plain(app.frame())).toMatch(/openrc\s+\(not set\)/);
		await app.press('\u001B');
		const back = plain(await app.waitFor('ALL CLEAR'));
		expect(back).not.toContain('Help — keys');
	});

	it('moves focus with Tab to panel details and back with Esc', async () => {
		const app = open('flapped');
		await app.waitFor('container-stale-mount');
		await app.press('\t');
		expect(plain(await app.waitFor('Capacity details'))).toContain('bytes total');
		await app.press('\t');
		expect(plain(await app.waitFor('Mount details'))).toMatch(/source\s+nfs01:\/export\/glance/);
		await app.press('\t');
		const container = plain(await app.waitFor('Container details'));
		expect(container).toMatch(/view\s+stale/);
		await app.press('\u001B');
		await app.waitFor(/Findings \(\d\)/);
	});

	it('scrolls through the selected finding with j, then selects the next one, showing it in full', async () => {
		const app = open('flapped', {flags: {warnPercent: 40}});
		await app.waitFor('Findings (2) · 1 of 2');
		const selectedLine = () => plain(app.frame()).split('\n').find(line => line.includes('›')) ?? '';
		const pressUntil = async (key: string, wanted: string) => {
			for (let presses = 0; presses < 20 && !selectedLine().includes(wanted); presses++) await app.press(key);
			return selectedLine();
		};
		expect(selectedLine()).toContain('container-stale-mount');
		expect(plain(app.frame())).toContain('→ The container keeps its own copy');
		// Its evidence is longer than the panel at 80×24: j reads it before moving on.
		await app.press('j');
		expect(plain(app.frame())).toContain('Findings (2) · 1 of 2');
		expect(plain(app.frame())).toContain('↑ 1 more');
		expect(await pressUntil('j', 'capacity-warning')).toContain('capacity-warning');
		expect(plain(app.frame())).toContain('→ Free space or grow the share');
		await app.press('j');
		expect(plain(app.frame())).toContain('Findings (2) · 2 of 2');
		expect(await pressUntil('k', 'container-stale-mount')).toContain('container-stale-mount');
	});

	it('refreshes on r', async () => {
		const app = open('healthy', {flags: {refresh: 3600}});
		await app.waitFor('ALL CLEAR');
		const rounds = app.frames.length;
		const seen = app.poller.snapshot.datadir!.at;
		await app.press('r');
		const deadline = Date.now() + 2000;
		while (app.poller.snapshot.datadir!.at === seen && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
		expect(app.poller.snapshot.datadir!.at).toBeGreaterThan(seen);
		expect(app.frames.length).toBeGreaterThan(rounds);
	});

	it('fits 80×24: no line wider than the terminal', async () => {
		const app = open('busy');
		const frame = plain(await app.waitFor('container-stale-mount'));
		const lines = frame.split('\n');
		expect(lines.length).toBeLessThanOrEqual(24);
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
	});

	it('falls back to the status, the worst finding and the size to reach on a small terminal', async () => {
		const app = open('flapped', {columns: 50, rows: 12});
		const frame = plain(await app.waitFor('container-stale-mount'));
		expect(frame).toContain('CRITICAL');
		expect(frame).toContain('✖ container-stale-mount: glance_api');
		expect(frame).toMatch(/enlarge to 60×20 \(now\s+50×12\)/);
		for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
	});

	it('draws colors, and none at all under NO_COLOR', async () => {
		const colored = open('flapped');
		// eslint-disable-next-line no-control-regex
		expect(await colored.waitFor('container-stale-mount')).toMatch(/\u001B\[(3[1-7]|9[0-7])m/);
		await colored.close();
		const colorless = open('flapped', {env: {NO_COLOR: '1'}});
		const frame = await colorless.waitFor('container-stale-mount');
		// eslint-disable-next-line no-control-regex
		expect(frame).not.toMatch(/\u001B\[(3[0-8]|9[0-7]|4[0-8]|10[0-7])(;[0-9]+)*m/);
		expect(frame).toContain('✖');
	});
});
