// The fleet screen of the real binary in a real 80×24 terminal (tmux): the three lab controllers over ssh,
// Enter to a host's own dashboard (ssh -t) and back; and the training fleet.
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../support/lab.js';
import {scratchDir} from '../support/scratch.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

const run = promisify(execFile);
const binary = `node ${repoRoot}bin/glance-inspector.js`;
const fleetState = '/var/lib/glance-lab/fleet';

function lines(screen: string): string[] {
	return screen.replace(/\n$/, '').split('\n');
}

let terminal: Terminal | null = null;

afterEach(async () => {
	await terminal?.close();
	terminal = null;
});

describe('the fleet screen on the three lab controllers', () => {
	beforeAll(async () => {
		await run('bash', [`${repoRoot}lab/fleet.sh`, 'up'], {timeout: 300_000});
	}, 300_000);

	it('shows a row a controller at 80×24, opens ctrl2 own dashboard with Enter and comes back to the fleet', async () => {
		terminal = await openTerminal(`${binary} --fleet ${fleetState}/inventory --ssh-config ${fleetState}/ssh_config --fleet-command ${repoRoot}bin/glance-inspector.js --fleet-refresh 2`);
		const fleet = await terminal.waitFor(/ctrl1 +ok[^\n]*\n[^\n]*ctrl2 +ok[^\n]*\n[^\n]*ctrl3 +ok/, 60_000);
		expect(lines(fleet)[0]).toMatch(/^glance-inspector fleet · 3 hosts · \/var\/lib\/glance-lab\/fleet\/inventory/);
		expect(lines(fleet).every(line => [...line].length <= 80)).toBe(true);
		expect(fleet).toMatch(/up\/same/);

		await terminal.press('j');
		await terminal.waitFor(/› ctrl2/);
		await terminal.press('Enter');
		// ctrl2's own dashboard, drawn by the tool on that host (its settings: its own mount and container).
		const dashboard = await terminal.waitFor(/glance-inspector · .*\/srv\/glance-lab\/fleet\/ctrl2\/images[\s\S]*glance_api_ctrl2/, 60_000);
		expect(dashboard).not.toContain('glance-inspector fleet');

		await terminal.press('q');
		const back = await terminal.waitFor(/glance-inspector fleet · 3 hosts/, 30_000);
		expect(back).toMatch(/› ctrl2/);
		await terminal.press('q');
		await terminal.waitFor(/\[exit 0\]/);
	});
});

describe('the training fleet (--demo fleet-flapped)', () => {
	it('names the stale controller, opens its simulated dashboard, and has the fleet keys in its help', async () => {
		terminal = await openTerminal(`${binary} --demo fleet-flapped`, {env: {XDG_STATE_HOME: scratchDir('fleet-demo-')}});
		const fleet = await terminal.waitFor(/Across hosts \(1\)/);
		expect(fleet).toMatch(/sim-ctrl2 +ok +responsive +up\/stale/);
		expect(fleet).toContain('glance_api on sim-ctrl2 sees a stale share while sim-ctrl1, sim-ctrl3');
		expect(lines(fleet).at(-1)).toMatch(/\? help {2}Enter open host {2}j\/k move {2}r refresh {2}q quit/);

		await terminal.press('j', 'Enter');
		await terminal.waitFor(/glance-inspector · simulator: flapped/);
		await terminal.press('q');
		await terminal.waitFor(/glance-inspector fleet/);

		await terminal.press('?');
		const help = await terminal.waitFor(/Help — keys of the fleet/);
		expect(help).toContain("Enter            the host's own dashboard (ssh -t); quit it to come back");
		expect(help).toContain('Training: Behind HAProxy every controller serves images.');
		await terminal.press('Escape');
		await terminal.waitFor(/Across hosts/);
		await terminal.press('q');
		await terminal.waitFor(/\[exit 2\]|\[exit 0\]/);
	});
});
