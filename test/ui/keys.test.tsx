// Keys as an operator sends them: bursts in one chunk, type-ahead, a terminal too small, quitting the wizard,
// the help in every view, and a bar that names exactly the keys that act.
import {describe, expect, it} from 'vitest';
import {appFixture, plain, renderApp} from './render-app.js';
import {readAudit as audit} from '../support/audit.js';

const open = appFixture();

const selectedLine = (frame: string) => plain(frame).split('\n').find(line => line.includes('›')) ?? '';
const keyBar = (frame: string) => plain(frame).trimEnd().split('\n').at(-1) ?? '';

/** Waits until the frame, without colors, matches. */
async function waitPlain(app: ReturnType<typeof open>, wanted: RegExp, timeoutMs = 5000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	while (!wanted.test(plain(app.frame())) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
	expect(plain(app.frame())).toMatch(wanted);
	return plain(app.frame());
}

async function imagesOf(scenario: Parameters<typeof renderApp>[0] = 'drift') {
	const app = open(scenario);
	await app.waitFor(/Findings \(\d+\)/);
	await app.press('i');
	await app.waitFor(/Images 13 of 13/);
	return app;
}

async function wizardOn(scenario: Parameters<typeof renderApp>[0], options: {dryRun?: boolean; columns?: number; rows?: number} = {}) {
	const app = open(scenario, {remount: {dryRun: options.dryRun}, columns: options.columns, rows: options.rows});
	await app.waitFor(/Findings \(\d+\)/);
	await app.press('R');
	await app.waitFor('Begin the guided remount');
	return app;
}

describe('a chunk of keys', () => {
	it('moves one row per j, however many arrive in one chunk', {timeout: 15_000}, async () => {
		const app = await imagesOf();
		// One j at a time as the reference: where five single presses land.
		for (let step = 0; step < 5; step++) await app.press('j');
		const fifth = selectedLine(app.frame());
		await app.press('g');
		await app.press('jjjjj');
		expect(selectedLine(app.frame())).toBe(fifth);
		await app.press('j'.repeat(50));
		const last = selectedLine(app.frame());
		await app.press('G');
		expect(selectedLine(app.frame())).toBe(last);
		await app.press('k'.repeat(50));
		expect(selectedLine(app.frame())).toContain('missing-file');
	});

	it('takes a filter typed as one chunk, Enter included, and the keys after it as table keys', {timeout: 15_000}, async () => {
		const app = await imagesOf();
		await app.press('/cirros\r');
		const filtered = plain(await app.waitFor(/Images [1-9] of 13/));
		expect(filtered).not.toContain('ubuntu');
		expect(filtered).toContain('cirros');
		expect(keyBar(filtered)).toContain('Enter open');
	});
});

describe('type-ahead never confirms a step', () => {
	it('a burst of y begins the walk but confirms no step, and one y at a shown prompt runs only that step', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped');
		await app.press('yyyy');
		await app.waitFor(/Step 1 of 5: Stop glance_api[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		expect(app.world.controller.container.running).toBe(true);
		await app.press('yyyy');
		await app.waitFor(/Step 2 of 5: Unmount[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		expect(app.world.controller.container.running).toBe(false);
		expect(audit(app.auditLog).filter(line => line.event === 'confirmed').map(line => line.step)).toEqual(['stop']);
		expect(app.world.controller.hostMount).not.toBeNull();
	});

	it('in a dry run, where each y brings the next prompt at once, a burst or fast single keys mark one step only', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped', {dryRun: true});
		await app.press('y');
		await waitPlain(app, /Step 1 of 5: Stop glance_api[\s\S]*Dry run: mark this step/, 10_000);
		await app.press('yyyy');
		await waitPlain(app, /Step 2 of 5: Unmount[\s\S]*Dry run: mark this step/, 10_000);
		// Three keys, each its own chunk, faster than a frame: the second and third answer a prompt already gone.
		app.stdin.write('y');
		app.stdin.write('y');
		app.stdin.write('y');
		const third = await waitPlain(app, /Step 3 of 5: Mount[\s\S]*Dry run: mark this step/, 10_000);
		expect(third).toContain('typed before this prompt appeared was ignored');
		expect(audit(app.auditLog).filter(line => line.event === 'would-run').map(line => line.step)).toEqual(['stop', 'unmount']);
	});
});

describe('a terminal too small', () => {
	it('ignores every key but quit in the wizard: y runs nothing while it cannot be seen', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped');
		await app.press('y');
		await app.waitFor(/Step 1 of 5[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		app.resize(40, 12);
		const small = plain(await app.waitFor('enlarge to 60×20'));
		expect(small).toContain('CRITICAL');
		expect(small).toContain('The remount waits');
		for (const key of ['y', 'Y', 'yyy', 'a', '\r']) await app.press(key);
		expect(app.world.controller.container.running).toBe(true);
		expect(audit(app.auditLog).filter(line => line.event === 'confirmed')).toEqual([]);
		app.resize(80, 24);
		await app.waitFor(/Step 1 of 5[\s\S]*Run this step\? \[y\/N\]/);
	});

	it('opens nothing from the dashboard either', async () => {
		const app = open('flapped', {remount: {}, columns: 40, rows: 12});
		await app.waitFor('container-stale-mount');
		await app.press('R');
		await app.press('i');
		app.resize(80, 24);
		const frame = plain(await app.waitFor(/Findings \(\d+\)/));
		expect(frame).not.toContain('Guided remount');
		expect(frame).not.toMatch(/Images \d+ of/);
	});
});

describe('leaving the wizard', () => {
	it('q asks first; n keeps the walk, y abandons it with an abort record', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped');
		await app.press('q');
		const asked = plain(await app.waitFor('Abandon the remount? y/N'));
		expect(keyBar(asked)).toMatch(/^y yes {2}n no/);
		await app.press('n');
		await waitPlain(app, /Begin the guided remount[\s\S]*\? help/);
		expect(plain(app.frame())).not.toContain('Abandon the remount?');
		await app.press('q');
		await app.waitFor('Abandon the remount? y/N');
		await app.press('y');
		await app.waitFor('The remount was aborted.');
		const aborted = audit(app.auditLog).filter(line => line.event === 'aborted');
		expect(aborted).toHaveLength(1);
		expect(aborted[0]?.detail?.reason).toBe('abandoned with q, then y');
		expect(audit(app.auditLog).some(line => line.event === 'declined')).toBe(false);
	});

	it('q then y in one chunk does not abandon: the question was not on screen yet', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped');
		await app.press('qy');
		await app.waitFor('Abandon the remount? y/N');
		expect(audit(app.auditLog).some(line => line.event === 'aborted')).toBe(false);
	});

	it('Ctrl+C leaves from the middle of the walk, recorded as aborted, not declined', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped');
		await app.press('y');
		await app.waitFor(/Step 1 of 5[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		await app.press('y');
		await app.waitFor(/Step 2 of 5[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		await app.press('\u0003');
		const deadline = Date.now() + 5000;
		while (!audit(app.auditLog).some(line => line.event === 'aborted') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
		const lines = audit(app.auditLog);
		expect(lines.find(line => line.event === 'aborted')).toMatchObject({step: 'unmount', detail: {reason: 'abandoned with Ctrl+C'}});
		expect(lines.some(line => line.event === 'declined')).toBe(false);
		// The world as the last confirmed step left it: stopped, still mounted.
		expect(app.world.controller.container.running).toBe(false);
		expect(app.world.controller.hostMount).not.toBeNull();
	});
});

describe('the help and the bar in the wizard', () => {
	it('? opens the help over the wizard, listing its keys; Esc returns to the same prompt', {timeout: 30_000}, async () => {
		const app = await wizardOn('flapped');
		await app.press('?');
		const first = plain(await app.waitFor('Help — keys of the guided remount'));
		await app.press('j'.repeat(8));
		const help = first + plain(app.frame());
		for (const key of [/y\s+run the step shown/, /r\s+retry the failed step/, /l\s+lazy unmount/, /a\s+abort, with a summary/, /q\s+abandon the remount \(asks first\)/, /Ctrl\+C\s+quit/]) expect(help).toMatch(key);
		await app.press('y');
		expect(app.world.controller.container.running).toBe(true);
		await app.press('\u001B');
		await app.waitFor('Begin the guided remount');
		expect(audit(app.auditLog).some(line => line.event === 'begin')).toBe(false);
	});

	it('the bar names the keys of the prompt on screen: no y while a step runs, and would-run in a dry run', {timeout: 30_000}, async () => {
		const app = await wizardOn('busy');
		expect(keyBar(app.frame())).toMatch(/^\? help {2}y begin {2}n no {2}a abort {2}q abandon/);
		await app.press('y');
		const asked = await app.waitFor(/Step 1 of 5[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		expect(keyBar(asked)).toMatch(/^\? help {2}y run the step {2}n no {2}a abort {2}q abandon/);
		await app.press('y');
		await app.waitFor(/Step 2 of 5[\s\S]*Run this step\? \[y\/N\]/, 10_000);
		// Every frame drawn while the stop ran: its bar offered no y.
		const running = app.frames.map(plain).filter(frame => /(running|verifying)… /.test(frame));
		expect(running.length).toBeGreaterThan(0);
		for (const frame of running) expect(keyBar(frame)).toMatch(/^\? help {2}q abandon {2}j\/k scroll\s*$/);
		await app.close();

		const dry = await wizardOn('flapped', {dryRun: true});
		await dry.press('y');
		const wouldRun = await dry.waitFor(/Dry run: mark this step/, 10_000);
		expect(keyBar(wouldRun)).toContain('y mark would-run');
		expect(keyBar(wouldRun)).not.toContain('run the step');
	});
});

describe('keys that cannot act say why', () => {
	it('R in read-only mode', async () => {
		const app = open('flapped');
		await app.waitFor('container-stale-mount');
		await app.press('R');
		expect(keyBar(await app.waitFor('read-only: the remount is off'))).toContain('restart without --read-only');
		await app.press('j');
		expect(keyBar(app.frame())).not.toContain('read-only: the remount is off');
	});

	it('v on a row without a file, and Enter on an empty table', {timeout: 15_000}, async () => {
		const app = await imagesOf();
		expect(selectedLine(app.frame())).toContain('missing-file');
		await app.press('v');
		expect(keyBar(await app.waitFor('v: this image has no file'))).toMatch(/v: this image has no file in the datadir, nothing to read {2}\? help/);
		expect(app.verifier.isBusy()).toBe(false);
		await app.press('/no-such-image\r');
		await app.waitFor('Images 0 of 13');
		await app.press('\r');
		await app.waitFor('Enter: no image matches the filter');
	});
});
