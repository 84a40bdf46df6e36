// The built binary, run the ways an operator or a monitoring system would, on the simulator.
import {spawnSync} from 'node:child_process';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {flagSpecs} from '../../source/cli-args.js';
import {scenarios} from '../../source/world/simulated/scenarios.js';
import {openTerminal} from '../support/tmux.js';
import {scratchDir} from '../support/scratch.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A state directory of its own, so no simulator machine kept by an earlier run (or a person's practice) leaks in. */
function scratchStateHome(): string {
	return scratchDir('gi-state-');
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
	const result = spawnSync(process.execPath, [cli, ...args], {
		encoding: 'utf8',
		timeout: 30_000,
		env: {PATH: process.env['PATH'], XDG_STATE_HOME: scratchStateHome(), ...env},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

function tempFile(name: string, text: string): string {
	const file = path.join(scratchDir('gi-cli-'), name);
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
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('no scenario named "flooded"');
		expect(result.stderr).toContain('flapped');
	});

	it('exits with the Nagios codes in --once', () => {
		const healthy = run(['--demo', 'healthy', '--once']);
		expect(healthy.code).toBe(0);
		expect(healthy.stdout).toMatch(/^GLANCE OK: /);
		const flapped = run(['--demo', 'flapped', '--once']);
		expect(flapped.code).toBe(2);
		expect(flapped.stdout).toMatch(/^GLANCE CRITICAL: 1 finding: glance_api holds the old share/);
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
		expect(result.code).toBe(3);
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
		expect(unknown.code).toBe(3);
		expect(unknown.stderr).toContain('unknown flag --datadri (did you mean --datadir?)');
		const bad = run(['--demo', 'healthy', '--once', '--refresh', '0']);
		expect(bad.code).toBe(3);
		expect(bad.stderr).toContain('--refresh must be a positive number');
		expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
	});
});

describe('bad arguments are UNKNOWN (3), with the reason and where to look', () => {
	const cases: Array<{args: string[]; env?: NodeJS.ProcessEnv; says: string}> = [
		{args: ['--refresh', 'abc', '--once'], says: "--refresh: expected a number of seconds, got 'abc'"},
		{args: ['--warn-percent', 'lots'], says: "--warn-percent: expected a number (a percentage), got 'lots'"},
		{args: ['--datadir'], says: '--datadir: expected a path, got nothing'},
		{args: ['--once', 'flapped'], says: "unexpected argument 'flapped': glance-inspector takes only flags"},
		{args: ['--read-only=yes'], says: "--read-only takes no value, got 'yes'"},
		{args: ['--demo', 'flapped', '--datadir', '/srv/images'], says: '--datadir cannot be used with --demo'},
		{args: ['--demo', 'flapped', '--glance-url', 'http://127.0.0.1:9292'], says: '--glance-url cannot be used with --demo'},
		{args: ['--demo', 'flapped', '--openrc', '/etc/kolla/admin-openrc.sh'], says: '--openrc cannot be used with --demo'},
		{args: ['--demo', 'flapped', '--once', '--json'], says: '--once and --json cannot be used together'},
		{args: ['--demo', 'flapped', '--dry-run', '--read-only'], says: '--dry-run and --read-only cannot be used together'},
		{args: ['--demo', 'flapped', '--dry-run'], env: {GLANCE_INSPECTOR_READ_ONLY: '1'}, says: '--dry-run cannot be used with GLANCE_INSPECTOR_READ_ONLY=1'},
		{args: ['--reset', '--once'], says: '--reset needs --demo SCENARIO'},
		{args: ['--demo', 'healthy', '--once'], env: {GLANCE_INSPECTOR_REFRESH: 'often'}, says: 'GLANCE_INSPECTOR_REFRESH=often is not a number'},
	];
	for (const {args, env, says} of cases) {
		it(`glance-inspector ${args.join(' ')}`, () => {
			const result = run(args, env);
			expect(result.code).toBe(3);
			expect(result.stderr).toContain(says);
			expect(result.stderr).toContain('glance-inspector --help lists every flag');
			// A check's scheduler reads stdout: with --once the reason is there too, as an UNKNOWN plugin line.
			if (args.includes('--once')) expect(result.stdout).toMatch(new RegExp(`^GLANCE UNKNOWN: [^\\n]*${says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\n$`));
			else expect(result.stdout).toBe('');
		});
	}
});

/** Every environment variable the source reads: `env.NAME`, `env['NAME']`, `envString(env, 'NAME')`, and the OS_* names the credential code looks up. */
function variablesReadBySource(): string[] {
	const root = fileURLToPath(new URL('../../source', import.meta.url));
	const names = new Set<string>();
	// Set for the children the tool starts (a C locale, no askpass) or for React's build, not read from the operator.
	const written = new Set(['LC_ALL', 'LANG', 'LANGUAGE', 'SSH_ASKPASS_REQUIRE', 'UV_THREADPOOL_SIZE', 'NODE_ENV']);
	for (const file of readdirSync(root, {recursive: true, encoding: 'utf8'})) {
		if (!/\.tsx?$/.test(file)) continue;
		const text = readFileSync(path.join(root, file), 'utf8');
		for (const match of text.matchAll(/(?:env(?:\.|\[')|envString\(\w+, ')([A-Z][A-Z0-9_]+)|'((?:OS|GLANCE_INSPECTOR)_[A-Z0-9_]*[A-Z0-9])'/g)) names.add(match[1] ?? match[2]!);
	}
	return [...names].filter(name => !written.has(name)).sort();
}

describe('--help', () => {
	const help = run(['--help']);

	it('lists every flag, every variable the tool reads, every scenario and the main keys, within 80 columns', () => {
		expect(help.code).toBe(0);
		for (const spec of flagSpecs) expect(help.stdout).toContain(spec.flag);
		const variables = variablesReadBySource();
		expect(variables).toContain('GLANCE_INSPECTOR_AUDIT_LOG');
		expect(variables).toContain('OS_PASSWORD');
		expect(variables).toContain('DOCKER_HOST');
		expect(variables.filter(name => !new RegExp(`\\b${name}\\b`).test(help.stdout))).toEqual([]);
		for (const scenario of scenarios) expect(help.stdout).toMatch(new RegExp(`^  ${scenario.name} +${scenario.title}`, 'm'));
		for (const key of ['q / Ctrl+C', 'Tab', '/ filter', 'v verify', 'R  the guided remount']) expect(help.stdout).toContain(key);
		expect(help.stdout).toContain('demo-audit.jsonl');
		expect(help.stdout).toContain('--reset');
		expect(help.stdout.split('\n').filter(line => [...line].length > 80)).toEqual([]);
	});
});

describe('--print-settings', () => {
	it('shows the audit log it would write, not "(auto)": the system one as root, the simulator\'s own with --demo', () => {
		const state = scratchStateHome();
		const real = run(['--print-settings'], {DOCKER_HOST: 'unix:///nonexistent.sock', XDG_STATE_HOME: state});
		expect(real.code).toBe(0);
		expect(real.stdout).not.toContain('(auto)');
		const expected = process.getuid?.() === 0 ? '/var/log/glance-inspector/audit.jsonl' : `${state}/glance-inspector/audit.jsonl`;
		expect(real.stdout).toMatch(new RegExp(`audit log\\s+${expected}\\s+\\(default`));
		const demo = run(['--demo', 'busy', '--print-settings'], {XDG_STATE_HOME: state, GLANCE_INSPECTOR_AUDIT_LOG: '/var/log/glance-inspector/audit.jsonl'});
		expect(demo.stdout).toMatch(new RegExp(`audit log\\s+${state}/glance-inspector/demo-audit\\.jsonl\\s+\\(default: the training simulator's own log; GLANCE_INSPECTOR_AUDIT_LOG is for the real log\\)`));
		expect(demo.stdout).toMatch(new RegExp(`simulator state\\s+${state}/glance-inspector/demo-busy\\.json`));
		const flagged = run(['--demo', 'busy', '--print-settings', '--audit-log', `${state}/practice.jsonl`], {XDG_STATE_HOME: state});
		expect(flagged.stdout).toMatch(new RegExp(`audit log\\s+${state}/practice\\.jsonl\\s+\\(flag\\)`));
	});
});

describe('glance-inspector --read-only in an 80×24 terminal', () => {
	it('shows no remount key, opens no wizard on R, and says it is read-only', {timeout: 30_000}, async () => {
		const terminal = await openTerminal(`${process.execPath} ${cli} --demo flapped --read-only`, {columns: 80, rows: 24, env: {XDG_STATE_HOME: scratchStateHome()}});
		try {
			const screen = await terminal.waitFor('container-stale-mount');
			// The header says it, whole, whatever the width leaves for the path.
			expect(screen.split('\n')[0]).toMatch(/simulator: flapped · .* READ-ONLY +CRITICAL/);
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
