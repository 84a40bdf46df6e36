// The guided remount as data: what is wrong, what each step does and why, what proves it worked, and where
// to continue from when a previous run was left half-done. Pure: every fact comes in as an argument.
import path from 'node:path';
import {deriveFindings} from '../model/findings.js';
import {formatBytes, formatDuration} from '../model/format.js';
import {describeMount, normalizeMountPath} from '../model/mount.js';
import type {
	ContainerProbe,
	DatadirProbe,
	Finding,
	FindingId,
	FsStats,
	FstabEntry,
	GlanceImage,
	MountEntry,
	MountVerdict,
	PathHealth,
	Snapshot,
	Thresholds,
} from '../model/types.js';
import type {Holder, MountSpec} from '../world/world.js';
import type {AuditRecord} from './audit.js';

export type StepId = 'stop' | 'unmount' | 'mount' | 'start' | 'prove';

export const stepOrder: readonly StepId[] = ['stop', 'unmount', 'mount', 'start', 'prove'];

/** kolla's docker_graceful_timeout. */
export const kollaGraceSeconds = 60;

/** Glance statuses of an upload under way: stopping glance_api kills it. */
const uploadStatuses = new Set(['saving', 'uploading', 'importing']);

/** Filesystems that come from another machine: the only kind a remount can fix. */
const networkFsType = /^(nfs4?|cifs|smb3|ceph|glusterfs|lustre|9p|beegfs)$|^fuse\./;

/** Findings a remount addresses, each with why it does, in words a learner can follow. */
const remedies: Partial<Record<FindingId, (names: {container: string; mountpoint: string}) => string>> = {
	'container-stale-mount': ({container, mountpoint}) =>
		`${container} took its own copy of ${mountpoint}'s mount when it started and kept it when the share flapped; only a stop and a start give it the host's mount again, and the remount in between makes sure that mount is a fresh one.`,
	'mount-dead': ({mountpoint}) =>
		`The mount at ${mountpoint} lost its server (ENOTCONN) and never comes back by itself; unmounting and mounting it again connects a fresh one, once the server answers.`,
	'mount-unresponsive': ({mountpoint}) =>
		`${mountpoint} stopped answering; a fresh mount helps only once its server answers again, so check the server first. The unmount will probably be busy and need to be lazy.`,
	'not-mounted': ({container, mountpoint}) =>
		`Nothing is mounted at ${mountpoint}, so Glance writes into the bare directory on the controller's own disk; mounting the share and restarting ${container} puts Glance back on it.`,
	'datadir-missing': ({mountpoint}) => `The datadir is missing, as it is when the share is not mounted at ${mountpoint}; mounting it brings it back.`,
	'container-not-running': ({container}) => `${container} is not running: Glance is down. The walk starts it again, on a mount that was checked first.`,
	'container-unhealthy': ({container}) =>
		`${container} reports unhealthy; a restart on a checked mount fixes it when the share was the cause. If not, its logs will say why.`,
};

// ---- Where the share is and how to mount it ----

export type ShareLocation = {
	mountpoint: string | null;
	from: 'flag' | 'fstab' | 'current-mount' | null;
	/** What is mounted at the mount point now, null when nothing is. */
	currentMount: MountEntry | null;
	fstab: FstabEntry | null;
};

export function isNetworkFilesystem(fsType: string): boolean {
	return networkFsType.test(fsType);
}

/**
 * The mount point to remount: --mountpoint, else the fstab line holding the datadir, else the network share
 * the datadir is on now. Never a local filesystem found by accident (remounting /var would be a disaster).
 */
export function locateShare(snapshot: Snapshot, settings: {mountpoint: string | null; datadir: string}): ShareLocation {
	const probe = snapshot.datadir;
	let mountpoint: string | null = null;
	let from: ShareLocation['from'] = null;
	if (settings.mountpoint) {
		mountpoint = normalizeMountPath(settings.mountpoint);
		from = 'flag';
	} else if (probe?.expectedMountpoint) {
		mountpoint = probe.expectedMountpoint;
		from = probe.expectedFrom === 'flag' ? 'flag' : 'fstab';
	} else if (probe?.mount && probe.mount.mountPoint !== '/' && isNetworkFilesystem(probe.mount.fsType)) {
		mountpoint = probe.mount.mountPoint;
		from = 'current-mount';
	}
	if (mountpoint === '/') return {mountpoint: null, from: null, currentMount: null, fstab: null};
	const currentMount = mountpoint && probe?.mount?.mountPoint === mountpoint ? probe.mount : null;
	const fstab = mountpoint && probe?.fstab && normalizeMountPath(probe.fstab.file) === mountpoint ? probe.fstab : null;
	return {mountpoint, from, currentMount, fstab};
}

export type MountSource =
	| {kind: 'fstab'; entry: FstabEntry}
	| {kind: 'spec'; spec: MountSpec; from: 'current-mount' | 'audit-log'; note: string | null}
	| {kind: 'unknown'; reason: string};

/** What `mount -o` needs again from a mount as mountinfo shows it: rw/ro, and the NFS version. */
export function specFromMount(mount: MountEntry): MountSpec {
	const options = [mount.mountOptions.includes('ro') ? 'ro' : 'rw'];
	if (mount.fsType.startsWith('nfs')) {
		const version = mount.superOptions.find(option => option.startsWith('vers='));
		if (version) options.push(version);
	}
	return {source: mount.source, fsType: mount.fsType, options};
}

export function mountSourceFor(location: ShareLocation, lastKnown: {spec: MountSpec; time: string} | null): MountSource {
	if (location.fstab) return {kind: 'fstab', entry: location.fstab};
	const mountpoint = location.mountpoint ?? 'the mount point';
	const fuseNote = (fsType: string) =>
		fsType.startsWith('fuse.')
			? `mountinfo does not keep ${fsType.slice(5)} options such as port or IdentityFile: add an fstab line for ${mountpoint} to be sure it mounts the same way`
			: null;
	if (location.currentMount) {
		const spec = specFromMount(location.currentMount);
		return {kind: 'spec', spec, from: 'current-mount', note: fuseNote(spec.fsType)};
	}
	if (lastKnown) {
		return {kind: 'spec', spec: lastKnown.spec, from: 'audit-log', note: fuseNote(lastKnown.spec.fsType) ?? `as recorded in the audit log at ${lastKnown.time}`};
	}
	return {
		kind: 'unknown',
		reason: `There is no fstab line for ${mountpoint}, nothing is mounted there now, and no earlier run recorded how it was mounted: the mount step would not know what to mount. Add the share to /etc/fstab.`,
	};
}

/** A path as the shell wants it: quoted only when it must be. */
export function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function mountCommand(mountpoint: string, source: MountSource): string {
	if (source.kind !== 'spec') return `mount ${shellQuote(mountpoint)}`;
	const {spec} = source;
	const options = spec.options.length > 0 ? ` -o ${spec.options.join(',')}` : '';
	return `mount -t ${spec.fsType}${options} ${shellQuote(spec.source)} ${shellQuote(mountpoint)}`;
}

export function fstabLine(entry: FstabEntry): string {
	return `${entry.spec} ${entry.file} ${entry.vfsType} ${entry.options.join(',')} ${entry.freq} ${entry.passno}`;
}

/** The source mountinfo should show after the mount, or null when it cannot be compared (UUID=, LABEL=...). */
export function expectedSource(source: MountSource): string | null {
	const raw = source.kind === 'fstab' ? source.entry.spec : source.kind === 'spec' ? source.spec.source : null;
	if (raw === null || /^[A-Z]+=/.test(raw)) return null;
	return raw;
}

// ---- Glance: uploads that a stop kills, and the image that proves the end-to-end read ----

/** The first active image with data in the file store: the one the proof reads. */
export function firstReadableImage(images: readonly GlanceImage[]): GlanceImage | null {
	return images.find(image => image.status === 'active' && (image.size ?? 0) > 0 && (image.stores === null || image.stores.includes('file'))) ?? null;
}

export function uploadsInProgress(images: readonly GlanceImage[]): GlanceImage[] {
	return images.filter(image => uploadStatuses.has(image.status));
}

// ---- Preflight: everything the operator should know before the first step ----

export type Fact<T> = {ok: true; value: T} | {ok: false; problem: string};

export type WrongNow = {finding: Finding; remedy: string};

export type Preflight = {
	at: number;
	dryRun: boolean;
	container: string;
	containerProbe: ContainerProbe | null;
	datadir: string;
	containerDatadir: string;
	mountpoint: string | null;
	mountpointFrom: ShareLocation['from'];
	currentMount: MountEntry | null;
	mountVerdict: MountVerdict | null;
	mountSource: MountSource;
	/** What is wrong now that a remount addresses, each with why it does. */
	wrong: WrongNow[];
	/** Uploads under way (saving, uploading, importing): stopping the container kills them. */
	uploads: Fact<GlanceImage[]>;
	/** Processes holding the mount: a plain umount fails while they do. */
	holders: Fact<Holder[]>;
	/** The filesystem under the mount point: where Glance's writes land while nothing is mounted. */
	parentFilesystem: {path: string; stats: FsStats | null; health: PathHealth | null; problem: string | null};
	/** Image files visible in the datadir now; after the mount they must be visible again. Null: unknown. */
	imageFilesBefore: number | null;
	/** The image the proof reads; null when it is chosen when the step runs (Glance did not list yet). */
	proveImage: GlanceImage | null;
	glanceEndpoint: string | null;
	/** Why the end-to-end proof is skipped, when it is. */
	proveSkipped: string | null;
	audit: {path: string; problem: string | null};
	/** Reasons the walk cannot begin; the wizard can only be aborted while there are any. */
	blockers: string[];
	/** What the operator should read before saying yes. */
	warnings: string[];
};

export type PreflightFacts = {
	now: number;
	dryRun: boolean;
	container: string;
	datadir: string;
	containerDatadir: string;
	thresholds: Thresholds;
	location: ShareLocation;
	mountSource: MountSource;
	holders: Fact<Holder[]>;
	parentFilesystem: Fact<{stats: FsStats | null; health: PathHealth}>;
	audit: {path: string; problem: string | null};
	/** World actions the remount needs that this World does not have. */
	missingActions: string[];
	canProve: boolean;
	/** Problems found while gathering the facts, that stop the walk. */
	problems?: string[];
	/** Things found while gathering the facts that the operator should know. */
	notes?: string[];
};

const remountFindingIds = new Set(Object.keys(remedies));

export function whatIsWrong(snapshot: Snapshot, names: {container: string; mountpoint: string}, context: Thresholds & {now: number}): WrongNow[] {
	return deriveFindings(snapshot, {...context, container: names.container})
		.filter(finding => remountFindingIds.has(finding.id))
		.map(finding => ({finding, remedy: remedies[finding.id]!(names)}));
}

function containerBlocker(probe: ContainerProbe | null, container: string): string | null {
	if (!probe) return `${container} has not been asked about yet: wait for the first probe.`;
	if (probe.state === 'docker-unreachable') return `Docker cannot be asked about ${probe.name}: ${probe.reason} — ${probe.hint}`;
	if (probe.state === 'missing') return `There is no container named ${probe.name}: check --container (kolla names it glance_api).`;
	return null;
}

function proveFacts(snapshot: Snapshot, canProve: boolean): {image: GlanceImage | null; skipped: string | null; endpoint: string | null} {
	const glance = snapshot.glance;
	const endpoint = glance?.endpoint ?? null;
	if (!canProve) return {image: null, skipped: 'This World cannot ask Glance for an image: check an image download by hand.', endpoint};
	if (glance?.state === 'unavailable' && glance.problem === 'glance-not-configured') {
		return {image: null, skipped: `Glance is not configured here (${glance.reason}): the end-to-end proof is skipped; check an image download by hand.`, endpoint};
	}
	if (glance?.state === 'ok') {
		const image = firstReadableImage(glance.images);
		return image ? {image, skipped: null, endpoint} : {image: null, skipped: 'Glance lists no active image with data to read: nothing to prove the read with.', endpoint};
	}
	// Glance is unreachable right now (the container may be stopped): the image is chosen when the step runs.
	return {image: null, skipped: null, endpoint};
}

function imageLabel(image: GlanceImage): string {
	return `${image.name ?? '(no name)'} (${image.id})`;
}

export function buildPreflight(snapshot: Snapshot, facts: PreflightFacts): Preflight {
	const {location, container, dryRun} = facts;
	const mountpoint = location.mountpoint;
	const names = {container, mountpoint: mountpoint ?? facts.datadir};
	const blockers: string[] = [...(facts.problems ?? [])];
	const warnings: string[] = [];

	if (!mountpoint) {
		blockers.push(
			`No mount point is known for ${facts.datadir}: no fstab line holds it and it is not on a network share. Pass --mountpoint with the share's mount point.`,
		);
	} else if (facts.mountSource.kind === 'unknown') {
		blockers.push(facts.mountSource.reason);
	}
	const containerProblem = containerBlocker(snapshot.container, container);
	if (containerProblem) blockers.push(containerProblem);
	if (facts.audit.problem) {
		if (dryRun) warnings.push(`The audit log cannot be written (${facts.audit.problem}): this dry run is not recorded.`);
		else blockers.push(`The audit log cannot be written (${facts.audit.problem}): the remount runs only when every step can be recorded.`);
	}
	if (facts.missingActions.length > 0) {
		const text = `This World cannot ${facts.missingActions.join(', ')}: the remount cannot run here yet.`;
		if (dryRun) warnings.push(text);
		else blockers.push(text);
	}

	if (dryRun) warnings.unshift('Dry run: nothing will be executed; each step is shown and marked "would run".');
	const wrong = mountpoint ? whatIsWrong(snapshot, names, {...facts.thresholds, now: facts.now}) : [];
	if (mountpoint && wrong.length === 0) {
		warnings.push(`Nothing is wrong that a remount fixes: ${mountpoint} answers and ${container} sees the same mount as the host. Go on only if you mean to.`);
	}

	const uploads: Fact<GlanceImage[]> =
		snapshot.glance?.state === 'ok'
			? {ok: true, value: uploadsInProgress(snapshot.glance.images)}
			: {ok: false, problem: snapshot.glance ? snapshot.glance.reason : 'Glance has not been listed yet'};
	if (uploads.ok && uploads.value.length > 0) {
		warnings.push(
			`${uploads.value.length} upload(s) in progress will be killed when ${container} stops: ${uploads.value.map(imageLabel).join(', ')}. Wait for them, or tell their owners.`,
		);
	} else if (!uploads.ok) {
		warnings.push(`Uploads in progress cannot be known (${uploads.problem}): stopping ${container} kills any that are running.`);
	}

	if (facts.holders.ok && facts.holders.value.length > 0 && mountpoint) {
		const list = facts.holders.value.map(holder => `${holder.command} (pid ${holder.pid})`).join(', ');
		warnings.push(`${list} ${facts.holders.value.length === 1 ? 'holds' : 'hold'} ${mountpoint}: umount will say "target is busy" until ${facts.holders.value.length === 1 ? 'it ends' : 'they end'}, or unmount lazily.`);
	}
	if (facts.mountSource.kind === 'spec' && facts.mountSource.note && facts.mountSource.from === 'current-mount') warnings.push(facts.mountSource.note);

	warnings.push(...(facts.notes ?? []));
	const verdict = snapshot.datadir?.verdict ?? null;
	if (verdict === 'unresponsive') {
		warnings.push(`${mountpoint ?? 'The share'} does not answer: the unmount will likely be busy, and a new mount hangs until the server answers. Check ${location.currentMount?.source ?? 'the server'} first.`);
	}

	const parent = mountpoint ? path.posix.dirname(mountpoint) : '/';
	const parentFilesystem = facts.parentFilesystem.ok
		? {path: parent, stats: facts.parentFilesystem.value.stats, health: facts.parentFilesystem.value.health, problem: null}
		: {path: parent, stats: null, health: null, problem: facts.parentFilesystem.problem};

	const files = snapshot.files;
	const imageFilesBefore = files?.state === 'ok' ? files.files.filter(file => file.kind === 'file').length : null;
	const prove = proveFacts(snapshot, facts.canProve);

	return {
		at: facts.now,
		dryRun,
		container,
		containerProbe: snapshot.container,
		datadir: facts.datadir,
		containerDatadir: facts.containerDatadir,
		mountpoint,
		mountpointFrom: location.from,
		currentMount: location.currentMount,
		mountVerdict: verdict,
		mountSource: facts.mountSource,
		wrong,
		uploads,
		holders: facts.holders,
		parentFilesystem,
		imageFilesBefore,
		proveImage: prove.image,
		glanceEndpoint: prove.endpoint,
		proveSkipped: prove.skipped,
		audit: facts.audit,
		blockers,
		warnings,
	};
}

// ---- The plan ----

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

export type Plan = {
	container: string;
	mountpoint: string;
	/** Null: `mount MOUNTPOINT` reads fstab. */
	mountSpec: MountSpec | null;
	expectedSource: string | null;
	proveImage: GlanceImage | null;
	steps: PlanStep[];
};

export type PlanOptions = {graceSeconds: number; probeTimeoutMs: number; healthWaitMs: number};

export function buildPlan(preflight: Preflight, options: PlanOptions): Plan {
	const {container} = preflight;
	const mountpoint = preflight.mountpoint ?? '<mount point>';
	const quoted = shellQuote(mountpoint);
	const source = preflight.mountSource;
	const expected = expectedSource(source);
	const containerGlanceDir = path.posix.dirname(preflight.containerDatadir);
	const parentText = preflight.parentFilesystem.stats
		? ` (${formatBytes(preflight.parentFilesystem.stats.bytesAvailable)} free on ${preflight.parentFilesystem.path})`
		: '';
	const image = preflight.proveImage;
	const imageRef = image ? image.id : '<first active image>';
	const endpoint = preflight.glanceEndpoint ?? '<glance endpoint>';
	const filesBefore = preflight.imageFilesBefore;

	const steps: PlanStep[] = [
		{
			id: 'stop',
			title: `Stop ${container}`,
			command: `docker stop -t ${options.graceSeconds} ${container}`,
			why: `Glance must not run while the share is remounted: with nothing mounted at ${mountpoint} it would write new images into the bare directory, onto the controller's root disk${parentText}. Stopping it also lets go of its old copy of the mount.`,
			verifies: [`${container} is not running (docker inspect)`],
			mutates: true,
			skipped: null,
			lazy: null,
			fstabLine: null,
		},
		{
			id: 'unmount',
			title: `Unmount ${mountpoint}`,
			command: `umount ${quoted}`,
			why: `The host's mount of the share is stale or dead; unmounting it clears the way for a fresh one. umount refuses while a process still works inside it ("target is busy").`,
			verifies: [`${mountpoint} is no longer a mount point (mountinfo)`],
			mutates: true,
			skipped: null,
			lazy: {
				command: `umount -l ${quoted}`,
				why: `A lazy unmount detaches ${mountpoint} at once and lets the processes still inside finish on the old filesystem; new work lands on the fresh mount. They keep the old share busy until they end.`,
			},
			fstabLine: null,
		},
		{
			id: 'mount',
			title: `Mount ${mountpoint}`,
			command: mountCommand(mountpoint, source),
			why:
				source.kind === 'fstab'
					? `Mounting again connects a fresh filesystem (a new major:minor), the one ${container} will see when it starts. The source and options come from /etc/fstab line ${source.entry.line}.`
					: `Mounting again connects a fresh filesystem (a new major:minor), the one ${container} will see when it starts. There is no fstab line, so the source and options come from ${source.kind === 'spec' && source.from === 'audit-log' ? 'the last recorded mount' : 'the current mount'}.`,
			verifies: [
				`${mountpoint} is mounted${expected ? ` from ${expected}` : ''}`,
				`statfs and readdir of ${preflight.datadir} answer within ${formatDuration(options.probeTimeoutMs)}`,
				filesBefore && filesBefore > 0 ? `the image files are visible again (${filesBefore} before)` : 'the datadir can be listed',
			],
			mutates: true,
			skipped: null,
			lazy: null,
			fstabLine: source.kind === 'fstab' ? fstabLine(source.entry) : null,
		},
		{
			id: 'start',
			title: `Start ${container}`,
			command: `docker start ${container}`,
			why: `${container} takes a copy of the host's mounts when it starts: starting it now gives it the fresh mount. Docker says "starting" until its first healthcheck passes.`,
			verifies: [
				`${container} is running`,
				`its health is healthy (waits while it is starting, up to ${formatDuration(options.healthWaitMs)})`,
				`its ${containerGlanceDir} is the host's mount of ${mountpoint} (same major:minor)`,
			],
			mutates: true,
			skipped: null,
			lazy: null,
			fstabLine: null,
		},
		{
			id: 'prove',
			title: 'Prove Glance reads the share',
			command: `curl -s -r 0-65535 -H "X-Auth-Token: $(openstack token issue -f value -c id)" ${endpoint}/v2/images/${imageRef}/file | wc -c`,
			why: `kolla's healthcheck only asks the API, so it stays green on a dead share, and after a flap Glance even answers 204 with no bytes. Reading the first bytes of a real image proves Glance reads from the share again.`,
			verifies: [`Glance serves the first bytes of ${image ? imageLabel(image) : 'the first active image'} (more than 0 bytes)`],
			mutates: false,
			skipped: preflight.proveSkipped,
			lazy: null,
			fstabLine: null,
		},
	];

	return {
		container,
		mountpoint,
		mountSpec: source.kind === 'spec' ? source.spec : null,
		expectedSource: expected,
		proveImage: image,
		steps,
	};
}

// ---- Resume: where a half-done remount continues, judged from the world ----

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

function healthWords(health: PathHealth): string {
	switch (health.state) {
		case 'responsive':
			return 'answers';
		case 'unresponsive':
			return `does not answer (no answer after ${formatDuration(health.afterMs)})`;
		default:
			return `fails (${health.errno})`;
	}
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
			reason: `${stopped} and ${mountpoint} is mounted but ${healthWords(health)}: it must be unmounted and mounted afresh.`,
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
