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

export type CapacitySample = {at: number; bytesUsed: number; inodesUsed: number};

export type Snapshot = {
	/** Null until the first probe of that part has finished. */
	datadir: DatadirProbe | null;
	container: ContainerProbe | null;
	host: HostProbe | null;
	history: CapacitySample[];
	/** The World's last docker event, shown so the operator sees the live stream working. */
	lastEvent: {at: number; text: string} | null;
};

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
	| 'docker-unreachable'
	| 'capacity-critical'
	| 'capacity-warning'
	| 'capacity-filling'
	| 'fstab-unreadable';

export type Finding = {
	id: FindingId;
	severity: Severity;
	title: string;
	evidence: string[];
	action: string;
};

export type Thresholds = {warnPercent: number; critPercent: number};
