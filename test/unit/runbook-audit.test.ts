import os from 'node:os';
import {appendFileSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {AuditLog, auditIdentity, lastMountSpecOf, lastRunOf, readAuditLog, redact, resolveAuditLogPath, resolveDemoAuditLogPath, systemAuditLogPath, type AuditRecord} from '../../source/runbook/audit.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'runbook-audit-'));
	dirs.push(dir);
	return dir;
}

const identity = {host: 'ctl01', operator: 'alice', ssh: null};

describe('where the audit log goes', () => {
	it('--audit-log wins, then the system log for root, then XDG_STATE_HOME, then ~/.local/state', () => {
		expect(resolveAuditLogPath({flag: '/tmp/a.jsonl', env: {XDG_STATE_HOME: '/x'}, uid: 0, home: '/root'})).toBe('/tmp/a.jsonl');
		expect(resolveAuditLogPath({flag: 'rel/a.jsonl', env: {}, uid: 1000, home: '/home/bob'})).toBe(path.resolve('rel/a.jsonl'));
		expect(resolveAuditLogPath({flag: null, env: {XDG_STATE_HOME: '/x'}, uid: 0, home: '/root'})).toBe(systemAuditLogPath);
		expect(systemAuditLogPath).toBe('/var/log/glance-inspector/audit.jsonl');
		expect(resolveAuditLogPath({flag: undefined, env: {XDG_STATE_HOME: '/var/state/bob'}, uid: 1000, home: '/home/bob'})).toBe('/var/state/bob/glance-inspector/audit.jsonl');
		// The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
		expect(resolveAuditLogPath({flag: null, env: {XDG_STATE_HOME: 'state'}, uid: 1000, home: '/home/bob'})).toBe('/home/bob/.local/state/glance-inspector/audit.jsonl');
	});

	it('names the person behind sudo and where they came from, and nothing else', () => {
		expect(auditIdentity({USER: 'root', SUDO_USER: 'alice', SSH_CONNECTION: '10.0.0.5 5 10.0.0.11 22', OS_PASSWORD: 'x'}, 'ctl01')).toEqual({host: 'ctl01', operator: 'alice', ssh: '10.0.0.5 5 10.0.0.11 22'});
		expect(auditIdentity({USER: 'bob'}, 'ctl01')).toEqual({host: 'ctl01', operator: 'bob', ssh: null});
		// With no USER at all (cron, systemd), the process's own account still names someone.
		expect(auditIdentity({}, 'ctl01').operator).toBe(`${os.userInfo().username} (uid ${process.getuid!()})`);
	});
});

describe('redaction', () => {
	it('hides passwords, tokens and secrets wherever they look like one, and keeps ordinary words', () => {
		expect(redact('OS_PASSWORD=hunter2 OS_USERNAME=admin')).toBe('OS_PASSWORD=[redacted] OS_USERNAME=admin');
		expect(redact('X-Auth-Token: gAAAAABlZ9xW_abc')).toBe('X-Auth-Token: [redacted]');
		expect(redact('token gAAAAABlZ9xWq1B2c3D4e5F6g7H8i9J0 leaked')).toBe('token [redacted] leaked');
		expect(redact('{"application_credential_secret": "s3cr3t"}')).toBe('{"application_credential_secret": "[redacted]"}');
		expect(redact('sshpass --password hunter2 ssh')).toBe('sshpass --password [redacted] ssh');
		expect(redact('Authorization: Basic YWRtaW46aHVudGVyMg==')).toBe('Authorization: [redacted]');
		expect(redact('Bearer abc.def.ghi')).toBe('Bearer [redacted]');
		expect(redact('umount: /srv/glance: target is busy.')).toBe('umount: /srv/glance: target is busy.');
		expect(redact('openstack token issue -f value -c id')).toBe('openstack token issue -f value -c id');
	});
});

describe('the log file', () => {
	it('creates its directory, appends one JSON object per line with who and when, and redacts the details', () => {
		const file = path.join(tempDir(), 'deep', 'er', 'audit.jsonl');
		const opened = AuditLog.open(file, {identity, run: 'run-1', dryRun: false, now: () => Date.parse('2026-11-24T10:00:00Z')});
		if (!opened.ok) throw new Error(opened.problem.reason);
		const log = opened.value;
		expect(log.write({event: 'command', step: 'mount', command: 'mount /srv/glance', outcome: 'started'})).toMatchObject({ok: true});
		expect(log.write({event: 'result', step: 'mount', outcome: 'failed', detail: {output: ['mount.nfs4: password=hunter2 rejected'], reason: 'token: abc'}})).toMatchObject({ok: true});
		const lines = readFileSync(file, 'utf8').split('\n');
		expect(lines.at(-1)).toBe('');
		const records = lines.filter(Boolean).map(line => JSON.parse(line) as Record<string, unknown>);
		expect(records[0]).toEqual({
			time: '2026-11-24T10:00:00.000Z',
			run: 'run-1',
			host: 'ctl01',
			operator: 'alice',
			ssh: null,
			event: 'command',
			step: 'mount',
			command: 'mount /srv/glance',
			dryRun: false,
			outcome: 'started',
		});
		expect(records[1]?.detail).toEqual({output: ['mount.nfs4: password=[redacted] rejected'], reason: 'token: [redacted]'});
		// Who ran what, from where: not for every local user to read.
		expect(statSync(file).mode & 0o007).toBe(0);
	});

	it('says why it cannot be written or read instead of throwing', async () => {
		const dir = tempDir();
		appendFileSync(path.join(dir, 'file'), 'x');
		const opened = AuditLog.open(path.join(dir, 'file', 'audit.jsonl'), {identity, run: 'r', dryRun: false});
		expect(opened).toMatchObject({ok: false, problem: {errno: 'EEXIST', reason: expect.stringMatching(/a part of its directory path is a file — pass --audit-log PATH/)}});
		expect(await readAuditLog(dir)).toMatchObject({ok: false, problem: {reason: `the audit log ${dir} is a directory, not a regular file: not read`}});
		expect(await readAuditLog(path.join(dir, 'absent.jsonl'))).toEqual({ok: true, value: []});
	});
});

describe('reading it back for a resume', () => {
	it('keeps the parseable lines, and finds the last run that changed something', async () => {
		const file = path.join(tempDir(), 'audit.jsonl');
		const write = (run: string, dryRun: boolean, entries: Parameters<AuditLog['write']>[0][]) => {
			const opened = AuditLog.open(file, {identity, run, dryRun});
			if (!opened.ok) throw new Error(opened.problem.reason);
			for (const entry of entries) opened.value.write(entry);
		};
		write('changed', false, [
			{event: 'preflight', detail: {mountpoint: '/srv/glance', mountSpec: {source: 'nfs01:/export/glance', fsType: 'nfs4', options: ['rw', 'vers=4.2']}}},
			{event: 'command', step: 'stop', command: 'docker stop -t 60 glance_api'},
		]);
		appendFileSync(file, '{"time": "torn wri\n');
		write('dry', true, [{event: 'command', step: 'stop'}]);
		write('looked', false, [{event: 'preflight'}, {event: 'aborted'}]);

		const read = await readAuditLog(file);
		const records: AuditRecord[] = read.ok ? read.value : [];
		expect(records.map(record => record.run)).toEqual(['changed', 'changed', 'dry', 'looked', 'looked']);
		expect(lastRunOf(records)?.map(record => record.event)).toEqual(['preflight', 'command']);
		expect(lastRunOf([])).toBeNull();
		expect(lastMountSpecOf(records, '/srv/glance')?.spec).toEqual({source: 'nfs01:/export/glance', fsType: 'nfs4', options: ['rw', 'vers=4.2']});
		expect(lastMountSpecOf(records, '/mnt/other')).toBeNull();
	});
});

describe('the training simulator\'s records', () => {
	it('goes to its own file, for root too; --audit-log still wins', () => {
		expect(resolveDemoAuditLogPath({flag: null, env: {XDG_STATE_HOME: '/x'}, home: '/root'})).toBe('/x/glance-inspector/demo-audit.jsonl');
		expect(resolveDemoAuditLogPath({flag: undefined, env: {}, home: '/root'})).toBe('/root/.local/state/glance-inspector/demo-audit.jsonl');
		expect(resolveDemoAuditLogPath({flag: '/tmp/practice.jsonl', env: {}, home: '/root'})).toBe('/tmp/practice.jsonl');
		expect(resolveDemoAuditLogPath({flag: null, env: {}, home: '/root'})).not.toBe(systemAuditLogPath);
	});

	it('marks every record with its scenario, and a real run never reads them back, even from the same file', async () => {
		const file = path.join(tempDir(), 'audit.jsonl');
		const open = (run: string, simulation: {scenario: string} | null) => {
			const opened = AuditLog.open(file, {identity, run, dryRun: false, simulation});
			if (!opened.ok) throw new Error(opened.problem.reason);
			return opened.value;
		};
		open('real', null).write({event: 'command', step: 'stop', command: 'docker stop -t 60 glance_api'});
		const practice = open('practice', {scenario: 'flapped'});
		expect(practice.write({event: 'command', step: 'unmount', command: 'umount /srv/glance'})).toMatchObject({ok: true, value: {simulated: true, scenario: 'flapped'}});
		open('other', {scenario: 'busy'}).write({event: 'command', step: 'stop', command: 'docker stop -t 60 glance_api'});

		const lines = readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		expect(lines.map(line => [line.run, line.simulated, line.scenario])).toEqual([
			['real', undefined, undefined],
			['practice', true, 'flapped'],
			['other', true, 'busy'],
		]);
		const real = await readAuditLog(file);
		// The last run that changed something is the real one, though two practice runs came after it.
		expect(real.ok && lastRunOf(real.value)?.map(record => record.run)).toEqual(['real']);
		const flapped = await readAuditLog(file, {scenario: 'flapped'});
		expect(flapped.ok && flapped.value.map(record => record.run)).toEqual(['practice']);
		const healthy = await readAuditLog(file, {scenario: 'healthy'});
		expect(healthy.ok && lastRunOf(healthy.value)).toBeNull();
	});
});
