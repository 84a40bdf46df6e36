// The site's monitoring on real parts: Debian's promtool, prometheus-node-exporter (textfile collector),
// prometheus (lab/monitoring.sh, 127.0.0.1:19100 and :19090, the shipped rules as they are) and nagios4 running
// the check, the real share flapped, frozen and killed under the tool.
import {execFile} from 'node:child_process';
import {rmSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

const binary = `${process.execPath} ${repoRoot}/bin/glance-inspector.js`;
const options = `--datadir ${lab.LAB_DATADIR} --probe-timeout 2`;

let monitoring: Record<string, string> = {};
let textfile = '';

beforeAll(async () => {
	const output = await sh(`bash ${repoRoot}/lab/monitoring.sh`, 300_000);
	monitoring = Object.fromEntries([...output.matchAll(/^(MON_[A-Z_]+)=(.*)$/gm)].map(match => [match[1]!, match[2]!]));
	textfile = `${monitoring['MON_TEXTFILE_DIR']}/glance-inspector.prom`;
	rmSync(textfile, {force: true});
}, 300_000);

afterAll(async () => {
	await labScript('heal');
});

/** One run of the check, resolved when its output pipes close (as a scheduler reads them), with how long that took. */
function check(extra: string): Promise<{code: number; stdout: string; stderr: string; tookMs: number}> {
	const started = Date.now();
	return new Promise(resolve => {
		execFile('bash', ['-c', `exec ${binary} --once ${options} --prometheus-textfile ${textfile} ${extra}`], {timeout: 60_000}, (error, stdout, stderr) => {
			resolve({code: error ? Number(error.code) : 0, stdout, stderr, tookMs: Date.now() - started});
		});
	});
}

type Alert = {labels: {alertname: string}; state: 'pending' | 'firing'};

async function alerts(): Promise<Alert[]> {
	const response = await fetch(`${monitoring['MON_PROMETHEUS_URL']}/api/v1/alerts`);
	return ((await response.json()) as {data: {alerts: Alert[]}}).data.alerts;
}

async function waitForAlerts(wanted: (active: Alert[]) => boolean, what: string): Promise<Alert[]> {
	let last: Alert[] = [];
	for (let attempt = 0; attempt < 150; attempt++) {
		last = await alerts();
		if (wanted(last)) return last;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
	throw new Error(`Prometheus never showed ${what}; last alerts: ${JSON.stringify(last.map(alert => `${alert.labels.alertname} ${alert.state}`))}`);
}

const staleView = (alert: Alert) => alert.labels.alertname === 'GlanceContainerViewStale';

type NagiosStatus = {state: number; output: string; perfdata: string; lastCheck: number};

async function nagiosStatus(): Promise<NagiosStatus | null> {
	const status = await sh(`cat ${monitoring['MON_NAGIOS_DIR']}/status.dat 2>/dev/null || true`);
	const block = /^servicestatus \{\n([\s\S]*?)\n\s*\}/m.exec(status)?.[1];
	if (!block) return null;
	const field = (name: string) => new RegExp(`^\\s*${name}=(.*)$`, 'm').exec(block)?.[1] ?? '';
	return {state: Number(field('current_state')), output: field('plugin_output'), perfdata: field('performance_data'), lastCheck: Number(field('last_check'))};
}

/** Has the real Nagios run the check now (a forced check on its command pipe) and returns what it recorded. */
async function nagiosCheck(): Promise<NagiosStatus> {
	const asked = Math.floor(Date.now() / 1000);
	await sh(`printf '[%d] SCHEDULE_FORCED_SVC_CHECK;${monitoring['MON_NAGIOS_HOST']};${monitoring['MON_NAGIOS_SERVICE']};%d\\n' ${asked} ${asked} > ${monitoring['MON_NAGIOS_DIR']}/nagios.cmd`);
	for (let attempt = 0; attempt < 150; attempt++) {
		const status = await nagiosStatus();
		if (status && status.lastCheck >= asked) return status;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
	throw new Error(`nagios4 never recorded a check asked at ${asked}: ${JSON.stringify(await nagiosStatus())}`);
}

async function scrape(): Promise<string> {
	return (await fetch(`${monitoring['MON_EXPORTER_URL']}/metrics`)).text();
}

describe('promtool on the shipped files and on real output', () => {
	it('passes check rules, the rule unit tests, and check metrics on a real --once textfile', async () => {
		expect(await sh(`cd ${repoRoot}/monitoring && promtool check rules glance-inspector.rules.yml 2>&1`)).toMatch(/SUCCESS: 9 rules found/);
		expect(await sh(`cd ${repoRoot}/monitoring && promtool test rules glance-inspector.rules.test.yml 2>&1`)).toContain('SUCCESS');
		const run = await check('');
		// Healthy: OK first, with any notes (no Glance credentials on the lab is one) after.
		expect(run.stdout).toMatch(/^GLANCE OK: datadir mounted and answering, container sees the same mount(; \d+ notes?: [^|]*)? \| 'datadir_used'=/);
		// check metrics prints lint problems and exits non-zero on any; sh() throws on a non-zero exit.
		expect(await sh(`promtool check metrics < ${textfile} 2>&1; echo "exit=$?"`)).toBe('exit=0\n');
		expect(await scrape()).toMatch(/^glance_inspector_up 1$/m);
	});
});

describe('the real prometheus and nagios4 on a flapped share', () => {
	it('shows GlanceContainerViewStale pending and Nagios CRITICAL after a flap, and both clear after a heal', async () => {
		await labScript('flap');
		const flapped = await check('');
		expect(flapped.code).toBe(2);
		expect(flapped.stdout).toMatch(/^GLANCE CRITICAL: .*glance_api holds the old share/);
		const active = await waitForAlerts(list => list.some(staleView), 'GlanceContainerViewStale');
		// The shipped rule waits 2 minutes before firing: pending is what a minute-old flap shows.
		expect(active.find(staleView)!.state).toMatch(/pending|firing/);

		// The real Nagios runs the same check and records its state, output and performance data.
		const nagios = await nagiosCheck();
		expect(nagios.state).toBe(2);
		expect(nagios.output).toMatch(/^GLANCE CRITICAL: .*glance_api holds the old share/);
		expect(nagios.perfdata).toMatch(/^'datadir_used'=[0-9.]+%;80;90;0;100 'datadir_free'=\d+B;;;0;\d+ .*'probe_time'=[0-9.]+s;;2;0/);

		await labScript('heal');
		const healed = await check('');
		expect(healed.stdout).not.toContain('container-stale-mount');
		await waitForAlerts(list => !list.some(staleView), 'GlanceContainerViewStale gone');
		const nagiosHealed = await nagiosCheck();
		expect(nagiosHealed.state).toBeLessThan(2);
		expect(nagiosHealed.output).toMatch(/^GLANCE (OK|WARNING|UNKNOWN): /);
	});
});

describe('a check on a hung share', () => {
	afterAll(async () => {
		await labScript('thaw');
	});

	it('answers UNKNOWN at --timeout, its pipes closed, while the share stays frozen; the textfile says up 0', async () => {
		await labScript('freeze');
		const run = await check('--probe-timeout 30 --timeout 3');
		expect(run.code).toBe(3);
		expect(run.stdout).toMatch(/^GLANCE UNKNOWN: check timed out after 3 s waiting for the datadir probe/);
		// The answer and the end of both pipes came by the deadline, with the probe still stuck in the kernel.
		expect(run.tookMs).toBeLessThan(8000);
		expect(await sh(`cat ${textfile}`)).toMatch(/^glance_inspector_up 0$/m);
		expect(await sh(`bash ${repoRoot}/lab/status.sh | grep '^share='`)).toBe('share=hung\n');
	});
});

describe('the dashboard writing the textfile while the share daemon is killed', () => {
	let terminal: Terminal;
	afterAll(async () => {
		await terminal?.close();
	});

	it('never lets the collector read a partial file, across the kill, the dead share and the heal', async () => {
		rmSync(textfile, {force: true});
		terminal = await openTerminal(`${binary} ${options} --refresh 1 --prometheus-textfile ${textfile}`);
		await terminal.waitFor('same mount as the host', 30_000);
		const scrapes: string[] = [];
		let scraping = true;
		const scraper = (async () => {
			while (scraping) {
				scrapes.push(await scrape());
				await new Promise(resolve => setTimeout(resolve, 20));
			}
		})();
		const seen = async (pattern: RegExp) => {
			for (let attempt = 0; attempt < 300 && !pattern.test(scrapes.at(-1) ?? ''); attempt++) await new Promise(resolve => setTimeout(resolve, 100));
			expect(scrapes.at(-1)).toMatch(pattern);
		};
		await seen(/^glance_inspector_container_view_stale 0$/m);
		await labScript('flap');
		await seen(/^glance_inspector_container_view_stale 1$/m);
		await labScript('heal');
		await seen(/^glance_inspector_container_view_stale 0$/m);
		// A quick heal can leave few rewrites to read: the scrapes go on until there are enough of both.
		const runStamp = (text: string) => /^glance_inspector_last_run_timestamp_seconds (\S+)$/m.exec(text)?.[1];
		const enough = () => {
			const whole = scrapes.filter(text => /^glance_inspector_up /m.test(text));
			return whole.length > 50 && new Set(whole.map(runStamp)).size > 5;
		};
		for (let attempt = 0; attempt < 300 && !enough(); attempt++) await new Promise(resolve => setTimeout(resolve, 100));
		scraping = false;
		await scraper;

		const withFile = scrapes.filter(text => /^glance_inspector_up /m.test(text));
		expect(withFile.length).toBeGreaterThan(50);
		for (const text of scrapes) expect(text).toMatch(/^node_textfile_scrape_error 0$/m);
		// Every scrape carries the whole file: its first family and its last, and all six mount states.
		for (const text of withFile) {
			expect(text).toMatch(/^glance_inspector_last_run_timestamp_seconds \S+$/m);
			expect(text.match(/^glance_inspector_mount_state\{/gm)?.length).toBe(6);
			expect(text).toMatch(/^# TYPE glance_inspector_probe_duration_seconds gauge$/m);
		}
		const rewrites = new Set(withFile.map(runStamp));
		expect(rewrites.size).toBeGreaterThan(5);
	});
});
