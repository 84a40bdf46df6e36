import os from 'node:os';
import path from 'node:path';
import {parseFstab} from '../../model/fstab.js';
import {parseMountinfo} from '../../model/mountinfo.js';
import {assessContainerView, expectedMount, findMountFor, mountVerdict} from '../../model/mount.js';
import type {AccessProblem} from '../../model/openstack/access.js';
import {notConfiguredListing} from '../../model/openstack/glance.js';
import {describeProblem, fail, type Problem, type Result} from '../../model/result.js';
import type {ChecksumOutcome, ContainerProbe, ContainerView, DatadirListing, DatadirProbe, FstabEntry, GlanceImage, GlanceListing, HostProbe, MountEntry, PathHealth, UnderMountListing, BackupFacts, GlanceDirsFacts} from '../../model/types.js';
import type {Settings} from '../../settings.js';
import type {ActionOptions, ActionResult, DatadirSince, GlanceProof, Holder, ListGlanceOptions, MountSpec, RecoveryOutcome, RecoveryProgress, World, WorldEvent} from '../world.js';
import {readFstab, readMountinfo, readMountinfoSync} from './bounded-file.js';
import {verifyChecksum} from './checksum.js';
import {listDatadir} from './datadir-list.js';
import type {DockerClient} from './docker.js';
import {proveGlance} from './glance-proof.js';
import {lookUnderMount, recoverShadowed} from './under-mount.js';
import {probeBackups} from './backups.js';
import {probeGlanceDirs} from './glance-dirs.js';
import {mountHolders} from './holders.js';
import {mountShare, unmountShare} from './mounting.js';
import {GlanceClient} from './openstack/glance.js';
import {HostFactsSampler} from './host-facts.js';
import {glanceAccessOnThisMachine, type GlanceFlags} from './openstack/machine.js';
import {closeProbeWorkers} from './probe-worker.js';
import {probePath, type PathProbeResult} from './path-probe.js';

function glanceFlags(settings: Settings): GlanceFlags {
	return {
		...(settings.glanceUrl.value ? {glanceUrl: settings.glanceUrl.value} : {}),
		...(settings.osCloud.value ? {osCloud: settings.osCloud.value} : {}),
		...(settings.openrc.value ? {openrc: settings.openrc.value} : {}),
	};
}

/** fstab's text, or why it was not read; no fstab at all is no problem, only no lines. */
async function fstabOrProblem(file: string): Promise<{text: string | null; problem: string | null}> {
	const read = await readFstab(file);
	if (read.ok) return {text: read.value, problem: null};
	return {text: null, problem: read.problem.errno === 'ENOENT' ? `${file}: not found` : read.problem.reason};
}

/** Host name part of a network source: `nfs01:/export`, `root@10.0.0.5:/srv`, `//server/share`. */
export function sourceHost(source: string): string | null {
	const smb = /^\/\/([^/]+)\//.exec(source);
	if (smb) return smb[1] ?? null;
	const colon = /^(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+):/.exec(source);
	return colon?.[1]?.replace(/^\[|\]$/g, '') ?? null;
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The real controller: /proc, /etc/fstab, a killable child for the datadir, dockerode. */
export class RealWorld implements World {
	readonly kind = 'real' as const;
	readonly label: string;
	/** Loaded on first use: dockerode and its deps cost ~0.1 s of start-up, overlapped with Glance's first page. */
	private dockerClient: Promise<DockerClient> | null = null;
	private lastMountSource: string | null = null;
	private readonly listeners = new Set<(event: WorldEvent) => void>();
	private stopWatching: (() => void) | null = null;
	private readonly hostFacts = new HostFactsSampler();

	private readonly glance: GlanceClient | AccessProblem;

	constructor(private readonly settings: Settings) {
		this.label = os.hostname();
		const access = glanceAccessOnThisMachine(glanceFlags(settings));
		// Keystone and Glance answer in seconds on a busy controller; they get more time than a statfs.
		this.glance = access.ok ? new GlanceClient(access.value, {timeoutMs: Math.max(10_000, this.timeoutMs)}) : access.problem;
	}

	/** Where Glance's credentials come from (never the credentials themselves), for --print-settings. */
	get glanceSource(): string {
		return this.glance instanceof GlanceClient ? this.glance.source : `not configured: ${this.glance.reason}`;
	}

	listDatadir(since?: DatadirSince): Promise<DatadirListing> {
		return listDatadir(this.settings.datadir.value, {timeoutMs: this.timeoutMs, ...(since ? {since} : {})});
	}

	verifyChecksum(image: GlanceImage, onProgress: (outcome: ChecksumOutcome) => void, signal: AbortSignal): Promise<ChecksumOutcome> {
		return verifyChecksum(path.posix.join(this.settings.datadir.value, image.id), image, onProgress, signal);
	}

	lookUnderMount(): Promise<UnderMountListing> {
		return lookUnderMount(this.settings.datadir.value, {timeoutMs: this.timeoutMs});
	}

	/** Snapshot directories at the share's mount point (the expected one, else the current) and in the datadir, and the marker. */
	async probeBackups(): Promise<BackupFacts> {
		const datadir = this.settings.datadir.value;
		// Read at once (/proc never hangs), so the snapshot directories are asked for in the same turn as Glance's
		// working directories, and one child lists both.
		const mountinfo = readMountinfoSync('self');
		const current = mountinfo.ok ? findMountFor(datadir, parseMountinfo(mountinfo.value)) : null;
		const mountpoint = this.settings.mountpoint.value ?? (current && current.mountPoint !== '/' ? current.mountPoint : null);
		return probeBackups({mountpoint, datadir, marker: this.settings.backupMarker.value, timeoutMs: this.timeoutMs});
	}

	probeGlanceDirs(): Promise<GlanceDirsFacts> {
		return probeGlanceDirs(this.settings.datadir.value, {timeoutMs: this.timeoutMs});
	}

	recoverShadowed(image: GlanceImage, options: {onProgress?: (progress: RecoveryProgress) => void; signal?: AbortSignal} = {}): Promise<RecoveryOutcome> {
		return recoverShadowed(this.settings.datadir.value, image, {timeoutMs: Math.max(30_000, this.timeoutMs), ...options});
	}

	async listGlanceImages(options: ListGlanceOptions = {}): Promise<GlanceListing> {
		return this.glance instanceof GlanceClient ? this.glance.listImages(options) : notConfiguredListing(this.glance);
	}

	async describeImage(id: string): Promise<Result<Record<string, unknown>>> {
		return this.glance instanceof GlanceClient ? this.glance.describeImage(id) : fail(this.glance);
	}

	private docker(): Promise<DockerClient> {
		this.dockerClient ??= import('./docker.js').then(({DockerClient}) => new DockerClient(this.settings.dockerSocket.value, this.settings.probeTimeoutSeconds.value * 1000));
		return this.dockerClient;
	}

	private get timeoutMs(): number {
		return this.settings.probeTimeoutSeconds.value * 1000;
	}

	/** The host path bound at the container's /var/lib/glance, used to find the datadir when nothing else says. */
	async containerGlanceSource(): Promise<string | null> {
		const answer = await (await this.docker()).inspect(this.settings.container.value);
		if (!answer.ok) return null;
		const glanceDir = path.posix.dirname(this.settings.containerDatadir.value);
		return answer.value.mounts.find(mount => path.posix.normalize(mount.destination) === glanceDir)?.source ?? null;
	}

	async probeDatadir(): Promise<DatadirProbe> {
		const datadir = this.settings.datadir.value;
		const [fstabText, result] = await Promise.all([fstabOrProblem(this.settings.fstabPath.value), probePath(datadir, {timeoutMs: this.timeoutMs})]);
		// Read after the probe, so a remount during the probe cannot pair the new device with the old mount line.
		const mountinfo = await readMountinfo('self');
		const mounts = mountinfo.ok ? parseMountinfo(mountinfo.value) : [];
		let mount = findMountFor(datadir, mounts);
		// Without the mount table nothing can be said about the mount: that is the datadir's error.
		const health: PathHealth = mountinfo.ok ? result.health : {state: 'error', errno: mountinfo.problem.errno ?? 'EIO', message: mountinfo.problem.reason};
		// A symlink on the way can put the datadir on another filesystem than its path suggests: trust the device.
		if (health.state === 'responsive' && mount && mount.majorMinor !== health.device) {
			mount = mounts.filter(candidate => candidate.majorMinor === health.device).at(-1) ?? mount;
		}
		const fstab: FstabEntry[] = fstabText.text === null ? [] : parseFstab(fstabText.text).entries;
		const expected = expectedMount(datadir, this.settings.mountpoint.value, fstab);
		this.lastMountSource = mount?.source ?? null;
		return {
			at: Date.now(),
			datadir,
			mount,
			expectedMountpoint: expected.mountpoint,
			expectedFrom: expected.from,
			fstab: expected.fstab,
			fstabProblem: fstabText.problem,
			health,
			verdict: mountVerdict(mount, expected.mountpoint, health),
			stats: result.stats,
		};
	}

	async probeContainer(hostMount: MountEntry | null, hostHealth: PathHealth | null = null): Promise<ContainerProbe> {
		const name = this.settings.container.value;
		const answer = await (await this.docker()).inspect(name);
		const at = Date.now();
		if (!answer.ok) {
			const problem = answer.problem;
			return problem.kind === 'missing' ? {at, state: 'missing', name} : {at, state: 'docker-unreachable', name, reason: problem.reason, hint: problem.hint};
		}
		const facts = answer.value;
		const glanceDir = path.posix.dirname(this.settings.containerDatadir.value);
		const glanceSource = facts.mounts.find(mount => path.posix.normalize(mount.destination) === glanceDir)?.source ?? null;
		let view: ContainerView;
		if (!facts.running || facts.pid <= 0) {
			view = {state: 'unknown', reason: 'the container is not running'};
		} else {
			view = await this.containerView(facts.pid, hostMount, hostHealth);
		}
		return {at, state: 'present', ...facts, glanceSource, view};
	}

	private async containerView(pid: number, hostMount: MountEntry | null, hostHealth: PathHealth | null): Promise<ContainerView> {
		const mountinfo = await readMountinfo(pid);
		if (!mountinfo.ok) {
			const problem = mountinfo.problem;
			return {state: 'unknown', reason: problem.errno === 'EACCES' ? `/proc/${pid}/mountinfo: permission denied (run as root)` : problem.reason};
		}
		const inside = this.settings.containerDatadir.value;
		const found = findMountFor(inside, parseMountinfo(mountinfo.value));
		// The container's root filesystem is never the share: only a mount at or under /var/lib/glance counts.
		const containerMount = found && found.mountPoint !== '/' ? found : null;
		// /proc/<pid>/root leads into the container's mount namespace: this touches the share as Glance sees it.
		const {health} = await probePath(`/proc/${pid}/root${inside}`, {timeoutMs: this.timeoutMs});
		return assessContainerView(hostMount, hostHealth, containerMount, health);
	}

	probeHost(): Promise<HostProbe> {
		const host = this.lastMountSource ? sourceHost(this.lastMountSource) : null;
		return this.hostFacts.sample(host && isLoopback(host) ? 'lo' : null);
	}

	// ---- The remount's actions: each resolves with the command's words, never rejects ----

	stopContainer(options: ActionOptions & {graceSeconds: number}): Promise<ActionResult> {
		// The daemon answers only after the grace period and the kill: allow for both.
		const timeoutMs = options.timeoutMs ?? (options.graceSeconds + 15) * 1000;
		return this.docker().then(docker => docker.act(this.settings.container.value, 'stop', {graceSeconds: options.graceSeconds, timeoutMs, onOutput: options.onOutput}));
	}

	startContainer(options: ActionOptions = {}): Promise<ActionResult> {
		return this.docker().then(docker => docker.act(this.settings.container.value, 'start', {timeoutMs: options.timeoutMs ?? 60_000, onOutput: options.onOutput}));
	}

	unmount(mountpoint: string, options: ActionOptions & {lazy: boolean}): Promise<ActionResult> {
		return unmountShare(mountpoint, options);
	}

	mount(mountpoint: string, spec: MountSpec | null, options: ActionOptions = {}): Promise<ActionResult> {
		return mountShare(mountpoint, spec, {fstabPath: this.settings.fstabPath.value, ...options});
	}

	mountHolders(mountpoint: string): Promise<Holder[]> {
		return mountHolders(mountpoint, {timeoutMs: Math.max(10_000, this.timeoutMs)});
	}

	containerLogs(lines: number): Promise<Result<string[]>> {
		return this.docker().then(docker => docker.logs(this.settings.container.value, lines, Math.max(10_000, this.timeoutMs)));
	}

	parentFilesystem(mountpoint: string): Promise<PathProbeResult> {
		// The parent directory, never the mount: it is where Glance would write while the share is unmounted.
		return probePath(path.posix.dirname(path.posix.resolve(mountpoint)), {timeoutMs: this.timeoutMs, maxEntries: 1000});
	}

	async proveGlance(image: GlanceImage): Promise<GlanceProof> {
		if (!(this.glance instanceof GlanceClient)) return fail({status: null, bytes: 0, imageId: image.id, reason: describeProblem(this.glance)});
		return proveGlance(this.glance, image, this.settings.container.value);
	}

	watch(listener: (event: WorldEvent) => void): () => void {
		this.listeners.add(listener);
		if (!this.stopWatching) {
			let stop: (() => void) | null = null;
			let stopped = false;
			void this.docker().then(docker => {
				if (stopped) return;
				stop = docker.watch(
					this.settings.container.value,
					text => {
						// Healthcheck runs arrive as exec_* events every few seconds; they change nothing.
						if (text.startsWith('exec_')) return;
						for (const each of this.listeners) each({at: Date.now(), kind: 'container', text});
					},
					() => {},
				);
			});
			this.stopWatching = () => {
				stopped = true;
				stop?.();
			};
		}
		return () => {
			this.listeners.delete(listener);
			if (this.listeners.size === 0) {
				this.stopWatching?.();
				this.stopWatching = null;
			}
		};
	}

	async close(): Promise<void> {
		if (this.glance instanceof GlanceClient) await this.glance.close();
		this.listeners.clear();
		this.stopWatching?.();
		this.stopWatching = null;
		closeProbeWorkers();
		if (this.dockerClient) (await this.dockerClient).close();
	}
}
