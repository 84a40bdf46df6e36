// One run of the check (--once, --json): collect within a deadline, judge, and tell the scheduler and the
// textfile. It always answers before the deadline: a part still out then is named, and the answer is the
// known state when that is already WARNING or CRITICAL, else UNKNOWN.
import {deriveFindings, overallStatus, type Status} from '../model/findings.js';
import {inventoryOfSnapshot} from '../model/inventory.js';
import {describeProblem, errorMessage} from '../model/result.js';
import type {Finding, Inventory, Snapshot} from '../model/types.js';
import {findingContext, type Settings} from '../settings.js';
import {expositionText, inspectorMetrics, type RunFacts} from './metrics.js';
import {writeTextfile} from './textfile.js';

export const defaultCheckTimeoutSeconds = 30;

export type CheckResult = {
	snapshot: Snapshot;
	inventory: Inventory;
	findings: Finding[];
	status: Status;
	exitCode: 0 | 1 | 2 | 3;
	/** Why the run is not whole (the deadline passed, or an internal failure), in the operator's words. */
	incomplete: string | null;
	run: RunFacts;
};

const exitCodes: Record<Status, 0 | 1 | 2 | 3> = {ok: 0, warning: 1, critical: 2, unknown: 3};

/** The parts of a snapshot still out, as an operator would name them. */
export function partsMissing(snapshot: Snapshot): string[] {
	const parts: Array<[unknown, string]> = [
		[snapshot.datadir, 'the datadir probe'],
		[snapshot.container, 'docker'],
		[snapshot.glance, "Glance's image list"],
		[snapshot.files, 'the datadir listing'],
	];
	return parts.filter(([part]) => part === null).map(([, name]) => name);
}

/** What a snapshot says, judged; `incomplete` turns an OK (or UNKNOWN) into UNKNOWN and keeps a WARNING or CRITICAL. */
export function judge(snapshot: Snapshot, settings: Settings, incomplete: string | null, run: RunFacts, inventory = inventoryOfSnapshot(snapshot)): CheckResult {
	const findings = deriveFindings(snapshot, findingContext(settings, {now: run.finishedAtMs, inventory}));
	const known = overallStatus(findings).status;
	const status: Status = incomplete && (known === 'ok' || known === 'unknown') ? 'unknown' : known;
	return {snapshot, inventory, findings, status, exitCode: exitCodes[status], incomplete, run};
}

type Collector = {collect(): Promise<Snapshot>; readonly snapshot: Snapshot};

/** The check's --timeout, and how much of it is left when the probes start. */
export type CheckDeadline = {seconds: number; remainingMs: number};

/** Collects one round, giving up when the deadline's time is up with what has answered by then. */
export async function runCheck(poller: Collector, settings: Settings, limit: CheckDeadline, now: () => number = Date.now): Promise<CheckResult> {
	const startedAt = now();
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<'deadline'>(resolve => {
		timer = setTimeout(() => resolve('deadline'), Math.max(0, limit.remainingMs));
	});
	let incomplete: string | null = null;
	try {
		const outcome = await Promise.race([poller.collect(), deadline]);
		if (outcome === 'deadline') incomplete = `check timed out after ${limit.seconds} s waiting for ${partsMissing(poller.snapshot).join(', ') || 'the last answers'}`;
	} catch (error) {
		incomplete = `internal error: ${errorMessage(error)}`;
	} finally {
		clearTimeout(timer);
	}
	const finishedAtMs = now();
	return judge(poller.snapshot, settings, incomplete, {completed: incomplete === null, finishedAtMs, durationMs: finishedAtMs - startedAt});
}

/** The textfile for a judged run; a problem comes back as one line, for stderr. */
export async function writeCheckTextfile(file: string, result: CheckResult): Promise<string | null> {
	const written = await writeTextfile(file, expositionText(inspectorMetrics(result.snapshot, result.findings, result.inventory, result.run)));
	return written.ok ? null : describeProblem(written.problem);
}
