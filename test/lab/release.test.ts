// The one file an operator copies onto a controller, built from this tree and run where no Node.js exists:
// every node binary and node_modules masked in a private mount namespace, PATH without node, and strace
// recording every program started. It reports, draws the dashboard at 80×24, and after a real flap of the lab's
// share its child roles (the probes, the listing) are itself started again, never a node.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isNode, maskedRun, type Exec} from '../support/masked-node.js';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {scratchDir} from '../support/scratch.js';
import {openTerminal} from '../support/tmux.js';

const binary = path.join(repoRoot, 'release', 'glance-inspector-linux-x64');
const arm64Binary = path.join(repoRoot, 'release', 'glance-inspector-linux-arm64');
/** qemu-user-static runs the arm64 file here, its libraries from Debian's arm64 cross packages. */
const underQemu = ['/usr/bin/qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];

/** What the masked program gets: its own state and config places (never the real /etc or ~/.config), and a stray NODE_OPTIONS it must ignore. */
function isolatedEnv(): Record<string, string> {
	const home = scratchDir('gi-release-home-');
	return {
		XDG_STATE_HOME: path.join(home, 'state'),
		XDG_CONFIG_HOME: path.join(home, 'config'),
		GLANCE_INSPECTOR_SYSTEM_CONFIG: path.join(home, 'etc', 'config.yaml'),
		NODE_OPTIONS: '--require /nonexistent/preload.cjs',
	};
}

/** `command` (the release file and its arguments, or qemu and them) run with every Node masked. */
function runMasked(command: string[], env: Record<string, string> = {}) {
	const masked = maskedRun(command[0]!, command.slice(1), {...isolatedEnv(), ...env});
	const result = spawnSync('bash', ['-c', masked.command], {encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr, execs: masked.execs()};
}

/** The roles the single executable was started again in: `<binary> --child-role ROLE REQUEST`. */
function childRoles(execs: Exec[]): string[] {
	return execs.filter(exec => exec.succeeded && exec.program === binary && exec.argv[1] === '--child-role').map(exec => exec.argv[2]!);
}

function expectNoNode(execs: Exec[], program = binary): void {
	expect(execs.length).toBeGreaterThan(0);
	expect(execs[0]!.program).toBe(program);
	expect(execs.filter(isNode)).toEqual([]);
}

const versionPattern = (version: string, commit: string) =>
	new RegExp(`^glance-inspector ${version.replaceAll('.', '\\.')}\ncommit  ${commit}( \\(with uncommitted changes\\))?\nbuilt   \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\nnode    26\\.\\d+\\.\\d+ \\(inside this single executable\\)\n$`);

function sourceVersion(): {version: string; commit: string} {
	const {version} = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
	return {version, commit: spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], {cwd: repoRoot, encoding: 'utf8'}).stdout.trim()};
}

beforeAll(() => {
	// From the tree as it is: dist/ (the suite builds it first) bundled and put into Node 26 for each target.
	const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'release.js')], {cwd: repoRoot, encoding: 'utf8', timeout: 120_000});
	if (built.status !== 0) throw new Error(`npm run release failed:\n${built.stdout}\n${built.stderr}`);
	process.stdout.write(`[release] ${built.stdout}`);
}, 180_000);

describe('the release file', () => {
	it('is one executable for each target with its sha256 beside it, in sha256sum format', () => {
		for (const file of [binary, arm64Binary]) {
			const name = path.basename(file);
			const sum = readFileSync(`${file}.sha256`, 'utf8');
			expect(sum).toBe(`${createHash('sha256').update(readFileSync(file)).digest('hex')}  ${name}\n`);
			expect(statSync(file).mode & 0o111).not.toBe(0);
			const check = spawnSync('sha256sum', ['--check', `${name}.sha256`], {cwd: path.dirname(file), encoding: 'utf8'});
			expect(check.stdout).toBe(`${name}: OK\n`);
		}
	});

	it('says its version, commit, build date and the Node inside, with no node anywhere', () => {
		const {version, commit} = sourceVersion();
		const result = runMasked([binary, '--version']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(versionPattern(version, commit));
		expectNoNode(result.execs);
	});

	it('says the same from dist, with the Node that runs it', () => {
		const {version, commit} = sourceVersion();
		const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), '--version'], {encoding: 'utf8'});
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^glance-inspector ${version.replaceAll('.', '\\.')}\ncommit  ${commit}`));
		expect(result.stdout).toContain(`node    ${process.versions.node} (at ${process.execPath})`);
	});

	it('refuses to run where node would have been: the mask holds', () => {
		const masked = maskedRun('/bin/sh', ['-c', 'node --version; /usr/bin/node --version; echo "rc $?"']);
		const result = spawnSync('bash', ['-c', masked.command], {encoding: 'utf8', timeout: 30_000});
		expect(result.stderr).toMatch(/node: (not found|Permission denied)/);
		expect(result.stdout).toMatch(/^rc 12[67]$/m);
	});

	it('reports the flapped training scenario with exit 2 and container-stale-mount, as JSON and as text', () => {
		const json = runMasked([binary, '--demo', 'flapped', '--json']);
		expect(json.code).toBe(2);
		// The code cache was built under the same V8 flags the file starts with, so V8 takes it without a warning.
		expect(json.stderr).not.toContain('Warning');
		const report = JSON.parse(json.stdout) as {findings: Array<{id: string; severity: string}>};
		expect(report.findings.map(finding => finding.id)).toContain('container-stale-mount');
		expectNoNode(json.execs);
		const text = runMasked([binary, '--demo', 'flapped', '--once']);
		expect(text.code).toBe(2);
		expect(text.stdout).toMatch(/^GLANCE CRITICAL: 1 finding: glance_api holds the old share/);
		expectNoNode(text.execs);
	});

	it('draws the dashboard in an 80×24 terminal and quits on q', async () => {
		const masked = maskedRun(binary, ['--demo', 'flapped', '--reset'], isolatedEnv());
		const terminal = await openTerminal(masked.command, {columns: 80, rows: 24});
		try {
			const screen = await terminal.waitFor('container-stale-mount', 30_000);
			expect(screen).toContain('STALE');
			for (const line of screen.replace(/\n$/, '').split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
			await terminal.press('q');
			await terminal.waitFor('[exit 0]', 10_000);
		} finally {
			await terminal.close();
		}
		expectNoNode(masked.execs());
	});
});

describe('the linux-arm64 file, under qemu-user-static with every Node masked', () => {
	it('says its version and reports the flapped training scenario', () => {
		const {version, commit} = sourceVersion();
		const result = runMasked([...underQemu, arm64Binary, '--version']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(versionPattern(version, commit));
		expectNoNode(result.execs, underQemu[0]);
		const json = runMasked([...underQemu, arm64Binary, '--demo', 'flapped', '--json']);
		expect(json.code).toBe(2);
		expect((JSON.parse(json.stdout) as {findings: Array<{id: string}>}).findings.map(finding => finding.id)).toContain('container-stale-mount');
	});

	it('runs a child role inside the same file: the checksum child hashes a file as sha512sum does', () => {
		// Without binfmt_misc here, the arm64 parent could not exec its arm64 child: the role is started as the supervisor would, under qemu.
		const file = path.join(scratchDir('gi-release-arm64-'), 'image');
		writeFileSync(file, 'an image of a few bytes\n');
		const request = JSON.stringify({path: file, algorithms: ['sha512'], progressIntervalMs: 1000});
		const result = runMasked([...underQemu, arm64Binary, '--child-role', 'checksum', request]);
		expect(result.code).toBe(0);
		const digest = createHash('sha512').update(readFileSync(file)).digest('hex');
		expect(result.stdout).toContain(`{"done":{"bytes":24,"digests":{"sha512":"${digest}"}}}`);
	});
});

describe('the release file on the real lab, after a real flap', () => {
	const options = ['--datadir', lab.LAB_DATADIR!, '--refresh', '1', '--probe-timeout', '3'];

	beforeAll(async () => {
		// The namespace is a copy of the mounts taken when it starts, so the flap comes first, as on a controller
		// where the operator arrives after the share flapped: the host remounted, glance_api still on the old mount.
		await labScript('flap');
	});

	afterAll(async () => {
		await labScript('heal');
	});

	it('finds container-stale-mount with its real probes, each a child role of the same file', () => {
		const result = runMasked([binary, '--json', ...options]);
		expect(result.code).toBe(2);
		const report = JSON.parse(result.stdout) as {findings: Array<{id: string; evidence?: unknown}>};
		expect(report.findings.map(finding => finding.id)).toContain('container-stale-mount');
		expectNoNode(result.execs);
		expect(childRoles(result.execs)).toEqual(expect.arrayContaining(['probe-worker', 'datadir-list']));
	});

	it('shows the stale view and the process holding the share on the dashboard at 80×24', async () => {
		// A process left in the datadir makes a remount's unmount busy; the holders role finds it. It is started
		// in the namespace, where its working directory is on the mount the tool sees.
		const holderPid = path.join(scratchDir('gi-release-holder-'), 'pid');
		const holder = `(cd ${lab.LAB_DATADIR} && setsid sleep 300 >/dev/null 2>&1 < /dev/null & echo $! > ${holderPid})`;
		const masked = maskedRun(binary, [...options, '--inventory-refresh', '5'], isolatedEnv(), holder);
		const terminal = await openTerminal(masked.command, {columns: 80, rows: 24});
		try {
			// The probe round draws the stale view before the findings of its round are in: each is waited for.
			await terminal.waitFor('STALE view', 30_000);
			await terminal.waitFor('container-stale-mount', 30_000);
			await terminal.waitFor('fuse.sshfs', 30_000);
			await terminal.waitFor('mount-held', 30_000);
			await terminal.press('q');
			await terminal.waitFor('[exit 0]', 10_000);
		} finally {
			await terminal.close();
			await sh(`kill "$(cat ${holderPid})" 2>/dev/null; true`);
		}
		const execs = masked.execs();
		expectNoNode(execs);
		expect(childRoles(execs)).toEqual(expect.arrayContaining(['probe-worker', 'holders']));
	});
});
