// The node_exporter textfile: the exposition text it reads, the metrics a run gives, and the atomic write that
// never leaves a half file where the collector could read it.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {expositionText, type MetricFamily} from '../../source/monitoring/metrics.js';
import {textfilePathProblem, writeTextfile} from '../../source/monitoring/textfile.js';
import {scratchDir} from '../support/scratch.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

// One sample line of the text format: name, optional {label="value",...} with \\, \" and \n escapes, a value.
const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/;

type Sample = {name: string; labels: Record<string, string>; value: number};

/** Parses the text format strictly: every line a HELP, a TYPE or a sample; anything else throws. */
function parseExposition(text: string): Sample[] {
	expect(text.endsWith('\n')).toBe(true);
	const samples: Sample[] = [];
	for (const line of text.slice(0, -1).split('\n')) {
		if (/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
		const match = sampleLine.exec(line);
		if (!match) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
		const labels: Record<string, string> = {};
		for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
			labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
		}
		// The format writes infinities as +Inf and -Inf, which Number() does not read.
		samples.push({name: match[1]!, labels, value: match[3] === '+Inf' ? Number.POSITIVE_INFINITY : match[3] === '-Inf' ? Number.NEGATIVE_INFINITY : Number(match[3])});
	}
	return samples;
}

function runOnce(args: string[]): {code: number | null; stdout: string; stderr: string; samples: Sample[]; file: string} {
	const file = path.join(scratchDir('gi-prom-'), 'glance-inspector.prom');
	const result = spawnSync(process.execPath, [cli, '--once', '--prometheus-textfile', file, ...args], {encoding: 'utf8', timeout: 30_000, env: {PATH: process.env['PATH'], XDG_STATE_HOME: scratchDir('gi-state-')}});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr, samples: existsSync(file) ? parseExposition(readFileSync(file, 'utf8')) : [], file};
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
	return samples.find(sample => sample.name === `glance_inspector_${name}` && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))?.value;
}

describe('the textfile of a --once run', () => {
	it('tells a flapped share: the stale view, the running container, the finding, the mount state', () => {
		const before = Date.now() / 1000;
		const {code, samples} = runOnce(['--demo', 'flapped']);
		expect(code).toBe(2);
		expect(value(samples, 'up')).toBe(1);
		expect(value(samples, 'last_run_timestamp_seconds')).toBeGreaterThanOrEqual(before - 1);
		expect(value(samples, 'run_duration_seconds')).toBeGreaterThan(0);
		expect(value(samples, 'container_view_stale')).toBe(1);
		expect(value(samples, 'container_running')).toBe(1);
		expect(value(samples, 'finding', {id: 'container-stale-mount', severity: 'critical'})).toBe(1);
		const states = samples.filter(sample => sample.name === 'glance_inspector_mount_state');
		expect(states.filter(sample => sample.value === 1).map(sample => sample.labels['state'])).toEqual(['responsive']);
		expect(states.map(sample => sample.labels['state'])).toEqual(expect.arrayContaining(['responsive', 'unresponsive', 'dead', 'not-mounted']));
		// Base units: bytes, not GiB; seconds, not ms.
		expect(value(samples, 'datadir_bytes', {kind: 'total'})).toBe(2 * 1024 ** 4);
		expect(value(samples, 'probe_duration_seconds', {probe: 'datadir'})).toBeLessThan(1);
	});

	it('has no finding sample for a finding that is absent, and the stale view at 0 once healthy', () => {
		const {code, samples} = runOnce(['--demo', 'healthy']);
		expect(code).toBe(0);
		expect(samples.filter(sample => sample.name === 'glance_inspector_finding')).toEqual([]);
		expect(value(samples, 'container_view_stale')).toBe(0);
		expect(value(samples, 'images', {verdict: 'ok'})).toBe(7);
	});

	it('keeps one series per verdict however many images there are: no label per image', () => {
		const drift = runOnce(['--demo', 'drift']).samples;
		const names = new Set(drift.map(sample => sample.name));
		for (const name of names) {
			for (const sample of drift.filter(each => each.name === name)) expect(Object.keys(sample.labels).every(key => ['id', 'severity', 'state', 'kind', 'verdict', 'probe'].includes(key))).toBe(true);
		}
		expect(drift.filter(sample => sample.name === 'glance_inspector_images').length).toBe(runOnce(['--demo', 'healthy']).samples.filter(sample => sample.name === 'glance_inspector_images').length);
	});

	it('says up 0 with the known state when the check gives up at --timeout', () => {
		const {code, samples} = runOnce(['--demo', 'hung', '--probe-timeout', '20', '--timeout', '1']);
		expect(code).toBe(3);
		expect(value(samples, 'up')).toBe(0);
		expect(samples.filter(sample => sample.name === 'glance_inspector_images')).toEqual([]);
	});

	it('refuses a name the collector would never read, before running anything', () => {
		expect(textfilePathProblem('/var/lib/prometheus/node-exporter/glance.prom')).toBeNull();
		const result = spawnSync(process.execPath, [cli, '--once', '--demo', 'healthy', '--prometheus-textfile', '/tmp/glance.txt'], {encoding: 'utf8'});
		expect(result.status).toBe(3);
		expect(result.stderr).toContain('does not end in .prom');
	});

	it('still answers the check when the textfile cannot be written, and says why on stderr', () => {
		const result = spawnSync(process.execPath, [cli, '--once', '--demo', 'healthy', '--prometheus-textfile', '/nonexistent-dir/glance.prom'], {encoding: 'utf8', env: {PATH: process.env['PATH'], XDG_STATE_HOME: scratchDir('gi-state-')}});
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/^GLANCE OK: /);
		expect(result.stderr).toContain('cannot write the Prometheus textfile /nonexistent-dir/glance.prom');
	});
});

describe('the exposition text', () => {
	it('escapes any label value so it parses back the same (property)', () => {
		fc.assert(
			fc.property(fc.string({maxLength: 30}), fc.double({noNaN: true}), (text, number) => {
				const families: MetricFamily[] = [{name: 'glance_inspector_finding', help: 'help with \\ and\nnewline', samples: [{labels: {id: text, severity: 'info'}, value: number}]}];
				const [sample] = parseExposition(expositionText(families));
				expect(sample!.labels).toEqual({id: text, severity: 'info'});
				expect(sample!.value === number).toBe(true);
			}),
		);
	});
});

describe('the atomic write', () => {
	it('never shows a reader in another process a partial file while it is rewritten, and leaves no temporary file', async () => {
		const directory = scratchDir('gi-atomic-');
		const file = path.join(directory, 'glance-inspector.prom');
		const stop = path.join(scratchDir('gi-atomic-stop-'), 'stop');
		// Each version says its own length on its first line: a partial read cannot match it.
		const versions = Array.from({length: 20}, (_, index) => {
			const body = 'glance_inspector_up 1\n'.repeat(2000 + index * 100);
			return `# bytes ${body.length}\n${body}`;
		});
		const reader = spawn(process.execPath, ['-e', `
			const fs = require('node:fs');
			let reads = 0, partial = 0;
			fs.writeSync(1, 'ready\\n');
			while (!fs.existsSync(${JSON.stringify(stop)})) {
				let text;
				try { text = fs.readFileSync(${JSON.stringify(file)}, 'utf8'); } catch { continue; }
				if (++reads % 20 === 0) fs.writeSync(1, 'reads ' + reads + '\\n');
				const header = /^# bytes (\\d+)\\n/.exec(text);
				if (!header || text.length !== header[0].length + Number(header[1])) partial++;
			}
			fs.writeSync(1, JSON.stringify({reads, partial}) + '\\n');
		`]);
		let report = '';
		reader.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
		const exited = new Promise(resolve => reader.on('close', resolve));
		const readsSoFar = () => Number(/reads (\d+)\n(?![\s\S]*reads)/.exec(report)?.[1] ?? 0);
		while (!report.startsWith('ready\n')) await new Promise(resolve => setTimeout(resolve, 10));
		// The versions are written over and over until the reader has read the file a good many times.
		for (let round = 0; round === 0 || (readsSoFar() < 200 && round < 200); round++) {
			for (const text of versions) expect((await writeTextfile(file, text)).ok).toBe(true);
		}
		writeFileSync(stop, '');
		await exited;
		const {reads, partial} = JSON.parse(report.trim().split('\n').at(-1)!) as {reads: number; partial: number};
		expect(reads).toBeGreaterThan(0);
		expect(partial).toBe(0);
		expect(readFileSync(file, 'utf8')).toBe(versions.at(-1));
		expect(readdirSync(directory)).toEqual(['glance-inspector.prom']);
	}, 20_000);

	it('names the file and leaves nothing behind when the directory is missing', async () => {
		const result = await writeTextfile('/nonexistent-dir/x.prom', 'x\n');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problem.reason).toContain('/nonexistent-dir/x.prom');
	});
});
