import {kollaHealthcheckOutput, type ControllerState, type DatadirFile, type ShareFilesystem} from './controller.js';

export type ScenarioName = 'healthy' | 'flapped' | 'hung' | 'full' | 'drift' | 'busy' | 'shadowed';

/** The busy scenario's backup, working inside the share when the remount needs it gone. */
const busyHolder = {pid: 4242, command: 'rsync -a /srv/glance/images/ /backup/'};

export const scenarios: ReadonlyArray<{name: ScenarioName; title: string; lesson: string}> = [
	{
		name: 'healthy',
		title: 'A healthy controller',
		lesson:
			'The host and glance_api see the same mount (same major:minor) and it answers quickly. Learn what normal looks like, so the abnormal stands out.',
	},
	{
		name: 'flapped',
		title: 'The share flapped; glance_api kept the dead mount',
		lesson:
			'The host remounted the share with a new major:minor, but glance_api still holds the old one and gets ENOTCONN, while Docker calls it healthy because the healthcheck only asks the API. Only docker stop, umount, mount, docker start gives it the new mount.',
	},
	{
		name: 'hung',
		title: 'The share is hung',
		lesson:
			'The share stopped answering: anything that touches the datadir (ls, df, Glance) blocks instead of failing. The inspector reports it unresponsive after its probe timeout; in your own shell, df would hang. The NFS server comes back by itself 90 s after the scenario starts (as a rebooted server does): watch the mount turn responsive with nothing remounted, because a hard mount waits for its server. Before that, a remount shows what a hung share does to umount and mount. --reset starts it hung again.',
	},
	{
		name: 'full',
		title: 'The share is nearly full',
		lesson:
			'The share is 95% full and filling fast; once it is full, uploads and snapshots fail. Watch the time-to-full and free space or grow the share before it runs out.',
	},
	{
		name: 'drift',
		title: 'The datadir has drifted from Glance',
		lesson:
			'The mount is fine, but the files no longer match the images: a zero-byte leftover, an orphan, a truncated copy, a file copied in by hand. A healthy mount does not mean healthy images.',
	},
	{
		name: 'busy',
		title: 'Flapped, and something holds the mount',
		lesson:
			`Like flapped, but a backup (pid ${busyHolder.pid}, ${busyHolder.command}) is working inside /srv/glance, so umount fails with "target is busy". Find the holder (fuser -vm /srv/glance; the remount's preflight lists it) and stop it, or unmount lazily (umount -l) and let it finish on the old mount.`,
	},
	{
		name: 'shadowed',
		title: 'Users\' snapshots written under the mount point',
		lesson:
			'During an outage glance_api was restarted while the share was not mounted: it bound the bare directory on the root disk, and three users\' snapshots were written there. The share was mounted again, so Glance lists them active while the share has no file: they are hidden under the mount point, not lost. Open the shadowed-files finding (Enter) to put them back, hash-checked: the one whose bytes do not match Glance is reported, not copied, and nothing is overwritten or deleted.',
	},
];

export function isScenarioName(value: string): value is ScenarioName {
	return scenarios.some(scenario => scenario.name === value);
}

const day = 86_400_000;
const shareBytes = 2 * 1024 ** 4;
const shareInodes = 134_217_728;
/** About 2 GB a day of new images and snapshots. */
const slowGrowthBytesPerSecond = 24_000;
/** A snapshot storm: the last 5% of the share goes in about an hour and a half. */
const fastGrowthBytesPerSecond = 20 * 1024 ** 2;
/** How long the hung scenario's NFS server stays frozen before it answers again. */
export const hungRecoveryMs = 90_000;
const containerId = '5f3c9a1e7b2d4c6a8e0f1a3b5c7d9e2f4a6b8c0d1e3f5a7b9c2d4e6f8a0b1c3d';
const kollaGlanceImage = 'quay.io/openstack.kolla/glance-api:2024.1-ubuntu-jammy';

/** File names are the Glance image ids: the file store writes `<datadir>/<image-id>`, flat. */
const imageIds = {
	cirros: '0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58',
	ubuntu: '3a9f6e12-5c8b-4d07-b1e3-7f2a6c9d0b84',
	debian: '7e1b4c9a-2d6f-4a83-9c5e-0f8b3a7d6e21',
	rocky: 'a4d82f6b-7e3c-49a1-b5f0-6c2e8d1a9b37',
	fedora: 'c91e5b3d-8a2f-4c64-a7d9-3e0b6f2c8a15',
	windows: 'e2f7a0c8-4b9d-4e16-8f3a-9d5c1b7e0a62',
	amphora: 'f58b3d1e-6c0a-4b72-9e4f-a1d7c3b9e806',
} as const;

function imageFiles(at: number): DatadirFile[] {
	return [
		{name: imageIds.cirros, size: 21_430_272, mtime: at - 41 * day},
		{name: imageIds.ubuntu, size: 661_127_168, mtime: at - 33 * day},
		{name: imageIds.debian, size: 345_768_960, mtime: at - 27 * day},
		{name: imageIds.rocky, size: 1_138_753_536, mtime: at - 19 * day},
		{name: imageIds.fedora, size: 397_410_304, mtime: at - 12 * day},
		{name: imageIds.windows, size: 10_464_788_480, mtime: at - 6 * day},
		{name: imageIds.amphora, size: 364_707_840, mtime: at - 2 * day},
	];
}

/** Drift the inventory will have to explain once it joins the files with Glance's image list. */
function driftedFiles(at: number): DatadirFile[] {
	return [
		...imageFiles(at)
			// The amphora image's file is gone: Glance still lists it, nothing is on disk.
			.filter(file => file.name !== imageIds.amphora)
			// An interrupted copy: the right name, only the first 512 MiB.
			.map(file => (file.name === imageIds.rocky ? {...file, size: 536_870_912} : file)),
		// An upload killed before the first byte.
		{name: '9b2e6f4a-1c7d-4e05-a3f8-5d0c2b9e7a14', size: 0, mtime: at - 4 * day},
		// The image was deleted, its file was not: an orphan, or one awaiting the scrubber.
		{name: 'd07c4a9e-3f1b-4d68-b2e5-8a6f0c3d1b97', size: 2_361_393_152, mtime: at - 58 * day},
		// Copied in by hand: Glance never names a file like this.
		{name: 'ubuntu-22.04-server-cloudimg-amd64.img', size: 661_127_168, mtime: at - 15 * day},
	];
}

/** Written during an outage while the share was not mounted: users' snapshots, and a temporary file Glance left. */
export const shadowedImageIds = {
	web: 'b7d1e4a9-6c2f-4e83-9a05-3f8c1d7b2e64',
	db: '4e9a2c7f-1b5d-4a38-8c6e-0d7f3b9a1c52',
	broken: '6f2c8b1e-9d4a-4c07-b3e5-8a1d6f0c4b93',
} as const;

function shadowedUploads(at: number): DatadirFile[] {
	return [
		{name: shadowedImageIds.web, size: 2_684_354_560, mtime: at - 3 * day},
		{name: shadowedImageIds.db, size: 5_368_709_120, mtime: at - 3 * day},
		{name: shadowedImageIds.broken, size: 1_073_741_824, mtime: at - 3 * day},
		{name: 'f0a1b2c3.tmp', size: 12_582_912, mtime: at - 3 * day},
	];
}

function usageAt(percent: number, growthBytesPerSecond: number, at: number): ControllerState['usage'] {
	return {
		bytesTotal: shareBytes,
		// Rounded up, so 95% full is never 94.99999%.
		bytesUsed: Math.ceil(shareBytes * percent),
		inodesTotal: shareInodes,
		inodesUsed: 18_412,
		growthBytesPerSecond,
		since: at,
	};
}

/** The share mounted at boot on /srv/glance, glance_api started nine days ago on that same mount. */
function healthyState(at: number, containerName: string): ControllerState {
	const bootMount: ShareFilesystem = {majorMinor: '0:52', connected: true};
	return {
		share: {server: 'up', source: 'nfs01:/export/glance', fsType: 'nfs4', mountPoint: '/srv/glance', answersAgainAt: null},
		hostMount: {mountId: 412, filesystem: bootMount, holders: []},
		container: {
			name: containerName,
			id: containerId,
			image: kollaGlanceImage,
			running: true,
			health: 'healthy',
			healthOutput: kollaHealthcheckOutput,
			pid: 3187,
			restartCount: 0,
			startedAt: at - 9 * day,
			finishedAt: null,
			exitCode: 0,
			view: {mountId: 1187, parentId: 1186, filesystem: bootMount},
		},
		usage: usageAt(0.45, slowGrowthBytesPerSecond, at),
		files: imageFiles(at),
		next: {minor: 53, mountId: 1188, pid: 48_211},
	};
}

/** The share dropped and the host remounted it; glance_api still holds the first, dead mount. */
function flappedState(at: number, containerName: string): ControllerState {
	const state = healthyState(at, containerName);
	const droppedMount: ShareFilesystem = {majorMinor: '0:52', connected: false};
	state.container.view = {mountId: 1187, parentId: 1186, filesystem: droppedMount};
	state.hostMount = {mountId: 1243, filesystem: {majorMinor: '0:53', connected: true}, holders: []};
	state.next = {...state.next, minor: 54, mountId: 1244};
	return state;
}

/** The controller's initial state for a scenario; `at` is the simulated present. */
export function createScenarioState(scenario: ScenarioName, options: {at: number; containerName?: string}): ControllerState {
	const containerName = options.containerName ?? 'glance_api';
	const {at} = options;
	switch (scenario) {
		case 'healthy':
			return healthyState(at, containerName);
		case 'flapped':
			return flappedState(at, containerName);
		case 'hung': {
			const state = healthyState(at, containerName);
			state.share.server = 'frozen';
			state.share.answersAgainAt = at + hungRecoveryMs;
			return state;
		}
		case 'full': {
			const state = healthyState(at, containerName);
			state.usage = usageAt(0.95, fastGrowthBytesPerSecond, at);
			return state;
		}
		case 'drift': {
			const state = healthyState(at, containerName);
			state.files = driftedFiles(at);
			return state;
		}
		case 'shadowed': {
			const state = healthyState(at, containerName);
			state.hidden = shadowedUploads(at);
			return state;
		}
		case 'busy': {
			const state = flappedState(at, containerName);
			state.hostMount?.holders.push({...busyHolder});
			return state;
		}
	}
}
