// The built binary on a machine whose config files are hostile: a device named as globals.yml, an alias bomb,
// an openrc that cannot be used. No lab: the datadir is a scratch directory and docker is not there.
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'gi-cli-hostile-'));
const datadir = path.join(scratch, 'images');
mkdirSync(datadir);
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function run(args: string[]) {
	const result = spawnSync(process.execPath, [cli, '--datadir', datadir, ...args], {
		encoding: 'utf8',
		timeout: 30_000,
		cwd: scratch,
		env: {PATH: process.env['PATH'], HOME: scratch, XDG_STATE_HOME: scratch, DOCKER_HOST: 'unix:///nonexistent'},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

function file(name: string, text: string): string {
	const where = path.join(scratch, name);
	writeFileSync(where, text);
	return where;
}

type JsonReport = {status: string; settingsProblems: string[]; findings: Array<{id: string; severity: string; evidence: string[]}>};

const aliasBomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`).join(', ')}]`)].join('\n');

describe('a globals.yml that is not one', () => {
	it('--globals /dev/zero is a warning naming the device, and the run goes on to its report', () => {
		const once = run(['--once', '--globals', '/dev/zero']);
		expect(once.stderr).toContain('glance-inspector: warning: globals.yml /dev/zero is a character device, not a regular file: not read — ignored; pass --datadir to be sure');
		expect(once.stdout).toMatch(/^GLANCE UNKNOWN: /);
		expect(once.stdout).toContain(`datadir: ${datadir}`);
		expect(once.code).toBe(3);

		const json = run(['--json', '--globals', '/dev/zero']);
		const report = JSON.parse(json.stdout) as JsonReport;
		expect(report.settingsProblems).toEqual(['globals.yml /dev/zero is a character device, not a regular file: not read — ignored; pass --datadir to be sure']);
		expect(json.code).toBe(3);
	}, 40_000);

	it('an alias bomb is a problem naming the file, not the end of the tool', () => {
		const bomb = file('globals.yml', aliasBomb);
		const once = run(['--once', '--globals', bomb]);
		expect(once.stderr).toContain(`warning: ${bomb}: globals.yml cannot be read as data: Excessive alias count`);
		expect(once.stderr).not.toContain('unexpected error');
		expect(once.stdout).toMatch(/^GLANCE UNKNOWN: /);
		expect(once.code).toBe(3);

		const json = run(['--json', '--globals', bomb]);
		expect((JSON.parse(json.stdout) as JsonReport).settingsProblems[0]).toMatch(/Excessive alias count/);
	}, 40_000);
});

describe('an --openrc that cannot be used', () => {
	it('makes the image side UNKNOWN with the reason, whether the file is a device or computes its password', () => {
		const computed = file('admin-openrc.sh', "export OS_AUTH_URL=http://127.0.0.1:5000\nexport OS_USERNAME=admin\nexport OS_PASSWORD=$(cat /root/.pw)\n");
		const reasons = {
			'/dev/zero': 'the openrc file /dev/zero is a character device, not a regular file: not read',
			[computed]: `openrc ${computed}: OS_PASSWORD is computed by a shell command, which glance-inspector does not run`,
		};
		for (const [openrc, reason] of Object.entries(reasons)) {
			const once = run(['--once', '--openrc', openrc]);
			expect(once.stdout).toContain('[UNKNOWN] glance-unavailable');
			expect(once.stdout).toContain(`  - ${reason}`);
			expect(once.code).toBe(3);
			const report = JSON.parse(run(['--json', '--openrc', openrc]).stdout) as JsonReport;
			expect(report.findings.find(finding => finding.id === 'glance-unavailable')).toMatchObject({severity: 'unknown', evidence: expect.arrayContaining([reason])});
		}
	}, 60_000);
});
