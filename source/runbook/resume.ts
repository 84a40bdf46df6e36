// Where a half-done remount continues, judged from the world (is the container running, is the share
// mounted and answering) and vouched for by the audit log of the last run that changed something.
import {healthVerb} from '../model/health.js';
import {describeMount} from '../model/mount.js';
import type {ContainerProbe, DatadirProbe, MountEntry} from '../model/types.js';
import type {AuditRecord} from './audit.js';
import type {StepId} from './steps/step.js';

export type ResumeFacts = {
	container: ContainerProbe | null;
	datadir: DatadirProbe | null;
	containerName: string;
	mountpoint: string;
	/** The events of the last run that changed something (audit lastRun), or null. */
	lastRun: readonly AuditRecord[] | null;
};

export type ResumePoint = {
	from: StepId;
	/** Why this step, in one sentence with the evidence. */
	reason: string;
	/** Glance is writing where it must not, right now. */
	urgent: boolean;
	/** Steps before `from`, with the evidence that their work is already done. */
	alreadyDone: Array<{step: StepId; evidence: string}>;
};

const settled = new Set(['done', 'already-done']);

function lastIndex(records: readonly AuditRecord[], predicate: (record: AuditRecord) => boolean): number {
	for (let index = records.length - 1; index >= 0; index--) if (predicate(records[index]!)) return index;
	return -1;
}

/** Evidence that the last run mounted the share after its last unmount, and that it is still that mount. */
function freshMountEvidence(run: readonly AuditRecord[] | null, mount: MountEntry): string | null {
	if (!run) return null;
	const unmounted = lastIndex(run, record => record.step === 'unmount' && (record.event === 'postcondition' || record.event === 'already-done'));
	const mounted = lastIndex(run, record => record.step === 'mount' && record.event === 'postcondition' && settled.has(record.outcome ?? ''));
	if (mounted < 0 || mounted < unmounted) return null;
	const record = run[mounted]!;
	const device = record.detail?.device;
	if (device && device !== mount.majorMinor) return null;
	return `the run of ${record.time} by ${record.operator} mounted it${device ? ` (dev ${device})` : ''} and checked it`;
}

/** The last run got as far as a healthy start on the fresh mount, and stopped before the proof. */
function startedEvidence(run: readonly AuditRecord[] | null): string | null {
	if (!run || run.some(record => record.event === 'finished')) return null;
	const started = lastIndex(run, record => record.step === 'start' && record.event === 'postcondition' && settled.has(record.outcome ?? ''));
	if (started < 0) return null;
	const later = lastIndex(run, record => record.event === 'postcondition' && record.step !== 'start' && record.step !== 'prove');
	if (later > started) return null;
	return `the run of ${run[started]!.time} by ${run[started]!.operator} started it on the fresh mount`;
}

export function resumePoint(facts: ResumeFacts): ResumePoint {
	const {containerName: name, mountpoint, datadir, lastRun: run} = facts;
	const probe = facts.container;
	const mount = datadir?.mount?.mountPoint === mountpoint ? datadir.mount : null;
	if (probe?.state !== 'present') {
		return {from: 'stop', reason: `${name}'s state is not known, so the walk starts at the beginning.`, urgent: false, alreadyDone: []};
	}
	if (probe.running) {
		if (!mount) {
			return {
				from: 'stop',
				reason: `${name} is running and nothing is mounted at ${mountpoint}: Glance writes new images onto the controller's root disk right now. Stop it first.`,
				urgent: true,
				alreadyDone: [],
			};
		}
		const started = probe.view.state === 'same' && probe.health === 'healthy' ? startedEvidence(run) : null;
		if (started) {
			return {
				from: 'prove',
				reason: `${name} is running, healthy, on the host's mount of ${mountpoint}, and ${started}: only the proof is left.`,
				urgent: false,
				alreadyDone: [
					{step: 'stop', evidence: started},
					{step: 'unmount', evidence: started},
					{step: 'mount', evidence: started},
					{step: 'start', evidence: `${name} is running, healthy, and sees the host's mount (dev ${mount.majorMinor})`},
				],
			};
		}
		return {from: 'stop', reason: `${name} is running and ${mountpoint} is mounted: the walk starts at the beginning.`, urgent: false, alreadyDone: []};
	}
	const stopped = `${name} is ${probe.status}${probe.finishedAt ? ` since ${probe.finishedAt}` : ''}`;
	if (!mount) {
		const under = datadir?.mount ? ` (the datadir sits on ${describeMount(datadir.mount)})` : '';
		return {
			from: 'mount',
			reason: `${stopped} and ${mountpoint} is not mounted: a remount was left half-done; it continues with the mount.`,
			urgent: false,
			alreadyDone: [
				{step: 'stop', evidence: stopped},
				{step: 'unmount', evidence: `${mountpoint} is not a mount point${under}`},
			],
		};
	}
	const health = datadir!.health;
	if (health.state !== 'responsive') {
		return {
			from: 'unmount',
			reason: `${stopped} and ${mountpoint} is mounted but ${healthVerb(health)}: it must be unmounted and mounted afresh.`,
			urgent: false,
			alreadyDone: [{step: 'stop', evidence: stopped}],
		};
	}
	const fresh = freshMountEvidence(run, mount);
	if (fresh) {
		const evidence = `${mountpoint} is mounted and answers, and ${fresh}`;
		return {
			from: 'start',
			reason: `${stopped}; ${evidence}: it continues with the start.`,
			urgent: false,
			alreadyDone: [
				{step: 'stop', evidence: stopped},
				{step: 'unmount', evidence},
				{step: 'mount', evidence},
			],
		};
	}
	return {
		from: 'unmount',
		reason: `${stopped}; ${mountpoint} is mounted and answers, but no run recorded mounting it: unmount and mount it again to be sure it is a fresh one.`,
		urgent: false,
		alreadyDone: [{step: 'stop', evidence: stopped}],
	};
}
