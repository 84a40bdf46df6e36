// The fleet mode, from the CLI's flags: which hosts, how to reach them, then a report (--once, --json) or the
// fleet screen. Returns the exit code; cli.tsx exits.
import type {CliArgs} from '../cli-args.js';
import {hostsFromList} from '../model/fleet-inventory.js';
import {fleetFindings, fleetStatus} from '../model/fleet.js';
import {describeProblem, ok, type Result} from '../model/result.js';
import type {Settings} from '../settings.js';
import {jsonPieces, writePieces} from '../json-report.js';
import {simulatedFleetSource} from '../world/simulated/fleet-demo.js';
import {fleetScenario} from '../world/simulated/fleet-scenario.js';
import {fleetDefaults} from './defaults.js';
import {readFleetInventory} from './inventory-file.js';
import {FleetPoller} from './poller.js';
import {fleetReportValue, fleetTextReport} from './report.js';
import {sshFleetSource, type FleetSource} from './source.js';
import type {SshSettings} from './ssh.js';

function sshSettings(flags: CliArgs): SshSettings {
	return {
		remoteCommand: flags.fleetCommand ?? fleetDefaults.command,
		sshConfig: flags.sshConfig ?? null,
		connectTimeoutSeconds: fleetDefaults.connectTimeoutSeconds,
		deadlineMs: (flags.fleetTimeout ?? fleetDefaults.timeoutSeconds) * 1000,
	};
}

async function fleetSource(flags: CliArgs, settings: Settings, version: string, ssh: SshSettings | null): Promise<Result<FleetSource>> {
	if (!ssh) return ok(simulatedFleetSource(settings, version));
	if (flags.hosts !== undefined) {
		const hosts = hostsFromList(flags.hosts);
		return hosts.ok ? ok(sshFleetSource(hosts.value, `--hosts ${flags.hosts}`, ssh)) : hosts;
	}
	const group = flags.fleetGroup ?? fleetDefaults.group;
	const read = await readFleetInventory(flags.fleet!, group);
	if (!read.ok) return read;
	if (read.value.note) process.stderr.write(`glance-inspector: warning: ${read.value.note}\n`);
	return ok(sshFleetSource(read.value.hosts, `${flags.fleet} [${group}]`, ssh));
}

/** The fleet's settings for its help, each with where it came from. */
function fleetSettingRows(flags: CliArgs, source: FleetSource, ssh: SshSettings | null): Array<{name: string; value: string; source: string}> {
	const row = (name: string, given: unknown, value: unknown) => ({name, value: String(given ?? value), source: given === undefined ? 'default' : 'flag'});
	const rows = [{name: 'fleet', value: source.origin, source: source.world === 'simulated' ? 'the training fleet' : 'flag'}];
	if (!ssh) return rows;
	return [
		...rows,
		row('remote command', flags.fleetCommand, fleetDefaults.command),
		row('refresh', flags.fleetRefresh, fleetDefaults.refreshSeconds),
		row('deadline', flags.fleetTimeout, fleetDefaults.timeoutSeconds),
		row('ssh config', flags.sshConfig, '~/.ssh/config'),
	];
}

/** Why the fleet's flags cannot be used, or null. */
function fleetFlagProblem(flags: CliArgs): string | null {
	if (flags.printSettings) return '--print-settings shows this host\'s settings; each controller of the fleet has its own (run it there)';
	if (flags.fleetGroup !== undefined && flags.fleet === undefined) return '--fleet-group needs --fleet INVENTORY: it picks a group of that inventory';
	if (flags.fleet === undefined && flags.hosts === undefined && flags.demo !== fleetScenario.name) return 'the fleet flags need the fleet: --fleet INVENTORY or --hosts LIST';
	for (const [name, value] of [['--fleet-refresh', flags.fleetRefresh], ['--fleet-timeout', flags.fleetTimeout]] as const) {
		if (value !== undefined && !(value > 0)) return `${name} must be a positive number of seconds, got ${value}`;
	}
	return null;
}

/** The fleet: `usageError` for what the operator must fix; otherwise the exit code of the worst host. */
export async function runFleet(flags: CliArgs, settings: Settings, version: string, usageError: (message: string) => never, lesson?: string): Promise<number> {
	const problem = fleetFlagProblem(flags);
	if (problem) usageError(problem);
	const ssh = flags.demo === fleetScenario.name ? null : sshSettings(flags);
	const source = await fleetSource(flags, settings, version, ssh);
	if (!source.ok) usageError(describeProblem(source.problem));
	const poller = new FleetPoller(source.value, (flags.fleetRefresh ?? fleetDefaults.refreshSeconds) * 1000);
	// A closed terminal (SIGHUP) or a kill ends the masters and removes the sockets' directory, then dies of the signal.
	const onSignal = (signal: NodeJS.Signals) => {
		poller.stop();
		void source.value.close().finally(() => {
			process.off('SIGHUP', onSignal);
			process.off('SIGTERM', onSignal);
			process.kill(process.pid, signal);
		});
	};
	process.on('SIGHUP', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		if (flags.once || flags.json) {
			const states = await poller.collect();
			const findings = fleetFindings(states);
			if (flags.json) await writePieces(process.stdout, (function* () {
				yield* jsonPieces(fleetReportValue(states, findings, source.value, version));
				yield '\n';
			})());
			else await writePieces(process.stdout, [fleetTextReport(states, findings, source.value, Date.now())]);
			return fleetStatus(states, findings).exitCode;
		}
		if (!process.stdin.isTTY) {
			process.stderr.write('glance-inspector: standard input is not a terminal, so the fleet screen cannot read keys.\n  For a report instead: glance-inspector --fleet INVENTORY --once (or --json)\n');
			return 3;
		}
		process.env['NODE_ENV'] = 'production';
		const {runFleetScreen} = await import('../ui/fleet/run-fleet-screen.js');
		poller.start();
		await runFleetScreen({poller, source: source.value, settings: fleetSettingRows(flags, source.value, ssh), ...(lesson ? {lesson} : {})});
		return 0;
	} finally {
		process.off('SIGHUP', onSignal);
		process.off('SIGTERM', onSignal);
		poller.stop();
		await source.value.close();
	}
}


