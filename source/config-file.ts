// The config files on this machine: /etc/glance-inspector/config.yaml for every user of a controller, then
// the user's own ($XDG_CONFIG_HOME/glance-inspector/config.yaml) or the one --config names, which wins.
// Each is read as a bounded regular file and parsed by model/config.ts with the flag table's keys.
import path from 'node:path';
import {configKeys, nearestConfigKey} from './cli-args.js';
import {configText, layerConfigs, parseConfig, type ConfigValues} from './model/config.js';
import {fail, ok, type Result} from './model/result.js';
import {describeSource, settingOfFlag, type Settings} from './settings.js';
import {fileLimits, readBoundedText} from './world/real/bounded-file.js';

export const systemConfigPath = '/etc/glance-inspector/config.yaml';

/** Which files are read, lowest first; `explicit`: named by --config, so it must exist. */
export type ConfigPaths = {system: string; user: string; explicit: boolean};

/** The paths for this run; GLANCE_INSPECTOR_SYSTEM_CONFIG moves the system file (tests, or a site's own place). */
export function configPaths(input: {configFlag: string | undefined; env: NodeJS.ProcessEnv; home: string}): ConfigPaths {
	const {env} = input;
	const system = env['GLANCE_INSPECTOR_SYSTEM_CONFIG'] || systemConfigPath;
	if (input.configFlag) return {system, user: path.resolve(input.configFlag), explicit: true};
	// The XDG spec says a relative value is invalid and must be ignored.
	const xdg = env['XDG_CONFIG_HOME'];
	const configHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(input.home, '.config');
	return {system, user: path.join(configHome, 'glance-inspector', 'config.yaml'), explicit: false};
}

export type ConfigRead = {values: ConfigValues; read: string[]; warnings: string[]};

async function readOne(file: string, mustExist: boolean): Promise<Result<{values: ConfigValues | null; warning: string | null}>> {
	const text = await readBoundedText(file, {what: 'config file', maxBytes: fileLimits.config});
	if (!text.ok) {
		if (text.problem.errno === 'ENOENT' && !mustExist) return ok({values: null, warning: null});
		if (mustExist) return fail({reason: text.problem.reason, hint: 'check the path given to --config'});
		// A file this user may not read (a root-only system file) leaves its settings out, said once.
		return ok({values: null, warning: `${text.problem.reason} — its settings are not used`});
	}
	const values = parseConfig(text.value, {file, keys: configKeys, nearest: nearestConfigKey});
	return values.ok ? ok({values: values.value, warning: null}) : values;
}

/** What the config files give, the user's (or --config's) over the system's; a file that is wrong is the problem. */
export async function readConfigFiles(paths: ConfigPaths): Promise<Result<ConfigRead>> {
	const layers: ConfigValues[] = [];
	const read: string[] = [];
	const warnings: string[] = [];
	for (const [file, mustExist] of [[paths.system, false], [paths.user, paths.explicit]] as const) {
		const one = await readOne(file, mustExist);
		if (!one.ok) return one;
		if (one.value.warning) warnings.push(one.value.warning);
		if (one.value.values) {
			layers.push(one.value.values);
			read.push(file);
		}
	}
	return ok({values: layerConfigs(layers), read, warnings});
}

/** What --print-config writes: every key, its current value and where it came from, ready to save as the system file. */
export function printedConfig(settings: Settings, paths: ConfigPaths): string {
	return configText(
		configKeys,
		spec => {
			const setting = settingOfFlag(settings, spec.key);
			const value = setting?.value;
			return {
				value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null,
				source: setting ? describeSource(setting) : 'not a setting of its own',
				found: setting === null || ['default', 'globals.yml', 'container'].includes(setting.source),
			};
		},
		[
			`glance-inspector config: save as ${paths.system} (every user of this machine)`,
			`or ${paths.user} (yours; --config PATH names another).`,
			'Keys are the long flag names. Flags and GLANCE_INSPECTOR_* variables win over this file;',
			'it wins over globals.yml and the container\'s mounts. Commented lines are what each run finds.',
		],
	);
}
