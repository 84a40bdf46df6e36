// Everything the operator should know before the first step: what is wrong and why a remount fixes it, who
// holds the mount, which uploads a stop kills, where Glance would write meanwhile, and what stops the walk.
import path from 'node:path';
import {deriveFindings} from '../model/findings.js';
import {describeProblem, errorMessage, fail, ok, type Result} from '../model/result.js';
import type {ContainerProbe, Finding, FindingId, FsStats, GlanceImage, MountEntry, MountVerdict, PathHealth, Snapshot, Thresholds} from '../model/types.js';
import type {Holder, World} from '../world/world.js';
import {lastMountSpecOf, type AuditRecord} from './audit.js';
import {mountSourceFor, type MountSource} from './mount-spec.js';
import {locateShare, type ShareLocation} from './share-location.js';

/** Glance statuses of an upload under way: stopping glance_api kills it. */
const uploadStatuses = new Set(['saving', 'uploading', 'importing']);

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

const remountFindingIds = new Set(Object.keys(remedies));

/** The first active image with data in the file store: the one the proof reads. */
export function firstReadableImage(images: readonly GlanceImage[]): GlanceImage | null {
	return images.find(image => image.status === 'active' && (image.size ?? 0) > 0 && (image.stores === null || image.stores.includes('file'))) ?? null;
}

function uploadsInProgress(images: readonly GlanceImage[]): GlanceImage[] {
	return images.filter(image => uploadStatuses.has(image.status));
}

export function imageLabel(image: GlanceImage): string {
	return `${image.name ?? '(no name)'} (${image.id})`;
}

export type WrongNow = {finding: Finding; remedy: string};

export type ParentFilesystem = {stats: FsStats | null; health: PathHealth};

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
	uploads: Result<GlanceImage[]>;
	/** Processes holding the mount: a plain umount fails while they do. */
	holders: Result<Holder[]>;
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

/** The facts that come from the settings, whatever the world answers. */
export type NamedFacts = {
	now: number;
	dryRun: boolean;
	container: string;
	datadir: string;
	containerDatadir: string;
	thresholds: Thresholds;
};

export type PreflightFacts = NamedFacts & {
	location: ShareLocation;
	mountSource: MountSource;
	holders: Result<Holder[]>;
	parentFilesystem: Result<ParentFilesystem>;
	audit: {path: string; problem: string | null};
	/** Problems found while gathering the facts, that stop the walk. */
	problems?: string[];
	/** Things found while gathering the facts that the operator should know. */
	notes?: string[];
};

function whatIsWrong(snapshot: Snapshot, names: {container: string; mountpoint: string}, context: Thresholds & {now: number}): WrongNow[] {
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

function proveFacts(snapshot: Snapshot): {image: GlanceImage | null; skipped: string | null; endpoint: string | null} {
	const glance = snapshot.glance;
	const endpoint = glance?.endpoint ?? null;
	if (glance?.state === 'unavailable' && glance.problem === 'glance-not-configured') {
		return {image: null, skipped: `Glance is not configured here (${glance.reason}): the end-to-end proof is skipped; check an image download by hand.`, endpoint};
	}
	if (glance?.state === 'unavailable' && glance.problem === 'glance-credentials-unusable') {
		return {image: null, skipped: `The Glance credentials given cannot be used (${glance.reason}): the end-to-end proof is skipped; fix them, or check an image download by hand.`, endpoint};
	}
	if (glance?.state === 'ok') {
		const image = firstReadableImage(glance.images);
		return image ? {image, skipped: null, endpoint} : {image: null, skipped: 'Glance lists no active image with data to read: nothing to prove the read with.', endpoint};
	}
	// Glance is unreachable right now (the container may be stopped): the image is chosen when the step runs.
	return {image: null, skipped: null, endpoint};
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

	if (dryRun) warnings.unshift('Dry run: nothing will be executed; each step is shown and marked "would run".');
	const wrong = mountpoint ? whatIsWrong(snapshot, names, {...facts.thresholds, now: facts.now}) : [];
	if (mountpoint && wrong.length === 0) {
		warnings.push(`Nothing is wrong that a remount fixes: ${mountpoint} answers and ${container} sees the same mount as the host. Go on only if you mean to.`);
	}

	const uploads: Result<GlanceImage[]> =
		snapshot.glance?.state === 'ok' ? ok(uploadsInProgress(snapshot.glance.images)) : fail({reason: snapshot.glance ? snapshot.glance.reason : 'Glance has not been listed yet'});
	if (uploads.ok && uploads.value.length > 0) {
		warnings.push(
			`${uploads.value.length} upload(s) in progress will be killed when ${container} stops: ${uploads.value.map(imageLabel).join(', ')}. Wait for them, or tell their owners.`,
		);
	} else if (!uploads.ok) {
		warnings.push(`Uploads in progress cannot be known (${describeProblem(uploads.problem)}): stopping ${container} kills any that are running.`);
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
		: {path: parent, stats: null, health: null, problem: describeProblem(facts.parentFilesystem.problem)};

	const files = snapshot.files;
	const imageFilesBefore = files?.state === 'ok' ? files.files.filter(file => file.kind === 'file').length : null;
	const prove = proveFacts(snapshot);

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

const noMountpoint = fail({reason: 'no mount point is known'});

/** What the preflight is built from, asked of the World now: a fresh probe, the holders, the parent filesystem. */
export type Gathered = {snapshot: Snapshot; location: ShareLocation; facts: PreflightFacts};

/**
 * Asks the World what the preflight needs, on top of the dashboard's last snapshot. A probe that throws (a
 * bug) becomes a problem that blocks the walk; an audit log that cannot be read becomes a note.
 */
export async function gatherPreflight(
	world: World,
	snapshot: Snapshot,
	input: {named: NamedFacts; mountpoint: string | null; records: Result<AuditRecord[]>; audit: {path: string; problem: string | null}},
): Promise<Gathered> {
	const problems: string[] = [];
	const notes: string[] = [];
	if (!input.records.ok) notes.push(`The audit log could not be read (${describeProblem(input.records.problem)}): earlier runs are not taken into account.`);
	const records = input.records.ok ? input.records.value : [];

	let probed = snapshot;
	try {
		const datadir = await world.probeDatadir();
		const container = await world.probeContainer(datadir.mount, datadir.health);
		probed = {...snapshot, datadir, container};
	} catch (error) {
		problems.push(`Probing the machine failed: ${errorMessage(error)}`);
	}

	const location = locateShare(probed, {mountpoint: input.mountpoint, datadir: input.named.datadir});
	const mountpoint = location.mountpoint;
	const mountSource: MountSource = mountpoint ? mountSourceFor(location, lastMountSpecOf(records, mountpoint)) : {kind: 'unknown', reason: 'no mount point is known'};
	const [holders, parentFilesystem] = mountpoint
		? await Promise.all([world.mountHolders(mountpoint).then(ok), world.parentFilesystem(mountpoint).then(ok)])
		: [noMountpoint, noMountpoint];
	return {snapshot: probed, location, facts: {...input.named, location, mountSource, holders, parentFilesystem, audit: input.audit, problems, notes}};
}
