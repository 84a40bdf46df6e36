import path from 'node:path';
import {healthWord} from './health.js';
import type {ContainerProbe, ContainerView, DatadirProbe, FstabEntry, MountEntry, MountVerdict, PathHealth, Snapshot} from './types.js';

/** A path as mountinfo writes mount points: `..` and doubled slashes resolved, no trailing slash. */
export function normalizeMountPath(target: string): string {
	const normalized = path.posix.normalize(target);
	return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

function isWithin(child: string, parent: string): boolean {
	if (parent === '/') return child.startsWith('/');
	return child === parent || child.startsWith(parent + '/');
}

/** The mount holding `target`: the longest mount point that contains it; the last one wins when stacked. */
export function findMountFor(target: string, mounts: readonly MountEntry[]): MountEntry | null {
	const wanted = normalizeMountPath(target);
	let best: MountEntry | null = null;
	for (const mount of mounts) {
		if (!isWithin(wanted, mount.mountPoint)) continue;
		if (!best || mount.mountPoint.length >= best.mountPoint.length) best = mount;
	}
	return best;
}

/** The fstab entry for a share that should hold the datadir: its mount point contains the datadir, `/` aside. */
export function fstabEntryFor(target: string, entries: readonly FstabEntry[]): FstabEntry | null {
	const wanted = normalizeMountPath(target);
	let best: FstabEntry | null = null;
	for (const entry of entries) {
		if (!entry.file.startsWith('/') || entry.file === '/' || entry.vfsType === 'swap') continue;
		const file = normalizeMountPath(entry.file);
		if (!isWithin(wanted, file)) continue;
		if (!best || file.length > best.file.length) best = entry;
	}
	return best;
}

export type ExpectedMount = {mountpoint: string | null; from: 'flag' | 'fstab' | null; fstab: FstabEntry | null};

export function expectedMount(
	datadir: string,
	flagMountpoint: string | null,
	fstab: readonly FstabEntry[],
): ExpectedMount {
	if (flagMountpoint) {
		const normalized = normalizeMountPath(flagMountpoint);
		const entry = fstab.find(candidate => normalizeMountPath(candidate.file) === normalized) ?? null;
		return {mountpoint: normalized, from: 'flag', fstab: entry};
	}
	const entry = fstabEntryFor(datadir, fstab);
	return entry ? {mountpoint: normalizeMountPath(entry.file), from: 'fstab', fstab: entry} : {mountpoint: null, from: null, fstab: null};
}

export function mountVerdict(mount: MountEntry | null, expectedMountpoint: string | null, health: PathHealth): MountVerdict {
	// A dead or hung filesystem is the more urgent fact, whatever is mounted where.
	if (health.state === 'unresponsive') return 'unresponsive';
	if (health.state === 'dead') return 'dead';
	if (expectedMountpoint && mount?.mountPoint !== expectedMountpoint) return 'not-mounted';
	if (health.state === 'missing') return 'missing';
	if (health.state === 'error') return 'error';
	return 'responsive';
}

/**
 * Compare the container's mount at /var/lib/glance with the host's datadir mount. After a flap the
 * host remounts (new major:minor) while the container keeps the old, dead filesystem.
 */
export function assessContainerView(
	hostMount: MountEntry | null,
	hostHealth: PathHealth | null,
	containerMount: MountEntry | null,
	containerHealth: PathHealth,
): ContainerView {
	if (!containerMount) {
		if (containerHealth.state === 'dead') return {state: 'dead', mount: null, health: containerHealth};
		return {state: 'unknown', reason: 'the container has no mount for its Glance directory'};
	}
	if (hostMount && hostMount.majorMinor !== containerMount.majorMinor) {
		return {state: 'stale', mount: containerMount, health: containerHealth, hostMajorMinor: hostMount.majorMinor};
	}
	const hostFine = hostHealth?.state === 'responsive';
	if (hostFine && (containerHealth.state === 'dead' || containerHealth.state === 'unresponsive')) {
		return {state: 'dead', mount: containerMount, health: containerHealth};
	}
	return {state: 'same', mount: containerMount, health: containerHealth};
}

export function describeMount(mount: MountEntry): string {
	return `${mount.source} on ${mount.mountPoint} type ${mount.fsType} (dev ${mount.majorMinor}, id ${mount.mountId})`;
}

/** The container's view judged again against a newer host probe: the two are probed at different moments. */
export function reassessContainerView(view: ContainerView, hostMount: MountEntry | null, hostHealth: PathHealth | null): ContainerView {
	if (view.state === 'unknown') return view;
	return assessContainerView(hostMount, hostHealth, view.mount, view.health);
}

/** Where kolla's file store keeps images inside glance_api; its parent is the bind from the host. */
export const defaultContainerDatadir = '/var/lib/glance/images';

/**
 * How the running container stands against the host's datadir: one verdict for the findings and the panel,
 * so the panel never calls healthy what a finding calls broken.
 * - `elsewhere`: the container's Glance directory is bound from a path that does not hold the datadir being
 *   inspected, so comparing devices says nothing (the tool looks at the wrong directory).
 * - `share-down`: the container sees the host's mount, and it does not answer inside either.
 */
export type ContainerVerdict =
	| {state: 'not-running'}
	| {state: 'elsewhere'; containerSource: string; datadir: string; suggested: string}
	| {state: 'stale'; view: Extract<ContainerView, {state: 'stale'}>}
	| {state: 'dead'; view: Extract<ContainerView, {state: 'dead'}>}
	| {state: 'share-down'; view: Extract<ContainerView, {state: 'same'}>}
	| {state: 'same'; view: Extract<ContainerView, {state: 'same'}>}
	| {state: 'unknown'; reason: string};

export function containerVerdict(
	probe: Extract<ContainerProbe, {state: 'present'}>,
	datadir: DatadirProbe | null,
	containerDatadir: string = defaultContainerDatadir,
): ContainerVerdict {
	if (!probe.running) return {state: 'not-running'};
	if (datadir && probe.glanceSource && probe.glanceSource.startsWith('/')) {
		const source = normalizeMountPath(probe.glanceSource);
		if (!isWithin(normalizeMountPath(datadir.datadir), source)) {
			const below = path.posix.relative(path.posix.dirname(containerDatadir), containerDatadir);
			return {state: 'elsewhere', containerSource: source, datadir: datadir.datadir, suggested: path.posix.join(source, below)};
		}
	}
	const view = probe.view;
	switch (view.state) {
		case 'unknown':
			return {state: 'unknown', reason: view.reason};
		case 'stale':
			return {state: 'stale', view};
		case 'dead':
			return {state: 'dead', view};
		case 'same':
			// The host's probe may land before the container's: a share the host finds dead is down for both.
			if (view.health.state !== 'responsive') return {state: 'share-down', view};
			if (datadir && datadir.health.state !== 'responsive' && datadir.health.state !== 'missing') return {state: 'share-down', view: {...view, health: datadir.health}};
			return {state: 'same', view};
	}
}

/** The container's verdict in one line, as the panel draws it. */
export function describeContainerVerdict(verdict: ContainerVerdict): string {
	switch (verdict.state) {
		case 'not-running':
			return 'not running: Glance is down';
		case 'elsewhere':
			return `other datadir: it uses ${verdict.containerSource}; try --datadir ${verdict.suggested}`;
		case 'stale':
			return `✖ STALE view: container dev ${verdict.view.mount.majorMinor}, host dev ${verdict.view.hostMajorMinor} (inside: ${healthWord(verdict.view.health)})`;
		case 'dead':
			return `✖ DEAD view inside the container (${healthWord(verdict.view.health)}) while the host is fine`;
		case 'share-down':
			return `✖ same mount as the host (dev ${verdict.view.mount.majorMinor}), but the share fails: ${healthWord(verdict.view.health)}`;
		case 'same':
			return `view of ${verdict.view.mount.mountPoint}: same mount as the host (dev ${verdict.view.mount.majorMinor}) ✔`;
		case 'unknown':
			return `view: unknown — ${verdict.reason}`;
	}
}

/** The mount point a remount would unmount, while the snapshot says one is needed (a dead, hung or stale share); else null. */
export function mountpointToRemount(snapshot: Pick<Snapshot, 'datadir' | 'container'>): string | null {
	const datadir = snapshot.datadir;
	const mountpoint = datadir?.expectedMountpoint ?? datadir?.mount?.mountPoint ?? null;
	if (!datadir || !mountpoint || mountpoint === '/') return null;
	const shareDown = datadir.verdict === 'dead' || datadir.verdict === 'unresponsive';
	const container = snapshot.container;
	const viewStale = container?.state === 'present' && (container.view.state === 'stale' || container.view.state === 'dead');
	return shareDown || viewStale ? mountpoint : null;
}
