// Renders the real App on the training simulator, as the UI tests need it.
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach} from 'vitest';
import {App} from '../../source/app.js';
import {RecoveryRunner} from '../../source/runbook/recovery/runner.js';
import {RemountRunner, remountSettingsFrom} from '../../source/runbook/runner.js';
import {resolveSettings, type Flags} from '../../source/settings.js';
import {TerminalSizeContext} from '../../source/ui/hooks/use-terminal-size.js';
import {createTheme, ThemeContext} from '../../source/ui/theme.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import {ChecksumVerifier} from '../../source/world/verifier.js';
import {scenarios, type ScenarioName} from '../../source/world/simulated/scenarios.js';
import {createSimulatedWorld} from '../../source/world/simulated/simulated-world.js';
import {scratchDir} from '../support/scratch.js';

export function renderApp(
	scenario: ScenarioName,
	options: {columns?: number; rows?: number; env?: NodeJS.ProcessEnv; flags?: Flags; probeTimeoutMs?: number; remount?: {dryRun?: boolean; auditLog?: string}} = {},
) {
	const world = createSimulatedWorld(scenario, {probeTimeoutMs: options.probeTimeoutMs ?? 150, speed: 50});
	const resolved = resolveSettings({
		// A test that does not ask for the remount runs read-only, as an operator would who wants no changes.
		flags: {refresh: 0.2, ...(options.remount ? {} : {readOnly: true}), ...options.flags},
		env: {},
		globals: {path: '/nonexistent', text: null, readError: null},
		containerGlanceSource: null,
	});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	const settings = resolved.value;
	const poller = new SnapshotPoller(world, settings.refreshSeconds.value * 1000);
	const verifier = new ChecksumVerifier(world);
	const auditLog = options.remount?.auditLog ?? path.join(scratchDir('gi-audit-'), 'audit.jsonl');
	// The runner polls Docker every 2 s in real life; the simulator answers at once, so the test need not wait.
	const createRemount = () =>
		new RemountRunner({world, snapshots: poller, env: {USER: 'trainee'}, settings: {...remountSettingsFrom(settings, {dryRun: options.remount?.dryRun ?? false, auditLog}), pollIntervalMs: 20, healthWaitMs: 20_000}});
	const createRecovery = settings.readOnly.value ? null : (targets: ConstructorParameters<typeof RecoveryRunner>[0]['targets']) => new RecoveryRunner({world, targets, datadir: settings.datadir.value, parentMountpoint: '/', auditLog, env: {USER: 'trainee'}});
	const tree = (columns: number, rows: number) => (
		<ThemeContext.Provider value={createTheme(options.env ?? {})}>
			<TerminalSizeContext.Provider value={{columns, rows}}>
				<App poller={poller} verifier={verifier} label={world.label} settings={settings} lesson={scenarios.find(each => each.name === scenario)?.lesson} createRemount={createRemount} createRecovery={createRecovery} />
			</TerminalSizeContext.Provider>
		</ThemeContext.Provider>
	);
	const instance = render(tree(options.columns ?? 80, options.rows ?? 24));
	/** The terminal resized under the running App. */
	const resize = (columns: number, rows: number) => instance.rerender(tree(columns, rows));
	const frame = (): string => instance.lastFrame() ?? '';
	/** Waits for content, never for a fixed time; fails with the last frame. */
	const waitFor = async (wanted: string | RegExp, timeoutMs = 15_000): Promise<string> => {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const current = frame();
			if (typeof wanted === 'string' ? current.includes(wanted) : wanted.test(current)) return current;
			await new Promise(resolve => setTimeout(resolve, 20));
		}
		throw new Error(`the frame never showed ${String(wanted)}; last frame:\n${frame()}`);
	};
	const press = async (keys: string): Promise<void> => {
		instance.stdin.write(keys);
		await new Promise(resolve => setTimeout(resolve, 30));
	};
	const close = async (): Promise<void> => {
		instance.unmount();
		await world.close();
	};
	return {...instance, world, poller, verifier, auditLog, frame, waitFor, press, close, resize};
}

/** The frame without ANSI escapes, for layout checks. */
export function plain(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/\u001B\[[0-9;]*m/g, '');
}

/** One App per test, closed after it: `const open = appFixture();` then `const app = open('flapped')`. */
export function appFixture(): (...args: Parameters<typeof renderApp>) => ReturnType<typeof renderApp> {
	let current: ReturnType<typeof renderApp> | null = null;
	afterEach(async () => {
		await current?.close();
		current = null;
	});
	return (...args) => {
		current = renderApp(...args);
		return current;
	};
}
