import {createHash} from 'node:crypto';
import {describeHealth} from '../../model/health.js';
import {assessContainerView, expectedMount, findMountFor, mountVerdict, normalizeMountPath} from '../../model/mount.js';
import {fail, ok, type Result} from '../../model/result.js';
import type {ChecksumOutcome, ContainerMount, ContainerProbe, ContainerView, DatadirListing, DatadirProbe, FsStats, FstabEntry, GlanceImage, GlanceListing, HostProbe, MountEntry, PathHealth, UnderMountListing} from '../../model/types.js';
import type {ActionOptions, ActionProblem, ActionResult, GlanceProof, Holder, MountSpec, RecoveryOutcome, RecoveryProgress, World, WorldEvent} from '../world.js';
import {SimulatedController, type CapturedView, type ControllerProblem, type ControllerResult, type ControllerState, type ShareFilesystem} from './controller.js';
import {corruptImages, createCatalogue} from './catalogue.js';
import {createScenarioState, type ScenarioName} from './scenarios.js';

export type SimulatedWorldOptions = {
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	speed?: number;
	probeTimeoutMs?: number;
	/** The datadir on the host. */
	datadir?: string;
	container?: string;
	/** The machine as an earlier session left it (saved-state.ts); the scenario's start when absent. */
	restored?: ControllerState | null;
	/** Told after every change of the machine, to keep it for the next session. */
	onChange?: (state: Readonly<ControllerState>) => void;
};

export type SimulatedWorld = World & {readonly controller: SimulatedController};

/** The settings' default probe timeout. */
const defaultProbeTimeoutMs = 3000;
/** The simulated controller's host name, also what its audit records name as the host. */
export const simulatedHostname = 'sim-controller01';
/** Where the simulated share keeps Glance's images on the host. */
export const simulatedDatadir = '/srv/glance/images';
/** kolla mounts the share's directory here and Glance keeps its files in `images` below it. */
const containerGlanceDir = '/var/lib/glance';
const containerDatadir = `${containerGlanceDir}/images`;

const rootMount: MountEntry = {
	mountId: 28,
	parentId: 1,
	majorMinor: '8:1',
	root: '/',
	mountPoint: '/',
	mountOptions: ['rw', 'relatime'],
	optionalFields: ['shared:1'],
	fsType: 'ext4',
	source: '/dev/sda1',
	superOptions: ['rw', 'errors=remount-ro'],
};

const nfsSuperOptions = [
	'rw',
	'vers=4.2',
	'rsize=1048576',
	'wsize=1048576',
	'namlen=255',
	'hard',
	'proto=tcp',
	'timeo=600',
	'retrans=2',
	'sec=sys',
	'clientaddr=10.0.0.11',
	'local_lock=none',
	'addr=10.0.0.20',
];

/** The controller's root filesystem, where the share's mount point directory sits: ext4 with 5% reserved for root. */
const rootFilesystemStats: FsStats = (() => {
	const bytesTotal = 100 * 1024 ** 3;
	const bytesUsed = 38 * 1024 ** 3;
	const inodesTotal = 6_553_600;
	const inodesUsed = 412_331;
	return {bytesTotal, bytesUsed, bytesAvailable: bytesTotal - bytesUsed - Math.round(bytesTotal * 0.05), inodesTotal, inodesUsed, inodesFree: inodesTotal - inodesUsed};
})();

/** A Glance API round trip on the controller's network, before `speed` divides it. */
const glanceRequestMs = 40;
/** Glance's proof reads only the first bytes of an image. */
const proofBytes = 65_536;

/** An oslo.log line as kolla's glance-api.log has it. */
function glanceLogLine(at: number, level: 'INFO' | 'WARNING' | 'ERROR', logger: string, text: string): string {
	const stamp = new Date(at).toISOString().replace('T', ' ').replace('Z', '');
	return `${stamp} 7 ${level} ${logger} [-] ${text}`;
}

function fstabFor(share: SimulatedController['share']): FstabEntry[] {
	return [
		{spec: 'UUID=6f0d9c2a-3b1e-4f7a-9c8d-2e5b7a1f0c34', file: '/', vfsType: 'ext4', options: ['errors=remount-ro'], freq: 0, passno: 1, line: 9},
		{spec: '/swapfile', file: 'none', vfsType: 'swap', options: ['sw'], freq: 0, passno: 0, line: 11},
		{spec: share.source, file: share.mountPoint, vfsType: share.fsType, options: ['rw', 'hard', 'vers=4.2', '_netdev'], freq: 0, passno: 0, line: 13},
	];
}

/** NFS round trips wander between 1 and 5 ms; a smooth function of time keeps tests repeatable. */
function nfsLatencyMs(at: number): number {
	return Math.round(3 + 2 * Math.sin(at / 7000));
}

function wave(at: number, periodMs: number): number {
	return Math.sin((2 * Math.PI * at) / periodMs);
}

function roundTo(value: number, decimals: number): number {
	const factor = 10 ** decimals;
	return Math.round(value * factor) / factor;
}

/**
 * What a read of the file would hash to: Glance's digest when the file is whole and sound; the real digest of
 * nothing for an empty file; a stand-in that differs for a truncated or corrupt one.
 */
function digestOnDisk(image: GlanceImage, bytesOnDisk: number, algorithm: string, expected: string): string {
	if (bytesOnDisk === 0) return createHash(algorithm).update('').digest('hex');
	const whole = image.size === null || bytesOnDisk === image.size;
	if (whole && !corruptImages.has(image.id)) return expected;
	return createHash(algorithm).update(`${image.id}:${bytesOnDisk}`).digest('hex');
}

export function createSimulatedWorld(scenario: ScenarioName, options: SimulatedWorldOptions = {}): SimulatedWorld {
	const now = options.now ?? Date.now;
	const probeTimeoutMs = options.probeTimeoutMs ?? defaultProbeTimeoutMs;
	const datadir = options.datadir ?? simulatedDatadir;
	const controller = new SimulatedController(options.restored ?? createScenarioState(scenario, {at: now(), containerName: options.container}), {
		now,
		sleep: options.sleep,
		speed: options.speed,
		onChange: options.onChange,
	});

	const catalogue = createCatalogue(scenario, now());
	const speed = options.speed ?? 1;
	const glanceEndpoint = 'http://10.0.0.10:9292';
	const glanceAuthSource = 'openrc /etc/kolla/admin-openrc.sh (user admin, project admin)';

	function hostMounts(): MountEntry[] {
		const mount = controller.hostMount;
		if (!mount) return [rootMount];
		const {share} = controller;
		return [
			rootMount,
			{
				mountId: mount.mountId,
				parentId: rootMount.mountId,
				majorMinor: mount.filesystem.majorMinor,
				root: '/',
				mountPoint: share.mountPoint,
				mountOptions: ['rw', 'relatime'],
				// Mounted below a shared root: the host mount joins its own peer group.
				optionalFields: [`shared:${mount.mountId}`],
				fsType: share.fsType,
				source: share.source,
				superOptions: nfsSuperOptions,
			},
		];
	}

	function containerMountEntry(view: CapturedView): MountEntry {
		const {share} = controller;
		const common = {
			mountId: view.mountId,
			parentId: view.parentId,
			mountPoint: containerGlanceDir,
			mountOptions: ['rw', 'relatime'],
			// kolla sets no propagation flag: the bind is private, so it has no peer group and never hears of remounts.
			optionalFields: [],
		};
		if (!view.filesystem) {
			return {...common, majorMinor: rootMount.majorMinor, root: share.mountPoint, fsType: rootMount.fsType, source: rootMount.source, superOptions: rootMount.superOptions};
		}
		return {...common, majorMinor: view.filesystem.majorMinor, root: '/', fsType: share.fsType, source: share.source, superOptions: nfsSuperOptions};
	}

	/** The answer of a share filesystem that answers at once; null while it is frozen. */
	function settledHealth(filesystem: ShareFilesystem, target: string, latencyMs: number): PathHealth | null {
		const condition = controller.condition(filesystem);
		if (condition === 'frozen') return null;
		if (condition === 'dead') return {state: 'dead', errno: 'ENOTCONN', message: `ENOTCONN: socket is not connected, statfs '${target}'`};
		return {state: 'responsive', latencyMs, entries: controller.files.length, device: filesystem.majorMinor};
	}

	/** statfs + readdir as the real probe does it: a frozen share gets no answer before the probe timeout. */
	async function touch(filesystem: ShareFilesystem, target: string): Promise<PathHealth> {
		const started = now();
		for (;;) {
			const health = settledHealth(filesystem, target, nfsLatencyMs(now()) + (now() - started));
			if (health) return health;
			const remaining = Math.max(0, probeTimeoutMs - (now() - started));
			const outcome = await Promise.race([
				controller.wait(remaining).then(() => 'timed-out' as const),
				controller.untilShareChanges().then(() => 'share-changed' as const),
			]);
			if (outcome === 'timed-out') return {state: 'unresponsive', afterMs: probeTimeoutMs};
		}
	}

	/** A failed action: the command's own words, printed as they come, and the errno to branch on. */
	function actionFailure(problem: ControllerProblem, started: number, options: ActionOptions, trailer: string[] = []): ActionResult {
		const output = [problem.reason, ...trailer];
		for (const line of output) options.onOutput?.(line);
		return fail<ActionProblem>({...problem, tookMs: now() - started, output});
	}

	/** What the controller did, as the command would print it: `printed` on success (docker prints the name, umount nothing). */
	function actionResult(done: ControllerResult, started: number, options: ActionOptions, printed: string[] = [], trailer: string[] = []): ActionResult {
		if (!done.ok) return actionFailure(done.problem, started, options, trailer);
		for (const line of printed) options.onOutput?.(line);
		return ok({tookMs: now() - started, output: printed});
	}

	function missing(target: string): PathHealth {
		return {state: 'missing', errno: 'ENOENT', message: `ENOENT: no such file or directory, statfs '${target}'`};
	}

	/** What the host side answered for `hostMount`, known to the simulator without touching it again. */
	function hostHealthOf(hostMount: MountEntry | null): PathHealth | null {
		const mount = controller.hostMount;
		if (!hostMount || !mount || mount.filesystem.majorMinor !== hostMount.majorMinor) return null;
		return settledHealth(mount.filesystem, datadir, nfsLatencyMs(now())) ?? {state: 'unresponsive', afterMs: probeTimeoutMs};
	}

	/** The datadir touched as the real listing child would: a frozen share answers nothing before the timeout. */
	async function touchDatadir(): Promise<PathHealth> {
		const shareMount = controller.hostMount;
		const onShare = shareMount !== null && findMountFor(datadir, hostMounts())?.mountId === shareMount.mountId;
		return onShare ? touch(shareMount.filesystem, datadir) : missing(datadir);
	}

	function datadirFiles() {
		return [...controller.files, ...catalogue.extraFiles(now())];
	}

	function containerMounts(): ContainerMount[] {
		return [
			{type: 'bind', source: '/etc/kolla/glance-api', destination: '/var/lib/kolla/config_files', rw: false, propagation: 'rprivate'},
			{type: 'bind', source: '/etc/localtime', destination: '/etc/localtime', rw: false, propagation: 'rprivate'},
			{type: 'bind', source: '/etc/timezone', destination: '/etc/timezone', rw: false, propagation: 'rprivate'},
			{type: 'bind', source: controller.share.mountPoint, destination: containerGlanceDir, rw: true, propagation: 'rprivate'},
			{type: 'volume', name: 'kolla_logs', source: '/var/lib/docker/volumes/kolla_logs/_data', destination: '/var/log/kolla', rw: true, propagation: ''},
		];
	}

	return {
		kind: 'simulated',
		label: `simulator: ${scenario}`,
		controller,

		async probeDatadir(): Promise<DatadirProbe> {
			const mounts = hostMounts();
			const mount = findMountFor(datadir, mounts);
			const shareMount = controller.hostMount;
			const onShare = shareMount !== null && mount?.mountId === shareMount.mountId;
			const health = onShare ? await touch(shareMount.filesystem, datadir) : missing(datadir);
			const expected = expectedMount(datadir, null, fstabFor(controller.share));
			return {
				at: now(),
				datadir,
				mount,
				expectedMountpoint: expected.mountpoint,
				expectedFrom: expected.from,
				fstab: expected.fstab,
				fstabProblem: null,
				health,
				verdict: mountVerdict(mount, expected.mountpoint, health),
				stats: health.state === 'responsive' ? controller.usage() : null,
			};
		},

		async probeContainer(hostMount: MountEntry | null, hostHealth: PathHealth | null = hostHealthOf(hostMount)): Promise<ContainerProbe> {
			const container = controller.container;
			const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());
			const view = container.view;
			let assessed: ContainerView;
			if (!container.running || !view) {
				assessed = {state: 'unknown', reason: 'the container is not running'};
			} else {
				// The real probe goes through /proc/<pid>/root, into the container's mount namespace.
				const target = `/proc/${container.pid}/root${containerDatadir}`;
				const health = view.filesystem ? await touch(view.filesystem, target) : missing(target);
				assessed = assessContainerView(hostMount, hostHealth, containerMountEntry(view), health);
			}
			return {
				at: now(),
				state: 'present',
				name: container.name,
				id: container.id,
				image: container.image,
				status: container.running ? 'running' : 'exited',
				running: container.running,
				health: container.health,
				healthOutput: container.healthOutput,
				startedAt: iso(container.startedAt),
				finishedAt: container.running ? null : iso(container.finishedAt),
				exitCode: container.running ? null : container.exitCode,
				restartCount: container.restartCount,
				restartPolicy: 'unless-stopped',
				pid: container.pid,
				mounts: containerMounts(),
				glanceSource: controller.share.mountPoint,
				view: assessed,
			};
		},

		async probeHost(): Promise<HostProbe> {
			const at = now();
			return {
				at,
				hostname: simulatedHostname,
				load1: roundTo(0.6 + 0.3 * wave(at, 95_000) + 0.1 * wave(at, 17_000), 2),
				cpuPercent: roundTo(9 + 4 * wave(at, 41_000) + 1.5 * wave(at, 7000), 1),
				memUsedPercent: roundTo(63 + 1.5 * wave(at, 600_000), 1),
				// Uploads to the share arrive over the network, on top of the API's own traffic.
				network: {
					iface: 'ens3',
					rxBytesPerSec: Math.round(controller.growthBytesPerSecond + 180_000 + 60_000 * wave(at, 13_000)),
					txBytesPerSec: Math.round(90_000 + 30_000 * wave(at, 23_000)),
				},
				problem: null,
			};
		},

		async listGlanceImages(): Promise<GlanceListing> {
			const at = now();
			// Glance's API runs inside glance_api: while the container is down, nothing answers.
			if (!controller.container.running) {
				return {
					at,
					state: 'unavailable',
					problem: 'glance-unreachable',
					reason: `${glanceEndpoint}/v2/images: connection refused`,
					hint: `Glance runs in ${controller.container.name}, which is not running: docker start ${controller.container.name}`,
					endpoint: glanceEndpoint,
					authSource: glanceAuthSource,
				};
			}
			return {at, state: 'ok', images: catalogue.images, endpoint: glanceEndpoint, authSource: glanceAuthSource, pages: 1, tookMs: 38, listedAs: {roles: ['admin'], project: 'admin'}};
		},

		async describeImage(id: string): Promise<Result<Record<string, unknown>>> {
			if (!controller.container.running) return fail({reason: `${glanceEndpoint}/v2/images/${id}: connection refused`});
			const image = catalogue.images.find(each => each.id === id);
			return image ? ok({...image}) : fail({reason: `Glance has no image ${id} (404)`});
		},

		async listDatadir(): Promise<DatadirListing> {
			const started = now();
			const health = await touchDatadir();
			if (health.state !== 'responsive') return {at: now(), state: 'failed', directory: datadir, health};
			const files = datadirFiles().map(file => ({name: file.name, size: file.size, mtimeMs: file.mtime, kind: 'file' as const}));
			return {at: now(), state: 'ok', directory: datadir, files, tookMs: now() - started};
		},

		async lookUnderMount(): Promise<UnderMountListing> {
			if (!controller.hostMount) return {at: now(), state: 'not-mounted', parentMountpoint: rootMount.mountPoint};
			const files = controller.hidden.map(file => ({name: file.name, size: file.size, mtimeMs: file.mtime, kind: 'file' as const}));
			return {at: now(), state: 'ok', parentMountpoint: rootMount.mountPoint, hiddenDirectory: datadir, files, tookMs: 4};
		},

		async recoverShadowed(image: GlanceImage, options: {onProgress?: (progress: RecoveryProgress) => void; signal?: AbortSignal} = {}): Promise<RecoveryOutcome> {
			const started = now();
			const hidden = controller.hidden.find(file => file.name === image.id);
			if (!hidden || !controller.hostMount) return {state: 'failed', reason: `no file ${image.id} under the mount point`};
			const file = `${datadir}/${image.id}`;
			if (datadirFiles().some(each => each.name === image.id)) return {state: 'exists', file};
			const algorithm = image.osHashAlgo ?? 'md5';
			const expected = image.osHashValue ?? image.checksum ?? '';
			// Root disk to NFS at about 400 MiB/s; `speed` makes training and tests quicker.
			const bytesPerTick = 40 * 1024 ** 2 * speed;
			const pass = async (phase: RecoveryProgress['phase']): Promise<boolean> => {
				for (let done = 0; done < hidden.size; ) {
					if (options.signal?.aborted) return false;
					if ((await touchDatadir()).state !== 'responsive') return false;
					await controller.wait(100);
					done = Math.min(hidden.size, done + bytesPerTick);
					options.onProgress?.({phase, done, total: hidden.size});
				}
				return true;
			};
			const interrupted = (): RecoveryOutcome => ({state: 'failed', reason: options.signal?.aborted ? 'cancelled: nothing took the image\'s name' : 'the share stopped answering: the temporary copy was removed'});
			if (!(await pass('hash'))) return interrupted();
			const actual = digestOnDisk(image, hidden.size, algorithm, expected);
			if (actual !== expected) return {state: 'mismatch', algorithm, expected, actual, bytes: hidden.size};
			if (!(await pass('copy')) || !(await pass('verify'))) return interrupted();
			if (!controller.putBack(image.id)) return {state: 'exists', file};
			const neighbour = controller.files.find(each => each.name !== image.id)?.name ?? 'the directory';
			return {state: 'recovered', file, bytes: hidden.size, algorithm, digestOnShare: expected, uid: 42415, gid: 42415, mode: 0o640, likeFrom: neighbour, tookMs: now() - started};
		},

		async verifyChecksum(image: GlanceImage, onProgress: (outcome: ChecksumOutcome) => void, signal: AbortSignal): Promise<ChecksumOutcome> {
			const started = now();
			const file = datadirFiles().find(each => each.name === image.id);
			if (!file) return {state: 'failed', reason: `ENOENT: no such file ${datadir}/${image.id}`, at: now()};
			const algorithm = image.osHashAlgo ?? 'md5';
			const expected = image.osHashValue ?? image.checksum ?? '';
			// A sha512 read of an NFS share runs at about 400 MiB/s; `speed` makes training and tests quicker.
			const bytesPerTick = 40 * 1024 ** 2 * speed;
			let done = 0;
			while (done < file.size) {
				if (signal.aborted) return {state: 'cancelled', at: now()};
				if ((await touchDatadir()).state !== 'responsive') return {state: 'failed', reason: 'the share stopped answering during the read', at: now()};
				await controller.wait(100);
				done = Math.min(file.size, done + bytesPerTick);
				const elapsed = Math.max(1, now() - started);
				onProgress({state: 'running', bytesDone: done, bytesTotal: file.size, startedAt: started, bytesPerSecond: (done / elapsed) * 1000});
			}
			if (signal.aborted) return {state: 'cancelled', at: now()};
			const actual = digestOnDisk(image, file.size, algorithm, expected);
			const matches = actual === expected;
			return {
				state: matches ? 'ok' : 'checksum-mismatch',
				algorithm,
				expected,
				actual,
				md5Matches: image.checksum ? matches : null,
				bytes: file.size,
				tookMs: now() - started,
				at: now(),
			};
		},

		// ---- The remount's actions, worded like the real commands (docker, umount, mount.nfs4) ----

		async stopContainer(options: ActionOptions & {graceSeconds: number}): Promise<ActionResult> {
			const started = now();
			const name = controller.container.name;
			// docker stop prints the container's name once it has stopped (also when it already was).
			return actionResult(await controller.stopContainer(), started, options, [name]);
		},

		async startContainer(options: ActionOptions = {}): Promise<ActionResult> {
			const started = now();
			const name = controller.container.name;
			return actionResult(await controller.startContainer(), started, options, [name], [`Error: failed to start containers: ${name}`]);
		},

		async unmount(mountpoint: string, options: ActionOptions & {lazy: boolean}): Promise<ActionResult> {
			const started = now();
			const target = normalizeMountPath(mountpoint);
			if (target !== controller.share.mountPoint) return actionFailure({errno: 'EINVAL', reason: `umount: ${target}: not mounted.`}, started, options);
			// umount prints nothing when it succeeds.
			return actionResult(await controller.unmount({lazy: options.lazy}), started, options);
		},

		async mount(mountpoint: string, spec: MountSpec | null, options: ActionOptions = {}): Promise<ActionResult> {
			const started = now();
			const target = normalizeMountPath(mountpoint);
			const {share} = controller;
			if (target !== share.mountPoint) {
				const message = spec ? `mount: ${target}: mount point does not exist.` : `mount: ${target}: can't find in /etc/fstab.`;
				return actionFailure({errno: 'ENOENT', reason: message}, started, options);
			}
			if (spec && spec.source !== share.source) {
				const message = `mount.${spec.fsType}: mounting ${spec.source} failed, reason given by server: No such file or directory`;
				return actionFailure({errno: 'ENOENT', reason: message}, started, options);
			}
			return actionResult(await controller.mount(), started, options);
		},

		async mountHolders(mountpoint: string): Promise<Holder[]> {
			const {share} = controller;
			if (normalizeMountPath(mountpoint) !== share.mountPoint) return [];
			return controller.mountHolders().map(holder => ({pid: holder.pid, command: holder.command, user: 'root', how: 'cwd', path: `${share.mountPoint}/images`}));
		},

		async containerLogs(lines: number): Promise<Result<string[]>> {
			const container = controller.container;
			const entries: Array<{at: number; text: string}> = [];
			if (container.startedAt !== null) {
				const at = container.startedAt;
				entries.push(
					{at, text: glanceLogLine(at, 'INFO', 'glance.common.wsgi', 'Starting 1 workers')},
					{at: at + 1, text: glanceLogLine(at + 1, 'INFO', 'eventlet.wsgi.server', '(7) wsgi starting up on http://10.0.0.11:9292')},
				);
			}
			const view = container.running ? container.view : null;
			if (view?.filesystem && !view.filesystem.connected) {
				const at = now();
				entries.push({
					at,
					text: glanceLogLine(at, 'ERROR', 'glance.api.v2.image_data', `[Errno 107] Transport endpoint is not connected: '${containerDatadir}/${catalogue.images[0]?.id ?? 'image'}'`),
				});
			}
			const problem = controller.healthcheckProblem;
			if (container.running && problem !== null) {
				const at = now();
				entries.push(
					{at, text: glanceLogLine(at, 'ERROR', 'oslo_db.sqlalchemy.engines', `Database server has gone away: (pymysql.err.OperationalError) (2003, "Can't connect to MySQL server on '10.0.0.10' ([Errno 111] ECONNREFUSED)")`)},
					{at: at + 1, text: glanceLogLine(at + 1, 'WARNING', 'glance.api.middleware.version_negotiation', `healthcheck: ${problem}`)},
				);
			}
			if (!container.running && container.finishedAt !== null) {
				const at = container.finishedAt;
				entries.push({at, text: glanceLogLine(at, 'INFO', 'glance.common.wsgi', 'Caught SIGTERM, stopping children')}, {at: at + 1, text: glanceLogLine(at + 1, 'INFO', 'glance.common.wsgi', 'Waited for children to exit')});
			}
			return ok(
				entries
					.sort((a, b) => a.at - b.at)
					.map(entry => entry.text)
					.slice(-lines),
			);
		},

		async parentFilesystem(): Promise<{stats: FsStats | null; health: PathHealth}> {
			return {stats: rootFilesystemStats, health: {state: 'responsive', latencyMs: 1, entries: 24, device: rootMount.majorMinor}};
		},

		async proveGlance(image: GlanceImage): Promise<GlanceProof> {
			const started = now();
			await controller.wait(glanceRequestMs / speed);
			const container = controller.container;
			const imageId = image.id;
			if (!container.running) {
				return fail({status: null, bytes: 0, imageId, reason: `${glanceEndpoint}: connection refused (${container.name} is not running)`});
			}
			const view = container.view;
			if (!view?.filesystem) {
				return fail({status: 404, bytes: 0, imageId, reason: `Glance answered 404: the file is not in ${container.name}'s datadir (it started with nothing mounted)`});
			}
			const health = await touch(view.filesystem, `/proc/${container.pid}/root${containerDatadir}/${imageId}`);
			if (health.state === 'unresponsive') {
				return fail({status: null, bytes: 0, imageId, reason: `${describeHealth(health)}: the share does not answer inside ${container.name}`});
			}
			if (health.state !== 'responsive') {
				// What the real lab showed: the stale container answers 204 and no bytes, not an error.
				return fail({status: 204, bytes: 0, imageId, reason: `Glance answered 204 with 0 bytes: ${container.name} cannot read the file from its (dead) mount`});
			}
			const file = datadirFiles().find(each => each.name === imageId);
			if (!file) return fail({status: 404, bytes: 0, imageId, reason: 'Glance answered 404: image data not found'});
			if (file.size === 0) return fail({status: 200, bytes: 0, imageId, reason: 'Glance answered with 0 bytes: the file on the share is empty'});
			return ok({status: 200, bytes: Math.min(file.size, proofBytes), imageId, tookMs: now() - started});
		},

		watch(listener: (event: WorldEvent) => void): () => void {
			return controller.subscribe(event => listener({at: event.at, kind: 'container', text: event.action}));
		},

		async close(): Promise<void> {
			controller.close();
		},
	};
}
