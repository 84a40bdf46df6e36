// The built binary, run the ways an operator or a monitoring system would, on the simulator.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {openTerminal} from '../support/tmux.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
	const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', timeout: 30_000, env: {PATH: process.env['PATH'], ...env}, stdio: ['pipe', 'pipe', 'pipe']});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

function tempFile(name: string, text: string): string {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'gi-cli-')), name);
	writeFileSync(file, text);
	return file;
}

describe('glance-inspector without a dashboard', () => {
	it('lists the training scenarios for a bare --demo', () => {
		const result = run(['--demo']);
		expect(result.code).toBe(0);
		for (const name of ['healthy', 'flapped', 'hung', 'full', 'drift', 'busy']) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
	});

	it('rejects an unknown scenario and says which exist', () => {
		const result = run(['--demo', 'flooded']);
		expect(result.code).toBe(64);
		expect(result.stderr).toContain('no scenario named "flooded"');
		expect(result.stderr).toContain('flapped');
	});

	it('exits with the Nagios codes in --once', () => {
		const healthy = run(['--demo', 'healthy', '--once']);
		expect(healthy.code).toBe(0);
		expect(healthy.stdout).toMatch(/^GLANCE OK - /);
		const flapped = run(['--demo', 'flapped', '--once']);
		expect(flapped.code).toBe(2);
		expect(flapped.stdout).toMatch(/^GLANCE CRITICAL - 1 finding: glance_api holds the old share/);
		expect(flapped.stdout).toContain('[CRITICAL] container-stale-mount');
		const warning = run(['--demo', 'healthy', '--once', '--warn-percent', '40']);
		expect(warning.code).toBe(1);
		expect(warning.stdout).toMatch(/^GLANCE WARNING/);
	});

	it('answers --once on a hung share within the probe timeout', () => {
		const started = Date.now();
		const hung = run(['--demo', 'hung', '--once', '--probe-timeout', '0.5']);
		expect(hung.code).toBe(2);
		expect(hung.stdout).toContain('mount-unresponsive');
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	it('prints the whole snapshot as JSON, and no secret from the environment', () => {
		const result = run(['--demo', 'flapped', '--json'], {OS_PASSWORD: 'hunter2-secret', OS_APPLICATION_CREDENTIAL_SECRET: 'appcred-secret'});
		expect(result.code).toBe(2);
		const report = JSON.parse(result.stdout) as {status: string; findings: Array<{id: string}>; snapshot: {datadir: {verdict: string}; container: {view: {state: string}}}; settings: unknown[]};
		expect(report.status).toBe('critical');
		expect(report.findings.map(finding => finding.id)).toEqual(['container-stale-mount']);
		expect(report.snapshot.container.view.state).toBe('stale');
		expect(report.settings.length).toBeGreaterThan(5);
		expect(result.stdout).not.toContain('hunter2-secret');
		expect(result.stdout).not.toContain('appcred-secret');
	});

	it('refuses the dashboard without a terminal and says what to do instead', () => {
		const result = run(['--demo', 'healthy']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('not a terminal');
		expect(result.stderr).toContain('ssh -t');
		expect(result.stderr).toContain('--once');
		expect(result.stderr).not.toContain('Raw mode');
	});

	it('shows where each setting came from, reading globals.yml', () => {
		const globals = tempFile('globals.yml', '---\nkolla_base_distro: "ubuntu"\nglance_file_datadir_volume: "/mnt/glance-nfs"\n');
		const result = run(['--print-settings', '--globals', globals, '--container', 'glance_api_2'], {DOCKER_HOST: 'unix:///nonexistent.sock'});
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/datadir\s+\/mnt\/glance-nfs\/images\s+\(globals\.yml: glance_file_datadir_volume: \/mnt\/glance-nfs\)/);
		expect(result.stdout).toMatch(/container\s+glance_api_2\s+\(flag\)/);
		expect(result.stdout).toMatch(/docker socket\s+\/nonexistent\.sock\s+\(env: DOCKER_HOST\)/);
	});

	it('reports a malformed globals.yml and carries on with the defaults', () => {
		const globals = tempFile('globals.yml', 'glance_file_datadir_volume: [unclosed\n  enable_glance: yes\n');
		const result = run(['--print-settings', '--globals', globals], {DOCKER_HOST: 'unix:///nonexistent.sock'});
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/warning: .*globals\.yml.*not valid YAML/);
		expect(result.stdout).toMatch(/datadir\s+\/var\/lib\/glance\/images\s+\(default\)/);
	});

	it('points to the simulator where there is no controller', () => {
		const result = run(['--once', '--datadir', '/nonexistent/images'], {DOCKER_HOST: 'unix:///nonexistent.sock'});
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('does not look like a Glance controller');
		expect(result.stderr).toContain('--demo flapped');
	});

	it('rejects unknown flags and bad numbers with a message, not a stack trace', () => {
		const unknown = run(['--datadri', '/x']);
		expect(unknown.code).not.toBe(0);
		expect(unknown.stderr).toMatch(/Unknown flag/i);
		const bad = run(['--demo', 'healthy', '--once', '--refresh', '0']);
		expect(bad.code).toBe(64);
		expect(bad.stderr).toContain('--refresh must be a positive number');
		expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
	});
});

describe('glance-inspector --read-only in an 80×24 terminal', () => {
	it('shows no remount key, opens no wizard on R, and says it is read-only', {timeout: 30_000}, async () => {
		const terminal = await openTerminal(`${process.execPath} ${cli} --demo flapped --read-only`, {columns: 80, rows: 24});
		try {
			const screen = await terminal.waitFor('container-stale-mount');
			const keyBar = screen.trimEnd().split('\n').at(-1)!;
			expect(keyBar).toContain('read-only');
			expect(keyBar).toContain('i images');
			expect(keyBar).not.toContain('remount');
			await terminal.press('R');
			// Shift+Tab arrives as its own key even right after R: if R had opened the wizard, the wizard would take it.
			await terminal.press('BTab');
			const after = await terminal.waitFor('Container details', 5000);
			expect(after).not.toContain('Guided remount');
			await terminal.press('?');
			const help = await terminal.waitFor('Help — keys');
			expect(help).not.toContain('guided remount');
		} finally {
			await terminal.close();
		}
	});
});
