import {existsSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {optionsHelp, parseCliArgs, type CliArgs} from './cli-args.js';
import {writeJsonReport, writePieces} from './json-report.js';
import {textReport} from './report.js';
import {defaultCheckTimeoutSeconds, runCheck, writeCheckTextfile} from './monitoring/check.js';
import {textfilePathProblem} from './monitoring/textfile.js';
import {systemAuditLogPath, userStateDirectory} from './runbook/audit.js';
import type {RemountRunner} from './runbook/runner.js';
import type {RecoveryRunner, RecoveryTarget} from './runbook/recovery/runner.js';
import {describeProblem, ok, type Result} from './model/result.js';
import {defaults, findingContext, globalsPathOf, resolveSettings, settingRows, thresholdsOf, type GlobalsInput, type Settings} from './settings.js';
import {configPaths, printedConfig, readConfigFiles, type ConfigPaths, type ConfigRead} from './config-file.js';
import {SnapshotPoller} from './world/poller.js';
import {fileLimits, readBoundedText} from './world/real/bounded-file.js';
import {probePath} from './world/real/path-probe.js';
import {RealWorld} from './world/real/real-world.js';
import {isScenarioName, scenarios, type ScenarioName} from './world/simulated/scenarios.js';
import {loadScenarioState, saveScenarioState, scenarioStateFile} from './world/simulated/saved-state.js';
import {createSimulatedWorld, simulatedDatadir, simulatedHostname} from './world/simulated/simulated-world.js';
import type {World} from './world/world.js';
import {buildStamp, versionText} from './version.js';
import {wantsFleet} from './fleet/wants.js';
import {fleetScenario} from './world/simulated/fleet-scenario.js';

const version = buildStamp.version;

/** Every variable the tool reads, with what it is for; the tests hold this list to the source. */
const environmentHelp = `Environment (a flag wins over its variable)
  GLANCE_INSPECTOR_DATADIR, GLANCE_INSPECTOR_MOUNTPOINT,
  GLANCE_INSPECTOR_CONTAINER, GLANCE_INSPECTOR_REFRESH,
  GLANCE_INSPECTOR_PROBE_TIMEOUT,
  GLANCE_INSPECTOR_WARN_PERCENT, GLANCE_INSPECTOR_CRIT_PERCENT,
  GLANCE_INSPECTOR_INVENTORY_REFRESH, GLANCE_INSPECTOR_GLANCE_URL,
  GLANCE_INSPECTOR_OPENRC, GLANCE_INSPECTOR_READ_ONLY=1,
  GLANCE_INSPECTOR_AUDIT_LOG (ignored by --demo),
  GLANCE_INSPECTOR_BACKUP_MARKER, GLANCE_INSPECTOR_BACKUP_MAX_AGE
                          the flags of the same name
  KOLLA_GLOBALS           --globals
  GLANCE_INSPECTOR_SYSTEM_CONFIG
                          the system config file (see Files)
  XDG_CONFIG_HOME         see Files (default ~/.config)
  DOCKER_HOST             unix:///path: the docker socket (/var/run/docker.sock)
  XDG_STATE_HOME          see Files (default ~/.local/state)
  SUDO_USER, USER, LOGNAME, SSH_CONNECTION
                          who and from where, in the audit log
  NO_COLOR                no colours
  OS_CLOUD, OS_CLIENT_CONFIG_FILE, OS_CLIENT_SECURE_FILE
                          a clouds.yaml entry
  OS_AUTH_URL, OS_AUTH_TYPE, OS_AUTH_PLUGIN, OS_USERNAME, OS_USER_ID,
  OS_PASSWORD, OS_PROJECT_NAME, OS_PROJECT_ID, OS_TENANT_NAME, OS_TENANT_ID,
  OS_USER_DOMAIN_NAME, OS_USER_DOMAIN_ID, OS_PROJECT_DOMAIN_NAME,
  OS_PROJECT_DOMAIN_ID, OS_DOMAIN_NAME, OS_DOMAIN_ID, OS_DEFAULT_DOMAIN,
  OS_DEFAULT_DOMAIN_ID, OS_DEFAULT_DOMAIN_NAME, OS_SYSTEM_SCOPE,
  OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_NAME,
  OS_APPLICATION_CREDENTIAL_SECRET, OS_TOKEN, OS_AUTH_TOKEN, OS_INTERFACE,
  OS_ENDPOINT_TYPE, OS_REGION_NAME, OS_CACERT, OS_INSECURE
                          Glance's credentials (secrets never shown or logged)`;

const filesHelp = `Files ($XDG_STATE_HOME defaults to ~/.local/state)
  /etc/glance-inspector/config.yaml
                          settings for every user: keys are the long flags
                          (glance-inspector --print-config writes one)
  $XDG_CONFIG_HOME/glance-inspector/config.yaml, or --config PATH
                          yours, over the system file; flags and variables win
  ${systemAuditLogPath}
                          the audit log, as root
  $XDG_STATE_HOME/glance-inspector/audit.jsonl
                          the audit log, as any other user
  $XDG_STATE_HOME/glance-inspector/demo-audit.jsonl
                          the simulator's audit log, for root too; its records
                          say "simulated": true and the scenario, and a real
                          remount never resumes from them
  $XDG_STATE_HOME/glance-inspector/demo-SCENARIO.json
                          the simulator's machine, kept across a quit
                          (--reset starts it fresh)`;

const keysHelp = `Main keys (? lists every key of the view you are in)
  ?  help     q / Ctrl+C  quit     r  probe now     Tab / Shift+Tab  a panel
  j / k, ↑ / ↓  move               Esc  close, back
  i  the image table: / filter, f verdict filter, s sort, o reverse,
     Enter open an image, v verify it, V verify every image shown
  R  the guided remount (removed by --read-only): y runs the step shown,
     n / Enter / Esc do not, a aborts`;

function helpText(): string {
	return `
Usage
  $ glance-inspector [options]

Watches the Glance file-store datadir, its mount and the glance_api container.

Options
${optionsHelp()}

Training scenarios (--demo NAME)
${scenarioList()}

${environmentHelp}

${filesHelp}

${keysHelp}

Exit codes
  0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; a bad argument or setting is
  UNKNOWN too, so a monitoring check never reads a typo as CRITICAL

Examples
  $ glance-inspector --demo flapped
  $ glance-inspector --once --datadir /mnt/glance/images
  $ glance-inspector --fleet /etc/kolla/multinode
`;
}

/** Monitoring: a check's scheduler shows stdout, so a --once that cannot run says UNKNOWN there too (pipes write synchronously on Linux). */
function pluginUnknown(message: string): void {
	if (process.argv.includes('--once')) process.stdout.write(`GLANCE UNKNOWN: ${message.split('\n')[0]!.replaceAll('|', '/')}\n`);
}

/** Monitoring: past the check's own deadline, for runCheck to answer first when it has started. */
const backstopGraceMs = 500;

/** Monitoring: the check's deadline passed before it could probe anything. */
function timedOutBeforeProbing(seconds: number): never {
	const message = `check timed out after ${seconds} s before it could probe (settings, docker or the datadir did not answer)`;
	pluginUnknown(message);
	process.stderr.write(`glance-inspector: ${message}\n`);
	process.exit(3);
}

/** A bad argument or setting: UNKNOWN to a monitoring check, with the reason and where to look. */
function usageError(message: string): never {
	pluginUnknown(message);
	process.stderr.write(`glance-inspector: ${message}\n  glance-inspector --help lists every flag, variable and scenario\n`);
	process.exit(3);
}

function scenarioList(): string {
	const lines = scenarios.map(scenario => `  ${scenario.name.padEnd(9)} ${scenario.title}`);
	// The fleet's training scenario: three simulated controllers (source/world/simulated/fleet-demo.ts).
	lines.push(`  ${fleetScenario.name}\n            ${fleetScenario.title}`);
	return lines.join('\n');
}

async function readGlobals(path: string): Promise<GlobalsInput> {
	const read = await readBoundedText(path, {what: 'globals.yml', maxBytes: fileLimits.config});
	if (read.ok) return {path, text: read.value, readError: null};
	// No globals.yml is normal off a kolla deploy host; only an unreadable one is worth a word.
	return {path, text: null, readError: read.problem.errno === 'ENOENT' ? null : `${read.problem.reason} — ignored; pass --datadir to be sure`};
}

const account = {uid: process.getuid?.() ?? 0, home: os.homedir()};

async function buildSettings(flags: CliArgs, demo: boolean, config: ConfigRead): Promise<Result<Settings>> {
	const globalsPath = globalsPathOf(flags, process.env, config.values).value;
	const base = {
		config: config.values,
		flags,
		env: process.env,
		globals: demo ? {path: globalsPath, text: null, readError: null} : await readGlobals(globalsPath),
		containerGlanceSource: null,
		account,
		demo,
	};
	const resolved = resolveSettings(base);
	if (!resolved.ok) return resolved;
	const settings = resolved.value;
	if (demo) return ok({...settings, datadir: {value: simulatedDatadir, source: 'default', detail: 'the training simulator'}});
	if (settings.datadir.source !== 'default') return resolved;
	// Nothing named the datadir: the container's own bind mount is the best witness.
	const source = await new RealWorld(settings).containerGlanceSource();
	return source ? resolveSettings({...base, containerGlanceSource: source}) : resolved;
}

/** Which of the two read-only/dry-run switches came from where, as the operator set them. */
function dryRunAndReadOnly(settings: Settings): string {
	const dryRun = settings.dryRun.source === 'flag' ? '--dry-run' : `dry-run: true (${settings.dryRun.detail})`;
	const readOnly = settings.readOnly.source === 'flag' ? '--read-only' : settings.readOnly.source === 'env' ? 'GLANCE_INSPECTOR_READ_ONLY=1' : `read-only: true (${settings.readOnly.detail})`;
	return `${dryRun} cannot be used with ${readOnly}`;
}

/** The --print-settings row saying which config files were read. */
function configFilesRow(paths: ConfigPaths, config: ConfigRead): {name: string; value: string; source: string} {
	return {name: 'config files', value: config.read.length > 0 ? config.read.join(', ') : '(none)', source: `${paths.system}, then ${paths.user}${paths.explicit ? ' (--config)' : ''}`};
}

/** Where the simulator keeps a scenario's machine between sessions. */
function simulatorStateFile(scenario: ScenarioName): string {
	return scenarioStateFile(userStateDirectory(process.env, account.home), scenario);
}

/** The training machine as the last session left it (or fresh with --reset), kept after every change. */
function createSimulator(settings: Settings, scenario: ScenarioName, reset: boolean): World {
	const file = simulatorStateFile(scenario);
	if (reset) rmSync(file, {force: true});
	const restored = loadScenarioState(file, scenario);
	if (!restored.ok) process.stderr.write(`glance-inspector: warning: ${describeProblem(restored.problem)}; starting the scenario fresh\n`);
	return createSimulatedWorld(scenario, {
		probeTimeoutMs: settings.probeTimeoutSeconds.value * 1000,
		container: settings.container.value,
		restored: restored.ok ? restored.value : null,
		// Training only: a state that cannot be kept costs the next session its resume, nothing else.
		onChange: state => void saveScenarioState(file, scenario, state),
	});
}

/** The dashboard's own modules, loaded only when a terminal wants it (a --json run never does). */
type DashboardModules = {remount: typeof import('./runbook/runner.js'); recovery: typeof import('./runbook/recovery/runner.js')};

function remountRunner({remount: {RemountRunner, remountSettingsFrom}}: DashboardModules, world: World, poller: SnapshotPoller, settings: Settings, scenario: ScenarioName | null): RemountRunner {
	const remountSettings = {...remountSettingsFrom(settings, {dryRun: settings.dryRun.value, auditLog: settings.auditLog.value}), simulation: scenario ? {scenario} : null};
	return new RemountRunner({world, snapshots: poller, settings: remountSettings, ...(scenario ? {hostname: simulatedHostname} : {})});
}

function recoveryRunner({recovery: {RecoveryRunner}}: DashboardModules, world: World, poller: SnapshotPoller, settings: Settings, scenario: ScenarioName | null, targets: readonly RecoveryTarget[]): RecoveryRunner {
	const under = poller.snapshot.underMount;
	const parentMountpoint = under?.state === 'ok' ? under.parentMountpoint : '/';
	return new RecoveryRunner({world, targets, datadir: settings.datadir.value, parentMountpoint, auditLog: settings.auditLog.value, simulation: scenario ? {scenario} : null, ...(scenario ? {hostname: simulatedHostname} : {})});
}

async function main(): Promise<number> {
	const parsed = parseCliArgs(process.argv.slice(2));
	if (!parsed.ok) usageError(describeProblem(parsed.problem));
	const flags = parsed.value;
	// Monitoring: --timeout counts from the start, and a hang before the probes (docker, globals.yml) still answers by then.
	const checkSeconds = flags.timeout ?? defaultCheckTimeoutSeconds;
	const checkDeadline = performance.now() + checkSeconds * 1000;
	const backstop = flags.once || flags.json ? setTimeout(() => timedOutBeforeProbing(checkSeconds), checkSeconds * 1000 + backstopGraceMs).unref() : undefined;
	if (flags.help) {
		process.stdout.write(helpText());
		return 0;
	}
	if (flags.version) {
		process.stdout.write(versionText());
		return 0;
	}
	if (flags.demo === '') {
		process.stdout.write(`Training scenarios (glance-inspector --demo NAME):\n${scenarioList()}\n`);
		return 0;
	}
	const paths = configPaths({configFlag: flags.config, env: process.env, home: account.home});
	const config = await readConfigFiles(paths);
	if (!config.ok) usageError(describeProblem(config.problem));
	// The fleet (source/fleet/): every controller over ssh. Its local settings serve only the training fleet, so nothing real is read for them.
	if (wantsFleet(flags)) {
		const local = await buildSettings(flags, true, config.value);
		if (!local.ok) usageError(describeProblem(local.problem));
		// Loaded only for the fleet: a run of this host never needs ssh, the fleet's poller nor its simulator.
		const {runFleet} = await import('./fleet/run.js');
		return runFleet(flags, local.value, version, usageError, flags.demo === fleetScenario.name ? fleetScenario.lesson : undefined);
	}
	let scenario: ScenarioName | null = null;
	if (flags.demo !== undefined) {
		if (!isScenarioName(flags.demo)) usageError(`no scenario named "${flags.demo}". Scenarios:\n${scenarioList()}`);
		scenario = flags.demo;
	}

	const resolved = await buildSettings(flags, scenario !== null, config.value);
	if (!resolved.ok) usageError(describeProblem(resolved.problem));
	const settings = resolved.value;
	// Monitoring: the textfile's name is checked before anything runs.
	const textfile = flags.prometheusTextfile === undefined ? null : path.resolve(flags.prometheusTextfile);
	if (textfile && textfilePathProblem(textfile)) usageError(textfilePathProblem(textfile)!);
	if (settings.readOnly.value && settings.dryRun.value) usageError(`${dryRunAndReadOnly(settings)}: read-only removes the remount that --dry-run would walk through`);
	for (const problem of [...config.value.warnings, ...settings.problems]) process.stderr.write(`glance-inspector: warning: ${problem}\n`);

	if (flags.printConfig) {
		process.stdout.write(printedConfig(settings, paths));
		return 0;
	}

	if (flags.printSettings) {
		const rows = settingRows(settings);
		if (scenario) rows.push({name: 'simulator state', value: simulatorStateFile(scenario), source: `the ${scenario} machine between sessions; --reset starts it fresh`});
		else rows.push({name: 'glance access', value: new RealWorld(settings).glanceSource, source: 'flags, OS_CLOUD, OS_*, openrc, in that order'});
		rows.push(configFilesRow(paths, config.value));
		const width = Math.max(...rows.map(row => row.name.length)) + 2;
		process.stdout.write(rows.map(row => `${row.name.padEnd(width)}${row.value}  (${row.source})`).join('\n') + '\n');
		return 0;
	}

	// The datadir may sit on a hung share: only a killable probe may touch it.
	if (!scenario && !existsSync(settings.dockerSocket.value) && (await probePath(settings.datadir.value, {timeoutMs: 1000, maxEntries: 1})).health.state === 'missing') {
		pluginUnknown(`this does not look like a Glance controller: no docker socket at ${settings.dockerSocket.value} and no datadir at ${settings.datadir.value}`);
		process.stderr.write(
			`glance-inspector: this does not look like a Glance controller: no docker socket at ${settings.dockerSocket.value} and no datadir at ${settings.datadir.value}.\n` +
				`  On a controller, pass --datadir PATH (or run as root where kolla put it).\n` +
				`  To learn the tool, start the training simulator: glance-inspector --demo flapped\n` +
				`  Scenarios:\n${scenarioList()}\n`,
		);
		return 3;
	}

	const world = scenario ? createSimulator(settings, scenario, flags.reset === true) : new RealWorld(settings);
	const poller = new SnapshotPoller(world, settings.refreshSeconds.value * 1000, Date.now, settings.inventoryRefreshSeconds.value * 1000);

	if (flags.once || flags.json) {
		// Monitoring: a deadline for the whole check, then the report and the textfile (source/monitoring/check.ts).
		const result = await runCheck(poller, settings, {seconds: checkSeconds, remainingMs: checkDeadline - performance.now()});
		clearTimeout(backstop);
		const textfileProblem = textfile ? await writeCheckTextfile(textfile, result) : null;
		if (textfileProblem) process.stderr.write(`glance-inspector: warning: ${textfileProblem}\n`);
		// Awaited to the last byte: process.exit() right after a write would cut a pipe short.
		if (flags.json) await writeJsonReport(process.stdout, result.snapshot, result.findings, settings, result.inventory, {label: world.label, version, world: world.kind});
		else await writePieces(process.stdout, [textReport(result, world.label, {...thresholdsOf(settings), probeTimeoutSeconds: settings.probeTimeoutSeconds.value})]);
		// A client stuck on a frozen Glance must not hold the answer back: the exit ends whatever is left.
		await Promise.race([world.close(), new Promise(resolve => setTimeout(resolve, 1000).unref())]);
		return result.exitCode;
	}

	if (!process.stdin.isTTY) {
		await world.close();
		process.stderr.write('glance-inspector: standard input is not a terminal, so the dashboard cannot read keys.\n  Over SSH use a terminal: ssh -t HOST glance-inspector\n  For a report instead: glance-inspector --once (or --json)\n');
		return 3;
	}

	// React picks its build when first loaded: the development one (any NODE_ENV but production) costs the idle dashboard several times the CPU.
	process.env['NODE_ENV'] = 'production';
	const [{runDashboard}, remount, recovery, {ChecksumVerifier}] = await Promise.all([import('./dashboard.js'), import('./runbook/runner.js'), import('./runbook/recovery/runner.js'), import('./world/verifier.js')]);
	const modules: DashboardModules = {remount, recovery};
	const parting = await runDashboard({
		poller,
		verifier: new ChecksumVerifier(world),
		label: world.label,
		settings,
		createRemount: settings.readOnly.value ? null : () => remountRunner(modules, world, poller, settings, scenario),
		textfile,
		createRecovery: settings.readOnly.value ? null : targets => recoveryRunner(modules, world, poller, settings, scenario, targets),
		...(scenario ? {lesson: scenarios.find(each => each.name === scenario)?.lesson ?? ''} : {}),
	});
	// The App leaves with text to keep (the summary of an abandoned remount): printed once the normal screen is back.
	if (typeof parting === 'string') process.stdout.write(parting);
	poller.stop();
	await world.close();
	return 0;
}

// Exits explicitly: an abandoned probe of a hung share must not keep the process alive.
main().then(
	code => process.exit(code),
	(error: unknown) => {
		pluginUnknown(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
		process.stderr.write(`glance-inspector: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(3);
	},
);
