import os from 'node:os';
import path from 'node:path';
import {resolveAuditLogPath, resolveDemoAuditLogPath, systemAuditLogPath} from './runbook/audit.js';
import {inventoryCadenceRows} from './model/cadence.js';
import {hostPathOfDatadirVolume, parseKollaGlobals} from './model/kolla.js';
import {fail, ok, type Result} from './model/result.js';

export type SettingSource = 'flag' | 'env' | 'globals.yml' | 'container' | 'default';

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
} as const;

function pick<T>(flag: T | undefined, env: T | undefined, envName: string, fallback: T): Setting<T> {
	if (flag !== undefined) return {value: flag, source: 'flag'};
	if (env !== undefined) return {value: env, source: 'env', detail: envName};
	return {value: fallback, source: 'default'};
}

/** A numeric setting from its flag, else its variable, else the default; a variable that is not a number is a problem even under a flag. */
function pickNumber(flag: number | undefined, env: NodeJS.ProcessEnv, envName: string, fallback: number): Result<Setting<number>> {
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
	return fail({reason: `${name} must be a positive number of seconds, got ${setting.value.value}`});
}

function dockerSocketFrom(env: NodeJS.ProcessEnv): Setting<string> {
	const dockerHost = envString(env, 'DOCKER_HOST');
	if (dockerHost?.startsWith('unix://')) return {value: dockerHost.slice('unix://'.length), source: 'env', detail: 'DOCKER_HOST'};
	return {value: defaults.dockerSocket, source: 'default'};
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

/** The audit log: the flag, else (not in the simulator) the variable, else this account's default. */
function auditLogFrom(flags: Flags, env: NodeJS.ProcessEnv, account: Account, demo: boolean): Setting<string> {
	if (flags.auditLog) return {value: path.resolve(flags.auditLog), source: 'flag'};
	if (demo) {
		const ignored = envString(env, 'GLANCE_INSPECTOR_AUDIT_LOG') ? '; GLANCE_INSPECTOR_AUDIT_LOG is for the real log' : '';
		return {value: resolveDemoAuditLogPath({flag: null, env, home: account.home}), source: 'default', detail: `the training simulator's own log${ignored}`};
	}
	const fromEnv = envString(env, 'GLANCE_INSPECTOR_AUDIT_LOG');
	if (fromEnv) return {value: path.resolve(fromEnv), source: 'env', detail: 'GLANCE_INSPECTOR_AUDIT_LOG'};
	const value = resolveAuditLogPath({flag: null, env, uid: account.uid, home: account.home});
	return {value, source: 'default', detail: value === systemAuditLogPath ? 'as root' : 'not root: $XDG_STATE_HOME, else ~/.local/state'};
}

/**
 * flags > env > globals.yml > the container's own mounts > defaults, resolved once; a value that cannot be used is the problem.
 * `containerGlanceSource` is the host path bound at the container's /var/lib/glance, if docker could say.
 * `account` (the running process's by default) picks the audit log's default; `demo` gives the simulator its own.
 */
export function resolveSettings(input: {
	flags: Flags;
	env: NodeJS.ProcessEnv;
	globals: GlobalsInput;
	containerGlanceSource: string | null;
	account?: Account;
	demo?: boolean;
}): Result<Settings> {
	const {flags, env} = input;
	const problems: string[] = [];
	const fromGlobals = datadirFromGlobals(input.globals);
	if (fromGlobals.problem) problems.push(fromGlobals.problem);

	let datadir: Setting<string> = pick(flags.datadir, envString(env, 'GLANCE_INSPECTOR_DATADIR'), 'GLANCE_INSPECTOR_DATADIR', defaults.datadir);
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

	const mountpointRaw = pick<string | null>(flags.mountpoint, envString(env, 'GLANCE_INSPECTOR_MOUNTPOINT'), 'GLANCE_INSPECTOR_MOUNTPOINT', null);
	const mountpoint = mountpointRaw.value === null ? {...mountpointRaw, detail: 'from fstab, if a line holds the datadir'} : {...mountpointRaw, value: path.posix.resolve(mountpointRaw.value)};

	const warnPercent = pickNumber(flags.warnPercent, env, 'GLANCE_INSPECTOR_WARN_PERCENT', defaults.warnPercent);
	if (!warnPercent.ok) return warnPercent;
	const critPercent = pickNumber(flags.critPercent, env, 'GLANCE_INSPECTOR_CRIT_PERCENT', defaults.critPercent);
	if (!critPercent.ok) return critPercent;
	if (!(warnPercent.value.value > 0 && critPercent.value.value <= 100 && warnPercent.value.value < critPercent.value.value)) {
		return fail({reason: `thresholds must satisfy 0 < warn < crit <= 100, got warn ${warnPercent.value.value} and crit ${critPercent.value.value}`});
	}
	const refreshSeconds = positiveSeconds('--refresh', pickNumber(flags.refresh, env, 'GLANCE_INSPECTOR_REFRESH', defaults.refreshSeconds));
	if (!refreshSeconds.ok) return refreshSeconds;
	const probeTimeoutSeconds = positiveSeconds('--probe-timeout', pickNumber(flags.probeTimeout, env, 'GLANCE_INSPECTOR_PROBE_TIMEOUT', defaults.probeTimeoutSeconds));
	if (!probeTimeoutSeconds.ok) return probeTimeoutSeconds;
	const inventoryRefreshSeconds = positiveSeconds('--inventory-refresh', pickNumber(flags.inventoryRefresh, env, 'GLANCE_INSPECTOR_INVENTORY_REFRESH', defaults.inventoryRefreshSeconds));
	if (!inventoryRefreshSeconds.ok) return inventoryRefreshSeconds;

	return ok({
		datadir,
		mountpoint,
		container: pick(flags.container, envString(env, 'GLANCE_INSPECTOR_CONTAINER'), 'GLANCE_INSPECTOR_CONTAINER', defaults.container),
		containerDatadir: {value: defaults.containerDatadir, source: 'default', detail: 'kolla: filesystem_store_datadir'},
		refreshSeconds: refreshSeconds.value,
		probeTimeoutSeconds: probeTimeoutSeconds.value,
		warnPercent: warnPercent.value,
		critPercent: critPercent.value,
		readOnly: pick(flags.readOnly ? true : undefined, env['GLANCE_INSPECTOR_READ_ONLY'] === '1' ? true : undefined, 'GLANCE_INSPECTOR_READ_ONLY', false),
		dockerSocket: dockerSocketFrom(env),
		globalsPath: pick(flags.globals, envString(env, 'KOLLA_GLOBALS'), 'KOLLA_GLOBALS', defaults.globalsPath),
		fstabPath: pick(flags.fstab, undefined, '', defaults.fstabPath),
		inventoryRefreshSeconds: inventoryRefreshSeconds.value,
		glanceUrl: pick<string | null>(flags.glanceUrl, envString(env, 'GLANCE_INSPECTOR_GLANCE_URL'), 'GLANCE_INSPECTOR_GLANCE_URL', null),
		osCloud: pick<string | null>(flags.osCloud, envString(env, 'OS_CLOUD'), 'OS_CLOUD', null),
		openrc: pick<string | null>(flags.openrc, envString(env, 'GLANCE_INSPECTOR_OPENRC'), 'GLANCE_INSPECTOR_OPENRC', null),
		dryRun: pick(flags.dryRun ? true : undefined, undefined, '', false),
		auditLog: auditLogFrom(flags, env, input.account ?? processAccount(), input.demo ?? false),
		problems,
	});
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
	];
	const resolved = rows.map(([name, setting]) => ({
		name,
		value: setting.value === null ? '(not set)' : String(setting.value),
		source: setting.detail ? `${setting.source}: ${setting.detail}` : setting.source,
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
		...extra,
	};
}
