import os from 'node:os';
import path from 'node:path';
import {resolveAuditLogPath, resolveDemoAuditLogPath, systemAuditLogPath} from './runbook/audit.js';
import {inventoryCadenceRows} from './model/cadence.js';
import type {ConfigValues} from './model/config.js';
import {hostPathOfDatadirVolume, parseKollaGlobals} from './model/kolla.js';
import {fail, ok, type Result} from './model/result.js';

export type SettingSource = 'flag' | 'env' | 'file' | 'globals.yml' | 'container' | 'default';

export type Setting<T> = {value: T; source: SettingSource; detail?: string};

export type Settings = {
	datadir: Setting<string>;
	mountpoint: Setting<string | null>;
	container: Setting<string>;
	/** Where Glance's images live inside the container: the path its view is checked at. */
	containerDatadir: Setting<string>;
	refreshSeconds: Setting<number>;
	probeTimeoutSeconds: Setting<number>;
	warnPercent: Setting<number>;
	critPercent: Setting<number>;
	readOnly: Setting<boolean>;
	dockerSocket: Setting<string>;
	globalsPath: Setting<string>;
	fstabPath: Setting<string>;
	inventoryRefreshSeconds: Setting<number>;
	/** Where Glance's credentials come from: an endpoint without auth, a clouds.yaml entry, an openrc file. */
	glanceUrl: Setting<string | null>;
	osCloud: Setting<string | null>;
	openrc: Setting<string | null>;
	/** The remount walks through every step without running any. */
	dryRun: Setting<boolean>;
	/** Where every confirmation and mutating step is recorded, resolved for this user (and the simulator). */
	auditLog: Setting<string>;
	/** Users' data: a file the backup job touches, or a mirror directory; and how old the newest backup may be. */
	backupMarker: Setting<string | null>;
	backupMaxAgeHours: Setting<number>;
	/** Things wrong with the inputs (a malformed globals.yml...), reported but not fatal. */
	problems: string[];
};

export type Flags = {
	datadir?: string;
	mountpoint?: string;
	container?: string;
	refresh?: number;
	probeTimeout?: number;
	warnPercent?: number;
	critPercent?: number;
	readOnly?: boolean;
	globals?: string;
	fstab?: string;
	inventoryRefresh?: number;
	glanceUrl?: string;
	osCloud?: string;
	openrc?: string;
	dryRun?: boolean;
	auditLog?: string;
	backupMarker?: string;
	backupMaxAge?: number;
	// The fleet (source/fleet/): every controller over ssh.
	fleet?: string;
	fleetGroup?: string;
	hosts?: string;
	fleetCommand?: string;
	fleetRefresh?: number;
	fleetTimeout?: number;
	sshConfig?: string;
};

export type GlobalsInput = {path: string; text: string | null; readError: string | null};

export const defaults = {
	datadir: '/var/lib/glance/images',
	container: 'glance_api',
	containerDatadir: '/var/lib/glance/images',
	refreshSeconds: 2,
	probeTimeoutSeconds: 3,
	warnPercent: 80,
	critPercent: 90,
	dockerSocket: '/var/run/docker.sock',
	globalsPath: '/etc/kolla/globals.yml',
	fstabPath: '/etc/fstab',
	inventoryRefreshSeconds: 30,
	openrc: '/etc/kolla/admin-openrc.sh',
	/** A nightly backup, with two hours' slack. */
	backupMaxAgeHours: 26,
} as const;

/** A setting's value under its flag and its variable: the config file's line that sets it, else the default. */
function fileOrDefault<T>(config: ConfigValues, key: keyof Flags, fallback: T): Setting<T> {
	const entry = config[key];
	return entry ? {value: entry.value as T, source: 'file', detail: `${entry.file}:${entry.line}`} : {value: fallback, source: 'default'};
}

function pick<T>(flag: T | undefined, env: T | undefined, envName: string, fallback: Setting<T>): Setting<T> {
	if (flag !== undefined) return {value: flag, source: 'flag'};
	if (env !== undefined) return {value: env, source: 'env', detail: envName};
	return fallback;
}

/** Where a value that cannot be used was written, when that was a config file. */
function writtenAt(setting: Setting<unknown>): string {
	return setting.source === 'file' ? ` (${setting.detail})` : '';
}

/** A numeric setting from its flag, else its variable, else the file or the default; a variable that is not a number is a problem even under a flag. */
function pickNumber(flag: number | undefined, env: NodeJS.ProcessEnv, envName: string, fallback: Setting<number>): Result<Setting<number>> {
	const raw = envString(env, envName);
	const fromEnv = raw === undefined ? undefined : Number(raw);
	if (fromEnv !== undefined && !Number.isFinite(fromEnv)) return fail({reason: `${envName}=${raw} is not a number`});
	return ok(pick(flag, fromEnv, envName, fallback));
}

function envString(env: NodeJS.ProcessEnv, name: string): string | undefined {
	const raw = env[name];
	return raw === undefined || raw === '' ? undefined : raw;
}

function positiveSeconds(name: string, setting: Result<Setting<number>>): Result<Setting<number>> {
	if (!setting.ok || setting.value.value > 0) return setting;
	return fail({reason: `${name} must be a positive number of seconds, got ${setting.value.value}${writtenAt(setting.value)}`});
}

function dockerSocketFrom(env: NodeJS.ProcessEnv): Result<Setting<string>> {
	const dockerHost = envString(env, 'DOCKER_HOST');
	if (dockerHost?.startsWith('unix://')) return ok({value: dockerHost.slice('unix://'.length), source: 'env', detail: 'DOCKER_HOST'});
	// dockerode's ssh:// support is ssh2 with a native addon, left out of the single executable; the share to watch is local anyway.
	if (dockerHost?.startsWith('ssh://')) {
		return fail({reason: `DOCKER_HOST=${dockerHost}: Docker over ssh:// is not supported`, hint: 'run glance-inspector on the controller itself, with DOCKER_HOST unset or unix:///var/run/docker.sock'});
	}
	return ok({value: defaults.dockerSocket, source: 'default'});
}

/** What globals.yml says about the datadir, or the problem with it; `null` when it says nothing. */
export function datadirFromGlobals(globals: GlobalsInput): {datadir: Setting<string> | null; problem: string | null} {
	if (globals.text === null) return {datadir: null, problem: globals.readError};
	const parsed = parseKollaGlobals(globals.text);
	if (!parsed.ok) return {datadir: null, problem: `${globals.path}: ${parsed.problem.reason} — ignored; pass --datadir to be sure`};
	const unresolved = parsed.value.unresolved.find(each => each.key === 'glance_file_datadir_volume');
	if (unresolved) {
		return {datadir: null, problem: `${globals.path}: glance_file_datadir_volume is ${unresolved.reason} (${unresolved.value}) — pass --datadir`};
	}
	const volume = parsed.value.glanceDatadirVolume;
	if (!volume) return {datadir: null, problem: null};
	const host = hostPathOfDatadirVolume(volume, parsed.value.dockerRuntimeDirectory ?? undefined);
	return {
		datadir: {
			value: path.posix.join(host.hostPath, 'images'),
			source: 'globals.yml',
			detail: `glance_file_datadir_volume: ${volume}${host.kind === 'named-volume' ? ' (docker volume)' : ''}`,
		},
		problem: null,
	};
}

/** Whose defaults apply: root's audit log is the system one. */
export type Account = {uid: number; home: string};

const processAccount = (): Account => ({uid: process.getuid?.() ?? 0, home: os.homedir()});

/** The audit log: the flag, else (not in the simulator) the variable or the config file, else this account's default. */
function auditLogFrom(flags: Flags, env: NodeJS.ProcessEnv, config: ConfigValues, account: Account, demo: boolean): Setting<string> {
	if (flags.auditLog) return {value: path.resolve(flags.auditLog), source: 'flag'};
	if (demo) {
		const ignored = envString(env, 'GLANCE_INSPECTOR_AUDIT_LOG') ? '; GLANCE_INSPECTOR_AUDIT_LOG is for the real log' : '';
		return {value: resolveDemoAuditLogPath({flag: null, env, home: account.home}), source: 'default', detail: `the training simulator's own log${ignored}`};
	}
	const fromEnv = envString(env, 'GLANCE_INSPECTOR_AUDIT_LOG');
	if (fromEnv) return {value: path.resolve(fromEnv), source: 'env', detail: 'GLANCE_INSPECTOR_AUDIT_LOG'};
	if (config['auditLog']) return fileOrDefault(config, 'auditLog', '');
	const value = resolveAuditLogPath({flag: null, env, uid: account.uid, home: account.home});
	return {value, source: 'default', detail: value === systemAuditLogPath ? 'as root' : 'not root: $XDG_STATE_HOME, else ~/.local/state'};
}

/** Where globals.yml is read from: it must be known before the settings can be resolved from it. */
export function globalsPathOf(flags: Flags, env: NodeJS.ProcessEnv, config: ConfigValues = {}): Setting<string> {
	return pick(flags.globals, envString(env, 'KOLLA_GLOBALS'), 'KOLLA_GLOBALS', fileOrDefault(config, 'globals', defaults.globalsPath));
}

/**
 * flags > env > the config files > globals.yml > the container's own mounts > defaults, resolved once; a value that cannot be used is the problem.
 * `containerGlanceSource` is the host path bound at the container's /var/lib/glance, if docker could say.
 * `account` (the running process's by default) picks the audit log's default; `demo` gives the simulator its own.
 * `config` is what the config files give (config-file.ts reads them), each value with its file and line.
 */
export function resolveSettings(input: {
	flags: Flags;
	env: NodeJS.ProcessEnv;
	globals: GlobalsInput;
	containerGlanceSource: string | null;
	account?: Account;
	demo?: boolean;
	config?: ConfigValues;
}): Result<Settings> {
	const {flags, env} = input;
	const config = input.config ?? {};
	const below = <T>(key: keyof Flags, fallback: T) => fileOrDefault(config, key, fallback);
	const problems: string[] = [];
	const fromGlobals = datadirFromGlobals(input.globals);
	if (fromGlobals.problem) problems.push(fromGlobals.problem);

	let datadir: Setting<string> = pick(flags.datadir, envString(env, 'GLANCE_INSPECTOR_DATADIR'), 'GLANCE_INSPECTOR_DATADIR', below('datadir', defaults.datadir));
	if (datadir.source === 'default') {
		if (fromGlobals.datadir) datadir = fromGlobals.datadir;
		else if (input.containerGlanceSource) {
			datadir = {
				value: path.posix.join(input.containerGlanceSource, 'images'),
				source: 'container',
				detail: `host source of the container's /var/lib/glance`,
			};
		}
	}
	datadir = {...datadir, value: path.posix.resolve(datadir.value)};

	const mountpointRaw = pick<string | null>(flags.mountpoint, envString(env, 'GLANCE_INSPECTOR_MOUNTPOINT'), 'GLANCE_INSPECTOR_MOUNTPOINT', below<string | null>('mountpoint', null));
	const mountpoint = mountpointRaw.value === null ? {...mountpointRaw, detail: 'from fstab, if a line holds the datadir'} : {...mountpointRaw, value: path.posix.resolve(mountpointRaw.value)};

	const warnPercent = pickNumber(flags.warnPercent, env, 'GLANCE_INSPECTOR_WARN_PERCENT', below('warnPercent', defaults.warnPercent));
	if (!warnPercent.ok) return warnPercent;
	const critPercent = pickNumber(flags.critPercent, env, 'GLANCE_INSPECTOR_CRIT_PERCENT', below('critPercent', defaults.critPercent));
	if (!critPercent.ok) return critPercent;
	if (!(warnPercent.value.value > 0 && critPercent.value.value <= 100 && warnPercent.value.value < critPercent.value.value)) {
		return fail({reason: `thresholds must satisfy 0 < warn < crit <= 100, got warn ${warnPercent.value.value}${writtenAt(warnPercent.value)} and crit ${critPercent.value.value}${writtenAt(critPercent.value)}`});
	}
	const refreshSeconds = positiveSeconds('--refresh', pickNumber(flags.refresh, env, 'GLANCE_INSPECTOR_REFRESH', below('refresh', defaults.refreshSeconds)));
	if (!refreshSeconds.ok) return refreshSeconds;
	const probeTimeoutSeconds = positiveSeconds('--probe-timeout', pickNumber(flags.probeTimeout, env, 'GLANCE_INSPECTOR_PROBE_TIMEOUT', below('probeTimeout', defaults.probeTimeoutSeconds)));
	if (!probeTimeoutSeconds.ok) return probeTimeoutSeconds;
	const inventoryRefreshSeconds = positiveSeconds('--inventory-refresh', pickNumber(flags.inventoryRefresh, env, 'GLANCE_INSPECTOR_INVENTORY_REFRESH', below('inventoryRefresh', defaults.inventoryRefreshSeconds)));
	if (!inventoryRefreshSeconds.ok) return inventoryRefreshSeconds;
	const dockerSocket = dockerSocketFrom(env);
	if (!dockerSocket.ok) return dockerSocket;
	const backupMaxAgeHours = pickNumber(flags.backupMaxAge, env, 'GLANCE_INSPECTOR_BACKUP_MAX_AGE', below('backupMaxAge', defaults.backupMaxAgeHours));
	if (!backupMaxAgeHours.ok) return backupMaxAgeHours;
	if (!(backupMaxAgeHours.value.value > 0)) return fail({reason: `--backup-max-age must be a positive number of hours, got ${backupMaxAgeHours.value.value}`});
	const backupMarker = pick<string | null>(flags.backupMarker, envString(env, 'GLANCE_INSPECTOR_BACKUP_MARKER'), 'GLANCE_INSPECTOR_BACKUP_MARKER', below<string | null>('backupMarker', null));

	return ok({
		datadir,
		mountpoint,
		container: pick(flags.container, envString(env, 'GLANCE_INSPECTOR_CONTAINER'), 'GLANCE_INSPECTOR_CONTAINER', below('container', defaults.container)),
		containerDatadir: {value: defaults.containerDatadir, source: 'default', detail: 'kolla: filesystem_store_datadir'},
		refreshSeconds: refreshSeconds.value,
		probeTimeoutSeconds: probeTimeoutSeconds.value,
		warnPercent: warnPercent.value,
		critPercent: critPercent.value,
		readOnly: pick(flags.readOnly ? true : undefined, env['GLANCE_INSPECTOR_READ_ONLY'] === '1' ? true : undefined, 'GLANCE_INSPECTOR_READ_ONLY', below('readOnly', false)),
		dockerSocket: dockerSocket.value,
		globalsPath: globalsPathOf(flags, env, config),
		fstabPath: pick(flags.fstab, undefined, '', below('fstab', defaults.fstabPath)),
		inventoryRefreshSeconds: inventoryRefreshSeconds.value,
		glanceUrl: pick<string | null>(flags.glanceUrl, envString(env, 'GLANCE_INSPECTOR_GLANCE_URL'), 'GLANCE_INSPECTOR_GLANCE_URL', below<string | null>('glanceUrl', null)),
		osCloud: pick<string | null>(flags.osCloud, envString(env, 'OS_CLOUD'), 'OS_CLOUD', below<string | null>('osCloud', null)),
		openrc: pick<string | null>(flags.openrc, envString(env, 'GLANCE_INSPECTOR_OPENRC'), 'GLANCE_INSPECTOR_OPENRC', below<string | null>('openrc', null)),
		dryRun: pick(flags.dryRun ? true : undefined, undefined, '', below('dryRun', false)),
		auditLog: auditLogFrom(flags, env, config, input.account ?? processAccount(), input.demo ?? false),
		backupMarker: backupMarker.value === null ? {...backupMarker, detail: 'none: only snapshot directories on the share are looked for'} : {...backupMarker, value: path.posix.resolve(backupMarker.value)},
		backupMaxAgeHours: backupMaxAgeHours.value,
		problems,
	});
}

/** Where a setting came from, in one phrase: `file: /etc/glance-inspector/config.yaml:3`, `env: GLANCE_INSPECTOR_REFRESH`. */
export function describeSource(setting: Setting<unknown>): string {
	return setting.detail ? `${setting.source}: ${setting.detail}` : setting.source;
}

/** Settings named otherwise than their flag; every other flag fills the setting of its own name. */
const settingNamedFor: Partial<Record<keyof Flags, keyof Settings>> = {
	refresh: 'refreshSeconds',
	probeTimeout: 'probeTimeoutSeconds',
	globals: 'globalsPath',
	fstab: 'fstabPath',
	inventoryRefresh: 'inventoryRefreshSeconds',
	backupMaxAge: 'backupMaxAgeHours',
};

/** The resolved setting a flag (or config key) sets, for --print-config; null for a flag with no setting of its own. */
export function settingOfFlag(settings: Settings, key: string): Setting<unknown> | null {
	const setting = settings[settingNamedFor[key as keyof Flags] ?? (key as keyof Settings)] as Setting<unknown> | string[] | undefined;
	return setting && !Array.isArray(setting) ? setting : null;
}

/** Rows for --print-settings and the help overlay: name, value, where it came from. */
export function settingRows(settings: Settings): Array<{name: string; value: string; source: string}> {
	const rows: Array<[string, Setting<unknown>]> = [
		['datadir', settings.datadir],
		['mountpoint', settings.mountpoint],
		['container', settings.container],
		['container datadir', settings.containerDatadir],
		['refresh', settings.refreshSeconds],
		['probe timeout', settings.probeTimeoutSeconds],
		['warn at %', settings.warnPercent],
		['critical at %', settings.critPercent],
		['read-only', settings.readOnly],
		['docker socket', settings.dockerSocket],
		['globals.yml', settings.globalsPath],
		['fstab', settings.fstabPath],
		['inventory refresh', settings.inventoryRefreshSeconds],
		['glance url', settings.glanceUrl],
		['os cloud', settings.osCloud],
		['openrc', settings.openrc],
		['dry run', settings.dryRun],
		['audit log', settings.auditLog],
		['backup marker', settings.backupMarker],
		['backup max age (h)', settings.backupMaxAgeHours],
	];
	const resolved = rows.map(([name, setting]) => ({
		name,
		value: setting.value === null ? '(not set)' : String(setting.value),
		source: describeSource(setting),
	}));
	return [...resolved, ...inventoryCadenceRows(settings.inventoryRefreshSeconds.value)];
}

/** The capacity thresholds, as the panel, the findings and the remount's preflight judge against them. */
export function thresholdsOf(settings: Settings): import('./model/types.js').Thresholds {
	return {warnPercent: settings.warnPercent.value, critPercent: settings.critPercent.value};
}

/** What the findings are judged against, from the settings: the thresholds, the container and the inventory's cadence, at `now`. */
export function findingContext(settings: Settings, extra: {now: number; inventory?: import('./model/types.js').Inventory}): import('./model/findings.js').FindingContext {
	return {
		...thresholdsOf(settings),
		container: settings.container.value,
		inventoryRefreshMs: settings.inventoryRefreshSeconds.value * 1000,
		containerDatadir: settings.containerDatadir.value,
		backupMaxAgeMs: settings.backupMaxAgeHours.value * 3_600_000,
		customDatadirVolume: settings.datadir.source === 'globals.yml' ? (settings.datadir.detail ?? null) : null,
		...extra,
	};
}
