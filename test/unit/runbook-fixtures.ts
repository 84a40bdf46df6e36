// A controller after a share flap, built by hand: the host remounted /srv/glance (dev 0:53) while glance_api
// kept the dead mount it started with (dev 0:52). The pure runbook functions are tested on these.
import type {ContainerProbe, DatadirProbe, GlanceImage, MountEntry, Snapshot} from '../../source/model/types.js';
import {mountSourceFor} from '../../source/runbook/mount-spec.js';
import type {PreflightFacts} from '../../source/runbook/preflight.js';
import {locateShare} from '../../source/runbook/share-location.js';

export const at = Date.parse('2026-11-24T10:00:00Z');
export const datadir = '/srv/glance/images';
export const cirrosId = '0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58';

const nfsOptions = ['rw', 'vers=4.2', 'hard', 'proto=tcp', 'addr=10.0.0.20'];

/** The host's fresh mount of the share. */
export const shareMount: MountEntry = {
	mountId: 1243,
	parentId: 28,
	majorMinor: '0:53',
	root: '/',
	mountPoint: '/srv/glance',
	mountOptions: ['rw', 'relatime'],
	optionalFields: ['shared:1243'],
	fsType: 'nfs4',
	source: 'nfs01:/export/glance',
	superOptions: nfsOptions,
};

export const rootMount: MountEntry = {...shareMount, mountId: 28, parentId: 1, majorMinor: '8:1', mountPoint: '/', optionalFields: ['shared:1'], fsType: 'ext4', source: '/dev/sda1', superOptions: ['rw']};

export function datadirProbe(overrides: Partial<DatadirProbe> = {}): DatadirProbe {
	return {
		at,
		datadir,
		mount: shareMount,
		expectedMountpoint: '/srv/glance',
		expectedFrom: 'fstab',
		fstab: {spec: 'nfs01:/export/glance', file: '/srv/glance', vfsType: 'nfs4', options: ['rw', 'hard', 'vers=4.2', '_netdev'], freq: 0, passno: 0, line: 13},
		fstabProblem: null,
		health: {state: 'responsive', latencyMs: 1, entries: 7, device: '0:53'},
		verdict: 'responsive',
		stats: null,
		...overrides,
	};
}

/** The datadir after an unmount: it sits on the root filesystem, nothing at /srv/glance. */
export function unmountedProbe(): DatadirProbe {
	return datadirProbe({mount: rootMount, health: {state: 'missing', errno: 'ENOENT', message: `ENOENT: no such file or directory, statfs '${datadir}'`}, verdict: 'not-mounted'});
}

type Present = Extract<ContainerProbe, {state: 'present'}>;

/** glance_api running and healthy on its stale copy of the mount. */
export function containerProbe(overrides: Partial<Present> = {}): Present {
	return {
		at,
		state: 'present',
		name: 'glance_api',
		id: '5f3c9a1e7b2d',
		image: 'quay.io/openstack.kolla/glance-api:2024.1-ubuntu-jammy',
		status: 'running',
		running: true,
		health: 'healthy',
		healthOutput: 'exit 0: 300 10.0.0.11:9292 0.003127 seconds',
		startedAt: '2026-11-22T08:41:58.934Z',
		finishedAt: null,
		exitCode: null,
		restartCount: 0,
		restartPolicy: 'unless-stopped',
		pid: 3187,
		mounts: [{type: 'bind', source: '/srv/glance', destination: '/var/lib/glance', rw: true, propagation: 'rprivate'}],
		glanceSource: '/srv/glance',
		view: {
			state: 'stale',
			mount: {...shareMount, mountId: 1187, parentId: 1186, majorMinor: '0:52', mountPoint: '/var/lib/glance', optionalFields: []},
			health: {state: 'dead', errno: 'ENOTCONN', message: "ENOTCONN: socket is not connected, statfs '/proc/3187/root/var/lib/glance/images'"},
			hostMajorMinor: '0:53',
		},
		...overrides,
	};
}

/** glance_api stopped cleanly. */
export function stoppedContainer(): Present {
	return containerProbe({status: 'exited', running: false, health: 'unhealthy', pid: 0, exitCode: 0, finishedAt: '2026-11-24T09:58:00.000Z', view: {state: 'unknown', reason: 'the container is not running'}});
}

export function image(overrides: Partial<GlanceImage> = {}): GlanceImage {
	return {
		id: cirrosId,
		name: 'cirros-0.6.2-x86_64',
		status: 'active',
		owner: '4c2a8e0f6b1d4f3a9e7c5b2d0a8f6e41',
		visibility: 'public',
		hidden: false,
		protected: false,
		size: 21_430_272,
		checksum: 'd23ae60059281e006338f600de34ee00',
		osHashAlgo: 'sha512',
		osHashValue: 'd23ae600',
		diskFormat: 'qcow2',
		containerFormat: 'bare',
		createdAt: '2026-10-21T08:41:58Z',
		updatedAt: '2026-10-21T08:41:58Z',
		stores: ['file'],
		locations: [],
		...overrides,
	};
}

export const images: GlanceImage[] = [
	image(),
	image({id: '3a9f6e12-5c8b-4d07-b1e3-7f2a6c9d0b84', name: 'ubuntu-22.04-jammy', size: 661_127_168}),
	image({id: '9b2e7d41-0a6c-4f85-8d3b-5e1c7a9f2b06', name: 'snapshot-web03-before-upgrade', status: 'saving', size: null}),
];

export function flappedSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
	const files = Array.from({length: 7}, (_, index) => ({name: `image-${index}`, size: 1024, mtimeMs: at, kind: 'file' as const}));
	return {
		datadir: datadirProbe(),
		container: containerProbe(),
		host: null,
		history: [],
		lastEvent: null,
		glance: {at, state: 'ok', images: images.filter(each => each.status === 'active'), endpoint: 'http://10.0.0.10:9292', authSource: 'openrc', pages: 1, tookMs: 38},
		files: {at, state: 'ok', directory: datadir, files, tookMs: 2},
		...overrides,
	};
}

/** The facts the runner gathers, as a healthy gathering would find them: no holders, 55 GiB free under the mount point. */
export function preflightFacts(snapshot: Snapshot, overrides: Partial<PreflightFacts> = {}): PreflightFacts {
	const location = overrides.location ?? locateShare(snapshot, {mountpoint: null, datadir});
	return {
		now: at,
		dryRun: false,
		container: 'glance_api',
		datadir,
		containerDatadir: '/var/lib/glance/images',
		thresholds: {warnPercent: 80, critPercent: 90},
		location,
		mountSource: mountSourceFor(location, null),
		holders: {ok: true, value: []},
		parentFilesystem: {ok: true, value: {stats: {bytesTotal: 100 * 2 ** 30, bytesUsed: 40 * 2 ** 30, bytesAvailable: 55 * 2 ** 30, inodesTotal: 1000, inodesUsed: 10, inodesFree: 990}, health: {state: 'responsive', latencyMs: 1, entries: 3, device: '8:1'}}},
		audit: {path: '/tmp/audit.jsonl', problem: null},
		...overrides,
	};
}
