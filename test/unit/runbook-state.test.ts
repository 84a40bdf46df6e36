import {describe, expect, it} from 'vitest';
import {buildPlan} from '../../source/runbook/plan.js';
import {buildPreflight, type Preflight} from '../../source/runbook/preflight.js';
import {resumePoint, type ResumePoint} from '../../source/runbook/resume.js';
import {currentStep, initialState, reduce, type StepFailure, type WizardState} from '../../source/runbook/state.js';
import {wizardAnswerFor} from '../../source/ui/keymap.js';
import type {StepId} from '../../source/runbook/steps/step.js';
import {flappedSnapshot, preflightFacts} from './runbook-fixtures.js';

const snapshot = flappedSnapshot();

let clock = 1000;

function prepared(options: {dryRun?: boolean; blockers?: string[]; resume?: ResumePoint; proveSkipped?: string | null} = {}): WizardState {
	const preflight: Preflight = buildPreflight(snapshot, preflightFacts(snapshot, {now: clock, dryRun: options.dryRun ?? false, problems: options.blockers ?? []}));
	if (options.proveSkipped !== undefined) preflight.proveSkipped = options.proveSkipped;
	const plan = buildPlan(preflight, {graceSeconds: 60, probeTimeoutMs: 3000, healthWaitMs: 60_000});
	const resume = options.resume ?? resumePoint({container: snapshot.container, datadir: snapshot.datadir, containerName: 'glance_api', mountpoint: '/srv/glance', lastRun: null});
	return reduce(initialState({dryRun: options.dryRun ?? false, at: clock}), {type: 'prepared', preflight, plan, resume, at: clock});
}

type WizardKey = Parameters<typeof wizardAnswerFor>[2];

/** A key as the UI sends it: through the keymap, answering the prompt on screen. */
function press(state: WizardState, input: string, key: WizardKey = {}): WizardState {
	// A chunk of letters is typed one key at a time, as the UI does: each stamped with the prompt on screen.
	if (input.length > 1) {
		const answers = [...input].map(letter => wizardAnswerFor(state, letter, key));
		return answers.reduce((each, answer) => (answer ? reduce(each, {...answer, at: ++clock}) : each), state);
	}
	const command = wizardAnswerFor(state, input, key);
	return command ? reduce(state, {...command, at: ++clock}) : state;
}

function statuses(state: WizardState): string {
	return state.steps.map(step => `${step.id}:${step.status}`).join(' ');
}

/** The runner's answers to a step that is being checked or run. */
function notDoneYet(state: WizardState, step: StepId): WizardState {
	return reduce(state, {type: 'checked', step, holds: false, checks: [{label: 'x', ok: false, evidence: 'not yet'}], evidence: [], at: ++clock});
}

function ran(state: WizardState, step: StepId, outcome: 'done' | 'already-done' | 'failed' = 'done', failure: StepFailure | null = null): WizardState {
	const acted = reduce(state, {type: 'acted', step, result: outcome === 'failed' ? {ok: false, problem: {tookMs: 5, output: ['boom'], errno: 'EBUSY', reason: 'boom'}} : {ok: true, value: {tookMs: 5, output: []}}, at: ++clock});
	return reduce(acted, {type: 'verified', step, outcome, checks: [], evidence: outcome === 'already-done' ? ['it already was'] : [], failure, at: ++clock});
}

/** From the preflight to the confirmation of `step`, each earlier step confirmed and done. */
function upTo(step: StepId, options: Parameters<typeof prepared>[0] = {}): WizardState {
	let state = press(prepared(options), 'y');
	for (;;) {
		const current = currentStep(state)!;
		if (current.status === 'checking') state = notDoneYet(state, current.id);
		if (current.id === step) return state;
		state = ran(press(state, 'y'), current.id);
	}
}

const busy: StepFailure = {kind: 'busy', reason: 'umount: /srv/glance: target is busy.', holders: [{pid: 4242, command: 'rsync', user: 'root', how: 'cwd', path: '/srv/glance/images'}]};

describe('the preflight prompt', () => {
	it('waits for y to begin, at the resume point, and then looks whether the first step is already done', () => {
		const state = prepared();
		expect(state.phase).toBe('preflight');
		expect(state.prompt).toMatchObject({kind: 'begin', from: 'stop', blockers: []});
		for (const [input, key] of [['n', {}], ['', {return: true}], ['', {escape: true}]] as const) {
			const declined = press(state, input, key);
			expect(declined.phase).toBe('preflight');
			expect(declined.notice).toMatch(/Not started/);
		}
		const begun = press(state, 'y');
		expect(begun.phase).toBe('steps');
		expect(begun.current).toBe('stop');
		expect(statuses(begun)).toBe('stop:checking unmount:pending mount:pending start:pending prove:pending');
		expect(begun.prompt).toBeNull();
	});

	it('cannot begin while something blocks the walk, and says why', () => {
		const state = press(prepared({blockers: ['Docker cannot be asked about glance_api: permission denied']}), 'y');
		expect(state.phase).toBe('preflight');
		expect(state.notice).toMatch(/cannot begin: Docker cannot be asked/);
		expect(press(state, 'a').phase).toBe('aborted');
	});

	it('marks the steps before the resume point as already done, with their evidence', () => {
		const resume: ResumePoint = {
			from: 'mount',
			reason: 'glance_api is exited and /srv/glance is not mounted',
			urgent: false,
			alreadyDone: [
				{step: 'stop', evidence: 'glance_api is exited'},
				{step: 'unmount', evidence: '/srv/glance is not a mount point'},
			],
		};
		const state = press(prepared({resume}), 'y');
		expect(statuses(state)).toBe('stop:already-done unmount:already-done mount:checking start:pending prove:pending');
		expect(state.steps[1]?.evidence).toEqual(['/srv/glance is not a mount point']);
	});
});

describe('confirming a step', () => {
	it('runs only on y; n, Enter, Escape and any modified key decline; a aborts; other keys are left to the UI', () => {
		const state = upTo('stop');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'stop', command: 'docker stop -t 60 glance_api', declined: false});
		const declines: Array<[string, WizardKey]> = [
			['n', {}],
			['N', {}],
			['', {return: true}],
			['', {escape: true}],
			// Escape followed by y arrives as meta+y: it must not run.
			['y', {meta: true}],
			['y', {ctrl: true}],
		];
		for (const [input, key] of declines) {
			const after = press(state, input, key);
			expect(currentStep(after)?.status, `${input} ${JSON.stringify(key)}`).toBe('declined');
		}
		expect(wizardAnswerFor(state, '?', {})).toBeNull();
		expect(wizardAnswerFor(state, 'yes', {})).toBeNull();
		expect(currentStep(press(state, 'y'))?.status).toBe('running');
		expect(currentStep(press(state, 'Y'))?.status).toBe('running');
		expect(press(state, 'a').phase).toBe('aborted');
	});

	it('stays on a declined step, which y still runs later', () => {
		const declined = press(upTo('unmount'), 'n');
		expect(declined.current).toBe('unmount');
		expect(declined.notice).toMatch(/Declined: umount \/srv\/glance was not run and nothing changed/);
		expect(declined.prompt).toMatchObject({kind: 'confirm', step: 'unmount', declined: true});
		const again = press(press(declined, '', {escape: true}), 'y');
		expect(currentStep(again)).toMatchObject({id: 'unmount', status: 'running', attempts: 1, command: 'umount /srv/glance'});
	});

	it('walks running -> verifying -> done and on to the next step, keeping the live output of the step that runs', () => {
		let state = press(upTo('stop'), 'y');
		expect(currentStep(state)?.startedAt).toBe(clock);
		state = reduce(state, {type: 'output', step: 'stop', line: '$ docker stop -t 60 glance_api', at: ++clock});
		state = reduce(state, {type: 'acted', step: 'stop', result: {ok: true, value: {tookMs: 1500, output: ['glance_api']}}, at: ++clock});
		expect(currentStep(state)?.status).toBe('verifying');
		state = reduce(state, {type: 'output', step: 'stop', line: '✓ glance_api is not running', at: ++clock});
		// Keys mean nothing while a step works: there is no prompt, and abort cannot take it back half-way.
		expect(state.prompt).toBeNull();
		expect(press(state, 'a').phase).toBe('steps');
		state = reduce(state, {type: 'verified', step: 'stop', outcome: 'done', checks: [{label: 'glance_api is not running', ok: true, evidence: 'exited'}], evidence: [], failure: null, at: ++clock});
		expect(state.steps[0]).toMatchObject({status: 'done', output: ['$ docker stop -t 60 glance_api', '✓ glance_api is not running']});
		expect(state.current).toBe('unmount');
		expect(currentStep(state)?.status).toBe('checking');
		// Output for a step that is not running is dropped, not misfiled.
		expect(reduce(state, {type: 'output', step: 'stop', line: 'late', at: ++clock}).steps[0]?.output).toHaveLength(2);
	});

	it('marks a step already done, without asking, when its postcondition already holds', () => {
		const atUnmount = ran(press(upTo('stop'), 'y'), 'stop');
		const state = reduce(atUnmount, {type: 'checked', step: 'unmount', holds: true, checks: [], evidence: ['/srv/glance is not a mount point'], at: ++clock});
		expect(state.steps[1]).toMatchObject({status: 'already-done', evidence: ['/srv/glance is not a mount point']});
		expect(state.current).toBe('mount');
	});

	it('a refused step (the audit log cannot be written) fails with that reason and can be tried again', () => {
		const refused = reduce(upTo('stop'), {type: 'refused', step: 'stop', reason: 'the audit log cannot be written', at: ++clock});
		expect(currentStep(refused)).toMatchObject({status: 'failed', failure: {kind: 'refused'}, attempts: 0});
		expect(press(refused, 'r').prompt).toMatchObject({kind: 'confirm', step: 'stop'});
	});
});

describe('answers name their prompt', () => {
	it('a y stamped with an older prompt confirms nothing, and says so', () => {
		const state = upTo('unmount');
		expect(state.prompt).toMatchObject({kind: 'confirm', step: 'unmount'});
		const stale = reduce(state, {type: 'confirm', prompt: state.prompt!.id - 1, at: ++clock});
		expect(currentStep(stale)?.status).toBe('confirming');
		expect(stale.notice).toMatch(/typed before this prompt appeared was ignored: nothing was run/);
		expect(currentStep(reduce(state, {type: 'confirm', prompt: state.prompt!.id, at: ++clock}))?.status).toBe('running');
	});

	it('gives each prompt shown a new id, and keeps it through a decline', () => {
		const begin = prepared({dryRun: true});
		const first = press(begin, 'y');
		expect(first.prompt!.id).toBeGreaterThan(begin.prompt!.id);
		expect(press(first, 'n').prompt!.id).toBe(first.prompt!.id);
		// In a dry run the next prompt follows at once: "yyyy" in one chunk marks one step.
		const after = press(first, 'yyyy');
		expect(statuses(after)).toBe('stop:would-run unmount:confirming mount:pending start:pending prove:pending');
	});

	it('abandoning ends the walk at any time, even while a step runs', () => {
		const running = press(upTo('stop'), 'y');
		expect(currentStep(running)?.status).toBe('running');
		const abandoned = reduce(running, {type: 'abandon', by: 'ctrl-c', at: ++clock});
		expect(abandoned.phase).toBe('aborted');
		expect(abandoned.summary?.advice.join('\n')).toMatch(/docker stop -t 60 glance_api was still running when the remount was abandoned/);
		// What the running step reports afterwards changes nothing on screen.
		expect(ran(abandoned, 'stop')).toBe(abandoned);
	});
});

describe('when a step goes wrong', () => {
	it('busy unmount: offers retry or lazy; lazy runs only after the word lazy and Enter', () => {
		const failed = ran(press(upTo('unmount'), 'y'), 'unmount', 'failed', busy);
		expect(failed.prompt).toMatchObject({kind: 'recover', step: 'unmount', choices: ['retry', 'lazy']});
		expect(currentStep(failed)?.failure).toMatchObject({kind: 'busy', holders: [{pid: 4242}]});
		expect(press(failed, 'n').notice).toMatch(/r retries, l unmounts lazily, a aborts/);

		let typing = press(failed, 'l');
		expect(typing.prompt).toMatchObject({kind: 'type-word', word: 'lazy', typed: '', command: 'umount -l /srv/glance'});
		// `a` is a letter here, not abort; a wrong word runs nothing.
		typing = press(press(press(press(typing, 'l'), 'a'), 'z'), 'x');
		expect(typing.phase).toBe('steps');
		expect(typing.typing).toBe('lazx');
		const wrong = press(typing, '', {return: true});
		expect(currentStep(wrong)?.status).toBe('failed');
		expect(wrong.notice).toMatch(/"lazx" is not "lazy": nothing was run/);
		expect(wrong.typing).toBe('');

		const back = press(press(wrong, 'lazy'), '', {escape: true});
		expect(back.typing).toBeNull();
		expect(back.prompt?.kind).toBe('recover');
		expect(currentStep(back)?.status).toBe('failed');

		const fixed = press(press(press(press(back, 'l'), 'lazyy'), '', {backspace: true}), '', {return: true});
		expect(currentStep(fixed)).toMatchObject({status: 'running', lazy: true, command: 'umount -l /srv/glance', attempts: 2});
	});

	it('retry asks again for a step that changes the machine, and reruns the proof at once', () => {
		const failed = ran(press(upTo('mount'), 'y'), 'mount', 'failed', {kind: 'mount-failed', reason: 'mount.nfs4: Connection refused', fstabLine: 'nfs01:/export/glance /srv/glance nfs4 rw 0 0', output: []});
		expect(failed.prompt).toMatchObject({kind: 'recover', step: 'mount', choices: ['retry']});
		expect(press(failed, 'l')).toBe(failed);
		const retried = press(failed, 'r');
		expect(currentStep(retried)).toMatchObject({status: 'confirming', failure: null});

		let atProve = ran(press(upTo('start'), 'y'), 'start');
		expect(currentStep(atProve)).toMatchObject({id: 'prove', status: 'running', attempts: 1});
		atProve = ran(atProve, 'prove', 'failed', {kind: 'failed', reason: 'HTTP 204, 0 bytes'});
		expect(currentStep(press(atProve, 'r'))).toMatchObject({id: 'prove', status: 'running', attempts: 2});
	});
});

describe('how the walk ends', () => {
	it('finishes after the proof with a summary of everything done', () => {
		const state = ran(ran(press(upTo('start'), 'y'), 'start'), 'prove');
		expect(state.phase).toBe('finished');
		expect(state.endedAt).toBe(clock);
		expect(state.summary?.done.map(row => row.step)).toEqual(['stop', 'unmount', 'mount', 'start', 'prove']);
		expect(state.summary?.notDone).toEqual([]);
		expect(state.summary?.advice).toEqual(['Glance reads /srv/glance again: the remount is complete.']);
	});

	it('skips a proof that cannot be made and says to check by hand', () => {
		const state = ran(press(upTo('start', {proveSkipped: 'Glance is not configured here'}), 'y'), 'start');
		expect(state.phase).toBe('finished');
		expect(state.steps.at(-1)).toMatchObject({status: 'skipped', evidence: ['Glance is not configured here']});
		expect(state.summary?.advice.join('\n')).toMatch(/proof was skipped \(Glance is not configured here\): download an image by hand/);
	});

	it('aborted half-way: says what was and was not done, and what the machine is left like', () => {
		const state = press(upTo('mount'), 'a');
		expect(state.phase).toBe('aborted');
		expect(state.prompt).toBeNull();
		const summary = state.summary!;
		expect(summary.outcome).toBe('aborted');
		expect(summary.done.map(row => `${row.step}:${row.status}`)).toEqual(['stop:done', 'unmount:done']);
		expect(summary.notDone.map(row => row.step)).toEqual(['mount', 'start', 'prove']);
		const advice = summary.advice.join('\n');
		expect(advice).toMatch(/\/srv\/glance is not mounted: mount it \(mount \/srv\/glance\) before glance_api starts/);
		expect(advice).toMatch(/glance_api is stopped: Glance is down/);
		expect(advice).toMatch(/To finish by hand, in order: mount \/srv\/glance → docker start glance_api/);
	});

	it('aborted before anything ran: nothing changed', () => {
		const state = press(prepared(), 'a');
		expect(state.summary?.done).toEqual([]);
		expect(state.summary?.advice).toEqual(['This run changed nothing on the machine.']);
	});

	it('dry run: the same walk, every step marked would-run, nothing changed', () => {
		let state = press(prepared({dryRun: true}), 'y');
		expect(currentStep(state)?.status).toBe('confirming');
		expect(state.prompt).toMatchObject({kind: 'confirm', dryRun: true});
		state = press(state, 'n');
		expect(currentStep(state)?.status).toBe('declined');
		for (let step = 0; step < 4; step++) state = press(state, 'y');
		expect(state.phase).toBe('finished');
		expect(statuses(state)).toBe('stop:would-run unmount:would-run mount:would-run start:would-run prove:would-run');
		expect(state.summary?.advice).toEqual(['Dry run: nothing was changed on this machine.']);
	});
});
