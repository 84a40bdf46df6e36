// What ships for the site's monitoring: the dashboard's textfile kept in step with its rounds, a check that
// fails inside still answering, and the shipped rules, runbooks, timer and cron line agreeing with each other.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {runCheck} from '../../source/monitoring/check.js';
import {feedTextfile} from '../../source/monitoring/feed.js';
import {resolveSettings, type Settings} from '../../source/settings.js';
import {emptySnapshot, SnapshotPoller} from '../../source/world/poller.js';
import {createSimulatedWorld, simulatedDatadir, type SimulatedWorld} from '../../source/world/simulated/simulated-world.js';
import {scratchDir} from '../support/scratch.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const read = (relative: string) => readFileSync(path.join(repo, relative), 'utf8');

function settings(): Settings {
	const resolved = resolveSettings({flags: {datadir: simulatedDatadir}, env: {}, globals: {path: '/nonexistent', text: null, readError: null}, containerGlanceSource: null});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	return resolved.value;
}

async function waitForFile(file: string, wanted: (text: string) => boolean): Promise<string> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
		if (wanted(text)) return text;
		await new Promise(resolve => setTimeout(resolve, 25));
	}
	throw new Error(`${file} never showed what was wanted; last:\n${existsSync(file) ? readFileSync(file, 'utf8') : '(absent)'}`);
}

const stamp = (text: string) => Number(/^glance_inspector_last_run_timestamp_seconds (\S+)$/m.exec(text)?.[1] ?? Number.NaN);

describe('the dashboard textfile', () => {
	let world: SimulatedWorld | null = null;
	let poller: SnapshotPoller | null = null;
	afterEach(async () => {
		poller?.stop();
		await world?.close();
	});

	it('is written after the poller rounds and rewritten with each new one', async () => {
		world = createSimulatedWorld('flapped', {speed: 1000, probeTimeoutMs: 100});
		poller = new SnapshotPoller(world, 200);
		const file = path.join(scratchDir('gi-feed-'), 'glance-inspector.prom');
		const feed = feedTextfile(poller, file, settings());
		poller.start();
		const first = await waitForFile(file, text => /^glance_inspector_container_view_stale 1$/m.test(text));
		expect(first).toMatch(/^glance_inspector_up 1$/m);
		const later = await waitForFile(file, text => stamp(text) > stamp(first));
		expect(later).toContain('glance_inspector_finding{id="container-stale-mount",severity="critical"} 1');
		feed.stop();
		expect(feed.lastProblem()).toBeNull();
	});

	it('remembers why a write failed, for the line printed once the dashboard has left', async () => {
		world = createSimulatedWorld('healthy', {speed: 1000, probeTimeoutMs: 100});
		poller = new SnapshotPoller(world, 200);
		const feed = feedTextfile(poller, '/nonexistent-dir/glance-inspector.prom', settings());
		poller.start();
		for (let attempt = 0; attempt < 200 && feed.lastProblem() === null; attempt++) await new Promise(resolve => setTimeout(resolve, 25));
		expect(feed.lastProblem()).toContain('cannot write the Prometheus textfile /nonexistent-dir/glance-inspector.prom');
		feed.stop();
	});
});

describe('a check that fails inside', () => {
	it('answers UNKNOWN with the reason, and the run as not completed', async () => {
		const broken = {snapshot: emptySnapshot, collect: () => Promise.reject(new Error('docker socket vanished'))};
		const result = await runCheck(broken, settings(), {seconds: 5, remainingMs: 5000});
		expect(result.status).toBe('unknown');
		expect(result.exitCode).toBe(3);
		expect(result.incomplete).toBe('internal error: docker socket vanished');
		expect(result.run.completed).toBe(false);
	});
});

type Rule = {alert: string; expr: string; for?: string; labels: {severity: string}; annotations: Record<string, string>};

describe('the shipped monitoring files', () => {
	const rules = (parse(read('monitoring/glance-inspector.rules.yml')) as {groups: Array<{rules: Rule[]}>}).groups.flatMap(group => group.rules);

	it('gives every alert a runbook in the repo, in the CHI-in-a-box shape', () => {
		expect(rules.length).toBeGreaterThanOrEqual(9);
		for (const rule of rules) {
			const page = rule.annotations['runbook_url']!;
			expect(page).toBe(`monitoring/runbooks/${rule.alert}.md`);
			const text = read(page);
			for (const section of ['**Summary**:', '**Consequences**:', '### Possible causes', '### Diagnosis', '### Resolution']) expect(text, `${page}: ${section}`).toContain(section);
		}
	});

	it('sends the share and container alerts to the guided remount', () => {
		for (const alert of ['GlanceShareDead', 'GlanceShareNotMounted', 'GlanceContainerViewStale', 'GlanceImagesMissingFile']) {
			expect(read(`monitoring/runbooks/${alert}.md`)).toContain('Run `glance-inspector` on the controller (as root, in a terminal) and follow the guided remount');
		}
	});

	it('tests every alert with promtool, firing and resolving', () => {
		const tests = (parse(read('monitoring/glance-inspector.rules.test.yml')) as {tests: Array<{alert_rule_test: Array<{alertname: string; exp_alerts: unknown[]}>}>}).tests.flatMap(each => each.alert_rule_test);
		for (const rule of rules) {
			const cases = tests.filter(each => each.alertname === rule.alert);
			expect(cases.some(each => each.exp_alerts.length > 0), `${rule.alert} fires`).toBe(true);
			expect(cases.some(each => each.exp_alerts.length === 0), `${rule.alert} resolves`).toBe(true);
		}
	});

	it('runs the check every minute, killed before the next starts, after --timeout has answered', () => {
		const service = read('monitoring/systemd/glance-inspector.service');
		const timer = read('monitoring/systemd/glance-inspector.timer');
		const cron = read('monitoring/glance-inspector.cron');
		expect(timer).toMatch(/^OnCalendar=minutely$/m);
		const unitKill = Number(/^TimeoutStartSec=(\d+)$/m.exec(service)![1]);
		const unitAnswer = Number(/--timeout (\d+)/.exec(service)![1]);
		expect(unitAnswer).toBeLessThan(unitKill);
		expect(unitKill).toBeLessThan(60);
		expect(service).toMatch(/^ExecStart=\S+ --once .*--prometheus-textfile \S+\.prom$/m);
		const line = cron.split('\n').find(each => each.startsWith('* * * * * '))!;
		const [, cronKill, cronAnswer] = /timeout -k \d+ (\d+) .* --timeout (\d+) /.exec(line)!;
		expect(Number(cronAnswer)).toBeLessThan(Number(cronKill));
		expect(Number(cronKill)).toBeLessThan(60);
		expect(line).toContain('flock -n');
	});
});
