// The fleet on three real controllers (lab/fleet.sh): each its own sshd, sshfs mount and glance_api, all on
// the one export, DB and Keystone. One host's share flaps or its sshd freezes; the others must stay fine.
import {execFile} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FleetPoller} from '../../source/fleet/poller.js';
import {sshFleetSource} from '../../source/fleet/source.js';
import type {FleetHost} from '../../source/model/fleet-inventory.js';
import type {FleetHostState} from '../../source/model/fleet.js';
import {repoRoot} from '../support/lab.js';
import {scratchDir} from '../support/scratch.js';

const run = promisify(execFile);
const fleetState = '/var/lib/glance-lab/fleet';
const sshConfig = `${fleetState}/ssh_config`;
const inventory = `${fleetState}/inventory`;
const remoteCommand = `${repoRoot}bin/glance-inspector.js`;

async function fleetScript(...args: string[]): Promise<string> {
	const {stdout} = await run('bash', [`${repoRoot}lab/fleet.sh`, ...args], {timeout: 300_000});
	return stdout;
}

type FleetJson = {
	exitCode: number;
	findings: Array<{id: string; hosts: string[]; title: string}>;
	hosts: Array<{name: string; reached: boolean; problem?: string; reason?: string; report: null | {snapshot: {container: {state: string; view?: {state: string}}; datadir: {verdict: string; datadir: string}}}}>;
};

/** `glance-inspector --fleet ... --json`: the exit code and the report (the tool exits 0-3 with a report). */
async function fleetJson(...args: string[]): Promise<{code: number; report: FleetJson}> {
	const child = run('node', [`${repoRoot}dist/cli.js`, '--ssh-config', sshConfig, '--fleet-command', remoteCommand, '--json', ...args], {timeout: 120_000, maxBuffer: 64 * 1024 * 1024});
	try {
		const {stdout} = await child;
		return {code: 0, report: JSON.parse(stdout) as FleetJson};
	} catch (error) {
		const failed = error as {code?: number; stdout?: string; stderr?: string};
		if (typeof failed.code !== 'number' || !failed.stdout) throw error;
		return {code: failed.code, report: JSON.parse(failed.stdout) as FleetJson};
	}
}

const viewOf = (report: FleetJson, name: string) => report.hosts.find(host => host.name === name)?.report?.snapshot.container.view?.state;

beforeAll(async () => {
	await fleetScript('up');
}, 300_000);

afterAll(async () => {
	await fleetScript('thaw', '3').catch(() => undefined);
	await fleetScript('up');
}, 300_000);

describe('the fleet of three lab controllers', () => {
	it('reaches each over its own sshd and finds each glance_api on its own mount of the share', async () => {
		const {report} = await fleetJson('--fleet', inventory);
		expect(report.hosts.map(host => [host.name, host.reached, host.report?.snapshot.datadir.datadir, viewOf(report, host.name)])).toEqual(
			[1, 2, 3].map(n => [`ctrl${n}`, true, `/srv/glance-lab/fleet/ctrl${n}/images`, 'same']),
		);
		expect(report.findings.map(finding => finding.id)).not.toContain('fleet-container-stale');
	});

	it('names the one host whose share flapped as stale, the others fine, and exits CRITICAL', async () => {
		await fleetScript('flap', '2');
		try {
			const {code, report} = await fleetJson('--fleet', inventory);
			expect(['ctrl1', 'ctrl2', 'ctrl3'].map(name => viewOf(report, name))).toEqual(['same', 'stale', 'same']);
			const stale = report.findings.find(finding => finding.id === 'fleet-container-stale');
			expect(stale?.hosts).toEqual(['ctrl2']);
			expect(stale?.title).toBe('glance_api on ctrl2 sees a stale share while ctrl1, ctrl3 are fine');
			expect(code).toBe(2);
		} finally {
			await fleetScript('up');
		}
	});

	it('names the host whose share is not mounted: another source, another listing, and its glance_api stale', async () => {
		await fleetScript('unmount', '1');
		try {
			const {code, report} = await fleetJson('--fleet', inventory);
			const hostsOf = (id: string) => report.findings.find(finding => finding.id === id)?.hosts;
			expect([hostsOf('fleet-sources-differ'), hostsOf('fleet-listing-differs'), hostsOf('fleet-container-stale')]).toEqual([['ctrl1'], ['ctrl1'], ['ctrl1']]);
			expect(report.findings.find(finding => finding.id === 'fleet-listing-differs')?.title).toBe("The datadir listing on ctrl1 differs from the other controllers'");
			expect(report.hosts[0]!.report?.snapshot.datadir.verdict).toBe('not-mounted');
			expect(code).toBe(2);
		} finally {
			await fleetScript('up');
		}
	});

	it('keeps refreshing the other rows while one host\'s sshd is frozen, and calls that one HUNG', async () => {
		const hosts: FleetHost[] = [1, 2, 3].map(n => ({name: `ctrl${n}`, address: '127.0.0.1', port: 2230 + n, user: 'root', become: false, groups: null}));
		const source = sshFleetSource(hosts, 'lab', {remoteCommand, sshConfig, connectTimeoutSeconds: 5, deadlineMs: 10_000});
		const poller = new FleetPoller(source, 500);
		const until = (wanted: (states: readonly FleetHostState[]) => boolean, what: string) =>
			new Promise<readonly FleetHostState[]>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`never: ${what}; rows: ${JSON.stringify(poller.current().map(state => [state.host.name, state.rounds, state.attempt?.ok ?? null]))}`)), 90_000);
				const check = (states: readonly FleetHostState[]) => {
					if (!wanted(states)) return;
					clearTimeout(timer);
					poller.off('change', check);
					resolve(states);
				};
				poller.on('change', check);
			});
		poller.start();
		try {
			await until(states => states.every(state => state.attempt?.ok), 'every host answered once');
			await fleetScript('freeze', '3');
			const frozenAt = poller.current().map(state => state.rounds);
			const seen = await until(
				states => states[2]!.attempt?.ok === false && states[0]!.rounds >= frozenAt[0]! + 2 && states[1]!.rounds >= frozenAt[1]! + 2,
				'ctrl3 hung while ctrl1 and ctrl2 refreshed twice more',
			);
			const hung = seen[2]!.attempt!;
			expect(hung.ok ? 'ok' : [hung.problem, hung.reason]).toEqual(['hung', 'ctrl3 gave no report within 10 s']);
			expect([seen[0]!.attempt?.ok, seen[1]!.attempt?.ok]).toEqual([true, true]);
			await fleetScript('thaw', '3');
			const back = poller.current()[2]!.rounds;
			await until(states => states[2]!.rounds > back && states[2]!.attempt?.ok === true, 'ctrl3 answered again after the thaw');
		} finally {
			poller.stop();
			await fleetScript('thaw', '3').catch(() => undefined);
			await source.close();
		}
	});

	it('names glance_api running on a host the inventory keeps out of glance-api, and reaches a become host through sudo -n', async () => {
		const file = path.join(scratchDir('fleet-inventory-'), 'multinode');
		writeFileSync(
			file,
			['[control]', ...[1, 2, 3].map(n => `ctrl${n} ansible_host=127.0.0.1 ansible_port=223${n} ansible_user=root${n === 2 ? ' ansible_become=true' : ''}`), '', '[glance-api]', 'ctrl1', 'ctrl2', ''].join('\n'),
		);
		const {report} = await fleetJson('--fleet', file);
		// ctrl2's tool ran under sudo -n and kept its controller's settings (lab/fleet.sh's sudoers env_keep).
		expect(report.hosts.map(host => [host.name, host.reached, host.report?.snapshot.datadir.datadir])).toEqual([1, 2, 3].map(n => [`ctrl${n}`, true, `/srv/glance-lab/fleet/ctrl${n}/images`]));
		const unexpected = report.findings.find(finding => finding.id === 'fleet-glance-unexpected');
		expect(unexpected?.hosts).toEqual(['ctrl3']);
		expect(unexpected?.title).toBe('glance_api runs on ctrl3, which the inventory keeps out of the glance-api group');
	});

	it('says per host what stops it: refused, no login, no tool', async () => {
		const {code, report} = await fleetJson('--hosts', 'root@127.0.0.1:2231,root@127.0.0.1:2239,nobody@127.0.0.1:2232');
		expect(report.hosts.map(host => [host.name, host.reached, host.problem ?? null])).toEqual([
			['127.0.0.1:2231', true, null],
			['127.0.0.1:2239', false, 'unreachable'],
			['127.0.0.1:2232', false, 'auth-refused'],
		]);
		expect(report.hosts[1]!.reason).toMatch(/^127\.0\.0\.1:2239 unreachable: .*Connection refused/);
		expect(code).not.toBe(0);
		const missing = await fleetJson('--hosts', 'root@127.0.0.1:2233', '--fleet-command', '/opt/absent/glance-inspector');
		expect(missing.report.hosts[0]!.reason).toBe('glance-inspector not found on 127.0.0.1:2233: copy the release file there');
		expect(missing.code).toBe(3);
	});
});
