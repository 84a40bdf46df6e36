// The training simulator through the built binary: it keeps to its own audit log and state, marks every record
// it writes, and keeps its machine across a quit so a half-done remount can be resumed.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {systemAuditLogPath} from '../../source/runbook/audit.js';
import {openTerminal} from '../support/tmux.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv) {
	const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', timeout: 30_000, env: {PATH: process.env['PATH'], ...env}, stdio: ['pipe', 'pipe', 'pipe']});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** What the real audit log is now: absent, or its bytes and when they last changed. */
function realAuditLog(): {bytes: Buffer; mtimeMs: number} | null {
	if (!existsSync(systemAuditLogPath)) return null;
	return {bytes: readFileSync(systemAuditLogPath), mtimeMs: statSync(systemAuditLogPath).mtimeMs};
}

async function until<T>(what: string, read: () => T | null, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = read();
		if (value !== null) return value;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	throw new Error(`never saw ${what}`);
}

describe('glance-inspector --demo, run as root', () => {
	it('writes only its own marked audit log, never the real one, and resumes across a quit', {timeout: 90_000}, async () => {
		const stateHome = mkdtempSync(path.join(tmpdir(), 'gi-demo-state-'));
		const demoLog = path.join(stateHome, 'glance-inspector', 'demo-audit.jsonl');
		const machine = path.join(stateHome, 'glance-inspector', 'demo-flapped.json');
		const before = realAuditLog();
		const terminal = await openTerminal(`${process.execPath} ${cli} --demo flapped`, {columns: 80, rows: 24, env: {XDG_STATE_HOME: stateHome, USER: 'trainee'}});
		try {
			expect(process.getuid?.()).toBe(0);
			await terminal.waitFor('container-stale-mount');
			await terminal.press('R');
			// First the preflight's "begin?", then the stop step's own prompt.
			await terminal.waitFor('[y/N]', 20_000);
			await terminal.press('y');
			await until('the walk begun in the demo log', () => (existsSync(demoLog) && readFileSync(demoLog, 'utf8').includes('"event":"begin"') ? true : null));
			await terminal.waitFor('[y/N]');
			await terminal.press('y');
			// The stop ran: the kept machine says the container is down.
			await until('the container stopped in the kept machine', () => {
				if (!existsSync(machine)) return null;
				const saved = JSON.parse(readFileSync(machine, 'utf8')) as {state: {container: {running: boolean}}};
				return saved.state.container.running ? null : true;
			});
		} finally {
			// Closing the terminal is the bluntest quit: the machine is kept after every change, not at exit.
			await terminal.close();
			const after = realAuditLog();
			// Put back whatever a failure might have changed, before judging it.
			if (before && after && !before.bytes.equals(after.bytes)) writeFileSync(systemAuditLogPath, before.bytes);
			if (before === null) expect(after).toBeNull();
			else expect(after?.bytes.equals(before.bytes) && after.mtimeMs === before.mtimeMs).toBe(true);
		}

		const records = readFileSync(demoLog, 'utf8')
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {simulated?: boolean; scenario?: string; host: string; operator: string; event: string; command: string | null});
		expect(records.length).toBeGreaterThan(2);
		for (const record of records) expect(record).toMatchObject({simulated: true, scenario: 'flapped', host: 'sim-controller01', operator: 'trainee'});
		expect(records.some(record => record.event === 'command' && record.command === 'docker stop -t 60 glance_api')).toBe(true);

		// The next session finds the machine as the last one left it: the container stopped, the share still mounted.
		const resumed = run(['--demo', 'flapped', '--once'], {XDG_STATE_HOME: stateHome});
		expect(resumed.stdout).toContain('container-not-running');
		expect(resumed.stdout).not.toContain('container-stale-mount');
		const fresh = run(['--demo', 'flapped', '--once', '--reset'], {XDG_STATE_HOME: stateHome});
		expect(fresh.code).toBe(2);
		expect(fresh.stdout).toContain('container-stale-mount');
	});

	it('starts fresh, with a warning, when the kept machine is unreadable', () => {
		const stateHome = mkdtempSync(path.join(tmpdir(), 'gi-demo-state-'));
		mkdirSync(path.join(stateHome, 'glance-inspector'));
		writeFileSync(path.join(stateHome, 'glance-inspector', 'demo-healthy.json'), '{"scenario": "healthy", "state": tru');
		const result = run(['--demo', 'healthy', '--once'], {XDG_STATE_HOME: stateHome});
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/warning: .*demo-healthy\.json: not JSON.*starting the scenario fresh/);
	});
});
