import {existsSync, readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import os from 'node:os';
import {render} from 'ink';
import meow from 'meow';
import {App} from './app.js';
import {deriveFindings, overallStatus} from './model/findings.js';
import {buildInventory} from './model/inventory.js';
import type {Inventory, Snapshot} from './model/types.js';
import {jsonReport, textReport} from './report.js';
import {resolveAuditLogPath} from './runbook/audit.js';
import {RemountRunner, remountSettingsFrom} from './runbook/runner.js';
import {describeProblem, ok, type Result} from './model/result.js';
import {defaults, findingContext, resolveSettings, settingRows, type GlobalsInput, type Settings} from './settings.js';
import {createTheme, ThemeContext} from './ui/theme.js';
import {SnapshotPoller} from './world/poller.js';
import {ChecksumVerifier} from './world/verifier.js';
import {probePath} from './world/real/path-probe.js';
import {RealWorld} from './world/real/real-world.js';
import {isScenarioName, scenarios, type ScenarioName} from './world/simulated/scenarios.js';
import {createSimulatedWorld, simulatedDatadir} from './world/simulated/simulated-world.js';
import type {World} from './world/world.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string}).version;

const cli = meow(
	`
	Usage
	  $ glance-inspector [options]

	Watches the Glance file-store datadir, its mount and the glance_api container, live.

	Options
	  --datadir PATH          the images directory on the host (default: from globals.yml,
	                          then the container's /var/lib/glance source, then ${defaults.datadir})
	  --mountpoint PATH       where the share should be mounted (default: the fstab line holding the datadir)
	  --container NAME        the Glance API container (default ${defaults.container})
	  --refresh SECONDS       probe interval (default ${defaults.refreshSeconds})
	  --probe-timeout SECONDS a probe that takes longer calls the share hung (default ${defaults.probeTimeoutSeconds})
	  --warn-percent N        capacity warning threshold (default ${defaults.warnPercent})
	  --crit-percent N        capacity critical threshold (default ${defaults.critPercent})
	  --globals PATH          kolla globals.yml (default ${defaults.globalsPath})
	  --fstab PATH            fstab to read (default ${defaults.fstabPath})
	  --inventory-refresh S   how often Glance and the datadir are listed (default ${defaults.inventoryRefreshSeconds})
	  --openrc PATH           OpenStack credentials in openrc form (default: OS_* in the environment,
	                          then ${defaults.openrc})
	  --os-cloud NAME         a clouds.yaml entry (or OS_CLOUD)
	  --glance-url URL        talk to Glance at URL without Keystone (OS_TOKEN is sent if set)
	  --read-only             remove every action that changes anything (the remount key R)
	  --dry-run               the guided remount walks every step and runs none
	  --audit-log PATH        where remount steps are recorded (default /var/log/glance-inspector/audit.jsonl
	                          as root, else $XDG_STATE_HOME/glance-inspector/audit.jsonl)
	  --demo [SCENARIO]       the training simulator; without a name, list the scenarios
	  --once                  print a report and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
	  --json                  print the whole snapshot and findings as JSON (same exit codes)
	  --print-settings        show each setting, its value and where it came from
	  --help, --version

	Environment
	  GLANCE_INSPECTOR_DATADIR, _MOUNTPOINT, _CONTAINER, _REFRESH, _PROBE_TIMEOUT,
	  _WARN_PERCENT, _CRIT_PERCENT, _INVENTORY_REFRESH, KOLLA_GLOBALS, DOCKER_HOST=unix:///path,
	  NO_COLOR, and the usual OS_* variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_CLOUD...)

	Examples
	  $ glance-inspector --demo flapped
	  $ glance-inspector --once --datadir /mnt/glance/images
`,
	{
		importMeta: import.meta,
		version,
		allowUnknownFlags: false,
		flags: {
			datadir: {type: 'string'},
			mountpoint: {type: 'string'},
			container: {type: 'string'},
			refresh: {type: 'number'},
			probeTimeout: {type: 'number'},
			warnPercent: {type: 'number'},
			critPercent: {type: 'number'},
			globals: {type: 'string'},
			fstab: {type: 'string'},
			inventoryRefresh: {type: 'number'},
			openrc: {type: 'string'},
			osCloud: {type: 'string'},
			glanceUrl: {type: 'string'},
			readOnly: {type: 'boolean'},
			dryRun: {type: 'boolean'},
			auditLog: {type: 'string'},
			demo: {type: 'string'},
			once: {type: 'boolean'},
			json: {type: 'boolean'},
			printSettings: {type: 'boolean'},
		},
	},
);

function fail(message: string, code = 64): never {
	process.stderr.write(`glance-inspector: ${message}\n`);
	process.exit(code);
}

function scenarioList(): string {
	return scenarios.map(scenario => `  ${scenario.name.padEnd(9)} ${scenario.title}`).join('\n');
}

async function readGlobals(path: string): Promise<GlobalsInput> {
	try {
		return {path, text: await readFile(path, 'utf8'), readError: null};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		// No globals.yml is normal off a kolla deploy host; only an unreadable one is worth a word.
		return {path, text: null, readError: code === 'ENOENT' ? null : `${path}: ${(error as Error).message}`};
	}
}

async function buildSettings(demo: boolean): Promise<Result<Settings>> {
	const flags = cli.flags;
	const globalsPath = flags.globals ?? process.env['KOLLA_GLOBALS'] ?? defaults.globalsPath;
	const base = {
		flags: {...flags, readOnly: flags.readOnly || undefined, dryRun: flags.dryRun || undefined},
		env: process.env,
		globals: demo ? {path: globalsPath, text: null, readError: null} : await readGlobals(globalsPath),
		containerGlanceSource: null,
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

function createWorld(settings: Settings, scenario: ScenarioName | null): World {
	if (scenario) return createSimulatedWorld(scenario, {probeTimeoutMs: settings.probeTimeoutSeconds.value * 1000, container: settings.container.value});
	return new RealWorld(settings);
}

function remountRunner(world: World, poller: SnapshotPoller, settings: Settings): RemountRunner {
	const auditLog = resolveAuditLogPath({flag: settings.auditLog.value, env: process.env, uid: process.getuid?.() ?? 0, home: os.homedir()});
	return new RemountRunner({world, snapshots: poller, settings: remountSettingsFrom(settings, {dryRun: settings.dryRun.value, auditLog})});
}

function findingsOf(snapshot: Snapshot, settings: Settings, inventory: Inventory) {
	return deriveFindings(snapshot, findingContext(settings, {now: Date.now(), inventory}));
}

async function main(): Promise<number> {
	const demoFlag = cli.flags.demo;
	if (demoFlag === '') {
		process.stdout.write(`Training scenarios (glance-inspector --demo NAME):\n${scenarioList()}\n`);
		return 0;
	}
	let scenario: ScenarioName | null = null;
	if (demoFlag !== undefined) {
		if (!isScenarioName(demoFlag)) fail(`no scenario named "${demoFlag}". Scenarios:\n${scenarioList()}`);
		scenario = demoFlag;
	}

	const resolved = await buildSettings(scenario !== null);
	if (!resolved.ok) fail(describeProblem(resolved.problem));
	const settings = resolved.value;
	for (const problem of settings.problems) process.stderr.write(`glance-inspector: warning: ${problem}\n`);

	if (cli.flags.printSettings) {
		const rows = settingRows(settings);
		if (!scenario) rows.push({name: 'glance access', value: new RealWorld(settings).glanceSource, source: 'flags, OS_CLOUD, OS_*, openrc, in that order'});
		const width = Math.max(...rows.map(row => row.name.length)) + 2;
		process.stdout.write(rows.map(row => `${row.name.padEnd(width)}${row.value}  (${row.source})`).join('\n') + '\n');
		return 0;
	}

	// The datadir may sit on a hung share: only a killable probe may touch it.
	if (!scenario && !existsSync(settings.dockerSocket.value) && (await probePath(settings.datadir.value, {timeoutMs: 1000, maxEntries: 1})).health.state === 'missing') {
		process.stderr.write(
			`glance-inspector: this does not look like a Glance controller: no docker socket at ${settings.dockerSocket.value} and no datadir at ${settings.datadir.value}.\n` +
				`  On a controller, pass --datadir PATH (or run as root where kolla put it).\n` +
				`  To learn the tool, start the training simulator: glance-inspector --demo flapped\n` +
				`  Scenarios:\n${scenarioList()}\n`,
		);
		return 3;
	}

	const world = createWorld(settings, scenario);
	const poller = new SnapshotPoller(world, settings.refreshSeconds.value * 1000, Date.now, settings.inventoryRefreshSeconds.value * 1000);

	if (cli.flags.once || cli.flags.json) {
		const snapshot = await poller.collect();
		const inventory = buildInventory(snapshot.glance, snapshot.files, new Map());
		const findings = findingsOf(snapshot, settings, inventory);
		process.stdout.write(
			cli.flags.json ? jsonReport(snapshot, findings, settings, inventory, {label: world.label, version, world: world.kind}) : textReport(snapshot, findings, world.label, inventory),
		);
		await world.close();
		return overallStatus(findings).exitCode;
	}

	if (!process.stdin.isTTY) {
		await world.close();
		fail('standard input is not a terminal, so the dashboard cannot read keys.\n  Over SSH use a terminal: ssh -t HOST glance-inspector\n  For a report instead: glance-inspector --once (or --json)', 2);
	}

	const theme = createTheme(process.env);
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<App
				poller={poller}
				verifier={new ChecksumVerifier(world)}
				label={world.label}
				settings={settings}
				createRemount={settings.readOnly.value ? null : () => remountRunner(world, poller, settings)}
				{...(scenario ? {lesson: scenarios.find(each => each.name === scenario)?.lesson ?? ''} : {})}
			/>
		</ThemeContext.Provider>,
		// Ink turns itself non-interactive when CI is set; an operator's terminal is interactive whatever the env says.
		{alternateScreen: true, exitOnCtrlC: false, interactive: process.stdout.isTTY === true},
	);
	// The App leaves with text to keep (the summary of an abandoned remount): printed once the normal screen is back.
	const parting = await instance.waitUntilExit();
	if (typeof parting === 'string') process.stdout.write(parting);
	poller.stop();
	await world.close();
	return 0;
}

// Exits explicitly: an abandoned probe of a hung share must not keep the process alive.
main().then(
	code => process.exit(code),
	(error: unknown) => fail(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, 3),
);
