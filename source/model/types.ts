// The domain, as data. Everything the World reports and everything the UI draws is one of these shapes.

/** One line of /proc/<pid>/mountinfo, unescaped (`\040` -> space). */
export type MountEntry = {
	mountId: number;
	parentId: number;
	/** `major:minor` of the filesystem; a fresh sshfs/NFS mount gets a new one, which is how a stale view is spotted. */
	majorMinor: string;
	/** The directory within the filesystem that forms the root of this mount (bind mounts show a subdirectory). */
	root: string;
	mountPoint: string;
	mountOptions: string[];
	optionalFields: string[];
	fsType: string;
	source: string;
	superOptions: string[];
};

/** One line of /etc/fstab. */
export type FstabEntry = {
	spec: string;
	file: string;
	vfsType: string;
	options: string[];
	freq: number;
	passno: number;
	/** 1-based line number in the file, so the operator can find it. */
	line: number;
};

export type FsStats = {
	bytesTotal: number;
	bytesUsed: number;
	/** Available to unprivileged writers (statfs bavail), as df shows it. */
	bytesAvailable: number;
	inodesTotal: number;
	inodesUsed: number;
	inodesFree: number;
};

/** What happened when a path was touched (statfs + readdir) in a child process that may be abandoned. */
export type PathHealth =
	| {state: 'responsive'; latencyMs: number; entries: number; device: string}
	/** The child did not answer within the probe timeout: the filesystem is hung. */
	| {state: 'unresponsive'; afterMs: number}
	/** ENOTCONN / ESTALE / EIO / ENODEV / EHOSTDOWN...: the mount is there but its server is gone. */
	| {state: 'dead'; errno: string; message: string}
	| {state: 'missing'; errno: string; message: string}
	/** Anything else (EACCES, a child that crashed...). */
	| {state: 'error'; errno: string; message: string};

export type MountVerdict = 'responsive' | 'unresponsive' | 'dead' | 'not-mounted' | 'missing' | 'error';

export type DatadirProbe = {
	at: number;
	datadir: string;
	/** The mount that holds the datadir on the host (longest mount-point prefix). */
	mount: MountEntry | null;
	/** Where a share is expected to be mounted (from --mountpoint or fstab), if anywhere. */
	expectedMountpoint: string | null;
	expectedFrom: 'flag' | 'fstab' | null;
	fstab: FstabEntry | null;
	/** Errors reading fstab, kept as evidence rather than thrown. */
	fstabProblem: string | null;
	health: PathHealth;
	verdict: MountVerdict;
	stats: FsStats | null;
};

export type ContainerMount = {
	type: string;
	source: string;
	destination: string;
	rw: boolean;
	propagation: string;
	name?: string;
};

/** How the container sees /var/lib/glance compared with the host's datadir mount. */
export type ContainerView =
	| {state: 'same'; mount: MountEntry; health: PathHealth}
	/** The container holds a different filesystem than the host: it kept the old mount after a flap. */
	| {state: 'stale'; mount: MountEntry; health: PathHealth; hostMajorMinor: string}
	/** Same device, but it does not answer inside the container while it does on the host. */
	| {state: 'dead'; mount: MountEntry | null; health: PathHealth}
	| {state: 'unknown'; reason: string};

export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export type ContainerProbe =
	| {at: number; state: 'docker-unreachable'; name: string; reason: string; hint: string}
	| {at: number; state: 'missing'; name: string}
	| {
			at: number;
			state: 'present';
			name: string;
			id: string;
			image: string;
			status: string;
			running: boolean;
			health: ContainerHealth;
			healthOutput: string | null;
			startedAt: string | null;
			finishedAt: string | null;
			exitCode: number | null;
			restartCount: number;
			restartPolicy: string;
			pid: number;
			mounts: ContainerMount[];
			/** Host path bound at the container's /var/lib/glance, if any. */
			glanceSource: string | null;
			view: ContainerView;
	  };

export type HostProbe = {
	at: number;
	hostname: string;
	load1: number | null;
	cpuPercent: number | null;
	memUsedPercent: number | null;
	network: {iface: string; rxBytesPerSec: number | null; txBytesPerSec: number | null} | null;
	problem: string | null;
};

/** `filesystem` names what held the datadir (source, type, mount point): growth is only measured within one. */
export type CapacitySample = {at: number; bytesUsed: number; inodesUsed: number; filesystem: string};

export type Snapshot = {
	/** Null until the first probe of that part has finished. */
	datadir: DatadirProbe | null;
	container: ContainerProbe | null;
	host: HostProbe | null;
	history: CapacitySample[];
	/** The World's last docker event, shown so the operator sees the live stream working. */
	lastEvent: {at: number; text: string} | null;
	/** Glance's image list and the datadir's listing: refreshed less often than the probes above. */
	glance: GlanceListing | null;
	files: DatadirListing | null;
	/** Who holds the share, asked only while a remount is advised (its umount would be busy). */
	holders?: MountHolders | null;
	/** What lies in the datadir under the share's mount point, on the parent filesystem (refreshed with the inventory). */
	underMount?: UnderMountListing | null;
	/** The share's snapshot directories and the configured backup marker, looked at with the inventory. */
	backups?: BackupFacts | null;
	/** Glance's import staging area, tasks work dir and image cache beside the datadir: sizes and counts. */
	glanceDirs?: GlanceDirsFacts | null;
};

/** A process keeping a mount busy, as `fuser -vm` would list it, found through /proc without touching the mount. */
export type Holder = {pid: number; command: string; user: string | null; how: 'cwd' | 'root' | 'open file' | 'mapped file'; path: string};

export type MountHolders = {at: number; mountpoint: string; holders: Holder[]};

export type Severity = 'critical' | 'warning' | 'unknown' | 'info';

export type FindingId =
	| 'mount-dead'
	| 'mount-unresponsive'
	| 'not-mounted'
	| 'datadir-missing'
	| 'datadir-error'
	| 'container-stale-mount'
	| 'container-not-running'
	| 'container-unhealthy'
	| 'container-missing'
	| 'container-view-unknown'
	/** The container's Glance directory is bound from a path that does not hold the datadir inspected. */
	| 'datadir-not-container'
	| 'docker-unreachable'
	| 'capacity-critical'
	| 'capacity-warning'
	| 'capacity-filling'
	| 'fstab-unreadable'
	| 'mount-held'
	| 'image-missing-file'
	| 'image-empty-file'
	| 'checksum-mismatch'
	| 'size-mismatch'
	| 'orphan-files'
	| 'partial-uploads'
	| 'glance-unavailable'
	/** Images whose file is hidden under the share's mount point, on the parent filesystem: recoverable. */
	| 'shadowed-files'
	/** Entries under the mount point that are not the file of a missing image. */
	| 'under-mount-files'
	/** Under the mount point could not be looked at (not root, no unshare...). */
	| 'under-mount-unknown'
	/** The share is not mounted: Glance writes new images onto the parent filesystem right now. */
	| 'uploads-on-root-disk'
	/** Files no listed image owns, but the listing could not see every image: not called orphans. */
	| 'unlisted-files'
	/** No snapshot directory on the share and no backup marker: users' images may have no copy. */
	| 'backup-none'
	| 'backup-stale'
	/** Images created after the newest backup: in no backup yet. */
	| 'images-unprotected'
	/** glance_file_datadir_volume is a custom host path: kolla-ansible destroy removes it. */
	| 'kolla-destroy-wipes'
	/** Files in the import staging area whose image is no longer importing: left behind, listed, never deleted. */
	| 'staging-leftovers'
	/** The first inventory round is not in yet: no image finding can be trusted, so the status is not OK. */
	| 'inventory-pending';

export type Finding = {
	id: FindingId;
	severity: Severity;
	title: string;
	evidence: string[];
	action: string;
	/** When the facts behind it were gathered (an inventory finding: its listings), so a kept one shows its age. */
	asOf?: number;
};

export type Thresholds = {warnPercent: number; critPercent: number};

// ---- Image inventory: Glance's catalogue joined with the files in the datadir ----

/** Glance image statuses (v2); others may appear in newer releases and are kept as strings. */
export type GlanceStatus = 'queued' | 'saving' | 'uploading' | 'importing' | 'active' | 'killed' | 'deleted' | 'pending_delete' | 'deactivated';

/** One image as Glance lists it, trimmed to what the inventory needs. Never carries credentials. */
export type GlanceImage = {
	id: string;
	name: string | null;
	status: GlanceStatus | (string & {});
	owner: string | null;
	visibility: string;
	hidden: boolean;
	protected: boolean;
	/** Bytes Glance recorded; null while queued or when the backend never said. */
	size: number | null;
	/** md5, legacy; may be null. */
	checksum: string | null;
	osHashAlgo: string | null;
	osHashValue: string | null;
	diskFormat: string | null;
	containerFormat: string | null;
	createdAt: string | null;
	updatedAt: string | null;
	/** Multi-store backends holding the data (`stores`, e.g. ['file']), null when Glance does not say. */
	stores: string[] | null;
	/** Location URLs when Glance shows them (`locations[].url` or `direct_url`), e.g. file:///var/lib/glance/images/<id>. */
	locations: string[];
};

export type GlanceProblem = 'glance-auth-failed' | 'glance-unreachable' | 'glance-error' | 'glance-not-configured' | 'glance-credentials-unusable';

export type GlanceImages = {
	at: number;
	state: 'ok';
	images: GlanceImage[];
	endpoint: string;
	authSource: string;
	pages: number;
	tookMs: number;
	/** Who listed: whether these credentials see every project's images (admin role), for an orphan to be called one. */
	listedAs?: ListingScope;
};

/** The roles and project of the token that listed, or null roles when the credentials do not say (a bare token). */
export type ListingScope = {roles: string[] | null; project: string | null};

export type GlanceListing =
	| GlanceImages
	| {at: number; state: 'unavailable'; problem: GlanceProblem; reason: string; hint: string; endpoint: string | null; authSource: string | null};

export type DatadirFileKind = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device' | 'other';

/**
 * One entry of the datadir, from lstat. `size` is the apparent size (what Glance's size counts); `allocated`
 * is what it takes on disk (`blocks * 512`): less for a sparse file. Absent where the lister does not say.
 */
export type DatadirFile = {name: string; size: number; mtimeMs: number; kind: DatadirFileKind; allocated?: number};

export type DatadirFiles = {
	at: number;
	state: 'ok';
	directory: string;
	files: DatadirFile[];
	tookMs: number;
	/** The directory's own mtime when it was listed: unchanged, no entry was added, removed or renamed. */
	directoryMtimeMs?: number;
};

export type DatadirListing =
	| DatadirFiles
	/** `previous`: the last listing that worked, judged from (with its age) while the share is hung or gone. */
	| {at: number; state: 'failed'; directory: string; health: PathHealth; previous?: DatadirFiles};

export type ImageVerdict =
	| 'ok'
	| 'missing-file'
	| 'orphan-file'
	| 'size-mismatch'
	| 'partial'
	| 'not-file-backed'
	| 'empty-file'
	| 'checksum-mismatch'
	/** A killed or deleted image whose file is still on disk. */
	| 'leftover-file'
	/** An image that holds no data yet (queued) and has no file: nothing to check. */
	| 'no-data'
	/** A file whose image cannot be known because Glance is unavailable. */
	| 'unknown'
	/** An active image with no file on the share whose file lies under the mount point, on the parent filesystem. */
	| 'shadowed-file'
	/** A file no listed image owns, where the listing could not see every image (not admin): not an orphan. */
	| 'unlisted';

export type ChecksumOutcome =
	| {state: 'running'; bytesDone: number; bytesTotal: number; startedAt: number; bytesPerSecond: number}
	| {state: 'ok' | 'checksum-mismatch'; algorithm: string; expected: string; actual: string; md5Matches: boolean | null; bytes: number; tookMs: number; at: number}
	| {state: 'failed'; reason: string; at: number}
	| {state: 'cancelled'; at: number};

export type InventoryRow = {
	id: string;
	image: GlanceImage | null;
	file: DatadirFile | null;
	verdict: ImageVerdict;
	/** One line of why, for the table and the detail view. */
	note: string;
	/** A shadowed image's file, as it lies under the share's mount point. */
	hidden?: DatadirFile;
};

export type VerdictTotals = Record<ImageVerdict, {count: number; bytes: number}>;

export type Inventory = {
	rows: InventoryRow[];
	/** Entries that are not image files (staging, tasks_work_dir, image-cache, lost+found, temp files). */
	others: DatadirFile[];
	totals: VerdictTotals;
	/** Why Glance's side is missing, when it is. */
	glanceUnavailable: string | null;
	/** What the operator can do about Glance being unavailable (the GlanceListing's hint). */
	glanceHint?: string | null;
	/** Which way Glance failed, when it did: a missing configuration weighs less than a refusal. */
	glanceProblem?: GlanceProblem | null;
	/** Why the datadir's side is missing, when it is. */
	filesUnavailable: string | null;
	/** Why Glance's listing may not hold every image (not admin): files no image owns are `unlisted`, not orphans. */
	listingIncomplete?: string;
};

// ---- Under the mount point: the datadir's directory on the parent filesystem, hidden by the share ----

/** One entry found in the datadir's directory under the mount point. */
export type UnderMountFile = DatadirFile;

export type UnderMountListing =
	| {
			at: number;
			state: 'ok';
			/** The parent filesystem's mount point and the datadir's path within it (what was bound read-only). */
			parentMountpoint: string;
			/** The datadir as it lies on the parent filesystem, e.g. /srv/share/images under the share at /srv/share. */
			hiddenDirectory: string;
			/** Empty when the datadir has no directory under the mount point (nothing was ever written there). */
			files: UnderMountFile[];
			tookMs: number;
	  }
	/** The share is not mounted: the datadir itself is on the parent filesystem, nothing is hidden. */
	| {at: number; state: 'not-mounted'; parentMountpoint: string}
	/** Could not look (not root, unshare refused, the child hung or failed): said, never guessed. */
	| {at: number; state: 'unknown'; reason: string; hint: string};

// ---- Backups and snapshots of the share ----

/** One place snapshots may show (`.snapshot/`, `.zfs/snapshot/`): the snapshots found there, by name and time. */
export type SnapshotDirectory =
	| {path: string; state: 'found'; snapshots: Array<{name: string; mtimeMs: number}>}
	| {path: string; state: 'absent'}
	| {path: string; state: 'unreadable'; reason: string};

/** The configured marker: a file the backup job touches, or a mirror directory (its newest entry). */
export type BackupMarker =
	| {path: string; state: 'found'; kind: 'file' | 'directory'; mtimeMs: number}
	| {path: string; state: 'missing'}
	| {path: string; state: 'unreadable'; reason: string};

export type BackupFacts = {at: number; snapshotDirectories: SnapshotDirectory[]; marker: BackupMarker | null};

// ---- Glance's other directories beside the datadir ----

export type GlanceDirRole = 'staging' | 'tasks' | 'cache';

/** One of Glance's working directories: how many files it holds and what they take; staging keeps its entries for the leftovers. */
export type GlanceDir =
	| {role: GlanceDirRole; path: string; state: 'found'; files: number; bytes: number; entries: DatadirFile[]}
	| {role: GlanceDirRole; path: string; state: 'unreadable'; reason: string};

/** Only the directories that exist are listed. */
export type GlanceDirsFacts = {at: number; directories: GlanceDir[]};
