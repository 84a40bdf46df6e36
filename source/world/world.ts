import type {Problem, Result} from '../model/result.js';
import type {ChecksumOutcome, ContainerProbe, DatadirFiles, DatadirListing, DatadirProbe, FsStats, GlanceImage, GlanceListing, Holder, HostProbe, MountEntry, PathHealth, UnderMountListing, BackupFacts, GlanceDirsFacts} from '../model/types.js';

/** How Glance is listed: all of it, or what changed since; and who wants to hear of its first answer. */
export type ListGlanceOptions = {changedSince?: string; onFirstPage?: () => void};

export type {Holder} from '../model/types.js';

export type WorldEvent = {at: number; kind: 'container'; text: string};

/** What a mutating action printed and how long it took: kept on both sides, a failure has its words too. */
export type ActionRun = {tookMs: number; output: string[]};

/** A failed action: the reason (errno to branch on: EBUSY, EINVAL, ETIMEDOUT...), with the command's own output. */
export type ActionProblem = Problem & ActionRun;

export type ActionResult = Result<ActionRun, ActionProblem>;


/** How to mount a share that has no fstab line: taken from its current or last-known mount. */
export type MountSpec = {source: string; fsType: string; options: string[]};

/** Glance served the first bytes of an image. */
export type GlanceRead = {status: number; bytes: number; imageId: string; tookMs: number};

/** Glance served no data: its HTTP status when it answered at all, and why. */
export type GlanceReadProblem = Problem & {status: number | null; bytes: number; imageId: string | null};

export type GlanceProof = Result<GlanceRead, GlanceReadProblem>;

/** A re-listing of the datadir: the last listing, and the files to stat again even when the directory is unchanged. */
export type DatadirSince = {previous: DatadirFiles; watch: readonly string[]};

/** Options every action takes: live output lines as they come, and a deadline. */
export type ActionOptions = {onOutput?: (line: string) => void; timeoutMs?: number};

/**
 * What the app may read of the machine: probes, listings, checksums and live events. The dashboard, the
 * poller and the verifier take only this. Every probe resolves: failures and timeouts come back as values.
 */
export type WorldView = {
	readonly kind: 'real' | 'simulated';
	/** Shown in the header: the host name, or "simulator: flapped". */
	readonly label: string;
	probeDatadir(): Promise<DatadirProbe>;
	/** The host's datadir mount and its health, so the container's view can be compared with them. */
	probeContainer(hostMount: MountEntry | null, hostHealth?: PathHealth | null): Promise<ContainerProbe>;
	probeHost(): Promise<HostProbe>;
	/** Processes with their cwd, root, open or mapped files under the mount point (what was found by the deadline); only reads /proc. */
	mountHolders(mountpoint: string): Promise<Holder[]>;
	/**
	 * Every image Glance lists (all pages, hidden ones too), or why it could not. With `changedSince` (an
	 * updated_at Glance reported), only the images updated since: deletions show only in a full listing.
	 * `onFirstPage` is told once the first page has answered (whatever it said).
	 */
	listGlanceImages(options?: ListGlanceOptions): Promise<GlanceListing>;
	/**
	 * The datadir's entries with size and mtime, listed in a child process that is abandoned on timeout. With
	 * `since`, an unchanged directory (same mtime) is not read again: only `since.watch` is stat'ed.
	 */
	listDatadir(since?: DatadirSince): Promise<DatadirListing>;
	/** Glance's whole record of one image (every field and property), read when its detail is opened. */
	describeImage(id: string): Promise<Result<Record<string, unknown>>>;
	/**
	 * Read one image file and compare it with Glance's os_hash_value (and md5 checksum when set). The only
	 * place image contents are read, and only when the operator asks. Progress arrives as `running` outcomes.
	 */
	verifyChecksum(image: GlanceImage, onProgress: (outcome: ChecksumOutcome) => void, signal: AbortSignal): Promise<ChecksumOutcome>;
	/** What lies in the datadir under the share's mount point (a private read-only bind in a child; needs root); absent where a World cannot look. */
	lookUnderMount?(): Promise<UnderMountListing>;
	/** The share's snapshot directories and the backup marker, each read in a child that is abandoned on timeout; absent where a World cannot look. */
	probeBackups?(): Promise<BackupFacts>;
	/** Glance's staging, tasks and cache directories beside the datadir, with their files and bytes; absent where a World cannot look. */
	probeGlanceDirs?(): Promise<GlanceDirsFacts>;
	/** Live changes (Docker events); returns an unsubscribe function. */
	watch(listener: (event: WorldEvent) => void): () => void;
	close(): Promise<void>;
};

/** The guided remount's actions, and the facts only it needs. Each action runs only after a confirmation. */
export type RemountActions = {
	/** docker stop with a grace period (kolla uses 60 s). */
	stopContainer(options: ActionOptions & {graceSeconds: number}): Promise<ActionResult>;
	startContainer(options?: ActionOptions): Promise<ActionResult>;
	/** umount [-l] MOUNTPOINT: errno EBUSY when held, EINVAL when it is not mounted. */
	unmount(mountpoint: string, options: ActionOptions & {lazy: boolean}): Promise<ActionResult>;
	/** mount MOUNTPOINT from fstab, or with an explicit spec when fstab has no line for it. */
	mount(mountpoint: string, spec: MountSpec | null, options?: ActionOptions): Promise<ActionResult>;
	/** The last lines of the container's log (stdout and stderr), or why Docker would not give them. */
	containerLogs(lines: number): Promise<Result<string[]>>;
	/** statfs of the filesystem the mount point directory sits on, where Glance would write while unmounted. */
	parentFilesystem(mountpoint: string): Promise<{stats: FsStats | null; health: PathHealth}>;
	/** Glance serves the first bytes of an active image: the end-to-end proof that it reads the share again. */
	proveGlance(image: GlanceImage): Promise<GlanceProof>;
};

/** How far one recovery has got: hashing the hidden file, copying it, reading the copy back on the share. */
export type RecoveryProgress = {phase: 'hash' | 'copy' | 'verify'; done: number; total: number | null};

/** One image put back from under the mount point, or why not; never an overwrite, never a deletion. */
export type RecoveryOutcome =
	| {
			state: 'recovered';
			/** The image file now on the share. */
			file: string;
			bytes: number;
			algorithm: string;
			/** The hash of the copy read back from the share. */
			digestOnShare: string;
			uid: number;
			gid: number;
			mode: number;
			/** Whose owner and mode were copied. */
			likeFrom: string;
			tookMs: number;
	  }
	/** A file of that name is on the share already: nothing was written. */
	| {state: 'exists'; file: string}
	/** The hidden file's hash is not Glance's: nothing was copied. */
	| {state: 'mismatch'; algorithm: string; expected: string; actual: string; bytes: number}
	| {state: 'failed'; reason: string};

/** Putting images back from under the mount point; each runs only after a confirmation. */
export type RecoveryActions = {
	/** Copy the hidden file of `image` onto the share: hash checked first, temp name, fsync, no-overwrite rename, hash again. */
	recoverShadowed(image: GlanceImage, options: {onProgress?: (progress: RecoveryProgress) => void; signal?: AbortSignal}): Promise<RecoveryOutcome>;
};

/** The one port between the app and the machine: the real adapter (/proc, children, dockerode, Glance) or the simulator. */
export type World = WorldView & RemountActions & RecoveryActions;
