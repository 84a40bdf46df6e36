// The Nagios / Icinga plugin output: a grammar from the plugin guidelines parses every first line the check
// prints, label and value come back from any label, and the built binary's --once answers in that form.
import {spawnSync} from 'node:child_process';
import {createServer} from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {formatPerfdatum, pluginStatusLine, type Perfdatum} from '../../source/monitoring/nagios.js';
import {scratchDir} from '../support/scratch.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

// The guidelines: 'label'=value[UOM];[warn];[crit];[min];[max]; a quoted label doubles its quotes; the value,
// min and max are [-0-9.]; warn and crit are ranges ([@][start:][end], ~ for -inf); trailing fields may go.
const label = String.raw`(?:'(?:[^']|'')+'|[^'=\s][^=\s]*)`;
const number = String.raw`-?[0-9]+(?:\.[0-9]+)?`;
const range = String.raw`@?(?:(?:${number}|~):)?(?:${number})?`;
const unit = '(?:s|ms|us|%|B|KB|MB|GB|TB|c)?';
const datum = `(${label})=(${number})(${unit})(?:;(${range})(?:;(${range})(?:;(${number})?(?:;(${number})?)?)?)?)?`;
const pluginLine = new RegExp(`^GLANCE (OK|WARNING|CRITICAL|UNKNOWN): ([^|\\n]*?)(?: \\| (${datum}(?: ${datum})*))?$`);

function parsePerfdata(text: string): Array<{label: string; value: number; unit: string}> {
	return [...text.matchAll(new RegExp(datum, 'g'))].map(match => ({label: match[1]!.replace(/^'(.*)'$/, '$1').replaceAll("''", "'"), value: Number(match[2]), unit: match[3]!}));
}

function once(args: string[]) {
	const result = spawnSync(process.execPath, [cli, '--once', ...args], {encoding: 'utf8', timeout: 30_000, env: {PATH: process.env['PATH'], XDG_STATE_HOME: scratchDir('gi-nagios-')}});
	return {code: result.status, stdout: result.stdout, firstLine: result.stdout.split('\n')[0]!};
}

describe('the plugin output', () => {
	it('prints the first line in the guidelines form, with capacity, probe time and image counts', () => {
		const {code, firstLine} = once(['--demo', 'healthy']);
		expect(code).toBe(0);
		const match = pluginLine.exec(firstLine);
		expect(match, firstLine).not.toBeNull();
		expect(match![1]).toBe('OK');
		const perf = new Map(parsePerfdata(match![3]!).map(each => [each.label, each]));
		expect(perf.get('datadir_used')).toMatchObject({unit: '%', value: 45});
		expect(perf.get('datadir_free')?.unit).toBe('B');
		expect(perf.get('inodes_used')?.unit).toBe('%');
		expect(perf.get('probe_time')?.unit).toBe('s');
		expect(perf.get('images_ok')?.value).toBe(7);
		expect(perf.get('images_missing_file')?.value).toBe(0);
		// The capacity thresholds of the settings are the perfdata's warn and crit.
		expect(firstLine).toContain("'datadir_used'=45%;80;90;0;100");
	});

	it('says CRITICAL with the worst finding for a flapped share, the details after the first line', () => {
		const {code, stdout, firstLine} = once(['--demo', 'flapped', '--warn-percent', '70', '--crit-percent', '95']);
		expect(code).toBe(2);
		expect(firstLine).toMatch(pluginLine);
		expect(firstLine).toMatch(/^GLANCE CRITICAL: 1 finding: glance_api holds the old share/);
		expect(firstLine).toContain("'datadir_used'=45%;70;95;0;100");
		expect(stdout.split('\n')[1]).toBe('host: simulator: flapped');
	});

	it('answers UNKNOWN (3) on stdout too for a bad argument, so the scheduler shows why', () => {
		const {code, firstLine} = once(['--refesh', '2']);
		expect(code).toBe(3);
		expect(firstLine).toBe('GLANCE UNKNOWN: unknown flag --refesh (did you mean --refresh?)');
		expect(firstLine).toMatch(pluginLine);
	});

	it('answers UNKNOWN at --timeout when the share hangs longer, naming what was still out', () => {
		const started = Date.now();
		const {code, stdout, firstLine} = once(['--demo', 'hung', '--probe-timeout', '20', '--timeout', '1']);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(code).toBe(3);
		expect(firstLine).toMatch(pluginLine);
		expect(firstLine).toMatch(/^GLANCE UNKNOWN: check timed out after 1 s waiting for the datadir probe/);
		expect(stdout).toContain('incomplete: check timed out after 1 s');
	});

	it('answers UNKNOWN by --timeout even when docker hangs before any probe starts', async () => {
		const socket = path.join(scratchDir('gi-mute-docker-'), 'docker.sock');
		// A docker socket that takes the connection and never says a word.
		const mute = createServer(() => {});
		await new Promise<void>(resolve => mute.listen(socket, resolve));
		try {
			const started = Date.now();
			const result = spawnSync(process.execPath, [cli, '--once', '--timeout', '1', '--globals', '/nonexistent/globals.yml'], {encoding: 'utf8', timeout: 30_000, env: {PATH: process.env['PATH'], DOCKER_HOST: `unix://${socket}`, XDG_STATE_HOME: scratchDir('gi-nagios-')}});
			expect(Date.now() - started).toBeLessThan(8000);
			expect(result.status).toBe(3);
			expect(result.stdout).toBe('GLANCE UNKNOWN: check timed out after 1 s before it could probe (settings, docker or the datadir did not answer)\n');
		} finally {
			mute.close();
		}
	});

	it('keeps the known CRITICAL when the deadline comes after the share was judged hung', () => {
		const {code, firstLine} = once(['--demo', 'hung', '--probe-timeout', '0.3', '--timeout', '20']);
		expect(code).toBe(2);
		expect(firstLine).toMatch(/^GLANCE CRITICAL: /);
		expect(firstLine).toMatch(pluginLine);
		expect(firstLine).toMatch(/'probe_time'=0\.3\d*s;;0\.3;0/);
	});

	it('refuses --timeout without --once or --json, and a --timeout that is not positive', () => {
		expect(spawnSync(process.execPath, [cli, '--demo', 'healthy', '--timeout', '5'], {encoding: 'utf8'}).stderr).toContain('--timeout needs --once or --json');
		expect(once(['--demo', 'healthy', '--timeout', '0']).firstLine).toBe('GLANCE UNKNOWN: --timeout must be a positive number of seconds, got 0');
	});

	it('keeps a | in the summary out of the perfdata', () => {
		expect(pluginStatusLine('warning', 'a | b', [{label: 'x', value: 1, unit: ''}])).toBe("GLANCE WARNING: a / b | 'x'=1");
	});
});

describe('perfdata', () => {
	it('drops trailing empty fields and keeps the empty ones between', () => {
		expect(formatPerfdatum({label: 'probe_time', value: 0.0042, unit: 's', crit: 3, min: 0})).toBe("'probe_time'=0.0042s;;3;0");
		expect(formatPerfdatum({label: 'images_ok', value: 7, unit: ''})).toBe("'images_ok'=7");
		expect(formatPerfdatum({label: "it's", value: 1e21, unit: 'B'})).toBe("'it''s'=1000000000000000000000B");
	});

	it('parses back to the same label and value for any label and number (property)', () => {
		const labelText = fc.string({minLength: 1, maxLength: 20}).filter(text => !text.includes('=') && !/[\n\r]/.test(text));
		const datumArb = fc.record({
			label: labelText,
			value: fc.double({min: -1e12, max: 1e15, noNaN: true, noDefaultInfinity: true}),
			unit: fc.constantFrom<Perfdatum['unit']>('', '%', 'B', 's'),
			crit: fc.option(fc.integer({min: 0, max: 1000}), {nil: undefined}),
		});
		fc.assert(
			fc.property(fc.array(datumArb, {minLength: 1, maxLength: 5}), data => {
				const line = pluginStatusLine('ok', 'summary', data);
				const match = pluginLine.exec(line);
				expect(match, line).not.toBeNull();
				const parsed = parsePerfdata(match![3]!);
				expect(parsed.map(each => each.label)).toEqual(data.map(each => each.label));
				for (const [index, each] of parsed.entries()) {
					expect(each.unit).toBe(data[index]!.unit);
					expect(Math.abs(each.value - data[index]!.value)).toBeLessThanOrEqual(1e-6 + Math.abs(data[index]!.value) * 1e-12);
				}
			}),
		);
	});
});
