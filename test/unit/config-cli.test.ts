// The built CLI with config files on disk, as an operator meets them: where a value came from, a file that is
// wrong (exit 3, file, line and key, no stack trace), and --print-config saved and read back. The system and
// user files are moved into a scratch directory: the real /etc/glance-inspector and ~/.config are never read.
import {spawnSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {scratchDir} from '../support/scratch.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function machine(files: {system?: string; user?: string} = {}) {
	const root = scratchDir('gi-config-cli-');
	const system = path.join(root, 'etc', 'glance-inspector', 'config.yaml');
	const user = path.join(root, 'config', 'glance-inspector', 'config.yaml');
	mkdirSync(path.dirname(system), {recursive: true});
	mkdirSync(path.dirname(user), {recursive: true});
	if (files.system !== undefined) writeFileSync(system, files.system);
	if (files.user !== undefined) writeFileSync(user, files.user);
	const env = {GLANCE_INSPECTOR_SYSTEM_CONFIG: system, XDG_CONFIG_HOME: path.join(root, 'config'), HOME: root, XDG_STATE_HOME: path.join(root, 'state'), DOCKER_HOST: 'unix:///nonexistent.sock'};
	function run(args: string[], extra: NodeJS.ProcessEnv = {}) {
		const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', timeout: 30_000, env: {PATH: process.env['PATH'], ...env, ...extra}});
		return {code: result.status, stdout: result.stdout, stderr: result.stderr};
	}
	return {root, system, user, run};
}

describe('config files through the CLI', () => {
	it('shows in --print-settings the file and line each value came from, and which files were read', () => {
		const {system, user, run} = machine({system: 'container: site_api\nrefresh: 5\n', user: '# mine\nrefresh: 7\n'});
		const result = run(['--print-settings']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^container\\s+site_api  \\(file: ${system}:1\\)$`, 'm'));
		expect(result.stdout).toMatch(new RegExp(`^refresh\\s+7  \\(file: ${user}:2\\)$`, 'm'));
		expect(result.stdout).toMatch(new RegExp(`^config files\\s+${system}, ${user}  `, 'm'));
		const flagged = run(['--print-settings', '--refresh', '3'], {GLANCE_INSPECTOR_CONTAINER: 'env_api'});
		expect(flagged.stdout).toMatch(/^refresh\s+3  \(flag\)$/m);
		expect(flagged.stdout).toMatch(/^container\s+env_api  \(env: GLANCE_INSPECTOR_CONTAINER\)$/m);
	});

	it('exits 3 naming the file, the line and the key of an unknown key, a wrong type or broken YAML, without a stack trace', () => {
		const cases = [
			{text: 'refresh: 2\nprobe-timout: 4\n', says: ":2: unknown key 'probe-timout' (did you mean probe-timeout?)"},
			{text: '\n\nread-only: yes\n', says: ":3: read-only: expected true or false, got 'yes'"},
			{text: 'container: [glance\n', says: ' is not valid YAML: line 2'},
		];
		for (const {text, says} of cases) {
			const {system, run} = machine({system: text});
			const result = run(['--once']);
			expect(result.code, text).toBe(3);
			expect(result.stderr, text).toContain(`glance-inspector: ${system}${says}`);
			expect(result.stderr, text).not.toMatch(/\n\s+at /);
			// A monitoring check reads stdout: its one line is the plugin's UNKNOWN with the same reason.
			expect(result.stdout, text).toMatch(/^GLANCE UNKNOWN: [^\n]*\n$/);
			expect(result.stdout, text).toContain(`${system}${says}`);
		}
	});

	it('exits 3 for a --config that does not exist, and says a read-only file and --dry-run clash, naming its line', () => {
		const {root, user, run} = machine({user: 'container: x\nread-only: true\n'});
		const missing = run(['--config', path.join(root, 'nope.yaml'), '--once']);
		expect(missing.code).toBe(3);
		expect(missing.stderr).toContain(`config file ${root}/nope.yaml: ENOENT`);
		const clash = run(['--dry-run', '--print-settings']);
		expect(clash.code).toBe(3);
		expect(clash.stderr).toContain(`--dry-run cannot be used with read-only: true (${user}:2)`);
	});

	it('writes with --print-config a file that, saved as the system file, gives the same settings', () => {
		const first = machine();
		const printed = first.run(['--print-config', '--datadir', '/srv/glance/images', '--probe-timeout', '6', '--read-only'], {GLANCE_INSPECTOR_CONTAINER: 'site_api'});
		expect(printed.code).toBe(0);
		expect(printed.stdout).toMatch(/^datadir: \/srv\/glance\/images$/m);
		expect(printed.stdout).toMatch(/^# refresh: 2$/m);
		const second = machine({system: printed.stdout});
		const settings = second.run(['--print-settings']);
		expect(settings.code).toBe(0);
		expect(settings.stdout).toMatch(new RegExp(`^datadir\\s+/srv/glance/images  \\(file: ${second.system}:\\d+\\)$`, 'm'));
		expect(settings.stdout).toMatch(/^probe timeout\s+6  \(file: /m);
		expect(settings.stdout).toMatch(/^read-only\s+true  \(file: /m);
		expect(settings.stdout).toMatch(/^container\s+site_api  \(file: /m);
		expect(settings.stdout).toMatch(/^refresh\s+2  \(default\)$/m);
	});

	it('refuses an ssh:// DOCKER_HOST with the reason, not a crash in a missing module', () => {
		const {run} = machine();
		const result = run(['--once'], {DOCKER_HOST: 'ssh://admin@controller'});
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('DOCKER_HOST=ssh://admin@controller: Docker over ssh:// is not supported');
	});
});
