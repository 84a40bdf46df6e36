// The audit log is written as root into a place others may reach first: a planted link, a file someone
// else made, a FIFO. Each is refused with its reason, nothing is written through it, and the remount
// does not start while its steps cannot be recorded. Real files on scratch targets.
import {execFileSync} from 'node:child_process';
import {chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {AuditLog} from '../../source/runbook/audit.js';
import {RemountRunner} from '../../source/runbook/runner.js';
import {wizardAnswerFor} from '../../source/ui/keymap.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import {createSimulatedWorld, simulatedDatadir} from '../../source/world/simulated/simulated-world.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'hostile-audit-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

const identity = {host: 'ctl01', operator: 'alice', ssh: null};
const open = (file: string) => AuditLog.open(file, {identity, run: 'r', dryRun: false});
const reasonOf = (opened: ReturnType<typeof open>) => (opened.ok ? null : opened.problem.reason);
const nobody = 65534;

describe('the audit log refuses what it should not write to', () => {
	it('a symlink to another file: refused, the target unchanged', () => {
		const dir = scratch();
		const target = path.join(dir, 'shadow');
		writeFileSync(target, 'root:x:0:0\n');
		const link = path.join(dir, 'audit.jsonl');
		symlinkSync(target, link);
		expect(reasonOf(open(link))).toBe(`${link}: is a symbolic link, and the audit log is never written through one (it could point anywhere) — remove it, or pass --audit-log PATH to the real file`);
		expect(readFileSync(target, 'utf8')).toBe('root:x:0:0\n');
	});

	it('a dangling symlink: refused, and the file it points to is never created', () => {
		const dir = scratch();
		const target = path.join(dir, 'etc-cron.d-evil');
		const link = path.join(dir, 'audit.jsonl');
		symlinkSync(target, link);
		expect(reasonOf(open(link))).toMatch(/is a symbolic link/);
		expect(existsSync(target)).toBe(false);
	});

	it('a link swapped in after the log was opened: the next write is refused and goes nowhere', () => {
		const dir = scratch();
		const file = path.join(dir, 'audit.jsonl');
		const opened = open(file);
		if (!opened.ok) throw new Error(opened.problem.reason);
		const target = path.join(dir, 'elsewhere');
		writeFileSync(target, '');
		rmSync(file);
		symlinkSync(target, file);
		expect(opened.value.write({event: 'command', command: 'docker stop glance_api'})).toMatchObject({ok: false, problem: {errno: 'ELOOP'}});
		expect(readFileSync(target, 'utf8')).toBe('');
	});

	it.runIf(process.geteuid?.() === 0)('a file owned by another user: refused, left as it was', () => {
		const dir = scratch();
		const file = path.join(dir, 'audit.jsonl');
		writeFileSync(file, 'planted\n');
		chownSync(file, nobody, nobody);
		expect(reasonOf(open(file))).toBe(`${file}: is owned by uid ${nobody}, not by this user (uid 0), so it is not written — check who made it, or pass --audit-log PATH`);
		expect(readFileSync(file, 'utf8')).toBe('planted\n');
	});

	it('a FIFO nobody reads is not a file: refused at once, not waited on', () => {
		const dir = scratch();
		const fifo = path.join(dir, 'audit.jsonl');
		execFileSync('mkfifo', [fifo]);
		expect(reasonOf(open(fifo))).toMatch(/is a FIFO or a socket, not a regular file/);
	});

	it('creates a new log private to its owner, in a private directory', () => {
		const dir = path.join(scratch(), 'glance-inspector');
		const file = path.join(dir, 'audit.jsonl');
		const opened = open(file);
		expect(opened.ok).toBe(true);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
	});
});

describe('a remount whose audit log is a planted link', () => {
	it('is blocked before any step, and y changes nothing on the machine', async () => {
		const dir = scratch();
		const target = path.join(dir, 'target');
		const auditLog = path.join(dir, 'audit.jsonl');
		symlinkSync(target, auditLog);
		const world = createSimulatedWorld('flapped', {speed: 100, probeTimeoutMs: 50});
		cleanups.push(() => world.close());
		const snapshot = await new SnapshotPoller(world, 60_000).collect();
		const settings = {
			container: 'glance_api',
			mountpoint: null,
			datadir: simulatedDatadir,
			containerDatadir: '/var/lib/glance/images',
			probeTimeoutMs: 50,
			dryRun: false,
			auditLog,
			healthWaitMs: 3000,
			pollIntervalMs: 10,
		};
		const runner = new RemountRunner({world, snapshots: () => snapshot, settings, env: {USER: 'root'}, hostname: 'ctl01'});
		cleanups.push(() => runner.dispose());
		const before = JSON.stringify(world.controller);
		const state = await runner.start();
		expect(state.preflight?.blockers.join('\n')).toMatch(/audit log cannot be written \(.*audit\.jsonl: is a symbolic link/);
		const command = wizardAnswerFor(runner.state, 'y', {});
		if (command) runner.send(command);
		const after = await runner.whenWaiting();
		expect(after.phase).toBe('preflight');
		expect(JSON.stringify(world.controller)).toBe(before);
		expect(existsSync(target)).toBe(false);
	});
});
