// The config file: its keys are the flags, it sits between the environment and globals.yml, and a file that
// cannot be used names its path, line and key. Files are real files in a scratch directory, never /etc or ~/.config.
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {configKeys, nearestConfigKey, parseCliArgs} from '../../source/cli-args.js';
import {configPaths, printedConfig, readConfigFiles} from '../../source/config-file.js';
import {parseConfig, type ConfigValues} from '../../source/model/config.js';
import {resolveSettings, settingOfFlag, settingRows, type GlobalsInput, type Settings} from '../../source/settings.js';
import {scratchDir} from '../support/scratch.js';

const noGlobals: GlobalsInput = {path: '/etc/kolla/globals.yml', text: null, readError: null};

function parsed(text: string, file = '/etc/glance-inspector/config.yaml'): ConfigValues {
	const result = parseConfig(text, {file, keys: configKeys, nearest: nearestConfigKey});
	if (!result.ok) throw new Error(`expected values, got: ${result.problem.reason}`);
	return result.value;
}

function problemOf(text: string, file = '/etc/glance-inspector/config.yaml'): string {
	const result = parseConfig(text, {file, keys: configKeys, nearest: nearestConfigKey});
	if (result.ok) throw new Error('expected a problem, got values');
	return result.problem.reason;
}

function settingsWith(input: Partial<Parameters<typeof resolveSettings>[0]>): Settings {
	const result = resolveSettings({flags: {}, env: {}, globals: noGlobals, containerGlanceSource: null, account: {uid: 1000, home: '/home/op'}, ...input});
	if (!result.ok) throw new Error(`expected settings, got: ${result.problem.reason}`);
	return result.value;
}

/** A value each kind of key accepts, as a flag's argument and as YAML. */
const sample = {path: '/srv/sample', text: 'sample', number: 7, switch: true} as const;

describe('config keys are the flag table\'s settings', () => {
	it('has a key for every flag that is a setting, named by its long flag, and none for the flags that choose a mode', () => {
		const names = configKeys.map(key => key.name);
		for (const name of ['datadir', 'container', 'refresh', 'probe-timeout', 'read-only', 'openrc', 'audit-log', 'glance-url', 'dry-run']) expect(names).toContain(name);
		for (const name of ['demo', 'once', 'json', 'help', 'version', 'config', 'print-config', 'print-settings', 'reset']) expect(names).not.toContain(name);
	});

	it('gives every key the same setting as its flag, so a flag added to the table works from a file as it is', () => {
		for (const key of configKeys) {
			if (key.name === 'crit-percent' || key.name === 'warn-percent') continue;
			const value = sample[key.kind];
			const flags = parseCliArgs(key.kind === 'switch' ? [`--${key.name}`] : [`--${key.name}`, String(value)]);
			if (!flags.ok) throw new Error(flags.problem.reason);
			const fromFlag = settingOfFlag(settingsWith({flags: flags.value}), key.key);
			const fromFile = settingOfFlag(settingsWith({config: parsed(`${key.name}: ${value}\n`)}), key.key);
			expect(fromFile?.value, key.name).toEqual(fromFlag?.value);
			expect(fromFile?.source, key.name).toBe('file');
			expect(fromFile?.detail, key.name).toBe('/etc/glance-inspector/config.yaml:1');
		}
	});

	it('takes the thresholds from a file too', () => {
		const settings = settingsWith({config: parsed('warn-percent: 70\ncrit-percent: 85\n')});
		expect([settings.warnPercent.value, settings.critPercent.value]).toEqual([70, 85]);
	});
});

describe('parsing a config file', () => {
	it('keeps the line of each key and reads relative paths from the file\'s directory', () => {
		const values = parsed('# site settings\ndatadir: /mnt/glance/images\n\nrefresh: 5\naudit-log: logs/audit.jsonl\nread-only: true\n', '/etc/glance-inspector/config.yaml');
		expect(values['datadir']).toEqual({value: '/mnt/glance/images', file: '/etc/glance-inspector/config.yaml', line: 2});
		expect(values['refresh']).toMatchObject({value: 5, line: 4});
		expect(values['auditLog']?.value).toBe('/etc/glance-inspector/logs/audit.jsonl');
		expect(values['readOnly']).toMatchObject({value: true, line: 6});
	});

	it('gives nothing for an empty file or one of comments only', () => {
		expect(parsed('')).toEqual({});
		expect(parsed('# nothing set yet\n')).toEqual({});
	});

	it('names the file, the line and the key of an unknown key, with the one meant', () => {
		expect(problemOf('refresh: 2\nprobe-timout: 5\n')).toBe("/etc/glance-inspector/config.yaml:2: unknown key 'probe-timout' (did you mean probe-timeout?)");
		expect(problemOf('demo: flapped\n')).toContain(":1: unknown key 'demo'");
	});

	it('names the file, the line and the key of a value of the wrong type', () => {
		expect(problemOf('container: x\nrefresh: often\n')).toBe("/etc/glance-inspector/config.yaml:2: refresh: expected a number of seconds, got 'often'");
		expect(problemOf('read-only: yes\n')).toBe("/etc/glance-inspector/config.yaml:1: read-only: expected true or false, got 'yes'");
		expect(problemOf('datadir:\n')).toBe('/etc/glance-inspector/config.yaml:1: datadir: expected a path, got nothing');
		expect(problemOf('container: [a, b]\n')).toContain(':1: container: expected a name, got a list');
	});

	it('names the file and the line of broken YAML, a repeated key and a file that is not a mapping', () => {
		expect(problemOf('refresh: 2\ncontainer: [glance\n')).toMatch(/^\/etc\/glance-inspector\/config\.yaml is not valid YAML: line \d+, column \d+/);
		expect(problemOf('refresh: 2\nrefresh: 3\n')).toMatch(/is not valid YAML: line 2/);
		expect(problemOf('- datadir\n')).toBe('/etc/glance-inspector/config.yaml: expected lines of `key: value`, got a list');
	});

	it('refuses an alias bomb with readYaml\'s limits instead of expanding it', () => {
		const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({length: 8}, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
		expect(problemOf(bomb)).toContain('cannot be read as data');
	});
});

describe('precedence: flags > environment > --config or the user\'s file > the system file > globals.yml > defaults', () => {
	function machine(files: {system?: string; user?: string; other?: string}) {
		const root = scratchDir('gi-config-');
		const system = path.join(root, 'etc', 'config.yaml');
		const configHome = path.join(root, 'home', '.config');
		mkdirSync(path.dirname(system), {recursive: true});
		mkdirSync(path.join(configHome, 'glance-inspector'), {recursive: true});
		if (files.system !== undefined) writeFileSync(system, files.system);
		if (files.user !== undefined) writeFileSync(path.join(configHome, 'glance-inspector', 'config.yaml'), files.user);
		const other = path.join(root, 'other.yaml');
		if (files.other !== undefined) writeFileSync(other, files.other);
		return {root, env: {GLANCE_INSPECTOR_SYSTEM_CONFIG: system, XDG_CONFIG_HOME: configHome}, system, other};
	}

	async function configOf(env: NodeJS.ProcessEnv, configFlag?: string) {
		const read = await readConfigFiles(configPaths({configFlag, env, home: '/nonexistent-home'}));
		if (!read.ok) throw new Error(read.problem.reason);
		return read.value;
	}

	it('lets the user\'s file beat the system file key by key, and shows the file and line of each', async () => {
		const {env, system} = machine({system: 'refresh: 5\ncontainer: site_glance\n', user: '\nrefresh: 7\n'});
		const config = await configOf(env);
		expect(config.read).toEqual([system, path.join(env.XDG_CONFIG_HOME, 'glance-inspector', 'config.yaml')]);
		const settings = settingsWith({config: config.values});
		expect(settings.refreshSeconds).toEqual({value: 7, source: 'file', detail: `${env.XDG_CONFIG_HOME}/glance-inspector/config.yaml:2`});
		expect(settings.container).toEqual({value: 'site_glance', source: 'file', detail: `${system}:2`});
		const rows = settingRows(settings);
		expect(rows.find(row => row.name === 'refresh')).toEqual({name: 'refresh', value: '7', source: `file: ${env.XDG_CONFIG_HOME}/glance-inspector/config.yaml:2`});
	});

	it('reads --config instead of the user\'s file, still over the system file', async () => {
		const {env, other, system} = machine({system: 'refresh: 5\nprobe-timeout: 9\n', user: 'refresh: 7\n', other: 'refresh: 11\n'});
		const config = await configOf(env, other);
		expect(config.read).toEqual([system, other]);
		const settings = settingsWith({config: config.values});
		expect(settings.refreshSeconds.value).toBe(11);
		expect(settings.probeTimeoutSeconds).toMatchObject({value: 9, detail: `${system}:2`});
	});

	it('puts the environment over the files and the flags over both', async () => {
		const {env} = machine({system: 'refresh: 5\ncontainer: from_file\n'});
		const config = (await configOf(env)).values;
		const fromEnv = settingsWith({config, env: {GLANCE_INSPECTOR_REFRESH: '8'}});
		expect(fromEnv.refreshSeconds).toEqual({value: 8, source: 'env', detail: 'GLANCE_INSPECTOR_REFRESH'});
		expect(fromEnv.container.source).toBe('file');
		const fromFlag = settingsWith({config, env: {GLANCE_INSPECTOR_REFRESH: '8'}, flags: {refresh: 3, container: 'from_flag'}});
		expect([fromFlag.refreshSeconds.value, fromFlag.container.value]).toEqual([3, 'from_flag']);
	});

	it('puts the files over globals.yml and the container\'s mounts for the datadir', async () => {
		const {env} = machine({system: 'datadir: /from/file/images\n'});
		const settings = settingsWith({config: (await configOf(env)).values, globals: {path: '/g.yml', text: 'glance_file_datadir_volume: /from/globals\n', readError: null}, containerGlanceSource: '/from/container'});
		expect(settings.datadir).toMatchObject({value: '/from/file/images', source: 'file'});
		const withoutFile = settingsWith({globals: {path: '/g.yml', text: 'glance_file_datadir_volume: /from/globals\n', readError: null}});
		expect(withoutFile.datadir.source).toBe('globals.yml');
	});

	it('reads nothing when neither file exists, and refuses a --config that does not', async () => {
		const {env, root} = machine({});
		expect(await configOf(env)).toEqual({values: {}, read: [], warnings: []});
		const missing = await readConfigFiles(configPaths({configFlag: path.join(root, 'missing.yaml'), env, home: root}));
		expect(missing.ok ? null : missing.problem.reason).toContain(`${root}/missing.yaml: ENOENT`);
	});

	it('names the file, line and key of a bad value in the system file, and a bad value\'s range with its line', async () => {
		const {env, system} = machine({system: 'container: x\nrefersh: 5\n'});
		const read = await readConfigFiles(configPaths({configFlag: undefined, env, home: '/nonexistent-home'}));
		expect(read.ok ? null : read.problem.reason).toBe(`${system}:2: unknown key 'refersh' (did you mean refresh?)`);
		const zero = resolveSettings({flags: {}, env: {}, globals: noGlobals, containerGlanceSource: null, config: parsed('\nrefresh: 0\n', system)});
		expect(zero.ok ? null : zero.problem.reason).toBe(`--refresh must be a positive number of seconds, got 0 (${system}:2)`);
	});

	it('finds the user\'s file under ~/.config without XDG_CONFIG_HOME, and ignores a relative XDG_CONFIG_HOME', () => {
		expect(configPaths({configFlag: undefined, env: {}, home: '/home/op'})).toEqual({system: '/etc/glance-inspector/config.yaml', user: '/home/op/.config/glance-inspector/config.yaml', explicit: false});
		expect(configPaths({configFlag: undefined, env: {XDG_CONFIG_HOME: 'rel'}, home: '/home/op'}).user).toBe('/home/op/.config/glance-inspector/config.yaml');
	});
});

describe('--print-config', () => {
	it('writes every key with its help, and a file that reads back as the same settings', () => {
		const settings = settingsWith({flags: {refresh: 4, datadir: '/srv/glance/images', readOnly: true}, env: {GLANCE_INSPECTOR_CONTAINER: 'site_api'}});
		const text = printedConfig(settings, configPaths({configFlag: undefined, env: {}, home: '/home/op'}));
		for (const key of configKeys) expect(text).toMatch(new RegExp(`^(# )?${key.name}:`, 'm'));
		expect(text).toContain('# now from: env: GLANCE_INSPECTOR_CONTAINER\ncontainer: site_api');
		expect(text).toMatch(/^# probe-timeout: 3$/m);
		const reread = settingsWith({config: parsed(text)});
		for (const key of ['refreshSeconds', 'datadir', 'readOnly', 'container', 'probeTimeoutSeconds'] as const) expect(reread[key].value, key).toEqual(settings[key].value);
		expect(reread.refreshSeconds.source).toBe('file');
	});
});

describe('a config file someone else wrote', () => {
	it('shows control characters in a key or a value escaped in the problem, never sent to the terminal', () => {
		expect(problemOf('"\\e[2Jrefresh": 2\n')).toContain("unknown key '\\x1b[2Jrefresh'");
		expect(problemOf('refresh: "\\e]0;owned\\a"\n')).toContain("got '\\x1b]0;owned\\x07'");
	});
});
