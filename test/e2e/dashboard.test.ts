// The real binary, in a real 80×24 terminal (tmux), on the real lab: what an operator over SSH sees.
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

const binary = `node ${repoRoot}/bin/glance-inspector.js`;
const options = `--datadir ${lab.LAB_DATADIR} --refresh 1 --probe-timeout 2`;

function assertFits(screen: string, columns: number, rows: number): void {
	const lines = screen.replace(/\n$/, '').split('\n');
	expect(lines.length).toBeLessThanOrEqual(rows);
	for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
}

describe('the dashboard on the real lab', () => {
	let terminal: Terminal;

	beforeAll(async () => {
		terminal = await openTerminal(`${binary} ${options}`);
		await terminal.waitFor(/RESPONSIVE/, 30_000);
	});

	afterAll(async () => {
		await terminal.close();
		await labScript('heal');
	});

	afterEach(async () => {
		await labScript('thaw');
	});

	it('shows the share, its capacity and glance_api seeing the same mount, within 80×24', async () => {
		const screen = await terminal.waitFor('same mount as the host');
		expect(screen).toContain('fuse.sshfs');
		expect(screen).toContain(`from ${lab.LAB_SSHFS_SOURCE!.slice(0, 15)}`);
		expect(screen).toMatch(/Container glance_api/);
		expect(screen).toMatch(/GiB \/ [0-9.]+ GiB · [0-9.]+ GiB free/);
		assertFits(screen, 80, 24);
	});

	it('opens and closes the help overlay, which shows each setting and its source', async () => {
		await terminal.press('?');
		const help = await terminal.waitFor('Help — keys');
		expect(help).toMatch(/datadir\s+\/srv\/glance-lab\/share\/images \(flag\)/);
		expect(help).toMatch(/container\s+glance_api \(default\)/);
		assertFits(help, 80, 24);
		await terminal.press('Escape');
		await terminal.waitFor(/Findings \(\d+\)/);
	});

	it('reports container-stale-mount after a flap', async () => {
		await labScript('flap');
		const screen = await terminal.waitFor('STALE view', 15_000);
		expect(screen).toContain('container-stale-mount');
		await labScript('heal');
		await terminal.waitFor('same mount as the host', 20_000);
	});

	it('keeps answering keys while the share is hung, reports it, and recovers', async () => {
		await labScript('freeze');
		const hungAt = Date.now();
		await terminal.waitFor('mount-unresponsive', 10_000);
		const noticedAfter = Date.now() - hungAt;
		// Refresh (1 s) + probe timeout (2 s) + drawing: well under 10 s.
		expect(noticedAfter).toBeLessThan(6_000);
		expect(await terminal.screen()).toContain('HUNG');

		const pressedAt = Date.now();
		await terminal.press('?');
		await terminal.waitFor('Help — keys', 2_000);
		expect(Date.now() - pressedAt).toBeLessThan(2_000);
		await terminal.press('Escape');
		await terminal.waitFor(/Findings \(\d+\)/, 2_000);

		await labScript('thaw');
		await terminal.waitFor('RESPONSIVE', 15_000);
	});

	it('after a flap, names the process that would make the unmount busy, before any remount', async () => {
		await labScript('flap');
		const holder = await sh(`cd ${lab.LAB_DATADIR} && (setsid sleep 300 >/dev/null 2>&1 < /dev/null & echo $!)`);
		try {
			// The holders are asked at most once an inventory refresh (30 s here) while the remount is advised.
			await terminal.waitFor('mount-held', 45_000);
			// j walks the findings one at a time: step until mount-held is the open one.
			const evidence = new RegExp(`pid ${holder.trim()} sleep 300`);
			let screen = await terminal.screen();
			for (let step = 0; step < 16 && !evidence.test(screen); step++) {
				await terminal.press('j');
				screen = await terminal.waitFor(evidence, 500).catch(async () => terminal.screen());
			}
			expect(screen).toMatch(evidence);
			expect(screen).toMatch(/1 process holds \/srv\/glance-lab\/share: its unmount will/);
		} finally {
			await sh(`kill ${holder.trim()} 2>/dev/null; true`);
			await labScript('heal');
		}
		await terminal.waitFor('same mount as the host', 20_000);
	});

	it('quits on q, restores the terminal and exits 0', async () => {
		await terminal.press('q');
		let status: number | null = null;
		for (let attempt = 0; attempt < 50 && status === null; attempt++) {
			await new Promise(resolve => setTimeout(resolve, 100));
			status = await terminal.exitStatus();
		}
		expect(status).toBe(0);
		// The alternate screen is gone: the dashboard is no longer on the terminal.
		expect(await terminal.screen()).not.toContain('glance-inspector ·');
	});
});

describe('the binary on the real lab without a dashboard', () => {
	it('--once exits 2 with container-stale-mount after a flap, and 0 once healed', async () => {
		await labScript('flap');
		const flapped = await sh(`${binary} --once ${options}; echo "exit=$?"`);
		expect(flapped).toMatch(/^GLANCE CRITICAL/);
		expect(flapped).toContain('container-stale-mount');
		expect(flapped).toContain('exit=2');
		await labScript('heal');
		const healed = await sh(`${binary} --once ${options}; echo "exit=$?"`);
		expect(healed).toMatch(/^GLANCE OK/);
		expect(healed).toContain('exit=0');
	});

	it('tells a user without docker access what to do', async () => {
		const output = await sh(`runuser -u nobody -- ${process.execPath} ${repoRoot}/dist/cli.js --once ${options} 2>&1; echo "exit=$?"`);
		expect(output).toContain('permission denied');
		expect(output).toMatch(/docker group/);
		expect(output).not.toContain('exit=0');
	});
});
