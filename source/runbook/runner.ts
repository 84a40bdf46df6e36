// Runs the remount plan against a World: confirm -> act -> verify -> audit. The UI only sends keys
// (handleKey) and draws the state (subscribe); every side effect lives here.
import {randomUUID} from 'node:crypto';
import os from 'node:os';
import {formatDuration} from '../model/format.js';
import type {ContainerProbe, DatadirProbe, FsStats, PathHealth, Snapshot, Thresholds} from '../model/types.js';
import type {Settings} from '../settings.js';
import type {ActionResult, GlanceProof, Holder, World} from '../world/world.js';
import {emptySnapshot} from '../world/poller.js';
import {AuditLog, auditIdentity, lastMountSpecOf, lastRunOf, readAuditLog, redact, type AuditEntry, type AuditRecord} from './audit.js';
import {
	buildPlan,
	buildPreflight,
	firstReadableImage,
	kollaGraceSeconds,
	locateShare,
	mountSourceFor,
	resumePoint,
	specFromMount,
	type Fact,
	type MountSource,
	type StepId,
} from './plan.js';
import {checkMounted, checkProof, checkStarted, checkStopped, checkUnmounted, mayStillTurnHealthy, type Verdict} from './postconditions.js';
import {
	commandForKey,
	currentStep,
	initialState,
	lazyWord,
	planStep,
	reduce,
	type StepFailure,
	type WizardCommand,
	type WizardEvent,
	type WizardKey,
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

/** Deadlines handed to the World's actions: mount.nfs retries for about 2 min; kolla's start chowns the whole share. */
const actionTimeoutsMs = {unmount: 60_000, mount: 150_000, start: 300_000} as const;

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
		thresholds: {warnPercent: settings.warnPercent.value, critPercent: settings.critPercent.value},
	};
}

function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

const neededActions: Array<{method: 'stopContainer' | 'unmount' | 'mount' | 'startContainer'; words: string}> = [
	{method: 'stopContainer', words: 'stop containers'},
	{method: 'unmount', words: 'unmount'},
	{method: 'mount', words: 'mount'},
	{method: 'startContainer', words: 'start containers'},
];

type StepVerdict = {outcome: 'done' | 'already-done' | 'failed'; verdict: Verdict; failure: StepFailure | null; evidence: string[]};

/**
 * The guided remount. Call start() once, then send the operator's keys to handleKey() (or call the explicit
 * methods), and draw `state` whenever subscribe() says it changed. Nothing mutating runs without a `y`.
 */
export class RemountRunner {
	private current: WizardState;
	private readonly listeners = new Set<(state: WizardState) => void>();
	private working = false;
	private audit: AuditLog | null = null;
	private preparing: Promise<WizardState> | null = null;
	private disposed = false;
	private lastDatadir: DatadirProbe | null = null;
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
	 * One key from the UI (Ink's useInput arguments). Returns whether the wizard used it; unused keys are the
	 * UI's (help, scrolling). See commandForKey: only `y` runs a step, Escape never runs anything.
	 */
	handleKey(input: string, key: WizardKey = {}): boolean {
		const command = commandForKey(this.current, input, key);
		if (!command) return false;
		this.send(command);
		return true;
	}

	send(command: WizardCommand): void {
		switch (command.type) {
			case 'begin':
				this.begin();
				return;
			case 'confirm':
				this.confirm();
				return;
			case 'decline':
				this.decline();
				return;
			case 'abort':
				this.abort();
				return;
			case 'retry':
				this.retry();
				return;
			case 'choose-lazy':
				this.chooseLazy();
				return;
			case 'type':
				this.type(command.text);
				return;
			case 'erase':
				this.apply({type: 'erase', at: this.now()});
				return;
			case 'submit-word':
				this.submitWord();
				return;
			case 'cancel-word':
				this.apply({type: 'cancel-word', at: this.now()});
				return;
		}
	}

	/** At the preflight: go to the first step (the resume point). Runs nothing by itself. */
	begin(): boolean {
		const state = this.current;
		if (state.prompt?.kind !== 'begin') return false;
		if (state.prompt.blockers.length === 0) {
			this.record({event: 'begin', step: state.resume?.from ?? 'stop', outcome: 'ok', detail: {resumeFrom: state.resume?.from ?? 'stop', evidence: state.resume ? [state.resume.reason] : []}});
		}
		this.apply({type: 'begin', at: this.now()});
		return true;
	}

	/** `y` at a step: runs it (or, in a dry run, marks it would-run). Refused when the audit log cannot be written. */
	confirm(): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'confirm') return false;
		this.record({event: 'confirmed', step: prompt.step, command: prompt.command, outcome: this.current.dryRun ? 'would-run' : 'run'});
		this.apply({type: 'confirm', at: this.now()});
		if (this.current.dryRun) this.record({event: 'would-run', step: prompt.step, command: prompt.command, outcome: 'would-run'});
		return true;
	}

	/** `n`, Enter or Escape: nothing runs, the wizard stays on the step. */
	decline(): boolean {
		const prompt = this.current.prompt;
		if (!prompt || prompt.kind === 'type-word') return false;
		if (prompt.kind === 'confirm') this.record({event: 'declined', step: prompt.step, command: prompt.command, outcome: 'declined'});
		if (prompt.kind === 'begin') this.record({event: 'declined', outcome: 'not-started'});
		this.apply({type: 'decline', at: this.now()});
		return true;
	}

	/** `a` at any prompt: stops the walk and leaves a summary of what was and was not done. */
	abort(): boolean {
		if (this.current.prompt === null) return false;
		this.apply({type: 'abort', at: this.now()});
		const summary = this.current.summary;
		this.record({
			event: 'aborted',
			step: this.current.current,
			outcome: 'aborted',
			detail: {done: summary?.done.map(row => `${row.step}: ${row.status}`) ?? [], notDone: summary?.notDone.map(row => `${row.step}: ${row.status}`) ?? []},
		});
		return true;
	}

	/** `r` after a failure: back to the step's confirmation (the proof, which only reads, runs again at once). */
	retry(): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'recover') return false;
		this.record({event: 'retry', step: prompt.step, outcome: 'retry'});
		this.apply({type: 'retry', at: this.now()});
		return true;
	}

	/** `l` after a busy unmount: asks for the word `lazy`. */
	chooseLazy(): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'recover' || !prompt.choices.includes('lazy')) return false;
		this.apply({type: 'choose-lazy', at: this.now()});
		return true;
	}

	/** Letters of the word being typed. */
	type(text: string): boolean {
		if (this.current.prompt?.kind !== 'type-word') return false;
		this.apply({type: 'type', text, at: this.now()});
		return true;
	}

	/** Enter while typing: runs `umount -l` only when the word is exactly `lazy`. */
	submitWord(): boolean {
		const prompt = this.current.prompt;
		if (prompt?.kind !== 'type-word') return false;
		if (prompt.typed === lazyWord) this.record({event: 'lazy-confirmed', step: prompt.step, command: prompt.command, outcome: 'run'});
		this.apply({type: 'submit-word', at: this.now()});
		return true;
	}

	/** Stops telling listeners; a step already running still finishes and is still recorded. */
	dispose(): void {
		this.disposed = true;
		this.listeners.clear();
	}

	// ---- internals ----

	private apply(event: WizardEvent): void {
		const next = reduce(this.current, event);
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
		if (!this.audit) return false;
		return this.audit.write(entry).ok;
	}

	private refuse(step: StepId): void {
		const reason = `the audit log ${this.settings.auditLog} cannot be written, so nothing was run: free space or fix its permissions, or restart with --audit-log PATH`;
		this.apply({type: 'refused', step, reason, at: this.now()});
	}

	private output(step: StepId, line: string): void {
		// What a command prints reaches the screen: a token in it must not.
		this.apply({type: 'output', step, line: redact(line), at: this.now()});
	}

	private readSnapshot(): Snapshot {
		const source = this.options.snapshots;
		return typeof source === 'function' ? source() : source.snapshot;
	}

	private refreshSnapshots(): void {
		const source = this.options.snapshots;
		if (typeof source !== 'function') source.refreshNow?.();
	}

	private async prepare(): Promise<void> {
		const settings = this.settings;
		const identity = auditIdentity(this.options.env ?? process.env, this.options.hostname ?? os.hostname());
		const opened = AuditLog.open(settings.auditLog, {identity, run: randomUUID(), dryRun: settings.dryRun, now: this.now});
		this.audit = opened.log;
		const problems: string[] = [];
		const notes: string[] = [];
		let records: AuditRecord[] = [];
		try {
			records = await readAuditLog(settings.auditLog);
		} catch (error) {
			notes.push(`The audit log could not be read (${errorMessage(error)}): earlier runs are not taken into account.`);
		}

		let snapshot = this.readSnapshot();
		try {
			const datadir = await this.world.probeDatadir();
			const container = await this.world.probeContainer(datadir.mount, datadir.health);
			snapshot = {...snapshot, datadir, container};
			this.lastDatadir = datadir;
		} catch (error) {
			problems.push(`Probing the machine failed: ${errorMessage(error)}`);
		}

		const location = locateShare(snapshot, {mountpoint: settings.mountpoint, datadir: settings.datadir});
		const mountSource: MountSource = location.mountpoint
			? mountSourceFor(location, lastMountSpecOf(records, location.mountpoint))
			: {kind: 'unknown', reason: 'no mount point is known'};
		const [holders, parentFilesystem] = await Promise.all([this.holdersOf(location.mountpoint), this.parentFilesystemOf(location.mountpoint)]);
		const preflight = buildPreflight(snapshot, {
			...this.namedFacts(),
			location,
			mountSource,
			holders,
			parentFilesystem,
			audit: {path: settings.auditLog, problem: opened.problem},
			missingActions: neededActions.filter(action => typeof this.world[action.method] !== 'function').map(action => action.words),
			canProve: typeof this.world.proveGlance === 'function',
			problems,
			notes,
		});
		const plan = buildPlan(preflight, {graceSeconds: settings.graceSeconds, probeTimeoutMs: settings.probeTimeoutMs, healthWaitMs: settings.healthWaitMs});
		const resume = resumePoint({
			container: snapshot.container,
			datadir: snapshot.datadir,
			containerName: settings.container,
			mountpoint: plan.mountpoint,
			lastRun: lastRunOf(records),
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

	/** The facts of the preflight that come from the settings, whatever the world answered. */
	private namedFacts() {
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

	/** A bug while preparing: a preflight that can only be aborted, saying what went wrong, rather than a stack trace. */
	private prepareFailed(error: unknown): void {
		const settings = this.settings;
		const location = {mountpoint: null, from: null, currentMount: null, fstab: null};
		const preflight = buildPreflight(emptySnapshot, {
			...this.namedFacts(),
			location,
			mountSource: {kind: 'unknown', reason: 'the remount could not be prepared'},
			holders: {ok: false, problem: 'not asked'},
			parentFilesystem: {ok: false, problem: 'not asked'},
			audit: {path: settings.auditLog, problem: null},
			missingActions: [],
			canProve: false,
			problems: [`Preparing the remount failed: ${errorMessage(error)}`],
		});
		const plan = buildPlan(preflight, {graceSeconds: settings.graceSeconds, probeTimeoutMs: settings.probeTimeoutMs, healthWaitMs: settings.healthWaitMs});
		const resume = resumePoint({container: null, datadir: null, containerName: settings.container, mountpoint: plan.mountpoint, lastRun: null});
		this.apply({type: 'prepared', preflight, plan, resume, at: this.now()});
	}

	private async holdersOf(mountpoint: string | null): Promise<Fact<Holder[]>> {
		if (!mountpoint) return {ok: false, problem: 'no mount point is known'};
		if (!this.world.mountHolders) return {ok: false, problem: 'this World cannot list the processes holding a mount'};
		try {
			return {ok: true, value: await this.world.mountHolders(mountpoint)};
		} catch (error) {
			return {ok: false, problem: errorMessage(error)};
		}
	}

	private async parentFilesystemOf(mountpoint: string | null): Promise<Fact<{stats: FsStats | null; health: PathHealth}>> {
		if (!mountpoint) return {ok: false, problem: 'no mount point is known'};
		if (!this.world.parentFilesystem) return {ok: false, problem: 'this World cannot statfs the parent filesystem'};
		try {
			return {ok: true, value: await this.world.parentFilesystem(mountpoint)};
		} catch (error) {
			return {ok: false, problem: errorMessage(error)};
		}
	}

	private get plan() {
		return this.current.plan!;
	}

	/** Before asking: is the step's work already done? Then it is marked so, with the evidence, and not asked. */
	private async precheck(step: StepId): Promise<void> {
		const verdict = await this.postcondition(step, false);
		const evidence = verdict.holds ? verdict.checks.map(check => `${check.label}: ${check.evidence}`) : [];
		if (verdict.holds) this.record({event: 'already-done', step, command: planStep(this.current, step).command, outcome: 'already-done', detail: {checks: verdict.checks, evidence}});
		this.apply({type: 'checked', step, holds: verdict.holds, checks: verdict.checks, evidence, at: this.now()});
	}

	private async postcondition(step: StepId, wait: boolean): Promise<Verdict> {
		const {mountpoint} = this.plan;
		switch (step) {
			case 'stop':
				return checkStopped(await this.probeContainer(null));
			case 'unmount': {
				const datadir = await this.probeDatadir();
				return checkUnmounted(datadir, mountpoint);
			}
			case 'mount': {
				const datadir = await this.probeDatadir();
				// Listing a datadir that did not answer statfs would only wait for the same timeout again.
				const listing = datadir.health.state === 'responsive' ? await this.world.listDatadir() : null;
				return checkMounted(datadir, listing, {mountpoint, source: this.plan.expectedSource, filesBefore: this.current.preflight?.imageFilesBefore ?? null});
			}
			case 'start':
				return this.startedVerdict(step, wait);
			case 'prove':
				return {holds: false, checks: []};
		}
	}

	private async probeDatadir(): Promise<DatadirProbe> {
		this.lastDatadir = await this.world.probeDatadir();
		return this.lastDatadir;
	}

	private async probeContainer(datadir: DatadirProbe | null): Promise<ContainerProbe> {
		this.lastContainer = await this.world.probeContainer(datadir?.mount ?? null, datadir?.health ?? null);
		return this.lastContainer;
	}

	/** Running, healthy, and on the host's mount; while Docker says `starting` (or not yet healthy), asks again until the limit. */
	private async startedVerdict(step: StepId, wait: boolean): Promise<Verdict> {
		const deadline = this.now() + this.settings.healthWaitMs;
		let announced: string | null = null;
		for (;;) {
			const container = await this.probeContainer(await this.probeDatadir());
			if (wait && mayStillTurnHealthy(container) && this.now() < deadline) {
				const health = container.state === 'present' ? container.health : 'unknown';
				if (health !== announced) {
					this.output(step, `health: ${health} — waiting for a passing healthcheck (up to ${formatDuration(this.settings.healthWaitMs)})`);
					announced = health;
				}
				await this.sleep(this.settings.pollIntervalMs);
				continue;
			}
			return checkStarted(container, this.plan.mountpoint);
		}
	}

	private async act(step: StepId, lazy: boolean, onOutput: (line: string) => void): Promise<ActionResult> {
		const world = this.world;
		const {mountpoint, mountSpec} = this.plan;
		const started = this.now();
		const unsupported = (words: string): ActionResult => ({ok: false, tookMs: 0, output: [], errno: 'ENOSYS', reason: `this World cannot ${words}`});
		try {
			switch (step) {
				case 'stop':
					return world.stopContainer
						? await world.stopContainer({graceSeconds: this.settings.graceSeconds, onOutput, timeoutMs: (this.settings.graceSeconds + 30) * 1000})
						: unsupported('stop containers');
				case 'unmount':
					return world.unmount ? await world.unmount(mountpoint, {lazy, onOutput, timeoutMs: actionTimeoutsMs.unmount}) : unsupported('unmount');
				case 'mount':
					return world.mount ? await world.mount(mountpoint, mountSpec, {onOutput, timeoutMs: actionTimeoutsMs.mount}) : unsupported('mount');
				case 'start':
					return world.startContainer ? await world.startContainer({onOutput, timeoutMs: actionTimeoutsMs.start}) : unsupported('start containers');
				case 'prove':
					return unsupported('run the proof as an action');
			}
		} catch (error) {
			return {ok: false, tookMs: this.now() - started, output: [], errno: (error as NodeJS.ErrnoException).code ?? null, reason: errorMessage(error)};
		}
	}

	/** A confirmed step: record the command, run it, record what it said, check the world, record the check. */
	private async execute(step: StepId, lazy: boolean): Promise<void> {
		if (step === 'prove') {
			await this.prove();
			return;
		}
		const planned = planStep(this.current, step);
		const command = lazy && planned.lazy ? planned.lazy.command : planned.command;
		// The one gate before every mutating action: what cannot be recorded is not run.
		if (!this.record({event: 'command', step, command, outcome: 'started'})) {
			this.refuse(step);
			return;
		}
		this.output(step, `$ ${command}`);
		const result = await this.act(step, lazy, line => this.output(step, line));
		this.record({
			event: 'result',
			step,
			command,
			outcome: result.ok ? 'ok' : (result.errno ?? 'failed'),
			detail: {tookMs: result.tookMs, output: result.output.slice(-remountDefaults.logLines), ...(result.ok ? {} : {reason: result.reason, errno: result.errno})},
		});
		this.apply({type: 'acted', step, result, at: this.now()});
		this.output(step, result.ok ? `finished in ${formatDuration(result.tookMs)}; checking: ${planned.verifies.join('; ')}` : `failed: ${result.reason}; checking the world`);

		const judged = await this.judge(step, command, result, lazy);
		for (const check of judged.verdict.checks) this.output(step, `${check.ok ? '✓' : '✗'} ${check.label} — ${check.evidence}`);
		const device = step === 'mount' && judged.outcome !== 'failed' && this.lastDatadir?.mount?.mountPoint === this.plan.mountpoint ? this.lastDatadir.mount.majorMinor : null;
		this.record({
			event: 'postcondition',
			step,
			command,
			outcome: judged.outcome,
			detail: {checks: judged.verdict.checks, evidence: judged.evidence, ...(device ? {device, mountpoint: this.plan.mountpoint} : {}), ...(judged.failure ? {reason: judged.failure.reason} : {})},
		});
		this.apply({type: 'verified', step, outcome: judged.outcome, checks: judged.verdict.checks, evidence: judged.evidence, failure: judged.failure, at: this.now()});
		this.refreshSnapshots();
	}

	private async judge(step: StepId, command: string, result: ActionResult, lazy: boolean): Promise<StepVerdict> {
		const verdict = await this.postcondition(step, true);
		if (verdict.holds) {
			// The command failed but the world is as it should be (umount: not mounted): done, with that evidence.
			const evidence = result.ok ? [] : [`${command} said: ${result.reason}`, ...verdict.checks.map(check => `${check.label}: ${check.evidence}`)];
			return {outcome: result.ok ? 'done' : 'already-done', verdict, failure: null, evidence};
		}
		return {outcome: 'failed', verdict, failure: await this.failureOf(step, result, verdict, lazy), evidence: []};
	}

	private async failureOf(step: StepId, result: ActionResult, verdict: Verdict, lazy: boolean): Promise<StepFailure> {
		const unmet = verdict.checks.filter(check => !check.ok).map(check => `${check.label} (${check.evidence})`);
		const reason = result.ok ? `the command succeeded but the world is not as it should be: ${unmet.join('; ')}` : result.reason;
		const planned = planStep(this.current, step);
		switch (step) {
			case 'unmount': {
				if (!result.ok && (result.errno === 'EBUSY' || result.errno === 'ETIMEDOUT')) {
					const holders = await this.holdersOf(this.plan.mountpoint);
					const nobody = holders.ok && holders.value.length === 0 ? ' — no process holds it: the share itself is stuck (hung); a lazy unmount detaches it' : '';
					return {
						kind: 'busy',
						reason: `${lazy ? 'even the lazy unmount failed: ' : ''}${reason}${nobody}`,
						holders: holders.ok ? holders.value : null,
						holdersProblem: holders.ok ? null : holders.problem,
					};
				}
				return {kind: 'failed', reason};
			}
			case 'mount':
				return {kind: 'mount-failed', reason, fstabLine: planned.fstabLine, output: result.output};
			case 'start': {
				const container = this.lastContainer;
				let logs: string[] = [];
				if (this.world.containerLogs) {
					try {
						logs = (await this.world.containerLogs(remountDefaults.logLines)).map(redact);
					} catch (error) {
						logs = [`(the logs could not be read: ${errorMessage(error)})`];
					}
				}
				return {
					kind: 'start-failed',
					reason,
					logs,
					health: container?.state === 'present' ? container.health : null,
					healthOutput: container?.state === 'present' ? container.healthOutput : null,
				};
			}
			default:
				return {kind: 'failed', reason};
		}
	}

	/** The end-to-end proof: Glance serves the first bytes of an active image. It only reads, so it runs without a `y`. */
	private async prove(): Promise<void> {
		const step: StepId = 'prove';
		let image = this.plan.proveImage;
		if (!image) {
			this.output(step, 'asking Glance for an active image to read');
			const listing = await this.world.listGlanceImages();
			if (listing.state !== 'ok') {
				this.finishProof(null, {kind: 'failed', reason: `Glance could not list its images: ${listing.reason}`}, {holds: false, checks: []});
				return;
			}
			image = firstReadableImage(listing.images);
			if (!image) {
				const evidence = ['Glance lists no active image with data to read: nothing to prove the read with'];
				this.record({event: 'skipped', step, outcome: 'skipped', detail: {evidence}});
				this.apply({type: 'verified', step, outcome: 'skipped', checks: [], evidence, failure: null, at: this.now()});
				return;
			}
		}
		if (!this.world.proveGlance) {
			this.finishProof(null, {kind: 'failed', reason: 'this World cannot ask Glance for an image'}, {holds: false, checks: []});
			return;
		}
		const endpoint = this.current.preflight?.glanceEndpoint ?? '<glance endpoint>';
		const command = `GET ${endpoint}/v2/images/${image.id}/file (first bytes of ${image.name ?? image.id})`;
		this.record({event: 'command', step, command, outcome: 'started', detail: {imageId: image.id}});
		this.output(step, `$ ${command}`);
		let proof: GlanceProof;
		try {
			proof = await this.world.proveGlance(image);
		} catch (error) {
			proof = {ok: false, status: null, bytes: 0, imageId: image.id, reason: errorMessage(error)};
		}
		const result: ActionResult = proof.ok
			? {ok: true, tookMs: proof.tookMs, output: [`HTTP ${proof.status}, ${proof.bytes} bytes`]}
			: {ok: false, tookMs: 0, output: [`${proof.status === null ? 'no answer' : `HTTP ${proof.status}`}, ${proof.bytes} bytes`], errno: null, reason: proof.reason};
		this.record({event: 'result', step, command, outcome: proof.ok ? 'ok' : 'failed', detail: {status: proof.status, bytes: proof.bytes, imageId: proof.imageId, ...(proof.ok ? {} : {reason: proof.reason})}});
		this.apply({type: 'acted', step, result, at: this.now()});
		const verdict = checkProof(proof);
		const failure: StepFailure | null = verdict.holds ? null : {kind: 'failed', reason: verdict.checks.map(check => check.evidence).join('; ')};
		this.finishProof(command, failure, verdict);
	}

	private finishProof(command: string | null, failure: StepFailure | null, verdict: Verdict): void {
		const step: StepId = 'prove';
		for (const check of verdict.checks) this.output(step, `${check.ok ? '✓' : '✗'} ${check.label} — ${check.evidence}`);
		const outcome = failure ? 'failed' : 'done';
		this.record({event: 'postcondition', step, command, outcome, detail: {checks: verdict.checks, ...(failure ? {reason: failure.reason} : {})}});
		this.apply({type: 'verified', step, outcome, checks: verdict.checks, evidence: [], failure, at: this.now()});
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
		if (status === 'running') this.apply({type: 'acted', step, result: {ok: false, tookMs: 0, output: [], errno: null, reason}, at: this.now()});
		this.apply({type: 'verified', step, outcome: 'failed', checks: [], evidence: [], failure: {kind: 'failed', reason}, at: this.now()});
	}
}
