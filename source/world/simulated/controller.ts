import {fail, ok, type Problem, type Result} from '../../model/result.js';
import type {ContainerHealth, FsStats} from '../../model/types.js';

export type ShareServerState = 'up' | 'frozen' | 'down';

/** One mount of the share: every mount is a new filesystem instance with its own major:minor. */
export type ShareFilesystem = {majorMinor: string; connected: boolean};

/** A process with files open or its working directory inside the mount, as `fuser -vm` lists it. */
export type HolderProcess = {pid: number; command: string};

export type HostShareMount = {mountId: number; filesystem: ShareFilesystem; holders: HolderProcess[]};

/** What the container got at /var/lib/glance when it started; it keeps it whatever the host does later. */
export type CapturedView = {
	mountId: number;
	parentId: number;
	/** Null: nothing was mounted on the host, so the container got the bare directory on the root filesystem. */
	filesystem: ShareFilesystem | null;
};

export type SimulatedContainer = {
	name: string;
	id: string;
	image: string;
	running: boolean;
	health: ContainerHealth;
	/** The last healthcheck output, as Docker keeps it in State.Health.Log. */
	healthOutput: string | null;
	pid: number;
	restartCount: number;
	startedAt: number | null;
	finishedAt: number | null;
	exitCode: number;
	/** Null while the container is not running: its mount namespace is gone. */
	view: CapturedView | null;
};

/** Usage of the share at `since`; it then grows at `growthBytesPerSecond` until full. */
export type ShareUsage = {
	bytesTotal: number;
	bytesUsed: number;
	inodesTotal: number;
	inodesUsed: number;
	growthBytesPerSecond: number;
	since: number;
};

export type DatadirFile = {name: string; size: number; mtime: number};

export type ControllerState = {
	share: {
		server: ShareServerState;
		source: string;
		fsType: string;
		mountPoint: string;
		/** When a frozen server answers again by itself (a rebooted NFS server; a hard mount then carries on); null: never. */
		answersAgainAt?: number | null;
	};
	hostMount: HostShareMount | null;
	container: SimulatedContainer;
	usage: ShareUsage;
	files: DatadirFile[];
	/** Files in the datadir's directory under the share's mount point (written while it was not mounted); absent: none. */
	hidden?: DatadirFile[];
	/** What the kernel and Docker hand out next: every mount gets a fresh id and minor, every start a fresh pid. */
	next: {minor: number; mountId: number; pid: number};
};

/** How a filesystem answers when touched: normally, with ENOTCONN, or not at all. */
export type FilesystemCondition = 'live' | 'dead' | 'frozen';

export type DockerAction = 'kill' | 'die' | 'stop' | 'start' | 'health_status: healthy' | 'health_status: unhealthy';

export type ControllerEvent = {at: number; action: DockerAction};

export type SimulationTiming = {
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** How many times faster than a real controller the actions complete. */
	speed?: number;
	/** Told after every change of the machine, so the simulator can keep it across a quit. */
	onChange?: (state: Readonly<ControllerState>) => void;
};

/** How long each step takes on a real kolla controller, before `speed` divides it. */
export const actionDurationsMs = {
	stop: 1500,
	start: 2000,
	/** Docker reports `starting` until the first healthcheck passes. */
	healthStarting: 6000,
	unmount: 300,
	mount: 800,
	/** mount.nfs4 retries a server that accepts connections but never answers. */
	mountTimeout: 20_000,
	/** The host notices the dropped share and remounts it. */
	flapRemount: 1000,
	killHolder: 200,
} as const;

/** What kolla's healthcheck_curl prints for a Glance API that answers (300: the versions document). */
export const kollaHealthcheckOutput = 'exit 0: 300 10.0.0.11:9292 0.003127 seconds';

/** Averaged over Glance uploads, so the inode count grows with the bytes. */
const averageUploadBytes = 512 * 1024 ** 2;

/** A failed action, worded and coded like the real command's failure (umount, mount.nfs4, docker). */
export type ControllerProblem = Problem & {errno: string};

export type ControllerResult = Result<void, ControllerProblem>;

function refused(errno: string, reason: string): ControllerResult {
	return fail({errno, reason});
}

const done: ControllerResult = ok(undefined);

type PendingTimer = {handle: NodeJS.Timeout; resolve: () => void};

/** A fake kolla controller node: the share, its host mount, the glance_api container, and the actions on them. */
export class SimulatedController {
	readonly now: () => number;
	private readonly state: ControllerState;
	private readonly injectedSleep: ((ms: number) => Promise<void>) | null;
	private readonly speed: number;
	private readonly onChange: ((state: Readonly<ControllerState>) => void) | null;
	private readonly listeners = new Set<(event: ControllerEvent) => void>();
	private readonly pendingTimers = new Set<PendingTimer>();
	private shareChangeWaiters: Array<() => void> = [];
	private closed = false;
	/** What the healthcheck prints while Glance inside the container cannot serve (its database down, a broken config). */
	private healthcheckFailure: string | null = null;

	constructor(state: ControllerState, timing: SimulationTiming = {}) {
		const speed = timing.speed ?? 1;
		if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}`);
		this.state = state;
		this.now = timing.now ?? Date.now;
		this.injectedSleep = timing.sleep ?? null;
		this.speed = speed;
		this.onChange = timing.onChange ?? null;
		// A machine kept from an earlier session may have been quit while its container was starting or stopping.
		if (state.container.running && state.container.health !== 'healthy') void this.becomeHealthy(state.container.pid);
	}

	/** The whole machine as plain data, to be kept and handed back to a later controller. */
	get saved(): Readonly<ControllerState> {
		return this.state;
	}

	get share(): Readonly<ControllerState['share']> {
		this.recoverOnTime();
		return this.state.share;
	}

	get hostMount(): Readonly<HostShareMount> | null {
		return this.state.hostMount;
	}

	get container(): Readonly<SimulatedContainer> {
		return this.state.container;
	}

	get files(): readonly DatadirFile[] {
		return this.state.files;
	}

	/** What lies under the share's mount point, on the root filesystem. */
	get hidden(): readonly DatadirFile[] {
		return this.state.hidden ?? [];
	}

	/** A copy of a hidden file onto the share; the hidden one stays. False when the share has that name already. */
	putBack(name: string): boolean {
		const hidden = this.hidden.find(file => file.name === name);
		if (!hidden || this.state.files.some(file => file.name === name)) return false;
		this.state.files.push({...hidden, mtime: this.now()});
		this.changed();
		return true;
	}

	get growthBytesPerSecond(): number {
		return this.state.usage.growthBytesPerSecond;
	}

	/** Usage as statfs would report it at `at`: it grows with time until the share is full. */
	usage(at = this.now()): FsStats {
		const usage = this.state.usage;
		const elapsedSeconds = Math.max(0, at - usage.since) / 1000;
		const grown = Math.min(usage.bytesTotal - usage.bytesUsed, usage.growthBytesPerSecond * elapsedSeconds);
		const bytesUsed = Math.round(usage.bytesUsed + grown);
		const inodesUsed = Math.min(usage.inodesTotal, usage.inodesUsed + Math.floor(grown / averageUploadBytes));
		return {
			bytesTotal: usage.bytesTotal,
			bytesUsed,
			bytesAvailable: usage.bytesTotal - bytesUsed,
			inodesTotal: usage.inodesTotal,
			inodesUsed,
			inodesFree: usage.inodesTotal - inodesUsed,
		};
	}

	/** The processes holding the host's mount of the share, as `fuser -vm <mountpoint>` would list them. */
	mountHolders(): readonly HolderProcess[] {
		return this.state.hostMount?.holders ?? [];
	}

	condition(filesystem: ShareFilesystem): FilesystemCondition {
		if (!filesystem.connected) return 'dead';
		return this.share.server === 'frozen' ? 'frozen' : 'live';
	}

	/** Resolves at the next change of the share (thaw, flap, server down) or on close, so a hung probe can look again. */
	untilShareChanges(): Promise<void> {
		if (this.closed) return Promise.resolve();
		return new Promise(resolve => this.shareChangeWaiters.push(resolve));
	}

	/** Waits `ms` on the controller's clock, not divided by `speed`: a probe timeout is the operator's setting. */
	wait(ms: number): Promise<void> {
		if (this.injectedSleep) return this.injectedSleep(ms);
		if (this.closed) return Promise.resolve();
		return new Promise(resolve => {
			const timer: PendingTimer = {
				handle: setTimeout(() => {
					this.pendingTimers.delete(timer);
					resolve();
				}, ms),
				resolve,
			};
			this.pendingTimers.add(timer);
		});
	}

	subscribe(listener: (event: ControllerEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** `docker stop`: SIGTERM, the API drains, the process exits and the container lets go of its mount. */
	async stopContainer(): Promise<ControllerResult> {
		const container = this.state.container;
		if (!container.running) return done;
		// Docker marks a container unhealthy as soon as its health monitor stops, before the process exits.
		container.health = 'unhealthy';
		this.emit('kill');
		await this.delay(actionDurationsMs.stop);
		container.running = false;
		container.pid = 0;
		container.exitCode = 0;
		container.finishedAt = this.now();
		container.view = null;
		this.changed();
		this.emit('die');
		this.emit('stop');
		return done;
	}

	/** `docker start`: the container captures whatever is mounted on the host right now. */
	async startContainer(): Promise<ControllerResult> {
		const container = this.state.container;
		if (container.running) return done;
		await this.delay(actionDurationsMs.start);
		const {hostMount, share, next} = this.state;
		if (hostMount && this.condition(hostMount.filesystem) === 'dead') {
			return refused(
				'ENOTCONN',
				`Error response from daemon: error while creating mount source path '${share.mountPoint}': mkdir ${share.mountPoint}: transport endpoint is not connected`,
			);
		}
		container.running = true;
		container.pid = next.pid++;
		container.startedAt = this.now();
		container.health = 'starting';
		// The container's root filesystem is one mount, its bind of /var/lib/glance the next.
		container.view = {mountId: next.mountId + 1, parentId: next.mountId, filesystem: hostMount?.filesystem ?? null};
		next.mountId += 2;
		this.changed();
		this.emit('start');
		void this.becomeHealthy(container.pid);
		return done;
	}

	/** `umount [-l] <mountpoint>` on the host. A lazy unmount detaches it and leaves holders on the old filesystem. */
	async unmount(options: {lazy?: boolean} = {}): Promise<ControllerResult> {
		await this.delay(actionDurationsMs.unmount);
		const {hostMount, share} = this.state;
		if (!hostMount) return refused('EINVAL', `umount: ${share.mountPoint}: not mounted.`);
		if (!options.lazy) {
			if (hostMount.holders.length > 0) return refused('EBUSY', `umount: ${share.mountPoint}: target is busy.`);
			if (this.condition(hostMount.filesystem) === 'frozen') return refused('EBUSY', `umount.${share.fsType}: ${share.mountPoint}: device is busy`);
		}
		this.state.hostMount = null;
		this.changed();
		return done;
	}

	/** `mount <mountpoint>` from fstab: a fresh filesystem, so a new major:minor. */
	async mount(): Promise<ControllerResult> {
		const share = this.share;
		await this.delay(share.server === 'frozen' ? actionDurationsMs.mountTimeout : actionDurationsMs.mount);
		const target = `${share.source} on ${share.mountPoint}`;
		if (this.state.hostMount) return refused('EBUSY', `mount: ${share.mountPoint}: ${share.source} already mounted on ${share.mountPoint}.`);
		if (share.server === 'down') return refused('ECONNREFUSED', `mount.${share.fsType}: Connection refused for ${target}`);
		if (share.server === 'frozen') return refused('ETIMEDOUT', `mount.${share.fsType}: Connection timed out for ${target}`);
		this.state.hostMount = this.freshHostMount();
		this.changed();
		return done;
	}

	/**
	 * The share drops: every mount of it dies at once. The host then remounts it (a new major:minor);
	 * the running container is not told and keeps the dead one.
	 */
	async flap(): Promise<void> {
		const dropped = this.state.hostMount;
		this.disconnectShare();
		if (!dropped) return;
		await this.delay(actionDurationsMs.flapRemount);
		if (this.state.hostMount !== dropped || this.state.share.server !== 'up') return;
		// Holders on the dropped mount got ENOTCONN and exited.
		this.state.hostMount = this.freshHostMount();
		this.changed();
	}

	/** The share stops answering (a hung NFS server, a SIGSTOPped sshfs): touches block instead of failing. */
	freeze(): void {
		if (this.state.share.server !== 'up') return;
		this.state.share.server = 'frozen';
		this.state.share.answersAgainAt = null;
		this.changed();
	}

	thaw(): void {
		if (this.state.share.server !== 'frozen') return;
		this.state.share.server = 'up';
		this.state.share.answersAgainAt = null;
		this.changed();
		this.wakeShareWaiters();
	}

	/** The share server goes away: live mounts die with ENOTCONN and new mounts are refused. */
	takeServerDown(): void {
		this.state.share.server = 'down';
		this.disconnectShare();
		this.changed();
	}

	/** The server answers again; mounts that died stay dead until remounted. */
	bringServerUp(): void {
		if (this.state.share.server !== 'down') return;
		this.state.share.server = 'up';
		this.changed();
	}

	/** `kill <pid>` of a process holding the mount, the other way out of EBUSY. */
	async killHolder(pid: number): Promise<ControllerResult> {
		await this.delay(actionDurationsMs.killHolder);
		const holders = this.state.hostMount?.holders ?? [];
		const index = holders.findIndex(holder => holder.pid === pid);
		if (index < 0) return refused('ESRCH', `kill: (${pid}) - No such process`);
		holders.splice(index, 1);
		this.changed();
		return done;
	}

	/** Glance inside the container stops passing its healthcheck: every start turns unhealthy instead of healthy. */
	breakHealthcheck(output: string): void {
		this.healthcheckFailure = output;
	}

	/** The cause is fixed: a running, unhealthy container passes its next healthcheck, one interval later. */
	fixHealthcheck(): void {
		this.healthcheckFailure = null;
		const container = this.state.container;
		if (container.running && container.health === 'unhealthy') void this.becomeHealthy(container.pid);
	}

	/** What the failing healthcheck prints, while it fails. */
	get healthcheckProblem(): string | null {
		return this.healthcheckFailure;
	}

	/** Stops the timers of this controller; pending waits resolve at once so no promise is left hanging. */
	close(): void {
		this.closed = true;
		this.listeners.clear();
		for (const timer of this.pendingTimers) {
			clearTimeout(timer.handle);
			timer.resolve();
		}
		this.pendingTimers.clear();
		this.wakeShareWaiters();
	}

	private delay(realisticMs: number): Promise<void> {
		return this.wait(realisticMs / this.speed);
	}

	private async becomeHealthy(pid: number): Promise<void> {
		await this.delay(actionDurationsMs.healthStarting);
		const container = this.state.container;
		// A stop or another start in the meantime makes this healthcheck moot.
		if (this.closed || !container.running || container.pid !== pid) return;
		if (this.healthcheckFailure !== null) {
			container.health = 'unhealthy';
			container.healthOutput = this.healthcheckFailure;
			this.changed();
			this.emit('health_status: unhealthy');
			return;
		}
		container.health = 'healthy';
		container.healthOutput = kollaHealthcheckOutput;
		this.changed();
		this.emit('health_status: healthy');
	}

	/** A frozen server with a recovery time answers again once the clock passes it: read on every look at the share. */
	private recoverOnTime(): void {
		const {server, answersAgainAt} = this.state.share;
		if (server === 'frozen' && answersAgainAt != null && this.now() >= answersAgainAt) this.thaw();
	}

	private changed(): void {
		if (!this.closed) this.onChange?.(this.state);
	}

	private freshHostMount(): HostShareMount {
		const next = this.state.next;
		return {mountId: next.mountId++, filesystem: {majorMinor: `0:${next.minor++}`, connected: true}, holders: []};
	}

	private disconnectShare(): void {
		const {hostMount, container} = this.state;
		if (hostMount) hostMount.filesystem.connected = false;
		if (container.view?.filesystem) container.view.filesystem.connected = false;
		this.wakeShareWaiters();
	}

	private wakeShareWaiters(): void {
		const waiters = this.shareChangeWaiters;
		this.shareChangeWaiters = [];
		for (const wake of waiters) wake();
	}

	private emit(action: DockerAction): void {
		if (this.closed) return;
		const event: ControllerEvent = {at: this.now(), action};
		for (const listener of this.listeners) listener(event);
	}
}
