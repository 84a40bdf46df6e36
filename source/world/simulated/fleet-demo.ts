// The training fleet: three simulated controllers behind one HAProxy, one of them flapped. Each host's report
// is its simulator's own --json, written and read back exactly as a real host's over ssh would be. Nothing
// here touches the real machine, nor the single-host scenarios' saved state.
import {Writable} from 'node:stream';
import type {FleetSource} from '../../fleet/source.js';
import {writeJsonReport} from '../../json-report.js';
import {deriveFindings} from '../../model/findings.js';
import type {FleetHost} from '../../model/fleet-inventory.js';
import {parseHostReport, type HostAttempt} from '../../model/fleet.js';
import {inventoryOfSnapshot} from '../../model/inventory.js';
import {findingContext, type Settings} from '../../settings.js';
import {SnapshotPoller} from '../poller.js';
import type {ScenarioName} from './scenarios.js';
import {createSimulatedWorld} from './simulated-world.js';
import {fleetScenario} from './fleet-scenario.js';


const kollaGroups = ['all', 'baremetal', 'common', 'control', 'glance', 'glance-api'];

/** Each simulated controller and the single-host scenario it plays (Enter opens that scenario's dashboard). */
const controllers: ReadonlyArray<{name: string; scenario: ScenarioName}> = [
	{name: 'sim-ctrl1', scenario: 'healthy'},
	{name: 'sim-ctrl2', scenario: 'flapped'},
	{name: 'sim-ctrl3', scenario: 'healthy'},
];

function collectText(): {stream: Writable; text: () => string} {
	const chunks: string[] = [];
	const stream = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			chunks.push(chunk.toString());
			callback();
		},
	});
	return {stream, text: () => chunks.join('')};
}

/** The training fleet; `version` goes in each report as a real host's would. */
export function simulatedFleetSource(settings: Settings, version: string): FleetSource {
	const hosts: FleetHost[] = controllers.map(each => ({name: each.name, address: each.name, port: null, user: null, become: false, groups: kollaGroups}));
	const worlds = new Map(
		controllers.map(each => {
			const world = createSimulatedWorld(each.scenario, {probeTimeoutMs: settings.probeTimeoutSeconds.value * 1000, container: settings.container.value});
			return [each.name, {world, poller: new SnapshotPoller(world, settings.refreshSeconds.value * 1000, Date.now, settings.inventoryRefreshSeconds.value * 1000)}];
		}),
	);
	return {
		hosts,
		origin: `the training fleet (${fleetScenario.name})`,
		world: 'simulated',
		async fetch(host): Promise<HostAttempt> {
			const started = Date.now();
			const {world, poller} = worlds.get(host.name)!;
			const snapshot = await poller.collect();
			const inventory = inventoryOfSnapshot(snapshot);
			const findings = deriveFindings(snapshot, findingContext(settings, {now: Date.now(), inventory}));
			const output = collectText();
			await writeJsonReport(output.stream, snapshot, findings, settings, inventory, {label: host.name, version, world: world.kind});
			const parsed = parseHostReport(output.text());
			const base = {at: Date.now(), tookMs: Date.now() - started};
			return parsed.ok ? {...base, ok: true, report: parsed.report} : {...base, ok: false, problem: 'bad-output', reason: parsed.reason, hint: 'a bug in the simulator'};
		},
		dashboard(host) {
			const scenario = controllers.find(each => each.name === host.name)!.scenario;
			return {command: process.execPath, args: [process.argv[1]!, '--demo', scenario]};
		},
		async close() {
			await Promise.all([...worlds.values()].map(each => each.world.close()));
		},
	};
}
