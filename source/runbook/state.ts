// The remount wizard as a state machine: pure. The UI's keymap turns keys into commands; commands and the
// runner's findings become events, and `reduce` is the only way the state changes. Every prompt has an id,
// and an answer names the prompt it answers: a key typed before a prompt appeared answers nothing.
//
// preflight --y--> per step: checking -> confirming --y--> running -> verifying -> done | already-done | failed
//                                        `--n/Enter/Esc--> declined (the world is untouched; y still runs it)
// failed --r--> confirming again;  unmount busy --l--> type `lazy` + Enter --> running `umount -l`
// `a` at any prompt, or abandoning (Ctrl+C, q) at any time -> aborted (with a summary);
// the last step settled -> finished (with a summary).
import type {ContainerHealth} from '../model/types.js';
import type {ActionResult, Holder} from '../world/world.js';
import type {Plan} from './plan.js';
import type {Preflight} from './preflight.js';
import type {ResumePoint} from './resume.js';
import type {Check, PlanStep, StepId} from './steps/step.js';

export type StepStatus =
	| 'pending'
	/** Looking whether the step's work is already done (a flap that left the share unmounted...). */
	| 'checking'
	| 'confirming'
	/** The operator said no: nothing ran, the wizard waits on this step. */
	| 'declined'
	| 'running'
	| 'verifying'
	| 'done'
	/** Nothing had to be run: the postcondition already held, with the evidence. */
	| 'already-done'
	/** Dry run: confirmed, not executed. */
	| 'would-run'
	| 'skipped'
	| 'failed';

export type StepFailure =
	/** umount said busy (or hung): the processes holding it, and the lazy way out. */
	| {kind: 'busy'; reason: string; holders: Holder[]}
	| {kind: 'mount-failed'; reason: string; fstabLine: string | null; output: string[]}
	/** The container would not start, or started and did not turn healthy on the right mount. */
	| {kind: 'start-failed'; reason: string; logs: string[]; health: ContainerHealth | null; healthOutput: string | null}
	| {kind: 'failed'; reason: string}
	/** The audit log could not be written, so nothing was run. */
	| {kind: 'refused'; reason: string};

export type StepState = {
	id: StepId;
	status: StepStatus;
	/** The command of the current or last attempt: the lazy variant once `lazy` was typed. */
	command: string;
	lazy: boolean;
	attempts: number;
	/** When the current attempt started running, for the elapsed time. */
	startedAt: number | null;
	finishedAt: number | null;
	/** Live output of the current attempt: the command line, what the command printed, what the check saw. */
	output: string[];
	result: ActionResult | null;
	/** The last postcondition (or pre-check) against the world. */
	checks: Check[];
	/** Why the step counts as done without running it, or why it is skipped. */
	evidence: string[];
	failure: StepFailure | null;
};

export type RecoveryChoice = 'retry' | 'lazy';

type PromptBody =
	| {kind: 'begin'; from: StepId; blockers: string[]}
	| {kind: 'confirm'; step: StepId; title: string; command: string; declined: boolean; dryRun: boolean}
	| {kind: 'recover'; step: StepId; choices: RecoveryChoice[]}
	| {kind: 'type-word'; step: StepId; word: 'lazy'; typed: string; command: string};

/**
 * What the wizard waits for; null while it works (checking, running, verifying) and once it has ended.
 * `id` is new for each prompt shown (a declined or half-typed prompt keeps its id): answers must name it.
 */
export type Prompt = PromptBody & {id: number};

export type SummaryRow = {step: StepId; title: string; command: string; status: StepStatus};

export type Summary = {
	outcome: 'finished' | 'aborted';
	done: SummaryRow[];
	notDone: SummaryRow[];
	/** What the machine is left like and what to do next, in plain sentences. */
	advice: string[];
};

export type WizardState = {
	phase: 'preparing' | 'preflight' | 'steps' | 'finished' | 'aborted';
	dryRun: boolean;
	startedAt: number;
	endedAt: number | null;
	preflight: Preflight | null;
	plan: Plan | null;
	resume: ResumePoint | null;
	/** One per plan step, in order. */
	steps: StepState[];
	current: StepId | null;
	/** The word typed so far, while the wizard asks for `lazy`; null otherwise. */
	typing: string | null;
	prompt: Prompt | null;
	/** How many prompts were shown so far: the id of the latest. */
	promptsShown: number;
	/** One line about the last key that did not run anything ("Declined: ... was not run"). */
	notice: string | null;
	summary: Summary | null;
};

/** An operator's answer, naming the id of the prompt that was on screen when the key arrived. */
export type WizardAnswer = (
	| {type: 'begin'}
	| {type: 'confirm'}
	| {type: 'decline'}
	| {type: 'abort'}
	| {type: 'retry'}
	| {type: 'choose-lazy'}
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'submit-word'}
	| {type: 'cancel-word'}
) & {prompt: number};

/** How the operator left the wizard without answering its prompt. */
export type AbandonedBy = 'ctrl-c' | 'q';

export type WizardCommand = WizardAnswer | {type: 'abandon'; by: AbandonedBy};

export type WizardEvent =
	| (WizardCommand & {at: number})
	| {type: 'prepared'; preflight: Preflight; plan: Plan; resume: ResumePoint; at: number}
	| {type: 'checked'; step: StepId; holds: boolean; checks: Check[]; evidence: string[]; at: number}
	| {type: 'output'; step: StepId; line: string; at: number}
	| {type: 'acted'; step: StepId; result: ActionResult; at: number}
	| {type: 'verified'; step: StepId; outcome: 'done' | 'already-done' | 'skipped' | 'failed'; checks: Check[]; evidence: string[]; failure: StepFailure | null; at: number}
	| {type: 'refused'; step: StepId; reason: string; at: number};

export const lazyWord = 'lazy';
const maxOutputLines = 400;
const maxTypedLength = 32;
const settledStatuses = new Set<StepStatus>(['done', 'already-done', 'would-run', 'skipped']);

export function isSettled(status: StepStatus): boolean {
	return settledStatuses.has(status);
}

export function initialState(options: {dryRun: boolean; at: number}): WizardState {
	return {
		phase: 'preparing',
		dryRun: options.dryRun,
		startedAt: options.at,
		endedAt: null,
		preflight: null,
		plan: null,
		resume: null,
		steps: [],
		current: null,
		typing: null,
		prompt: null,
		promptsShown: 0,
		notice: null,
		summary: null,
	};
}

export function planStep(state: WizardState, id: StepId): PlanStep {
	const step = state.plan?.steps.find(each => each.id === id);
	if (!step) throw new Error(`no plan step ${id}`);
	return step;
}

export function currentStep(state: WizardState): StepState | null {
	return state.steps.find(step => step.id === state.current) ?? null;
}

function newStep(step: PlanStep): StepState {
	return {
		id: step.id,
		status: 'pending',
		command: step.command,
		lazy: false,
		attempts: 0,
		startedAt: null,
		finishedAt: null,
		output: [],
		result: null,
		checks: [],
		evidence: [],
		failure: null,
	};
}

function updateStep(state: WizardState, id: StepId, patch: Partial<StepState>): WizardState {
	return {...state, steps: state.steps.map(step => (step.id === id ? {...step, ...patch} : step))};
}

function runPatch(plan: PlanStep, step: StepState, at: number, lazy: boolean): Partial<StepState> {
	return {
		status: 'running',
		lazy,
		command: lazy && plan.lazy ? plan.lazy.command : plan.command,
		attempts: step.attempts + 1,
		startedAt: at,
		finishedAt: null,
		output: [],
		result: null,
		checks: [],
		failure: null,
	};
}

/** Make the step at `index` current: skip it, ask for it, look whether it is already done, or run it (the proof). */
function enter(state: WizardState, index: number, at: number): WizardState {
	const plan = state.plan!;
	const planned = plan.steps[index];
	if (!planned) return finish({...state, current: null}, 'finished', at);
	const step = state.steps[index]!;
	const withCurrent = {...state, current: planned.id, typing: null};
	if (planned.skipped) {
		return enter(updateStep(withCurrent, planned.id, {status: 'skipped', evidence: [planned.skipped], finishedAt: at}), index + 1, at);
	}
	if (state.dryRun) {
		if (planned.mutates) return updateStep(withCurrent, planned.id, {status: 'confirming'});
		return enter(updateStep(withCurrent, planned.id, {status: 'would-run', evidence: ['dry run: not executed'], finishedAt: at}), index + 1, at);
	}
	if (planned.mutates) return updateStep(withCurrent, planned.id, {status: 'checking'});
	// The proof only reads: it runs without asking.
	return updateStep(withCurrent, planned.id, runPatch(planned, step, at, false));
}

function advance(state: WizardState, at: number): WizardState {
	const index = state.steps.findIndex(step => step.id === state.current);
	return enter(state, index + 1, at);
}

function summarize(state: WizardState, outcome: Summary['outcome']): Summary {
	const plan = state.plan;
	const rows: SummaryRow[] = state.steps.map(step => {
		const planned = plan?.steps.find(each => each.id === step.id);
		return {step: step.id, title: planned?.title ?? step.id, command: step.command, status: step.status};
	});
	const done = rows.filter(row => isSettled(row.status));
	const notDone = rows.filter(row => !isSettled(row.status));
	const advice: string[] = [];
	if (state.dryRun) {
		advice.push('Dry run: nothing was changed on this machine.');
		return {outcome, done, notDone, advice};
	}
	const did = (id: StepId) => {
		const status = state.steps.find(step => step.id === id)?.status;
		return status === 'done' || status === 'already-done';
	};
	const container = plan?.container ?? 'the container';
	const mountpoint = plan?.mountpoint ?? 'the mount point';
	const interrupted = state.steps.find(step => step.status === 'running' || step.status === 'verifying');
	if (interrupted) advice.push(`${interrupted.command} was still running when the remount was abandoned: its result goes to the audit log.`);
	const failed = state.steps.find(step => step.status === 'failed');
	if (failed?.failure) advice.push(`${plan?.steps.find(each => each.id === failed.id)?.title ?? failed.id} failed: ${failed.failure.reason}`);
	if (did('unmount') && !did('mount')) {
		advice.push(`${mountpoint} is not mounted: mount it (${plan?.steps.find(each => each.id === 'mount')?.command}) before ${container} starts, or Glance writes onto the controller's root disk.`);
	}
	if (did('stop') && !did('start')) advice.push(`${container} is stopped: Glance is down until it starts again.`);
	const left = state.steps.filter(step => !isSettled(step.status) && plan?.steps.find(each => each.id === step.id)?.mutates);
	const changed = state.steps.some(step => step.status === 'done');
	if (outcome === 'finished' && left.length === 0) {
		const prove = state.steps.find(step => step.id === 'prove');
		advice.push(
			prove?.status === 'skipped'
				? `The remount is complete. The proof was skipped (${prove.evidence[0] ?? 'no reason given'}): download an image by hand to be sure.`
				: `Glance reads ${mountpoint} again: the remount is complete.`,
		);
	} else if (left.length > 0 && (changed || did('stop'))) {
		advice.push(`To finish by hand, in order: ${left.map(step => plan?.steps.find(each => each.id === step.id)?.command ?? step.command).join(' → ')} — or run the remount again: it resumes from the machine's state.`);
	}
	if (!changed) advice.push('This run changed nothing on the machine.');
	return {outcome, done, notDone, advice};
}

function finish(state: WizardState, outcome: Summary['outcome'], at: number): WizardState {
	return {...state, phase: outcome, typing: null, endedAt: at, summary: summarize(state, outcome)};
}

function recoveryChoices(step: StepState): RecoveryChoice[] {
	return step.failure?.kind === 'busy' ? ['retry', 'lazy'] : ['retry'];
}

function promptFor(state: WizardState): PromptBody | null {
	if (state.phase === 'preflight') return {kind: 'begin', from: state.resume?.from ?? 'stop', blockers: state.preflight?.blockers ?? []};
	if (state.phase !== 'steps') return null;
	const step = currentStep(state);
	if (!step) return null;
	const planned = planStep(state, step.id);
	if (step.status === 'confirming' || step.status === 'declined') {
		return {kind: 'confirm', step: step.id, title: planned.title, command: planned.command, declined: step.status === 'declined', dryRun: state.dryRun};
	}
	if (step.status === 'failed') {
		if (state.typing !== null && planned.lazy) return {kind: 'type-word', step: step.id, word: lazyWord, typed: state.typing, command: planned.lazy.command};
		return {kind: 'recover', step: step.id, choices: recoveryChoices(step)};
	}
	return null;
}

/** Whether `command` answers the prompt on screen now (abandoning needs no prompt). */
export function answersCurrentPrompt(state: WizardState, command: WizardCommand): boolean {
	return command.type === 'abandon' || (state.prompt !== null && command.prompt === state.prompt.id);
}

/** Answers that move the walk on: one typed ahead of its prompt is worth a word, the others are dropped silently. */
const movingAnswers = new Set<WizardCommand['type']>(['begin', 'confirm', 'retry', 'choose-lazy', 'submit-word']);

function transition(state: WizardState, event: WizardEvent): WizardState {
	const step = currentStep(state);
	const at = event.at;
	// Once ended, nothing changes it: a step still running after an abandon is only recorded in the audit log.
	if (state.phase === 'finished' || state.phase === 'aborted') return state;
	if ('prompt' in event && !answersCurrentPrompt(state, event)) {
		if (state.prompt === null || !movingAnswers.has(event.type)) return state;
		return {...state, notice: 'A key typed before this prompt appeared was ignored: nothing was run. Read the prompt, then answer it.'};
	}
	switch (event.type) {
		case 'prepared': {
			if (state.phase !== 'preparing') return state;
			return {...state, phase: 'preflight', preflight: event.preflight, plan: event.plan, resume: event.resume, steps: event.plan.steps.map(newStep), notice: null};
		}
		case 'begin': {
			if (state.phase !== 'preflight') return state;
			const blockers = state.preflight?.blockers ?? [];
			if (blockers.length > 0) return {...state, notice: `The remount cannot begin: ${blockers[0]}`};
			const resume = state.resume;
			const fromIndex = Math.max(0, state.steps.findIndex(each => each.id === (resume?.from ?? 'stop')));
			const steps = state.steps.map((each, index): StepState => {
				if (index >= fromIndex) return each;
				const evidence = resume?.alreadyDone.find(done => done.step === each.id)?.evidence ?? resume?.reason ?? 'already done';
				return {...each, status: 'already-done', evidence: [evidence], finishedAt: at};
			});
			return enter({...state, phase: 'steps', steps, notice: null}, fromIndex, at);
		}
		case 'decline': {
			if (state.phase === 'preflight') return {...state, notice: 'Not started: nothing was run. y begins the walk, a aborts.'};
			if (!step) return state;
			if (step.status === 'confirming' || step.status === 'declined') {
				return {
					...updateStep(state, step.id, {status: 'declined'}),
					notice: `Declined: ${planStep(state, step.id).command} was not run and nothing changed. y runs it, a aborts.`,
				};
			}
			if (step.status === 'failed' && state.typing === null) {
				return {...state, notice: `Nothing was run. r retries${step.failure?.kind === 'busy' ? ', l unmounts lazily' : ''}, a aborts.`};
			}
			return state;
		}
		case 'confirm': {
			if (!step || (step.status !== 'confirming' && step.status !== 'declined')) return state;
			const planned = planStep(state, step.id);
			if (state.dryRun) {
				return advance({...updateStep(state, step.id, {status: 'would-run', evidence: ['dry run: not executed'], finishedAt: at}), notice: null}, at);
			}
			return {...updateStep(state, step.id, runPatch(planned, step, at, false)), notice: null};
		}
		case 'refused': {
			if (!step || step.id !== event.step) return state;
			return {...updateStep(state, step.id, {status: 'failed', failure: {kind: 'refused', reason: event.reason}, finishedAt: at}), typing: null};
		}
		case 'output': {
			if (!step || step.id !== event.step || (step.status !== 'running' && step.status !== 'verifying')) return state;
			return updateStep(state, step.id, {output: [...step.output, event.line].slice(-maxOutputLines)});
		}
		case 'acted': {
			if (!step || step.id !== event.step || step.status !== 'running') return state;
			return updateStep(state, step.id, {status: 'verifying', result: event.result});
		}
		case 'checked': {
			if (!step || step.id !== event.step || step.status !== 'checking') return state;
			if (event.holds) return advance(updateStep(state, step.id, {status: 'already-done', checks: event.checks, evidence: event.evidence, finishedAt: at}), at);
			return updateStep(state, step.id, {status: 'confirming', checks: event.checks});
		}
		case 'verified': {
			if (!step || step.id !== event.step || (step.status !== 'verifying' && step.status !== 'running')) return state;
			const patch = {checks: event.checks, evidence: event.evidence, finishedAt: at};
			if (event.outcome === 'failed') return updateStep(state, step.id, {...patch, status: 'failed', failure: event.failure ?? {kind: 'failed', reason: 'the postcondition does not hold'}});
			return advance(updateStep(state, step.id, {...patch, status: event.outcome}), at);
		}
		case 'retry': {
			if (!step || step.status !== 'failed' || state.typing !== null) return state;
			const planned = planStep(state, step.id);
			if (planned.mutates) return {...updateStep(state, step.id, {status: 'confirming', failure: null, command: planned.command, lazy: false}), notice: null};
			return {...updateStep(state, step.id, runPatch(planned, step, at, false)), notice: null};
		}
		case 'choose-lazy': {
			if (!step || step.status !== 'failed' || step.failure?.kind !== 'busy' || state.typing !== null) return state;
			return {...state, typing: '', notice: null};
		}
		case 'type': {
			if (state.typing === null) return state;
			return {...state, typing: (state.typing + event.text).slice(0, maxTypedLength)};
		}
		case 'erase': {
			if (state.typing === null) return state;
			return {...state, typing: state.typing.slice(0, -1)};
		}
		case 'cancel-word': {
			if (state.typing === null) return state;
			return {...state, typing: null, notice: 'Lazy unmount cancelled: nothing was run.'};
		}
		case 'submit-word': {
			if (state.typing === null || !step) return state;
			if (state.typing !== lazyWord) {
				return {...state, typing: '', notice: `"${state.typing}" is not "${lazyWord}": nothing was run. Type ${lazyWord} and press Enter, or Escape to go back.`};
			}
			return {...updateStep(state, step.id, runPatch(planStep(state, step.id), step, at, true)), typing: null, notice: null};
		}
		case 'abort': {
			// Abort answers a prompt; a step that is running cannot be taken back half-way.
			return {...finish(state, 'aborted', at), notice: null};
		}
		case 'abandon': {
			return {...finish(state, 'aborted', at), notice: null};
		}
	}
}

/** The same question on screen: a decline or a typed letter does not make it a new prompt. */
function samePrompt(shown: Prompt | null, next: PromptBody): boolean {
	return shown !== null && shown.kind === next.kind && ('step' in shown ? shown.step : null) === ('step' in next ? next.step : null);
}

export function reduce(state: WizardState, event: WizardEvent): WizardState {
	const next = transition(state, event);
	if (next === state) return state;
	const body = promptFor(next);
	if (!body) return {...next, prompt: null};
	if (samePrompt(state.prompt, body)) return {...next, prompt: {...body, id: state.prompt!.id}};
	return {...next, prompt: {...body, id: next.promptsShown + 1}, promptsShown: next.promptsShown + 1};
}
