// One GlanceImage fixture for the tests and the benchmark. It stays erasable TypeScript (type-only imports, no
// enums), so bench/ — plain JavaScript on the built dist — imports this very file and Node 24 strips its types.
import type {GlanceImage} from '../../source/model/types.js';

/** A recognisable UUID per number, as Glance would name the file. */
export function imageUuid(n: number): string {
	return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** An active 1 GiB qcow2 image with every field Glance lists; a test patches only what it is about. */
export function glanceImage(patch: Partial<GlanceImage> & {id: string}): GlanceImage {
	return {
		name: 'image',
		status: 'active',
		owner: 'admin-project',
		visibility: 'public',
		hidden: false,
		protected: false,
		size: 1024 ** 3,
		checksum: 'd41d8cd98f00b204e9800998ecf8427e',
		osHashAlgo: 'sha512',
		osHashValue: 'ab'.repeat(64),
		diskFormat: 'qcow2',
		containerFormat: 'bare',
		createdAt: '2026-11-01T10:00:00Z',
		updatedAt: '2026-11-01T10:05:00Z',
		stores: null,
		locations: [],
		...patch,
	};
}
