// What the simulated Glance lists: the images behind the simulated datadir's files, and in `drift` one
// image for every verdict the inventory knows, so a new operator can learn to read the table.
import type {GlanceImage} from '../../model/types.js';
import type {ScenarioName} from './scenarios.js';

const day = 86_400_000;
const adminProject = '4c2a8e0f6b1d4f3a9e7c5b2d0a8f6e41';
const demoProject = '9e1f3b5d7a2c4e6f8b0d1a3c5e7f9b2d';

type ImageSeed = {
	id: string;
	name: string;
	size: number | null;
	ageDays: number;
	status?: GlanceImage['status'];
	owner?: string;
	visibility?: string;
	hidden?: boolean;
	stores?: string[] | null;
	locations?: string[];
	diskFormat?: string;
};

// A deterministic stand-in digest per image: the simulator never hashes anything.
function fakeDigest(id: string, length: number): string {
	let digest = '';
	let seed = [...id].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 7);
	while (digest.length < length) {
		seed = (seed * 1_103_515_245 + 12_345) >>> 0;
		digest += seed.toString(16).padStart(8, '0');
	}
	return digest.slice(0, length);
}

function image(seed: ImageSeed, at: number): GlanceImage {
	const created = new Date(at - seed.ageDays * day).toISOString().replace(/\.\d+Z$/, 'Z');
	const hasData = seed.size !== null && (seed.status ?? 'active') !== 'queued';
	return {
		id: seed.id,
		name: seed.name,
		status: seed.status ?? 'active',
		owner: seed.owner ?? adminProject,
		visibility: seed.visibility ?? 'public',
		hidden: seed.hidden ?? false,
		protected: false,
		size: seed.size,
		checksum: hasData ? fakeDigest(seed.id, 32) : null,
		osHashAlgo: hasData ? 'sha512' : null,
		osHashValue: hasData ? fakeDigest(seed.id, 128) : null,
		diskFormat: seed.diskFormat ?? 'qcow2',
		containerFormat: 'bare',
		createdAt: created,
		updatedAt: created,
		stores: seed.stores === undefined ? ['file'] : seed.stores,
		locations: seed.locations ?? [],
	};
}

const everyday: ImageSeed[] = [
	{id: '0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58', name: 'cirros-0.6.2-x86_64', size: 21_430_272, ageDays: 41},
	{id: '3a9f6e12-5c8b-4d07-b1e3-7f2a6c9d0b84', name: 'ubuntu-22.04-jammy', size: 661_127_168, ageDays: 33},
	{id: '7e1b4c9a-2d6f-4a83-9c5e-0f8b3a7d6e21', name: 'debian-12-bookworm', size: 345_768_960, ageDays: 27},
	{id: 'a4d82f6b-7e3c-49a1-b5f0-6c2e8d1a9b37', name: 'rocky-9.4', size: 1_138_753_536, ageDays: 19},
	{id: 'c91e5b3d-8a2f-4c64-a7d9-3e0b6f2c8a15', name: 'fedora-40', size: 397_410_304, ageDays: 12},
	{id: 'e2f7a0c8-4b9d-4e16-8f3a-9d5c1b7e0a62', name: 'snapshot-win2022-build-agent', size: 10_464_788_480, ageDays: 6, owner: demoProject, visibility: 'private', diskFormat: 'raw'},
	// Octavia's amphora image is hidden from ordinary listings, as kolla's octavia role uploads it.
	{id: 'f58b3d1e-6c0a-4b72-9e4f-a1d7c3b9e806', name: 'amphora-x64-haproxy', size: 364_707_840, ageDays: 2, hidden: true, visibility: 'private'},
];

/** An upload in progress in `drift`: its file grows on the simulated clock. */
export const uploading = {id: '5d8a1f3c-9e2b-4c70-8a6d-1f4b7e9c3a52', size: 2_147_483_648, bytesPerSecond: 48 * 1024 ** 2, startedBeforeMs: 20_000};

const driftOnly: ImageSeed[] = [
	// Killed before its first byte arrived: Glance marked it killed, the empty file stayed.
	{id: '9b2e6f4a-1c7d-4e05-a3f8-5d0c2b9e7a14', name: 'snapshot-db01-nightly', size: null, ageDays: 4, status: 'killed', owner: demoProject, visibility: 'private'},
	// Active, yet its file was truncated to nothing (a restore that went wrong).
	{id: '2f6c9a1d-4b8e-4f37-a0c5-7d3e1b9f6a28', name: 'centos-stream-9', size: 1_073_741_824, ageDays: 9},
	{id: uploading.id, name: 'snapshot-web03-before-upgrade', size: null, ageDays: 0, status: 'saving', owner: demoProject, visibility: 'private'},
	// Stored in Ceph by a second backend: no file here is expected.
	{id: '6b0e3d9f-2a7c-4e18-b5d4-9c1f7a3e0b65', name: 'windows-2019-rbd', size: 16_106_127_360, ageDays: 30, stores: ['rbd'], diskFormat: 'raw'},
	// Created, never uploaded.
	{id: '8c4f1a7e-3d9b-4a62-9e0c-5b2d8f6a1c39', name: 'empty-placeholder', size: null, ageDays: 1, status: 'queued'},
];

// Users' snapshots taken during an outage, written under the mount point (see scenarios.ts).
const shadowedOnly: ImageSeed[] = [
	{id: 'b7d1e4a9-6c2f-4e83-9a05-3f8c1d7b2e64', name: 'snapshot-web01-during-outage', size: 2_684_354_560, ageDays: 3, owner: demoProject, visibility: 'private', diskFormat: 'raw'},
	{id: '4e9a2c7f-1b5d-4a38-8c6e-0d7f3b9a1c52', name: 'snapshot-db02-during-outage', size: 5_368_709_120, ageDays: 3, owner: demoProject, visibility: 'private', diskFormat: 'raw'},
	{id: '6f2c8b1e-9d4a-4c07-b3e5-8a1d6f0c4b93', name: 'snapshot-ci07-during-outage', size: 1_073_741_824, ageDays: 3, owner: demoProject, visibility: 'private', diskFormat: 'raw'},
];

/** Images whose bytes on disk no longer match their checksum: a verify in `drift` finds them; in `shadowed`, the recovery. */
export const corruptImages = new Set(['7e1b4c9a-2d6f-4a83-9c5e-0f8b3a7d6e21', '6f2c8b1e-9d4a-4c07-b3e5-8a1d6f0c4b93']);

export type SimulatedCatalogue = {
	images: GlanceImage[];
	/** Files the scenario adds to the datadir beyond its base listing, as they are at `at`. */
	extraFiles(at: number): Array<{name: string; size: number; mtime: number}>;
};

export function createCatalogue(scenario: ScenarioName, startedAt: number): SimulatedCatalogue {
	const seeds = scenario === 'drift' ? [...everyday, ...driftOnly] : scenario === 'shadowed' ? [...everyday, ...shadowedOnly] : everyday;
	return {
		images: seeds.map(seed => image(seed, startedAt)),
		extraFiles(at) {
			if (scenario !== 'drift') return [];
			const written = Math.min(uploading.size, Math.round(((uploading.startedBeforeMs + (at - startedAt)) / 1000) * uploading.bytesPerSecond));
			return [
				{name: '2f6c9a1d-4b8e-4f37-a0c5-7d3e1b9f6a28', size: 0, mtime: at - 3 * day},
				{name: uploading.id, size: written, mtime: at},
			];
		},
	};
}
