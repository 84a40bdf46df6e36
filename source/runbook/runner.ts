// Runs the remount plan against a World: confirm -> act -> verify -> record, one step at a time. The steps
// (steps/*.ts) say what each does and checks; this is the loop, the audit trail and the one gate before any
// action. The UI only sends commands (send) and draws the state (subscribe); every side effect lives here.
import {randomUUID} from 'node:crypto';
import os from 'node:os';
import {formatDuration} from '../model/format.js';
import {errorMessage, type Result} from '../model/result.js';
import type {ContainerProbe, DatadirProbe, Snapshot, Thresholds} from '../model/types.js';
import {thresholdsOf, type Settings} from '../settings.js';
import {emptySnapshot} from '../world/poller.js';
import type {World} from '../world/world.js';
import {AuditLog, auditIdentity, lastRunOf, readAuditLog, redactDeep, type AuditEntry, type AuditRecord, type AuditSimulation} from './audit.js';
import {specFromMount} from './mount-spec.js';
import {buildPlan, type Plan} from './plan.js';
import {buildPreflight, gatherPreflight, type NamedFacts, type Preflight} from './preflight.js';
import {resumePoint} from './resume.js';
import {unknownLocation} from './share-location.js';
import {remountStep} from './steps/index.js';
import type {Ran, StepContext, StepId, Verdict} from './steps/step.js';
import {kollaGraceSeconds} from './steps/stop.js';
import {
	answersCurrentPrompt,
	currentStep,
	initialState,
	lazyWord,
	planStep,
	reduce,
	type AbandonedBy,
	type StepFailure,
	type WizardAnswer,
	type WizardCommand,
	type WizardEvent,
	type WizardState,
} from './state.js';

/** The dashboard's poller, or any function that returns the latest Snapshot. */
export type SnapshotSource = {readonly snapshot: Snapshot; refreshNow?(): void} | (() => Snapshot);

export type RemountSettings = {
	container: string;
	/** --mountpoint; null: the fstab line holding the datadir, else the network share it is on. */
	mountpoint: string | null;
	datadir: string;
	/** Glance's datadir inside the container (its parent is the directory kolla binds). */
	containerDatadir: string;
	probeTimeoutMs: number;
	dryRun: boolean;
	/** Resolved audit log path (resolveAuditLogPath). */
	auditLog: string;
	/** The training simulator's scenario: its records are marked, and only its own records are read back. */
	simulation?: AuditSimulation;
	thresholds?: Thresholds;
	/** docker stop grace; kolla's is 60 s. */
	graceSeconds?: number;
	/** How long the start step waits for a passing healthcheck. */
	healthWaitMs?: number;
	/** How often the start step asks Docker while it waits. */
	pollIntervalMs?: number;
};

export type RemountRunnerOptions = {
	world: World;
	snapshots: SnapshotSource;
	settings: RemountSettings;
	/** Where the operator's name (SUDO_USER/USER) and SSH_CONNECTION come from; process.env by default. */
	env?: NodeJS.ProcessEnv;
	hostname?: string;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
};

export const remountDefaults = {
	graceSeconds: kollaGraceSeconds,
	healthWaitMs: 180_000,
	pollIntervalMs: 2000,
	logLines: 20,
	thresholds: {warnPercent: 80, critPercent: 90},
} as const;

/** The runner's settings from the app's resolved settings plus the two flags only the remount has. */
export function remountSettingsFrom(settings: Settings, options: {dryRun: boolean; auditLog: string}): RemountSettings {
	return {
		container: settings.container.value,
		mountpoint: settings.mountpoint.value,
		datadir: settings.datadir.value,
		containerDatadir: settings.containerDatadir.value,
		probeTimeoutMs: settings.probeTimeoutSeconds.value * 1000,
		dryRun: options.dryRun,
		auditLog: options.auditLog,
		thresholds: thresholdsOf(settings),
	};
}

/** Events that carry what the World said (command output, checks, failures, logs): redacted before they reach the state. */
const fromTheWorld = new Set<WizardEvent['type']>(['output', 'acted', 'checked', 'verified']);

const abortReasons: Record<AbandonedBy | 'a', string> = {a: 'aborted with a at a prompt', q: 'abandoned with q, then y', 'ctrl-c': 'abandoned with Ctrl+C'};

type Judged = {outcome: 'done' | 'already-done' | 'failed'; verdict: Verdict; failure: StepFailure | null; evidence: string[]};

/**
 * The guided remount. Call start() once, then send() the operator's answers (each naming the prompt it answers),
 * and draw `state` whenever subscribe() says it changed. Nothing mutating runs without a `y` to its own prompt.
 */
export class RemountRunner {
	private current: WizardState;
	private readonly listeners = new Set<(state: WizardState) => void>();
	private working = false;
	private audit: AuditLog | null = null;
	private preparing: Promise<WizardState> | null = null;
	private disposed = false;
	private lastContainer: ContainerProbe | null = null;
	private readonly world: World;
	private readonly settings: RemountSettings & Required<Pick<RemountSettings, 'graceSeconds' | 'healthWaitMs' | 'pollIntervalMs' | 'thresholds'>>;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;

	constructor(private readonly options: RemountRunnerOptions) {
		this.world = options.world;
		this.settings = {
			graceSeconds: remountDefaults.graceSeconds,
			healthWaitMs: remountDefaults.healthWaitMs,
			pollIntervalMs: remountDefaults.pollIntervalMs,
			thresholds: remountDefaults.thresholds,
			...options.settings,
		};
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
		this.current = initialState({dryRun: options.settings.dryRun, at: this.now()});
	}

	get state(): WizardState {
		return this.current;
	}

	/** Where this run's audit lines go. */
	get auditPath(): string {
		return this.settings.auditLog;
	}

	/** Called with every new state; returns the unsubscribe function. */
	subscribe(listener: (state: WizardState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Builds the preflight (probes, holders, parent filesystem, audit log, resume point); resolves on the preflight. */
	start(): Promise<WizardState> {
		this.preparing ??= this.prepare()
			.catch(error => this.prepareFailed(error))
			.then(() => this.current);
		return this.preparing;
	}

	/** Resolves once the wizard waits for the operator (a prompt) or has ended (finished, aborted). */
	whenWaiting(): Promise<WizardState> {
		return new Promise(resolve => {
			const check = (state: WizardState) => {
				if (state.prompt === null && state.phase !== 'finished' && state.phase !== 'aborted') return false;
				unsubscribe();
				resolve(state);
				return true;
			};
			const unsubscribe = this.subscribe(state => void check(state));
			check(this.current);
		});
	}

	/**
	 * One command from the UI. An answer counts only for the prompt it names: one typed ahead of a prompt (a
	 * burst of y while a step runs) is dropped here, whatever the UI did. Returns whether it was taken.
	 */
	send(command: WizardCommand): boolean {
		if (command.type === 'abandon') return this.abandon(command.by);
		if (!answersCurrentPrompt(this.current, command)) {
			this.apply({...command, at: this.now()});
			return false;
		}
		switch (command.type) {
			case 'begin':
				return this.begin(command);
			case 'confirm':
				return this.confirm(command);
			case 'decline':
				return this.decline(command);
			case 'abort':
				this.apply({...command, at: this.now()});
				this.recordAbort('a');
				return true;
			case 'retry':
				return this.retry(command);
			case 'submit-word':
				return this.submitWord(command);
			case 'choose-lazy':
			case 'type':
			case 'erase':
			case 'cancel-word':
				this.apply({...command, at: this.now()});
				return true;
		}
	}

	/** At the preflight: go to the first step (the resume point). Runs nothing by itself. */
	private begin(answer: WizardAnswer): boolean {
		const state = this.current;
		if (state.prompt?.kind !== 'begin') return false;
		if (state.prompt.blockers.length === 0) {
			this.record({event: 'begin', step: state.resume?.from ?? 'stop', outcome: 'ok', detail: {resumeFrom: state.resume?.from ?? 'stop', evidence: state.resume ? [state.resume.reason] : []}});
		}
		this.apply({...answer, at: this.now()});
		return true;
	}

	/** `y` at a step: runs it (or, in a dry run, marks it would-run). Refused when the audit log cannot be written. */
	private confirm(answer: WizardAnswer): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'confirm') return false;
		this.record({event: 'confirmed', step: prompt.step, command: prompt.command, outcome: this.current.dryRun ? 'would-run' : 'run'});
		this.apply({...answer, at: this.now()});
		if (this.current.dryRun) this.record({event: 'would-run', step: prompt.step, command: prompt.command, outcome: 'would-run'});
		return true;
	}

	/** `n`, Enter or Escape: nothing runs, the wizard stays on the step. */
	private decline(answer: WizardAnswer): boolean {
		const prompt = this.current.prompt;
		if (!prompt || prompt.kind === 'type-word') return false;
		if (prompt.kind === 'confirm') this.record({event: 'declined', step: prompt.step, command: prompt.command, outcome: 'declined'});
		if (prompt.kind === 'begin') this.record({event: 'declined', outcome: 'not-started'});
		this.apply({...answer, at: this.now()});
		return true;
	}

	/**
	 * Leaving without answering (Ctrl+C, or q then y): at any time, even while a step runs (which still
	 * finishes and is still recorded). Recorded as aborted, with how and what was and was not done.
	 */
	private abandon(by: AbandonedBy): boolean {
		const {phase} = this.current;
		if (phase === 'finished' || phase === 'aborted') return false;
		this.apply({type: 'abandon', by, at: this.now()});
		this.recordAbort(by);
		return true;
	}

	private recordAbort(by: AbandonedBy | 'a'): void {
		const summary = this.current.summary;
		const running = this.current.steps.find(step => step.status === 'running' || step.status === 'verifying');
		this.record({
			event: 'aborted',
			step: this.current.current,
			outcome: 'aborted',
			detail: {
				reason: abortReasons[by],
				...(running ? {evidence: [`${running.command} was still running`]} : {}),
				done: summary?.done.map(row => `${row.step}: ${row.status}`) ?? [],
				notDone: summary?.notDone.map(row => `${row.step}: ${row.status}`) ?? [],
			},
		});
	}

	/** `r` after a failure: back to the step's confirmation (the proof, which only reads, runs again at once). */
	private retry(answer: WizardAnswer): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'recover') return false;
		this.record({event: 'retry', step: prompt.step, outcome: 'retry'});
		this.apply({...answer, at: this.now()});
		return true;
	}

	/** Enter while typing: runs `umount -l` only when the word is exactly `lazy`. */
	private submitWord(answer: WizardAnswer): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'type-word') return false;
		if (prompt.typed === lazyWord) this.record({event: 'lazy-confirmed', step: prompt.step, command: prompt.command, outcome: 'run'});
		this.apply({...answer, at: this.now()});
		return true;
	}

	/** Stops telling listeners; a step already running still finishes and is still recorded. */
	dispose(): void {
		this.disposed = true;
		this.listeners.clear();
	}

	// ---- internals ----

	private apply(event: WizardEvent): void {
		// What a command prints or a container logs reaches the screen: a password or token in it must not.
		const next = reduce(this.current, fromTheWorld.has(event.type) ? redactDeep(event) : event);
		if (next === this.current) return;
		const ended = next.phase === 'finished' && this.current.phase !== 'finished';
		this.current = next;
		if (ended) {
			this.record({
				event: 'finished',
				outcome: 'finished',
				detail: {done: next.summary?.done.map(row => `${row.step}: ${row.status}`) ?? [], notDone: next.summary?.notDone.map(row => `${row.step}: ${row.status}`) ?? []},
			});
		}
		for (const listener of [...this.listeners]) listener(next);
		this.drive();
	}

	/** Starts the work the state asks for: a pre-check, or the action of a confirmed step. One at a time. */
	private drive(): void {
		if (this.working || this.disposed || this.current.phase !== 'steps') return;
		const step = currentStep(this.current);
		if (!step || (step.status !== 'checking' && step.status !== 'running')) return;
		const {id, status, lazy} = step;
		// Set before the work starts: its first lines already apply events, which call drive() again.
		this.working = true;
		const work = status === 'checking' ? this.precheck(id) : this.execute(id, lazy);
		void work
			.catch(error => this.failInternally(id, error))
			.finally(() => {
				this.working = false;
				this.drive();
			});
	}

	private record(entry: AuditEntry): boolean {
		return this.audit?.write(entry).ok ?? false;
	}

	private output(step: StepId, line: string): void {
		this.apply({type: 'output', step, line, at: this.now()});
	}

	private readSnapshot(): Snapshot {
		const source = this.options.snapshots;
		return typeof source === 'function' ? source() : source.snapshot;
	}

	private refreshSnapshots(): void {
		const source = this.options.snapshots;
		if (typeof source !== 'function') source.refreshNow?.();
	}

	/** The facts of the preflight that come from the settings, whatever the world answered. */
	private namedFacts(): NamedFacts {
		const settings = this.settings;
		return {
			now: this.now(),
			dryRun: settings.dryRun,
			container: settings.container,
			datadir: settings.datadir,
			containerDatadir: settings.containerDatadir,
			thresholds: settings.thresholds,
		};
	}

	private planOf(preflight: Preflight): Plan {
		const {graceSeconds, probeTimeoutMs, healthWaitMs} = this.settings;
		return buildPlan(preflight, {graceSeconds, probeTimeoutMs, healthWaitMs});
	}

	private async prepare(): Promise<void> {
		const settings = this.settings;
		const identity = auditIdentity(this.options.env ?? process.env, this.options.hostname ?? os.hostname());
		const opened = AuditLog.open(settings.auditLog, {identity, run: randomUUID(), dryRun: settings.dryRun, now: this.now, simulation: settings.simulation});
		this.audit = opened.ok ? opened.value : null;
		const records: Result<AuditRecord[]> = await readAuditLog(settings.auditLog, settings.simulation);
		const audit = {path: settings.auditLog, problem: opened.ok ? null : opened.problem.reason};
		const {snapshot, location, facts} = await gatherPreflight(this.world, this.readSnapshot(), {named: this.namedFacts(), mountpoint: settings.mountpoint, records, audit});
		const preflight = buildPreflight(snapshot, facts);
		const plan = this.planOf(preflight);
		const resume = resumePoint({
			container: snapshot.container,
			datadir: snapshot.datadir,
			containerName: settings.container,
			mountpoint: plan.mountpoint,
			lastRun: records.ok ? lastRunOf(records.value) : null,
		});
		this.record({
			event: 'preflight',
			outcome: preflight.blockers.length > 0 ? 'blocked' : 'ready',
			detail: {
				mountpoint: plan.mountpoint,
				// Kept so a later run can mount the share again even when it has no fstab line and is not mounted.
				mountSpec: location.currentMount ? specFromMount(location.currentMount) : plan.mountSpec,
				findings: preflight.wrong.map(each => each.finding.id),
				uploads: preflight.uploads.ok ? preflight.uploads.value.length : null,
				holders: preflight.holders.ok ? preflight.holders.value.map(holder => ({pid: holder.pid, command: holder.command})) : null,
				blockers: preflight.blockers,
				resumeFrom: resume.from,
				evidence: [resume.reason],
			},
		});
		this.apply({type: 'prepared', preflight, plan, resume, at: this.now()});
	}

	/** A bug while preparing: a preflight that can only be aborted, saying what went wrong, rather than a stack trace. */
	private prepareFailed(error: unknown): void {
		const settings = this.settings;
		const notAsked = {ok: false as const, problem: {reason: 'not asked'}};
		const preflight = buildPreflight(emptySnapshot, {
			...this.namedFacts(),
			location: unknownLocation,
			mountSource: {kind: 'unknown', reason: 'the remount could not be prepared'},
			holders: notAsked,
			parentFilesystem: notAsked,
			audit: {path: settings.auditLog, problem: null},
			problems: [`Preparing the remount failed: ${errorMessage(error)}`],
		});
		const plan = this.planOf(preflight);
		const resume = resumePoint({container: null, datadir: null, containerName: settings.container, mountpoint: plan.mountpoint, lastRun: null});
		this.apply({type: 'prepared', preflight, plan, resume, at: this.now()});
	}

	/** What a step reaches of this run: the World, the plan, live output, and probes remembered for its diagnosis. */
	private contextFor(step: StepId): StepContext {
		const {graceSeconds, healthWaitMs, pollIntervalMs} = this.settings;
		return {
			world: this.world,
			plan: this.current.plan!,
			preflight: this.current.preflight!,
			planned: planStep(this.current, step),
			settings: {graceSeconds, healthWaitMs, pollIntervalMs, logLines: remountDefaults.logLines},
			now: this.now,
			sleep: this.sleep,
			output: line => this.output(step, line),
			probeDatadir: () => this.world.probeDatadir(),
			probeContainer: async (datadir: DatadirProbe | null) => {
				this.lastContainer = await this.world.probeContainer(datadir?.mount ?? null, datadir?.health ?? null);
				return this.lastContainer;
			},
			lastContainer: () => this.lastContainer,
		};
	}

	/** Before asking: is the step's work already done? Then it is marked so, with the evidence, and not asked. */
	private async precheck(step: StepId): Promise<void> {
		const verdict = await remountStep(step).postcondition(this.contextFor(step), null);
		const evidence = verdict.holds ? verdict.checks.map(check => `${check.label}: ${check.evidence}`) : [];
		if (verdict.holds) this.record({event: 'already-done', step, command: planStep(this.current, step).command, outcome: 'already-done', detail: {checks: verdict.checks, evidence}});
		this.apply({type: 'checked', step, holds: verdict.holds, checks: verdict.checks, evidence, at: this.now()});
	}

	/** A confirmed step (or the proof): record the command, run it, record what it said, check the world, record the check. */
	private async execute(step: StepId, lazy: boolean): Promise<void> {
		const module = remountStep(step);
		const context = this.contextFor(step);
		const attempt = await module.attempt(context, lazy);
		if (!attempt.ok) {
			this.settleWithoutCommand(step, attempt.problem.outcome, attempt.problem.reason);
			return;
		}
		const {command} = attempt.value;
		// The one gate before every mutating action: what cannot be recorded is not run.
		if (!this.record({event: 'command', step, command, outcome: 'started', ...(attempt.value.detail ? {detail: attempt.value.detail} : {})}) && context.planned.mutates) {
			this.apply({type: 'refused', step, reason: `the audit log ${this.settings.auditLog} cannot be written, so nothing was run: free space or fix its permissions, or restart with --audit-log PATH`, at: this.now()});
			return;
		}
		this.output(step, `$ ${command}`);
		const ran = await attempt.value.run(context.output);
		const {result} = ran;
		const said = result.ok ? result.value : result.problem;
		this.record({
			event: 'result',
			step,
			command,
			outcome: result.ok ? 'ok' : (result.problem.errno ?? 'failed'),
			detail: {tookMs: said.tookMs, output: said.output.slice(-remountDefaults.logLines), ...(result.ok ? {} : {reason: result.problem.reason, errno: result.problem.errno ?? null}), ...ran.detail},
		});
		this.apply({type: 'acted', step, result, at: this.now()});
		// The proof's answer is its check: only a command that changed the machine is checked against it afterwards.
		if (context.planned.mutates) {
			this.output(step, result.ok ? `finished in ${formatDuration(result.value.tookMs)}; checking: ${context.planned.verifies.join('; ')}` : `failed: ${result.problem.reason}; checking the world`);
		}

		const judged = await this.judge(context, command, ran, lazy);
		for (const check of judged.verdict.checks) this.output(step, `${check.ok ? '✓' : '✗'} ${check.label} — ${check.evidence}`);
		this.record({
			event: 'postcondition',
			step,
			command,
			outcome: judged.outcome,
			detail: {checks: judged.verdict.checks, evidence: judged.evidence, ...judged.verdict.record, ...(judged.failure ? {reason: judged.failure.reason} : {})},
		});
		this.apply({type: 'verified', step, outcome: judged.outcome, checks: judged.verdict.checks, evidence: judged.evidence, failure: judged.failure, at: this.now()});
		this.refreshSnapshots();
	}

	private async judge(context: StepContext, command: string, ran: Ran, lazy: boolean): Promise<Judged> {
		const module = remountStep(context.planned.id);
		const verdict = await module.postcondition(context, ran);
		if (verdict.holds) {
			// The command failed but the world is as it should be (umount: not mounted): done, with that evidence.
			const evidence = ran.result.ok ? [] : [`${command} said: ${ran.result.problem.reason}`, ...verdict.checks.map(check => `${check.label}: ${check.evidence}`)];
			return {outcome: ran.result.ok ? 'done' : 'already-done', verdict, failure: null, evidence};
		}
		return {outcome: 'failed', verdict, failure: await module.diagnose(context, {ran, verdict, lazy}), evidence: []};
	}

	/** A step that found nothing to run: skipped with the reason as evidence, or failed before any command. */
	private settleWithoutCommand(step: StepId, outcome: 'skipped' | 'failed', reason: string): void {
		if (outcome === 'skipped') {
			this.record({event: 'skipped', step, outcome, detail: {evidence: [reason]}});
			this.apply({type: 'verified', step, outcome, checks: [], evidence: [reason], failure: null, at: this.now()});
			return;
		}
		this.record({event: 'postcondition', step, outcome, detail: {checks: [], reason}});
		this.apply({type: 'verified', step, outcome, checks: [], evidence: [], failure: {kind: 'failed', reason}, at: this.now()});
	}

	/** A bug or a World that threw: the step fails with the message instead of the wizard hanging. */
	private failInternally(step: StepId, error: unknown): void {
		const reason = `internal error: ${errorMessage(error)}`;
		const status = currentStep(this.current)?.status;
		this.record({event: 'postcondition', step, outcome: 'failed', detail: {reason}});
		if (status === 'checking') {
			this.apply({type: 'checked', step, holds: false, checks: [{label: 'pre-check', ok: false, evidence: reason}], evidence: [], at: this.now()});
			return;
		}
		if (status === 'running') this.apply({type: 'acted', step, result: {ok: false, problem: {reason, tookMs: 0, output: []}}, at: this.now()});
		this.apply({type: 'verified', step, outcome: 'failed', checks: [], evidence: [], failure: {kind: 'failed', reason}, at: this.now()});
	}
}
