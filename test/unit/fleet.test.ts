import {existsSync, statSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {FleetPoller} from '../../source/fleet/poller.js';
import {fleetReportValue, fleetTextReport} from '../../source/fleet/report.js';
import type {FleetSource} from '../../source/fleet/source.js';
import {classifyFailure, remoteCommandLine, sshCommand, ControlSockets} from '../../source/fleet/ssh.js';
import type {FleetHost} from '../../source/model/fleet-inventory.js';
import {fleetFindings, fleetRow, fleetStatus, parseHostReport, withAttempt, type FleetHostState, type HostAttempt, type HostReport} from '../../source/model/fleet.js';
import {resolveSettings, type Settings} from '../../source/settings.js';
import {simulatedFleetSource} from '../../source/world/simulated/fleet-demo.js';

function demoSettings(): Settings {
	const settings = resolveSettings({flags: {}, env: {}, globals: {path: '/nonexistent', text: null, readError: null}, containerGlanceSource: null, demo: true});
	if (!settings.ok) throw new Error(settings.problem.reason);
	return {...settings.value, datadir: {value: '/srv/glance/images', source: 'default'}};
}

/** The training fleet's three reports: sim-ctrl2 flapped, the others healthy. */
async function trainingFleet(): Promise<{source: FleetSource; states: FleetHostState[]}> {
	const source = simulatedFleetSource(demoSettings(), '0.0.0-test');
	const poller = new FleetPoller(source, 60_000);
	const states = [...(await poller.collect())];
	await source.close();
	return {source, states};
}

function reportOf(state: FleetHostState): HostReport {
	if (!state.attempt?.ok) throw new Error(`${state.host.name} has no report`);
	return state.attempt.report;
}

/** A state whose report is changed by `edit` (a deep copy: the others keep theirs). */
function edited(state: FleetHostState, edit: (report: HostReport) => void): FleetHostState {
	const report = structuredClone(reportOf(state));
	edit(report);
	return withAttempt(state, {at: Date.now(), tookMs: 1, ok: true, report});
}

describe('the cross-host findings', () => {
	it('name the one host whose glance_api is stale while the others are fine', async () => {
		const {states} = await trainingFleet();
		const findings = fleetFindings(states);
		expect(findings.map(finding => [finding.id, finding.hosts])).toEqual([['fleet-container-stale', ['sim-ctrl2']]]);
		expect(findings[0]!.title).toBe('glance_api on sim-ctrl2 sees a stale share while sim-ctrl1, sim-ctrl3 are fine');
		expect(fleetStatus(states, findings)).toEqual({status: 'critical', exitCode: 2});
	});

	it('name a host that mounts another share', async () => {
		const {states} = await trainingFleet();
		const odd = states.map((state, index) => (index === 2 ? edited(state, report => void (report.snapshot.datadir!.mount!.source = 'nfs02:/export/old')) : state));
		const finding = fleetFindings(odd).find(each => each.id === 'fleet-sources-differ');
		expect(finding?.hosts).toEqual(['sim-ctrl3']);
		expect(finding?.evidence).toEqual(['the others: nfs01:/export/glance (nfs4)', 'sim-ctrl3: nfs02:/export/old (nfs4)']);
	});

	it('name a host whose datadir listing lacks files the others have', async () => {
		const {states} = await trainingFleet();
		const odd = states.map((state, index) =>
			index === 0
				? edited(state, report => {
						if (report.snapshot.files?.state === 'ok') report.snapshot.files.files = report.snapshot.files.files.slice(2);
					})
				: state,
		);
		const finding = fleetFindings(odd).find(each => each.id === 'fleet-listing-differs');
		expect(finding?.hosts).toEqual(['sim-ctrl1']);
		expect(finding?.evidence[0]).toMatch(/^sim-ctrl1: \d+ files; lacks 2 the others have, has 0 they do not$/);
	});

	it('name glance_api running outside the glance-api group, and missing inside it', async () => {
		const {states} = await trainingFleet();
		const placed = states.map((state, index) => {
			if (index === 0) return {...state, host: {...state.host, groups: ['all', 'control']}};
			if (index === 2)
				return edited(state, report => {
					if (report.snapshot.container?.state === 'present') report.snapshot.container.running = false;
				});
			return state;
		});
		const findings = fleetFindings(placed);
		expect(findings.find(each => each.id === 'fleet-glance-unexpected')?.hosts).toEqual(['sim-ctrl1']);
		expect(findings.find(each => each.id === 'fleet-glance-missing')?.hosts).toEqual(['sim-ctrl3']);
	});

	it('make no placement finding for --hosts, where no inventory says where Glance runs', async () => {
		const {states} = await trainingFleet();
		const listed = states.map(state => ({...state, host: {...state.host, groups: null}}));
		expect(fleetFindings(listed).some(each => each.id.startsWith('fleet-glance'))).toBe(false);
	});
});

describe('a host not reached', () => {
	const failed: HostAttempt = {at: 1000, tookMs: 60_000, ok: false, problem: 'hung', reason: 'ctrl2 gave no report within 60 s', hint: 'try ssh by hand'};

	it('keeps its last report with its age, says why, and makes the fleet UNKNOWN at best', async () => {
		const {states} = await trainingFleet();
		const healthy = [states[0]!, {...states[2]!}];
		const kept = withAttempt(healthy[1]!, failed);
		const row = fleetRow(kept, kept.lastReport!.at + 42_000);
		expect([row.reach, row.worst, row.ageMs, row.mount, row.status]).toEqual(['HUNG', 'none', 42_000, 'responsive', 'unknown']);
		const findings = fleetFindings([healthy[0]!, kept]);
		expect(findings.map(each => each.id)).toEqual(['fleet-host-unreachable']);
		expect(fleetStatus([healthy[0]!, kept], findings).exitCode).toBe(3);
	});

	it('is a row of --once with the hint, and an entry of --json with the problem', async () => {
		const {source, states} = await trainingFleet();
		const withHung = [states[0]!, withAttempt(states[1]!, failed), states[2]!];
		const findings = fleetFindings(withHung);
		const text = fleetTextReport(withHung, findings, source, Date.now());
		expect(text).toContain('sim-ctrl2: UNKNOWN · reach HUNG');
		expect(text).toContain('    ✖ ctrl2 gave no report within 60 s\n    → try ssh by hand');
		const json = fleetReportValue(withHung, findings, source, '1') as {exitCode: number; hosts: Array<{name: string; reached: boolean; problem?: string; report: unknown}>};
		expect(json.hosts.map(host => [host.name, host.reached, host.problem ?? null, host.report === null])).toEqual([
			['sim-ctrl1', true, null, false],
			['sim-ctrl2', false, 'hung', true],
			['sim-ctrl3', true, null, false],
		]);
	});
});

describe('what a host printed', () => {
	it('is a report only when it is glance-inspector JSON with its snapshot and status', () => {
		expect(parseHostReport('')).toEqual({ok: false, reason: 'it printed nothing'});
		expect(parseHostReport('Usage: foo')).toEqual({ok: false, reason: 'it printed no JSON report (Usage: foo)'});
		expect(parseHostReport('{"tool":"other"}')).toEqual({ok: false, reason: 'what it printed is not a glance-inspector report'});
		expect(parseHostReport('{"tool":"glance-inspector","version":"0.0.1"}')).toEqual({ok: false, reason: 'its report lacks the snapshot, findings or status (version 0.0.1)'});
	});
});

describe('ssh', () => {
	const host: FleetHost = {name: 'ctrl2', address: '10.0.0.12', port: 2222, user: 'kolla', become: true, groups: null};
	const settings = {remoteCommand: 'glance-inspector', sshConfig: null, connectTimeoutSeconds: 10, deadlineMs: 60_000};

	it('runs the tool through sudo -n when become is set, over one multiplexed connection in batch mode', () => {
		const sockets = new ControlSockets();
		const {command, args} = sshCommand(host, settings, sockets, ['--json']);
		// The control sockets let anyone who can reach them ride the connection: only this user may.
		expect(statSync(sockets.directory).mode & 0o777).toBe(0o700);
		expect(args).toContain(`ControlPath=${sockets.directory}/%C`);
		sockets.remove();
		expect(existsSync(sockets.directory)).toBe(false);
		expect(command).toBe('ssh');
		expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', 'ConnectTimeout=10', 'ControlMaster=auto', 'ControlPersist=120', '-p', '2222', '-l', 'kolla']));
		expect(args.slice(-2)).toEqual(['10.0.0.12', 'sudo -n glance-inspector --json']);
		expect(remoteCommandLine({...host, become: false}, {...settings, remoteCommand: '/opt/gi/glance-inspector'}, [])).toBe('/opt/gi/glance-inspector');
	});

	it('tells each way of failing apart, from the exit status and what ssh or the host said', () => {
		const cases: Array<[number, string, string]> = [
			[255, 'ssh: connect to host 10.0.0.12 port 2222: Connection refused', 'unreachable'],
			[255, 'ssh: Could not resolve hostname ctrl2: Name or service not known', 'unreachable'],
			[255, 'kolla@10.0.0.12: Permission denied (publickey).', 'auth-refused'],
			[255, 'Host key verification failed.', 'auth-refused'],
			[127, 'bash: line 1: glance-inspector: command not found', 'tool-not-found'],
			[1, 'sudo: glance-inspector: command not found', 'tool-not-found'],
			[1, 'sudo: a password is required', 'sudo-refused'],
			[127, 'bash: line 1: sudo: command not found', 'sudo-refused'],
		];
		expect(cases.map(([code, stderr]) => classifyFailure(code, stderr, host, settings)?.problem)).toEqual(cases.map(each => each[2]));
		expect(classifyFailure(127, 'bash: glance-inspector: command not found', host, settings)?.reason).toBe('glance-inspector not found on ctrl2: copy the release file there');
	});
});

describe('the fleet poller', () => {
	it('keeps refreshing the hosts that answer while one never does', async () => {
		const hosts: FleetHost[] = ['a', 'b', 'c'].map(name => ({name, address: name, port: null, user: null, become: false, groups: null}));
		const {states} = await trainingFleet();
		const source: FleetSource = {
			hosts,
			origin: 'test',
			world: 'simulated',
			fetch: host => (host.name === 'b' ? new Promise<HostAttempt>(() => undefined) : Promise.resolve({at: Date.now(), tookMs: 1, ok: true, report: reportOf(states[0]!)})),
			dashboard: () => ({command: 'true', args: []}),
			close: async () => undefined,
		};
		const poller = new FleetPoller(source, 10);
		const rounds = new Promise<readonly FleetHostState[]>(resolve => {
			poller.on('change', (current: readonly FleetHostState[]) => {
				if (current[0]!.rounds >= 5 && current[2]!.rounds >= 5) resolve(current);
			});
		});
		poller.start();
		const seen = await rounds;
		poller.stop();
		expect(seen.map(state => state.attempt === null)).toEqual([false, true, false]);
	});
});
