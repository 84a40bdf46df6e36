// Every scenario and every view of the simulator at 80×24, read from the rendered frame as an operator
// would read it: each finding's whole title and next action can be read (scrolling with the keys the screen
// offers), no line is wider than the terminal, and no text runs into a border (cut without a mark).
import {render} from 'ink-testing-library';
import {Text} from 'ink';
import {beforeEach, describe, expect, it} from 'vitest';
import {deriveFindings} from '../../source/model/findings.js';
import {buildInventory} from '../../source/model/inventory.js';
import type {Finding, Snapshot} from '../../source/model/types.js';
import {textWidth} from '../../source/ui/wrap.js';
import {scenarios} from '../../source/world/simulated/scenarios.js';
import {readable, readScrolled} from './read-scrolled.js';
import {appFixture, plain} from './render-app.js';

const open = appFixture();
const escape = '\u001B';

/** ink-testing-library's stdout says 100 columns and no rows: make it the terminal under test, as Ink reads it. */
function terminal(columns: number, rows: number): {columns: number; rows: number} {
	const {stdout, unmount} = render(<Text />);
	Object.defineProperty(Object.getPrototypeOf(stdout), 'columns', {get: () => columns, configurable: true});
	Object.defineProperty(Object.getPrototypeOf(stdout), 'rows', {get: () => rows, configurable: true});
	unmount();
	return {columns, rows};
}

/** Lines wider than the terminal, more lines than it has, and text that touches a panel's border (cut off there). */
function layoutProblems(frame: string, size: {columns: number; rows: number}): string[] {
	const lines = frame.split('\n');
	const problems: string[] = [];
	if (lines.length > size.rows) problems.push(`${lines.length} lines on a ${size.rows}-row terminal`);
	for (const line of lines) {
		if (textWidth(line) > size.columns) problems.push(`wider than ${size.columns}: ${line}`);
		// Between two borders sits a panel's padding: text reaching the border was cut there.
		const inside = line.split(/[│║]/).slice(1, -1);
		for (const region of inside) if (region.length > 0 && !/^[═─\s]*$/.test(region) && (!region.startsWith(' ') || !region.endsWith(' '))) problems.push(`runs into a border: ${line}`);
	}
	return problems;
}

function expectFits(frames: readonly string[], size: {columns: number; rows: number}) {
	expect(frames.flatMap(frame => layoutProblems(frame, size))).toEqual([]);
}

/** Numbers that move between two probes (ages, rates, times) do not make a text a different text. */
const steady = (text: string) => text.replace(/\d[\d.,]*/g, '#');

function findingsOf(snapshot: Snapshot): Finding[] {
	const inventory = buildInventory(snapshot.glance, snapshot.files, new Map(), {underMount: snapshot.underMount ?? null});
	return deriveFindings(snapshot, {warnPercent: 80, critPercent: 90, container: 'glance_api', now: snapshot.datadir?.at ?? Date.now(), inventory});
}

/** j until the last finding is selected and nothing is left below it. */
const findingsLeft = (frame: string) => {
	const place = /· (\d+) of (\d+) open/.exec(frame);
	return /↓ \d+ more/.test(frame) || (place !== null && place[1] !== place[2]);
};

const size = {columns: 80, rows: 24};

async function until(condition: () => boolean, timeoutMs = 8000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('the simulator never got there');
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

describe('every scenario at 80×24', () => {
	beforeEach(() => {
		terminal(size.columns, size.rows);
	});

	for (const {name} of scenarios) {
		it(
			`${name}: every finding's title, next action and evidence can be read, and every view fits`,
			async () => {
				const app = open(name, {...size, remount: {dryRun: true}, probeTimeoutMs: 150});
				// The inventory's findings need Glance and the files listed: wait until the screen counts them all.
				await until(() => app.poller.snapshot.glance !== null && app.poller.snapshot.files !== null);
				const expected = findingsOf(app.poller.snapshot);
				await app.waitFor(expected.length === 0 ? 'ALL CLEAR' : `Findings (${expected.length})`, 8000);

				const dashboard = await readScrolled(app, 200, findingsLeft);
				expectFits(dashboard, size);
				const read = steady(readable(dashboard));
				for (const finding of findingsOf(app.poller.snapshot)) {
					expect(read).toContain(steady(finding.title));
					expect(read).toContain(steady(`→ ${finding.action}`));
					for (const line of finding.evidence) expect(read).toContain(steady(`· ${line}`));
				}

				// Each panel's details, scrolled to their end.
				for (const panel of ['Capacity', 'Mount', 'Container']) {
					await app.press('\t');
					await app.waitFor(`${panel} details`);
					expectFits(await readScrolled(app), size);
				}
				const fstab = app.poller.snapshot.datadir?.fstab;
				await app.press(escape);
				await app.press('\t');
				await app.press('\t');
				await app.waitFor('Mount details');
				const mount = readable(await readScrolled(app));
				if (fstab) expect(mount).toContain(`fstab line ${fstab.line}: ${fstab.spec} ${fstab.file} ${fstab.vfsType} ${fstab.options.join(',')}`);
				await app.press(escape);

				// The image table, and one image of each verdict present in full.
				await app.press('i');
				expectFits([plain(await app.waitFor(/Images \d+ of \d+/))], size);
				const verdicts = new Set<string>();
				for (let round = 0; round < 12; round++) {
					await app.press('f');
					const filter = /verdict ([a-z-]+) · sort/.exec(plain(app.frame()));
					if (!filter || verdicts.has(filter[1]!)) break;
					verdicts.add(filter[1]!);
					await app.press('\r');
					await app.waitFor(`${filter[1]!.toUpperCase()}`);
					const detail = readable(await readScrolled(app));
					expectFits([plain(app.frame())], size);
					const id = /\bid ([^\s]+)/.exec(detail)?.[1];
					expect(detail).toContain(`file in container /var/lib/glance/images/${id}`);
					expect(detail).toMatch(new RegExp(`verdict ${filter[1]} — \\S`));
					await app.press(escape);
					await app.waitFor(/Images \d+ of \d+/);
				}
				await app.press(escape);

				// The help, scrolled to its end.
				await app.press('?');
				await app.waitFor('Help — keys');
				expectFits([plain(app.frame())], size);
				await app.press(escape);

				// The wizard: the preflight read to its end, then the first step with its words and what it checks.
				await app.waitFor(/Findings \(\d+\)|ALL CLEAR/);
				await app.press('R');
				await app.waitFor('Begin the guided remount');
				const preflight = await readScrolled(app);
				expectFits(preflight, size);
				const preflightText = readable(preflight);
				expect(preflightText).toContain('audit log:');
				await app.press('y');
				await app.waitFor('mark this step as would-run? [y/N]', 8000);
				const step = await readScrolled(app);
				expectFits(step, size);
				const stepText = readable(step);
				expect(stepText).toContain('$ docker stop -t 60 glance_api');
				expect(stepText).toContain('Stopping it also lets go of its old copy of the mount.');
				expect(stepText).toContain('○ glance_api is not running (docker inspect)');
			},
			60_000,
		);
	}
});

describe('a larger terminal gives the panels the extra space', () => {
	const large = {columns: 120, rows: 40};
	beforeEach(() => {
		terminal(large.columns, large.rows);
	});

	it('at 120×40 the flapped finding is read whole without scrolling, and the screen is filled', async () => {
		const app = open('flapped', large);
		const frame = plain(await app.waitFor('container-stale-mount'));
		expect(frame.split('\n')).toHaveLength(40);
		expect(frame).not.toMatch(/↓ \d+ more/);
		const finding = findingsOf(app.poller.snapshot)[0]!;
		for (const line of finding.evidence) expect(readable([frame])).toContain(`· ${line}`);
		// The findings panel reaches down to the key bar: its bottom border is the second-last line.
		expect(frame.split('\n').at(-2)).toMatch(/^╚═+╝$/);
		expectFits([frame], large);
	});

	it('at 120×40 the image table reaches down to the key bar', async () => {
		const app = open('drift', large);
		await app.waitFor(/Findings \(\d+\)/);
		await app.press('i');
		const frame = plain(await app.waitFor(/Images 1\d of 1\d/));
		expect(frame.split('\n')).toHaveLength(40);
		expect(frame.split('\n').at(-2)).toMatch(/^╚═+╝$/);
		expectFits([frame], large);
	});
});
