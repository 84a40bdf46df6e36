// What every remount step is made of: its words (for the plan and the confirmation), its action on the
// World, the check that the world is as the step leaves it, and what to tell the operator when it is not.
import {ok, type Problem, type Result} from '../../model/result.js';
import type {ContainerProbe, DatadirProbe} from '../../model/types.js';
import type {ActionResult, World} from '../../world/world.js';
import type {AuditDetail} from '../audit.js';
import type {Plan, PlanOptions} from '../plan.js';
import type {Preflight} from '../preflight.js';
import type {StepFailure} from '../state.js';

export type StepId = 'stop' | 'unmount' | 'mount' | 'start' | 'prove';

/** One step as the plan shows it: what it runs, why, and what proves it worked. */
export type PlanStep = {
	id: StepId;
	title: string;
	/** The exact command the step stands for, as an operator would type it. */
	command: string;
	/** Why the step is needed, in one or two plain sentences. */
	why: string;
	/** What is checked against the world afterwards, each in words. */
	verifies: string[];
	/** Changes the machine, so it runs only after the operator's `y`. The proof only reads. */
	mutates: boolean;
	/** Why the step is skipped, when it is. */
	skipped: string | null;
	/** unmount only: the lazy variant, offered after `target is busy` and run only once `lazy` is typed. */
	lazy: {command: string; why: string} | null;
	/** mount only: the fstab line it mounts from, as the file has it. */
	fstabLine: string | null;
};

export type Check = {label: string; ok: boolean; evidence: string};

export type Verdict = {
	holds: boolean;
	checks: Check[];
	/** What the audit log keeps of this check beyond the checks: the mount's device, so a later run can vouch for it. */
	record?: AuditDetail;
};

/** A verdict holds when there is something to check and every check is met. */
export function verdictOf(checks: Check[], record?: AuditDetail): Verdict {
	return {holds: checks.length > 0 && checks.every(check => check.ok), checks, ...(record ? {record} : {})};
}

/** The container could not be asked about: whatever was to be checked is not met. */
export function containerUnknown(probe: Exclude<ContainerProbe, {state: 'present'}>, label: string): Verdict {
	const evidence = probe.state === 'docker-unreachable' ? `docker: ${probe.reason}` : `there is no container named ${probe.name}`;
	return verdictOf([{label, ok: false, evidence}]);
}

/** What a step reaches of the runner: the World, the plan, live output, and probes the runner remembers. */
export type StepContext = {
	readonly world: World;
	readonly plan: Plan;
	readonly preflight: Preflight;
	/** This step as the plan words it. */
	readonly planned: PlanStep;
	readonly settings: {graceSeconds: number; healthWaitMs: number; pollIntervalMs: number; logLines: number};
	now(): number;
	sleep(ms: number): Promise<void>;
	/** One line of the step's live output; the runner redacts it on its way to the screen. */
	output(line: string): void;
	probeDatadir(): Promise<DatadirProbe>;
	probeContainer(datadir: DatadirProbe | null): Promise<ContainerProbe>;
	/** The container as the last probe saw it, for a diagnosis made right after the check. */
	lastContainer(): ContainerProbe | null;
};

/** What one attempt runs: its command line as recorded, and the action itself. */
export type Attempt = {
	command: string;
	/** What the audit log keeps of the command beyond its line (the image the proof reads). */
	detail?: AuditDetail;
	run(onOutput: (line: string) => void): Promise<Ran>;
};

/** What the action answered. */
export type Ran = {
	result: ActionResult;
	/** What the audit log keeps of the result beyond its time and output (the proof's status and bytes). */
	detail?: AuditDetail;
	/** A step that only reads judges what it read at once: its verdict, so nothing is asked twice. */
	judged?: Verdict;
};

/** Why an attempt runs nothing: the step is skipped (the reason is the evidence), or fails before any command. */
export type NothingToRun = Problem & {outcome: 'skipped' | 'failed'};

export type RemountStep = {
	id: StepId;
	/** The step's words in this plan. */
	describe(preflight: Preflight, options: PlanOptions): PlanStep;
	/** What this attempt runs: the lazy variant once `lazy` was typed. */
	attempt(context: StepContext, lazy: boolean): Promise<Result<Attempt, NothingToRun>>;
	/** Whether the world is as the step leaves it. `ran` is null for the check before asking (is it already done?). */
	postcondition(context: StepContext, ran: Ran | null): Promise<Verdict>;
	/** Why it failed, in the terms the operator recovers with. */
	diagnose(context: StepContext, failed: {ran: Ran; verdict: Verdict; lazy: boolean}): Promise<StepFailure>;
};

/** The command's own reason, or, when it said it worked, the checks the world does not meet. */
export function failureReason(ran: Ran, verdict: Verdict): string {
	if (!ran.result.ok) return ran.result.problem.reason;
	const unmet = verdict.checks.filter(check => !check.ok).map(check => `${check.label} (${check.evidence})`);
	return `the command succeeded but the world is not as it should be: ${unmet.join('; ')}`;
}

/** The planned command, or its lazy variant once `lazy` was typed; ready to run `act`. */
export function commandAttempt(context: StepContext, lazy: boolean, act: (onOutput: (line: string) => void) => Promise<ActionResult>): Result<Attempt, NothingToRun> {
	const {planned} = context;
	return ok({command: lazy && planned.lazy ? planned.lazy.command : planned.command, run: async onOutput => ({result: await act(onOutput)})});
}
