// The guided remount driven by keys, on the training simulator: every branch an operator can take.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {ok} from '../../source/model/result.js';
import {RemountRunner} from '../../source/runbook/runner.js';
import type {WizardState} from '../../source/runbook/state.js';
import {RemountWizard} from '../../source/ui/components/remount-wizard.js';
import {wizardAnswerFor} from '../../source/ui/keymap.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import {createSimulatedWorld, simulatedDatadir} from '../../source/world/simulated/simulated-world.js';
import type {ActionResult, World} from '../../source/world/world.js';
import {readable, readScrolled} from './read-scrolled.js';
import {appFixture, plain} from './render-app.js';
import {scratchDir} from '../support/scratch.js';

const open = appFixture();

type AuditLine = {event: string; step: string | null; command: string | null; operator: string; dryRun: boolean; outcome: string | null};

function audit(file: string): AuditLine[] {
	return readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as AuditLine);
}

async function openWizard(scenario: Parameters<typeof open>[0], remount: {dryRun?: boolean} = {}) {
	const app = open(scenario, {remount});
	await app.waitFor(/Findings \(\d+\)/);
	await app.press('R');
	await app.waitFor('Begin the guided remount');
	return app;
}

function containerView(app: ReturnType<typeof open>) {
	const container = app.poller.snapshot.container;
	return container?.state === 'present' ? container.view.state : null;
}

describe('the guided remount on the simulator', () => {
	it('walks a flapped share through stop, umount, mount, start and the proof, each after y, and fixes it', async () => {
		const app = await openWizard('flapped');
		const preflight = plain(app.frame());
		expect(preflight).toContain('container-stale-mount');
		expect(preflight).toContain('uploads in progress: none');
		expect(preflight).toMatch(/mounts from fstab line 13/);
		await app.press('y');
		for (const [step, command] of [
			['Stop glance_api', 'docker stop -t 60 glance_api'],
			['Unmount /srv/glance', 'umount /srv/glance'],
			['Mount /srv/glance', 'mount /srv/glance'],
			['Start glance_api', 'docker start glance_api'],
		] as const) {
			const asked = plain(await app.waitFor(/Run this step\? \[y\/N\]/, 10_000));
			expect(asked).toContain(step);
			expect(asked).toContain(`$ ${command}`);
			await app.press('y');
			await app.waitFor(new RegExp(`✔ ${command.split(' ')[0] === 'docker' ? (command.includes('stop') ? 'stop' : 'start') : command.startsWith('umount') ? 'unmount' : 'mount'}`), 20_000);
		}
		await app.waitFor('The remount is finished.', 20_000);
		// The summary lists every step with its result and the evidence its check found; j scrolls to the end.
		const summary = readable(await readScrolled(app));
		expect(summary).toMatch(/✔ stop: done in \d+ ms — Stop glance_api/);
		expect(summary).toContain('✔ glance_api is not running — status exited, exit code 0');
		expect(summary).toMatch(/✔ \/srv\/glance is a mount point — nfs01:\/export\/glance on \/srv\/glance type nfs4 \(dev 0:54/);
		expect(summary).toMatch(/✔ the image files are visible again \(7 before\) — 7 file\(s\) in/);
		expect(summary).toMatch(/✔ glance_api sees the host's mount of \/srv\/glance — same mount as the host: dev 0:54/);
		expect(summary).toMatch(/✔ prove \(reads only\): done in \d+ ms — Prove Glance reads the share/);
		expect(summary).toMatch(/✔ Glance serves the first bytes of [0-9a-f-]{36} — HTTP 200/);
		expect(summary).toContain('→ Glance reads /srv/glance again: the remount is complete.');
		expect(app.world.controller.container.running).toBe(true);
		await app.press('\u001B');
		await app.waitFor(/Findings \(\d+\)/);
		const deadline = Date.now() + 5000;
		while (containerView(app) !== 'same' && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
		expect(containerView(app)).toBe('same');

		const lines = audit(app.auditLog);
		expect(lines.every(line => line.operator === 'trainee')).toBe(true);
		expect(lines.filter(line => line.event === 'confirmed').map(line => line.step)).toEqual(['stop', 'unmount', 'mount', 'start']);
		expect(lines.filter(line => line.event === 'command').map(line => line.command)).toEqual([
			'docker stop -t 60 glance_api',
			'umount /srv/glance',
			'mount /srv/glance',
			'docker start glance_api',
			expect.stringMatching(/^GET http:\/\/10\.0\.0\.10:9292\/v2\/images\/[0-9a-f-]{36}\/file/),
		]);
		expect(lines.some(line => line.event === 'finished')).toBe(true);
	});

	it('runs nothing on n, Enter or Escape, and leaves the world as it was', async () => {
		const app = await openWizard('flapped');
		await app.press('y');
		await app.waitFor('Run this step? [y/N]');
		for (const key of ['n', '\r', '\u001B']) {
			await app.press(key);
			expect(plain(await app.waitFor(/Declined|not run/i))).toContain('Stop glance_api');
		}
		expect(app.world.controller.container.running).toBe(true);
		expect(audit(app.auditLog).filter(line => line.event === 'command')).toEqual([]);
		expect(audit(app.auditLog).filter(line => line.event === 'declined').length).toBe(3);
	});

	it('shows who holds a busy mount, and unmounts lazily only after the word lazy is typed', async () => {
		const app = await openWizard('busy');
		await app.press('y');
		await app.waitFor('Stop glance_api');
		await app.press('y');
		await app.waitFor('Unmount /srv/glance', 10_000);
		await app.waitFor('Run this step? [y/N]', 10_000);
		await app.press('y');
		// The step's why already says "target is busy": wait for the failure itself.
		const busy = plain(await app.waitFor('held by pid 4242', 10_000));
		expect(busy).toContain('umount: /srv/glance: target is busy.');
		expect(busy).toMatch(/held by pid 4242 .*rsync -a \/srv\/glance\/images\/ \/backup\//);
		await app.waitFor('l lazy unmount');
		await app.press('l');
		await app.waitFor('Type lazy and Enter');
		await app.press('laz');
		await app.press('\r');
		// A wrong word runs nothing: still mounted, still asking.
		expect(app.world.controller.hostMount).not.toBeNull();
		expect(audit(app.auditLog).filter(line => line.command === 'umount -l /srv/glance' && line.event === 'command')).toEqual([]);
		await app.press('\u007F\u007F\u007F');
		await app.press('lazy');
		await app.press('\r');
		await app.waitFor('Mount /srv/glance', 10_000);
		expect(audit(app.auditLog).filter(line => line.event === 'command').map(line => line.command)).toContain('umount -l /srv/glance');
	});

	it('aborts at a prompt with a summary of what was and was not done', async () => {
		const app = await openWizard('flapped');
		await app.press('y');
		await app.waitFor('Run this step? [y/N]');
		await app.press('y');
		await app.waitFor('Unmount /srv/glance', 10_000);
		await app.waitFor('Run this step? [y/N]', 10_000);
		await app.press('a');
		const summary = plain(await app.waitFor('The remount was aborted.'));
		expect(summary).toMatch(/✔ stop: done/);
		expect(summary).toContain('✔ glance_api is not running — status exited');
		expect(summary).toMatch(/▶ unmount: waiting for y — Unmount \/srv\/glance/);
		expect(app.world.controller.container.running).toBe(false);
		expect(audit(app.auditLog).some(line => line.event === 'aborted')).toBe(true);
	});

	it('walks every step in a dry run and changes nothing', async () => {
		const app = await openWizard('flapped', {dryRun: true});
		expect(plain(app.frame())).toContain('DRY RUN');
		await app.press('y');
		for (let step = 0; step < 4; step++) {
			await app.waitFor(/mark this step as would-run\? \[y\/N\]/, 10_000);
			await app.press('y');
		}
		const done = plain(await app.waitFor(/The remount (is finished|was aborted)/, 10_000));
		expect(done).toMatch(/○ stop: would run \(dry run\) — Stop glance_api/);
		expect(app.world.controller.container.running).toBe(true);
		expect(containerView(app)).toBe('stale');
		expect(audit(app.auditLog).filter(line => line.event === 'command')).toEqual([]);
	});

	it('continues from the right step when a walk was left half-way', async () => {
		const app = open('flapped', {remount: {}});
		await app.waitFor(/Findings \(\d+\)/);
		await app.world.controller.stopContainer();
		await app.world.controller.unmount({lazy: false});
		await app.press('r');
		await app.waitFor('container-not-running', 5000);
		await app.press('R');
		const preflight = plain(await app.waitFor('Begin the guided remount'));
		expect(preflight).toContain('continuing from mount');
		await app.press('y');
		expect(plain(await app.waitFor('Run this step? [y/N]', 10_000))).toContain('Mount /srv/glance');
	}, 20_000);

	it('has no remount key in read-only mode', async () => {
		const app = open('flapped');
		await app.waitFor(/Findings \(\d+\)/);
		expect(plain(app.frame())).not.toContain('R remount');
		await app.press('R');
		await app.press('?');
		const help = plain(await app.waitFor('Help — keys'));
		expect(help).not.toContain('guided remount');
	});
});

describe('secrets in what the machine says', () => {
	const password = 'hunter2-not-for-screens';
	const token = `gAAAAABn${'Q7x_k2Lm9'.repeat(6)}`;
	const closing: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const close of closing.splice(0)) await close();
	});

	/** The simulator, with a stop that prints a password, a start that prints a token, and logs that carry both. */
	function leakyWorld(): World {
		const world = createSimulatedWorld('flapped', {speed: 100, probeTimeoutMs: 50});
		closing.push(() => world.close());
		world.controller.breakHealthcheck('exit 1: curl: (7) Failed to connect to 10.0.0.11 port 9292');
		const saying = (line: string, result: ActionResult): ActionResult => (result.ok ? ok({...result.value, output: [line, ...result.value.output]}) : result);
		return {
			...world,
			async stopContainer(options) {
				const line = `OS_PASSWORD=${password} docker stop`;
				options.onOutput?.(line);
				return saying(line, await world.stopContainer(options));
			},
			async startContainer(options = {}) {
				const line = `curl -H "X-Auth-Token: ${token}" http://10.0.0.10:9292/healthcheck`;
				options.onOutput?.(line);
				return saying(line, await world.startContainer(options));
			},
			async containerLogs(lines) {
				const logs = await world.containerLogs(lines);
				return logs.ok ? ok([...logs.value, `keystonemiddleware.auth_token [-] password=${password} rejected, X-Auth-Token: ${token}`]) : logs;
			},
		};
	}

	async function answer(runner: RemountRunner, input: string): Promise<WizardState> {
		const command = wizardAnswerFor(runner.state, input);
		if (command) runner.send(command);
		return runner.whenWaiting();
	}

	it('a password in a command\'s output and a token in the logs of a failed start never reach the wizard', async () => {
		const world = leakyWorld();
		const snapshot = await new SnapshotPoller(world, 60_000).collect();
		const auditLog = path.join(scratchDir('gi-audit-'), 'audit.jsonl');
		const runner = new RemountRunner({
			world,
			snapshots: () => snapshot,
			env: {USER: 'trainee'},
			settings: {container: 'glance_api', mountpoint: null, datadir: simulatedDatadir, containerDatadir: '/var/lib/glance/images', probeTimeoutMs: 50, dryRun: false, auditLog, healthWaitMs: 200, pollIntervalMs: 10},
		});
		closing.push(async () => runner.dispose());
		await runner.start();
		let state = await answer(runner, 'y');
		while (state.prompt?.kind === 'confirm') state = await answer(runner, 'y');

		const start = state.steps.find(step => step.id === 'start')!;
		expect(start.failure?.kind).toBe('start-failed');
		const logs = start.failure?.kind === 'start-failed' ? start.failure.logs : [];
		// The lines did arrive, with their secrets cut out.
		expect(logs.at(-1)).toBe('keystonemiddleware.auth_token [-] password=[redacted] rejected, X-Auth-Token: [redacted]');
		expect(state.steps[0]?.output).toContain('OS_PASSWORD=[redacted] docker stop');
		expect(start.output).toContain('curl -H "X-Auth-Token: [redacted]" http://10.0.0.10:9292/healthcheck');
		const everything = JSON.stringify(state);
		expect(everything).not.toContain(password);
		expect(everything).not.toContain(token);

		const frame = plain(render(<RemountWizard state={state} scroll={0} width={160} height={60} />).lastFrame() ?? '');
		expect(frame).toContain('log: keystonemiddleware.auth_token [-] password=[redacted]');
		expect(frame).not.toContain(password);
		expect(frame).not.toContain(token);
		const audit = readFileSync(auditLog, 'utf8');
		expect(audit).not.toContain(password);
		expect(audit).not.toContain(token);
	});
});
