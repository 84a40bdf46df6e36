// The wizard cannot be driven blind, on the real lab through the real binary in a pty: a screen too small takes
// no y, a burst of y runs at most the step whose prompt was shown, and Ctrl+C leaves an abort record and the
// world as the last confirmed step left it.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {openrcPath} from '../support/glance-lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';
import {readAudit} from '../support/audit.js';

let terminal: Terminal | null = null;

const confirmed = (file: string) => readAudit(file).filter(line => line.event === 'confirmed').map(line => line.step);
const containerRunning = async () => (await sh(`docker inspect -f '{{.State.Running}}' ${lab.LAB_CONTAINER}`)).trim();
const shareMounted = async () => (await sh(`grep -c " ${lab.LAB_MOUNTPOINT} " /proc/self/mountinfo || true`)).trim() !== '0';

async function wizardAtBegin(): Promise<{screen: Terminal; auditLog: string}> {
	const auditLog = path.join(mkdtempSync(path.join(tmpdir(), 'gi-e2e-audit-')), 'audit.jsonl');
	terminal = await openTerminal(`node ${repoRoot}/bin/glance-inspector.js --datadir ${lab.LAB_DATADIR} --openrc ${openrcPath} --audit-log ${auditLog} --refresh 1`, {env: {USER: 'e2e-operator'}});
	await terminal.waitFor('container-stale-mount', 30_000);
	await terminal.press('R');
	await terminal.waitFor('Begin the guided remount', 15_000);
	return {screen: terminal, auditLog};
}

const stepPrompt = (number: number) => new RegExp(`Step ${number} of 5:[\\s\\S]*Run this step\\? \\[y/N\\]`);

beforeAll(async () => {
	await labScript('heal');
});

afterEach(async () => {
	await terminal?.close();
	terminal = null;
	await labScript('heal');
});

describe('the wizard on the real lab cannot be driven blind', () => {
	it('at 40×12 y runs nothing: the container keeps running until the screen can show the step', async () => {
		await labScript('flap');
		const {screen, auditLog} = await wizardAtBegin();
		await screen.press('y');
		await screen.waitFor(stepPrompt(1), 30_000);
		await sh(`tmux resize-window -t ${screen.name} -x 40 -y 12`);
		await screen.waitFor('enlarge to 60×20');
		for (let press = 0; press < 3; press++) await screen.press('y');
		await screen.press('Enter');
		await sh(`tmux resize-window -t ${screen.name} -x 80 -y 24`);
		// Back at a size that shows it, the same step still asks: nothing was confirmed while it could not be seen.
		await screen.waitFor(stepPrompt(1));
		expect(await containerRunning()).toBe('true');
		expect(confirmed(auditLog)).toEqual([]);
	});

	it('a burst of y runs at most the step on screen; Ctrl+C then leaves an abort record and the world as that step left it', async () => {
		await labScript('flap');
		const {screen, auditLog} = await wizardAtBegin();
		await screen.press('yyyy');
		await screen.waitFor(stepPrompt(1), 30_000);
		expect(confirmed(auditLog)).toEqual([]);
		expect(await containerRunning()).toBe('true');

		await screen.press('yyyy');
		await screen.waitFor(stepPrompt(2), 90_000);
		expect(confirmed(auditLog)).toEqual(['stop']);
		expect(await containerRunning()).toBe('false');
		expect(await shareMounted()).toBe(true);

		await screen.press('C-c');
		const after = await screen.waitFor('[exit 0]');
		// The alternate screen is gone: the summary stays on the normal screen.
		expect(after).toContain('The guided remount was abandoned.');
		expect(after).toMatch(/✔ stop: done/);
		expect(after).toMatch(/· unmount: not done/);
		const aborted = readAudit(auditLog).filter(line => line.event === 'aborted');
		expect(aborted).toEqual([expect.objectContaining({step: 'unmount', detail: expect.objectContaining({reason: 'abandoned with Ctrl+C'})})]);
		expect(readAudit(auditLog).some(line => line.event === 'declined')).toBe(false);
		expect(await containerRunning()).toBe('false');
		expect(await shareMounted()).toBe(true);
	});
});
