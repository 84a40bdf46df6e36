import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {AuditRecord} from '../../source/runbook/audit.js';
import {RemountRunner, remountSettingsFrom, type RemountSettings} from '../../source/runbook/runner.js';
import {currentStep, type WizardState} from '../../source/runbook/state.js';
import {wizardAnswerFor} from '../../source/ui/keymap.js';
import {resolveSettings} from '../../source/settings.js';
import {emptySnapshot, SnapshotPoller} from '../../source/world/poller.js';
import type {ScenarioName} from '../../source/world/simulated/scenarios.js';
import {createSimulatedWorld, simulatedDatadir, type SimulatedWorld} from '../../source/world/simulated/simulated-world.js';
import type {World} from '../../source/world/world.js';

const secret = 'hunter2-do-not-log-me';
/** Who runs the wizard, with secrets in the environment that must never reach the audit log. */
const env: NodeJS.ProcessEnv = {
	USER: 'root',
	SUDO_USER: 'alice',
	SSH_CONNECTION: '10.0.0.5 51234 10.0.0.11 22',
	OS_PASSWORD: secret,
	OS_APPLICATION_CREDENTIAL_SECRET: secret,
};
const cirros = '0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'runbook-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

function simulator(scenario: ScenarioName): SimulatedWorld {
	// 100 times faster than a real controller: a stop takes 15 ms, a healthcheck 60 ms, a hung mount 200 ms.
	const world = createSimulatedWorld(scenario, {speed: 100, probeTimeoutMs: 50});
	cleanups.push(() => world.close());
	return world;
}

async function runnerOn(world: World, options: {auditLog: string; dryRun?: boolean; healthWaitMs?: number; poller?: SnapshotPoller}): Promise<RemountRunner> {
	const snapshot = await (options.poller ?? new SnapshotPoller(world, 60_000)).collect();
	const settings: RemountSettings = {
		container: 'glance_api',
		mountpoint: null,
		datadir: simulatedDatadir,
		containerDatadir: '/var/lib/glance/images',
		probeTimeoutMs: 50,
		dryRun: options.dryRun ?? false,
		auditLog: options.auditLog,
		healthWaitMs: options.healthWaitMs ?? 3000,
		pollIntervalMs: 10,
	};
	const runner = new RemountRunner({world, snapshots: options.poller ?? (() => snapshot), settings, env, hostname: 'ctl01'});
	cleanups.push(() => runner.dispose());
	await runner.start();
	return runner;
}

async function setup(scenario: ScenarioName, options: {dryRun?: boolean; healthWaitMs?: number; poller?: boolean} = {}) {
	const world = simulator(scenario);
	const auditLog = path.join(tempDir(), 'audit.jsonl');
	let poller: SnapshotPoller | undefined;
	if (options.poller) {
		poller = new SnapshotPoller(world, 60_000);
		cleanups.push(() => poller?.stop());
	}
	const runner = await runnerOn(world, {auditLog, dryRun: options.dryRun, healthWaitMs: options.healthWaitMs, poller});
	return {world, controller: world.controller, runner, auditLog, poller};
}

type WizardKey = Parameters<typeof wizardAnswerFor>[2];

/** One key through the keymap, as the UI sends it; whether the runner took it. */
function pressKey(runner: RemountRunner, input: string, key: WizardKey = {}): boolean {
	const command = wizardAnswerFor(runner.state, input, key);
	return command ? runner.send(command) : false;
}

/** One key, then wait until the wizard asks again or has ended. */
async function answer(runner: RemountRunner, input: string, key: WizardKey = {}): Promise<WizardState> {
	pressKey(runner, input, key);
	return runner.whenWaiting();
}

async function typeWord(runner: RemountRunner, word: string): Promise<WizardState> {
	for (const letter of word) pressKey(runner, letter);
	return answer(runner, '', {return: true});
}

function statuses(state: WizardState): string {
	return state.steps.map(step => `${step.id}:${step.status}`).join(' ');
}

/** Everything about the machine the remount could change. */
function fingerprint(world: SimulatedWorld): string {
	const {controller} = world;
	return JSON.stringify({container: controller.container, hostMount: controller.hostMount, share: controller.share});
}

async function containerView(world: World) {
	const datadir = await world.probeDatadir();
	const container = await world.probeContainer(datadir.mount, datadir.health);
	if (container.state !== 'present') throw new Error(`expected the container, got ${container.state}`);
	return {datadir, container};
}

async function proveCirros(world: SimulatedWorld) {
	const listing = await world.listGlanceImages();
	const image = listing.state === 'ok' ? listing.images.find(each => each.id === cirros) : undefined;
	if (!image) throw new Error('cirros is not listed');
	return world.proveGlance!(image);
}

function auditLines(file: string): AuditRecord[] {
	return readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as AuditRecord);
}

function events(records: AuditRecord[], filter: Partial<Pick<AuditRecord, 'event' | 'step'>> = {}): string[] {
	return records.filter(record => (filter.event ? record.event === filter.event : true) && (filter.step ? record.step === filter.step : true)).map(record => `${record.event}:${record.step ?? '-'}:${record.outcome ?? '-'}`);
}

describe('the full remount on the flapped simulator', () => {
	it('walks stop, unmount, mount, start and the proof; the container sees the host mount and Glance serves bytes again', async () => {
		const {world, runner, auditLog, poller} = await setup('flapped', {poller: true});
		const before = await proveCirros(world);
		expect(before).toMatchObject({ok: false, problem: {status: 204, bytes: 0}});

		let state = runner.state;
		expect(state.phase).toBe('preflight');
		expect(state.preflight?.wrong.map(each => each.finding.id)).toEqual(['container-stale-mount']);
		expect(state.preflight?.blockers).toEqual([]);
		expect(state.preflight?.parentFilesystem).toMatchObject({path: '/srv', health: {state: 'responsive'}});
		expect(state.preflight?.parentFilesystem.stats?.bytesAvailable).toBeGreaterThan(0);
		expect(state.prompt).toMatchObject({kind: 'begin', from: 'stop', blockers: []});

		state = await answer(runner, 'y');
		const seen: string[] = [];
		while (state.prompt?.kind === 'confirm') {
			seen.push(state.prompt.command);
			state = await answer(runner, 'y');
		}
		expect(seen).toEqual(['docker stop -t 60 glance_api', 'umount /srv/glance', 'mount /srv/glance', 'docker start glance_api']);
		expect(state.phase).toBe('finished');
		expect(statuses(state)).toBe('stop:done unmount:done mount:done start:done prove:done');
		expect(state.summary?.advice).toEqual(['Glance reads /srv/glance again: the remount is complete.']);
		expect(state.steps[0]?.output.slice(0, 2)).toEqual(['$ docker stop -t 60 glance_api', 'glance_api']);
		expect(state.steps[3]?.output.join('\n')).toMatch(/health: starting — waiting for a passing healthcheck/);
		expect(state.steps[0]?.startedAt).toBeGreaterThanOrEqual(state.startedAt);

		const {datadir, container} = await containerView(world);
		expect(datadir.mount?.majorMinor).toBe('0:54');
		expect(container).toMatchObject({running: true, health: 'healthy', view: {state: 'same', mount: {majorMinor: '0:54'}}});
		const after = await proveCirros(world);
		expect(after.ok && after.value.bytes).toBeGreaterThan(0);
		// The dashboard's poller was asked to look again: it shows the container back on the host's mount.
		await vi.waitFor(() => expect(poller?.snapshot.container).toMatchObject({view: {state: 'same', mount: {majorMinor: '0:54'}}}));

		const records = auditLines(auditLog);
		expect(new Set(records.map(record => record.run)).size).toBe(1);
		for (const record of records) {
			expect(record).toMatchObject({host: 'ctl01', operator: 'alice', ssh: '10.0.0.5 51234 10.0.0.11 22', dryRun: false});
			expect(Number.isNaN(Date.parse(record.time))).toBe(false);
		}
		for (const step of ['stop', 'unmount', 'mount', 'start'] as const) {
			expect(events(records, {step}).filter(each => !each.startsWith('begin'))).toEqual([`confirmed:${step}:run`, `command:${step}:started`, `result:${step}:ok`, `postcondition:${step}:done`]);
		}
		expect(records.find(record => record.event === 'command' && record.step === 'unmount')?.command).toBe('umount /srv/glance');
		expect(records.find(record => record.event === 'postcondition' && record.step === 'mount')?.detail?.device).toBe('0:54');
		expect(events(records, {step: 'prove'})).toEqual(['command:prove:started', 'result:prove:ok', 'postcondition:prove:done']);
		expect(records[0]?.event).toBe('preflight');
		expect(records.at(-1)?.event).toBe('finished');
		const text = readFileSync(auditLog, 'utf8');
		expect(text).not.toContain(secret);
		expect(text).not.toMatch(/OS_PASSWORD|OS_APPLICATION_CREDENTIAL/);
	});
});

describe('type-ahead', () => {
	it('answers for a prompt already gone run nothing: one y at step 1, three more while it runs, step 2 still asks', async () => {
		const {runner, auditLog, controller} = await setup('flapped');
		let state = await answer(runner, 'y');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'stop'});
		const shown = state.prompt!.id;
		expect(runner.send({type: 'confirm', prompt: shown})).toBe(true);
		for (let key = 0; key < 3; key++) expect(runner.send({type: 'confirm', prompt: shown})).toBe(false);
		state = await runner.whenWaiting();
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'unmount'});
		// Typed before the unmount prompt existed: a stamp it can never have matched.
		expect(runner.send({type: 'confirm', prompt: shown})).toBe(false);
		expect(controller.hostMount).not.toBeNull();
		expect(events(auditLines(auditLog), {event: 'confirmed'})).toEqual(['confirmed:stop:run']);
	});

	it('Ctrl+C while a step runs: recorded as aborted with how, and the step still finishes and is recorded', async () => {
		const {runner, auditLog, controller} = await setup('flapped');
		await answer(runner, 'y');
		pressKey(runner, 'y');
		const started = Date.now() + 3000;
		while (!auditLines(auditLog).some(record => record.event === 'command') && Date.now() < started) await new Promise(resolve => setTimeout(resolve, 1));
		expect(runner.send({type: 'abandon', by: 'ctrl-c'})).toBe(true);
		expect(runner.state.phase).toBe('aborted');
		expect(runner.send({type: 'abandon', by: 'ctrl-c'})).toBe(false);
		const deadline = Date.now() + 3000;
		while (!auditLines(auditLog).some(record => record.event === 'postcondition') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10));
		const records = auditLines(auditLog);
		expect(records.find(record => record.event === 'aborted')).toMatchObject({step: 'stop', detail: {reason: 'abandoned with Ctrl+C', evidence: ['docker stop -t 60 glance_api was still running']}});
		expect(events(records, {event: 'postcondition'})).toEqual(['postcondition:stop:done']);
		expect(events(records, {event: 'declined'})).toEqual([]);
		expect(controller.container.running).toBe(false);
	});
});

describe('declining', () => {
	it('n, Enter, Escape and Escape-then-y run nothing and leave the world unchanged; y later runs the step', async () => {
		const {world, controller, runner, auditLog} = await setup('flapped');
		let state = await answer(runner, 'y');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'stop'});
		const before = fingerprint(world);
		for (const [input, key] of [['n', {}], ['', {return: true}], ['', {escape: true}], ['y', {meta: true}]] as Array<[string, WizardKey]>) {
			state = await answer(runner, input, key);
			expect(currentStep(state)?.status).toBe('declined');
			expect(state.current).toBe('stop');
		}
		expect(fingerprint(world)).toBe(before);
		expect(controller.container.running).toBe(true);
		expect(pressKey(runner, '?')).toBe(false);

		const records = auditLines(auditLog);
		expect(events(records, {event: 'declined'})).toEqual(['declined:stop:declined', 'declined:stop:declined', 'declined:stop:declined', 'declined:stop:declined']);
		expect(events(records, {event: 'command'})).toEqual([]);

		state = await answer(runner, 'y');
		expect(state.steps[0]?.status).toBe('done');
		expect(controller.container.running).toBe(false);
	});
});

describe('when a step goes wrong', () => {
	it('busy unmount: shows the holders, retries, and unmounts lazily only once "lazy" is typed', async () => {
		const {world, controller, runner, auditLog} = await setup('busy');
		expect(runner.state.preflight?.holders).toMatchObject({ok: true, value: [{pid: 4242, command: 'rsync -a /srv/glance/images/ /backup/'}]});
		await answer(runner, 'y');
		await answer(runner, 'y');
		let state = await answer(runner, 'y');
		const unmount = currentStep(state)!;
		expect(unmount).toMatchObject({id: 'unmount', status: 'failed', failure: {kind: 'busy', holders: [{pid: 4242, command: 'rsync -a /srv/glance/images/ /backup/'}]}});
		expect(unmount.output).toContain('umount: /srv/glance: target is busy.');
		expect(state.prompt).toMatchObject({kind: 'recover', step: 'unmount', choices: ['retry', 'lazy']});
		expect(controller.hostMount).not.toBeNull();

		state = await answer(runner, 'r');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'unmount'});
		state = await answer(runner, 'y');
		expect(currentStep(state)).toMatchObject({status: 'failed', attempts: 2, failure: {kind: 'busy'}});

		state = await answer(runner, 'l');
		expect(state.prompt).toMatchObject({kind: 'type-word', word: 'lazy', command: 'umount -l /srv/glance'});
		state = await typeWord(runner, 'lazx');
		expect(currentStep(state)?.status).toBe('failed');
		expect(state.notice).toMatch(/nothing was run/);
		expect(controller.hostMount).not.toBeNull();

		state = await typeWord(runner, 'lazy');
		expect(state.steps[1]).toMatchObject({status: 'done', lazy: true, command: 'umount -l /srv/glance'});
		expect(controller.hostMount).toBeNull();
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'mount'});

		state = await answer(runner, 'y');
		state = await answer(runner, 'y');
		expect(state.phase).toBe('finished');
		expect((await containerView(world)).container.view.state).toBe('same');

		const records = auditLines(auditLog);
		expect(records.filter(record => record.event === 'command' && record.step === 'unmount').map(record => record.command)).toEqual(['umount /srv/glance', 'umount /srv/glance', 'umount -l /srv/glance']);
		expect(events(records, {event: 'lazy-confirmed'})).toEqual(['lazy-confirmed:unmount:run']);
		expect(records.filter(record => record.event === 'result' && record.step === 'unmount').map(record => record.outcome)).toEqual(['EBUSY', 'EBUSY', 'ok']);
	});

	it('hung share: the unmount is busy with no holder, the lazy unmount works, the mount times out until the server answers', async () => {
		const {world, controller, runner} = await setup('hung');
		expect(runner.state.preflight?.wrong.map(each => each.finding.id)).toContain('mount-unresponsive');
		await answer(runner, 'y');
		await answer(runner, 'y');
		let state = await answer(runner, 'y');
		expect(currentStep(state)).toMatchObject({id: 'unmount', status: 'failed', failure: {kind: 'busy', holders: []}});
		expect(currentStep(state)?.failure?.reason).toMatch(/device is busy — no process holds it: the share itself is stuck/);
		await answer(runner, 'l');
		state = await typeWord(runner, 'lazy');
		expect(state.steps[1]?.status).toBe('done');

		state = await answer(runner, 'y');
		expect(currentStep(state)).toMatchObject({id: 'mount', status: 'failed', failure: {kind: 'mount-failed'}});
		expect(currentStep(state)?.failure?.reason).toMatch(/Connection timed out/);
		controller.thaw();
		await answer(runner, 'r');
		state = await answer(runner, 'y');
		expect(state.steps[2]?.status).toBe('done');
		state = await answer(runner, 'y');
		expect(state.phase).toBe('finished');
		expect((await containerView(world)).container.view.state).toBe('same');
	});

	it('a mount that fails shows the error and the fstab line, and retries once the server is back', async () => {
		const {controller, runner, auditLog} = await setup('flapped');
		await answer(runner, 'y');
		await answer(runner, 'y');
		let state = await answer(runner, 'y');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'mount'});
		controller.takeServerDown();
		state = await answer(runner, 'y');
		expect(currentStep(state)).toMatchObject({
			id: 'mount',
			status: 'failed',
			failure: {kind: 'mount-failed', fstabLine: 'nfs01:/export/glance /srv/glance nfs4 rw,hard,vers=4.2,_netdev 0 0'},
		});
		expect(currentStep(state)?.failure?.reason).toBe('mount.nfs4: Connection refused for nfs01:/export/glance on /srv/glance');
		expect(state.prompt).toMatchObject({kind: 'recover', step: 'mount', choices: ['retry']});
		expect(controller.hostMount).toBeNull();

		controller.bringServerUp();
		state = await answer(runner, 'r');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'mount'});
		state = await answer(runner, 'y');
		expect(state.steps[2]).toMatchObject({status: 'done', attempts: 2});
		const outcomes = auditLines(auditLog).filter(record => record.step === 'mount' && record.event === 'postcondition').map(record => record.outcome);
		expect(outcomes).toEqual(['failed', 'done']);
	});

	it('a container that stays unhealthy: shows its logs and health output, and passes once the cause is fixed', async () => {
		const {controller, runner} = await setup('flapped', {healthWaitMs: 300});
		controller.breakHealthcheck('exit 1: curl: (7) Failed to connect to 10.0.0.11 port 9292');
		for (let step = 0; step < 4; step++) await answer(runner, 'y');
		let state = await answer(runner, 'y');
		const start = currentStep(state)!;
		expect(start).toMatchObject({id: 'start', status: 'failed', failure: {kind: 'start-failed', health: 'unhealthy', healthOutput: 'exit 1: curl: (7) Failed to connect to 10.0.0.11 port 9292'}});
		const failure = start.failure!;
		expect(failure.kind === 'start-failed' && failure.logs.join('\n')).toMatch(/Can't connect to MySQL server/);
		expect(failure.reason).toMatch(/glance_api is healthy \(health unhealthy/);
		expect(state.prompt).toMatchObject({kind: 'recover', step: 'start', choices: ['retry']});

		controller.fixHealthcheck();
		await answer(runner, 'r');
		state = await answer(runner, 'y');
		expect(state.phase).toBe('finished');
		expect(state.steps[3]).toMatchObject({status: 'done', attempts: 2});
	});

	it('a container that will not start, then abort: the summary says what was and was not done', async () => {
		const {controller, runner, auditLog} = await setup('flapped');
		for (let step = 0; step < 4; step++) await answer(runner, 'y');
		controller.takeServerDown();
		let state = await answer(runner, 'y');
		expect(currentStep(state)).toMatchObject({id: 'start', status: 'failed', failure: {kind: 'start-failed'}});
		expect(currentStep(state)?.failure?.reason).toMatch(/transport endpoint is not connected/);
		expect(currentStep(state)?.output).toContain('Error: failed to start containers: glance_api');

		state = await answer(runner, 'a');
		expect(state.phase).toBe('aborted');
		expect(state.summary?.done.map(row => row.step)).toEqual(['stop', 'unmount', 'mount']);
		expect(state.summary?.notDone.map(row => `${row.step}:${row.status}`)).toEqual(['start:failed', 'prove:pending']);
		expect(state.summary?.advice.join('\n')).toMatch(/Start glance_api failed: .*transport endpoint/);
		expect(state.summary?.advice.join('\n')).toMatch(/glance_api is stopped: Glance is down/);
		const aborted = auditLines(auditLog).find(record => record.event === 'aborted');
		expect(aborted).toMatchObject({step: 'start', detail: {done: ['stop: done', 'unmount: done', 'mount: done'], notDone: ['start: failed', 'prove: pending']}});
		expect(pressKey(runner, 'y')).toBe(false);
	});
});

describe('already done', () => {
	it('the flap left the share unmounted: stop first (urgently), then the unmount is marked done with that evidence', async () => {
		const world = simulator('flapped');
		await world.controller.unmount();
		const auditLog = path.join(tempDir(), 'audit.jsonl');
		const runner = await runnerOn(world, {auditLog});
		expect(runner.state.resume).toMatchObject({from: 'stop', urgent: true});
		expect(runner.state.preflight?.wrong.map(each => each.finding.id)).toContain('not-mounted');
		await answer(runner, 'y');
		const state = await answer(runner, 'y');
		expect(state.steps[1]?.status).toBe('already-done');
		expect(state.steps[1]?.evidence.join('\n')).toMatch(/\/srv\/glance is no longer a mount point: the datadir now sits on \/dev\/sda1/);
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'mount'});
		const records = auditLines(auditLog);
		expect(events(records, {step: 'unmount'})).toEqual(['already-done:unmount:already-done']);
	});

	it('a command that fails because the work was done meanwhile counts as already done, with what it said', async () => {
		const world = simulator('flapped');
		const unmount = world.unmount!.bind(world);
		// Someone else unmounts between the question and the answer: umount then says "not mounted".
		world.unmount = async (mountpoint, options) => {
			await world.controller.unmount();
			return unmount(mountpoint, options);
		};
		const runner = await runnerOn(world, {auditLog: path.join(tempDir(), 'audit.jsonl')});
		await answer(runner, 'y');
		await answer(runner, 'y');
		const state = await answer(runner, 'y');
		expect(state.steps[1]?.status).toBe('already-done');
		expect(state.steps[1]?.evidence[0]).toBe('umount /srv/glance said: umount: /srv/glance: not mounted.');
	});
});

describe('resuming from the world', () => {
	it('a run quit after the unmount: a new runner continues with the mount', async () => {
		const world = simulator('flapped');
		const auditLog = path.join(tempDir(), 'audit.jsonl');
		const first = await runnerOn(world, {auditLog});
		await answer(first, 'y');
		await answer(first, 'y');
		await answer(first, 'y');
		expect(first.state.prompt).toMatchObject({kind: 'confirm', step: 'mount'});
		first.dispose();

		const second = await runnerOn(world, {auditLog});
		expect(second.state.resume?.from).toBe('mount');
		expect(second.state.resume?.reason).toMatch(/glance_api is exited .* and \/srv\/glance is not mounted/);
		let state = await answer(second, 'y');
		expect(statuses(state)).toBe('stop:already-done unmount:already-done mount:confirming start:pending prove:pending');
		state = await answer(second, 'y');
		state = await answer(second, 'y');
		expect(state.phase).toBe('finished');
		expect((await containerView(world)).container.view.state).toBe('same');
		expect(new Set(auditLines(auditLog).map(record => record.run)).size).toBe(2);
	});

	it('a run quit after the mount: the audit log vouches for the mount and the walk continues with the start; without it, it remounts', async () => {
		const world = simulator('flapped');
		const auditLog = path.join(tempDir(), 'audit.jsonl');
		const first = await runnerOn(world, {auditLog});
		for (let step = 0; step < 3; step++) await answer(first, 'y');
		const state = await answer(first, 'y');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'start'});
		first.dispose();

		const second = await runnerOn(world, {auditLog});
		expect(second.state.resume?.from).toBe('start');
		expect(second.state.resume?.reason).toMatch(/by alice mounted it \(dev 0:54\)/);
		second.dispose();

		// A run that only looked and left does not hide what the run before it did.
		const third = await runnerOn(world, {auditLog});
		expect(third.state.resume?.from).toBe('start');

		const elsewhere = await runnerOn(world, {auditLog: path.join(tempDir(), 'audit.jsonl')});
		expect(elsewhere.state.resume?.from).toBe('unmount');
	});
});

describe('dry run', () => {
	it('walks every step, marks each would-run, changes nothing and records only would-run', async () => {
		const {world, runner, auditLog} = await setup('flapped', {dryRun: true});
		const before = fingerprint(world);
		expect(runner.state.preflight?.warnings[0]).toMatch(/Dry run/);
		let state = await answer(runner, 'y');
		while (state.prompt?.kind === 'confirm') state = await answer(runner, 'y');
		expect(state.phase).toBe('finished');
		expect(statuses(state)).toBe('stop:would-run unmount:would-run mount:would-run start:would-run prove:would-run');
		expect(state.summary?.advice).toEqual(['Dry run: nothing was changed on this machine.']);
		expect(fingerprint(world)).toBe(before);
		expect((await proveCirros(world)).ok).toBe(false);
		const records = auditLines(auditLog);
		expect(records.every(record => record.dryRun)).toBe(true);
		expect(events(records, {event: 'command'})).toEqual([]);
		expect(events(records, {event: 'would-run'})).toEqual(['would-run:stop:would-run', 'would-run:unmount:would-run', 'would-run:mount:would-run', 'would-run:start:would-run']);
	});
});

describe('settings and failures of its own', () => {
	it('takes its settings from the app settings plus --dry-run and the audit log path', () => {
		const settings = resolveSettings({flags: {container: 'glance_api', mountpoint: '/srv/glance', probeTimeout: 2}, env: {}, globals: {path: '/etc/kolla/globals.yml', text: null, readError: null}, containerGlanceSource: null});
		if (!settings.ok) throw new Error(settings.problem.reason);
		expect(remountSettingsFrom(settings.value, {dryRun: true, auditLog: '/tmp/a.jsonl'})).toEqual({
			container: 'glance_api',
			mountpoint: '/srv/glance',
			datadir: '/var/lib/glance/images',
			containerDatadir: '/var/lib/glance/images',
			probeTimeoutMs: 2000,
			dryRun: true,
			auditLog: '/tmp/a.jsonl',
			thresholds: {warnPercent: 80, critPercent: 90},
		});
	});

	it('a World that throws while preparing leaves a preflight that says so and can only be aborted', async () => {
		const world = simulator('flapped');
		const broken: World = {...world, probeDatadir: () => Promise.reject(new Error('mountinfo: EIO'))};
		const runner = new RemountRunner({
			world: broken,
			snapshots: () => emptySnapshot,
			settings: {container: 'glance_api', mountpoint: null, datadir: simulatedDatadir, containerDatadir: '/var/lib/glance/images', probeTimeoutMs: 50, dryRun: false, auditLog: path.join(tempDir(), 'audit.jsonl')},
			env,
		});
		const state = await runner.start();
		expect(state.phase).toBe('preflight');
		expect(state.preflight?.blockers.join('\n')).toMatch(/Probing the machine failed: mountinfo: EIO/);
		expect((await answer(runner, 'y')).phase).toBe('preflight');
		expect((await answer(runner, 'a')).phase).toBe('aborted');

		const settings = {container: 'glance_api', mountpoint: null, datadir: simulatedDatadir, containerDatadir: '/var/lib/glance/images', probeTimeoutMs: 50, dryRun: false, auditLog: path.join(tempDir(), 'audit.jsonl')};
		const noSnapshot = new RemountRunner({world, snapshots: () => {
			throw new Error('the poller is gone');
		}, settings, env});
		expect((await noSnapshot.start()).preflight?.blockers[0]).toBe('Preparing the remount failed: the poller is gone');
	});
});

describe('the audit log', () => {
	it('when it cannot be written, the remount is blocked and nothing runs; a dry run still may', async () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, 'not-a-directory'), '');
		const auditLog = path.join(dir, 'not-a-directory', 'audit.jsonl');
		const world = simulator('flapped');
		const before = fingerprint(world);
		const runner = await runnerOn(world, {auditLog});
		expect(runner.state.preflight?.blockers.join('\n')).toMatch(/audit log cannot be written .*not-a-directory.*--audit-log PATH/);
		const state = await answer(runner, 'y');
		expect(state.phase).toBe('preflight');
		expect(state.notice).toMatch(/cannot begin/);
		expect(fingerprint(world)).toBe(before);

		const dry = await runnerOn(world, {auditLog, dryRun: true});
		expect(dry.state.preflight?.blockers).toEqual([]);
		expect(dry.state.preflight?.warnings.join('\n')).toMatch(/dry run is not recorded/);
	});

	it('when it stops being writable mid-way, the next step is refused and nothing runs', async () => {
		const {world, runner, auditLog} = await setup('flapped');
		await answer(runner, 'y');
		rmSync(auditLog);
		mkdirSync(auditLog);
		const before = fingerprint(world);
		const state = await answer(runner, 'y');
		expect(currentStep(state)).toMatchObject({id: 'stop', status: 'failed', failure: {kind: 'refused'}});
		expect(currentStep(state)?.failure?.reason).toMatch(/cannot be written, so nothing was run/);
		expect(fingerprint(world)).toBe(before);
	});
});
