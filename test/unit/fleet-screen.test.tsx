// The fleet screen on the training fleet, drawn by ink-testing-library at 80×24.
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {FleetPoller} from '../../source/fleet/poller.js';
import type {FleetSource} from '../../source/fleet/source.js';
import type {FleetHost} from '../../source/model/fleet-inventory.js';
import {resolveSettings} from '../../source/settings.js';
import {FleetApp} from '../../source/ui/fleet/fleet-app.js';
import {TerminalSizeContext} from '../../source/ui/hooks/use-terminal-size.js';
import {createTheme, ThemeContext} from '../../source/ui/theme.js';
import {simulatedFleetSource} from '../../source/world/simulated/fleet-demo.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Thirty hosts that all refuse the connection. */
function refusingFleet(): FleetSource {
	const hosts: FleetHost[] = Array.from({length: 30}, (_, index) => ({name: `ctrl${index + 1}`, address: 'x', port: null, user: null, become: false, groups: null}));
	return {
		hosts,
		origin: 'thirty',
		world: 'real',
		fetch: async host => ({at: Date.now(), tookMs: 1, ok: false, problem: 'unreachable', reason: `${host.name} unreachable: Connection refused`, hint: 'check it'}),
		dashboard: () => ({command: 'true', args: []}),
		close: async () => undefined,
	};
}

async function renderFleet(visit: (host: FleetHost) => Promise<number | null>, given?: FleetSource) {
	const settings = resolveSettings({flags: {}, env: {}, globals: {path: '/nonexistent', text: null, readError: null}, containerGlanceSource: null, demo: true});
	if (!settings.ok) throw new Error(settings.problem.reason);
	const source = given ?? simulatedFleetSource(settings.value, '0.0.0-test');
	const poller = new FleetPoller(source, 60_000);
	await poller.collect();
	const instance = render(
		<ThemeContext.Provider value={createTheme({})}>
			<TerminalSizeContext.Provider value={{columns: 80, rows: 24}}>
				<FleetApp poller={poller} origin={source.origin} settings={[{name: 'fleet', value: source.origin, source: 'the training fleet'}]} visit={visit} />
			</TerminalSizeContext.Provider>
		</ThemeContext.Provider>,
	);
	cleanups.push(async () => {
		instance.unmount();
		poller.stop();
		await source.close();
	});
	const frame = () => instance.lastFrame() ?? '';
	const waitFor = async (wanted: string | RegExp): Promise<string> => {
		const deadline = Date.now() + 5000;
		while (Date.now() < deadline) {
			if (typeof wanted === 'string' ? frame().includes(wanted) : wanted.test(frame())) return frame();
			await new Promise(resolve => setTimeout(resolve, 20));
		}
		throw new Error(`the frame never showed ${String(wanted)}; last frame:\n${frame()}`);
	};
	return {instance, waitFor};
}

describe('the fleet screen', () => {
	it('fits 80×24 with a row a controller, the stale one marked, and the cross-host finding below', async () => {
		const {waitFor} = await renderFleet(async () => 0);
		const frame = await waitFor('Across hosts (1)');
		const lines = frame.split('\n');
		expect(lines.length).toBeLessThanOrEqual(24);
		expect(lines.every(line => [...line].length <= 80)).toBe(true);
		expect(lines.filter(line => /sim-ctrl\d/.test(line) && /ok +responsive/.test(line)).map(line => /up\/\w+/.exec(line)?.[0])).toEqual(['up/same', 'up/stale', 'up/same']);
		expect(lines[0]).toMatch(/^glance-inspector fleet · 3 hosts · the training fleet.* +CRITICAL *$/);
		expect(lines.at(-1)).toMatch(/^\? help {2}Enter open host {2}j\/k move {2}r refresh {2}q quit/);
	});

	it('opens the host under the cursor, j and Enter typed as one chunk, and says when its dashboard ended badly', async () => {
		const visited: string[] = [];
		const {instance, waitFor} = await renderFleet(async host => {
			visited.push(host.name);
			return 255;
		});
		await waitFor('Across hosts');
		instance.stdin.write('j\r');
		await waitFor('the dashboard on sim-ctrl2 ended with exit 255');
		expect(visited).toEqual(['sim-ctrl2']);
	});

	it("shows the fleet scope's keys in its help", async () => {
		const {instance, waitFor} = await renderFleet(async () => 0);
		await waitFor('Across hosts');
		instance.stdin.write('?');
		const help = await waitFor('Help — keys of the fleet');
		expect(help).toContain("Enter            the host's own dashboard (ssh -t); quit it to come back");
		expect(help).toContain('r                ask every host now');
		expect(help).toMatch(/fleet +the training fleet \(fleet-flapped\) \(the training fleet\)/);
	});

	it('scrolls thirty hosts in 24 rows with the cursor, saying how many are out of sight', async () => {
		const {instance, waitFor} = await renderFleet(async () => 0, refusingFleet());
		const first = await waitFor('more hosts (j/k)');
		expect(first.split('\n').length).toBeLessThanOrEqual(24);
		expect(first).not.toMatch(/ctrl30 /);
		instance.stdin.write('j'.repeat(29));
		const last = await waitFor(/› ctrl30 +UNREACHABLE/);
		expect(last).toContain('ctrl30 unreachable: Connection refused');
		expect(last.split('\n').length).toBeLessThanOrEqual(24);
	});
});
