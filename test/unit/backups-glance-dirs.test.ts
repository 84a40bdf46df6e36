import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {glanceDirRows, stagingFindings} from '../../source/model/glance-dirs.js';
import {probeGlanceDirs} from '../../source/world/real/glance-dirs.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';
import {scratchDir} from '../support/scratch.js';

/** A kolla-like /var/lib/glance: the datadir, Glance's reserved staging store, the image cache with a partial file. */
function glanceRoot() {
	const root = path.join(scratchDir('gi-glance-dirs-'), 'glance');
	const datadir = path.join(root, 'images');
	mkdirSync(datadir, {recursive: true});
	mkdirSync(path.join(root, 'os_glance_staging_store'));
	writeFileSync(path.join(root, 'os_glance_staging_store', imageUuid(1)), Buffer.alloc(8192));
	writeFileSync(path.join(root, 'os_glance_staging_store', imageUuid(2)), Buffer.alloc(4096));
	mkdirSync(path.join(root, 'image-cache', 'incomplete'), {recursive: true});
	writeFileSync(path.join(root, 'image-cache', imageUuid(3)), Buffer.alloc(16384));
	writeFileSync(path.join(root, 'image-cache', 'incomplete', imageUuid(4)), Buffer.alloc(4096));
	return {root, datadir};
}

describe("Glance's staging, tasks and cache directories, on real directories", () => {
	it('lists those that exist with their files and bytes, the cache one level down', async () => {
		const {root, datadir} = glanceRoot();
		const facts = await probeGlanceDirs(datadir, {timeoutMs: 5000});
		expect(facts.directories.map(directory => [directory.role, directory.path, directory.state === 'found' ? directory.files : -1])).toEqual([
			['staging', path.join(root, 'os_glance_staging_store'), 2],
			['cache', path.join(root, 'image-cache'), 2],
		]);
		const rows = glanceDirRows(facts, [{name: imageUuid(9), size: 1024, mtimeMs: 0, kind: 'file', allocated: 4096}]);
		expect(rows[0]).toEqual({label: 'images', value: '1 files, 4 KiB'});
		expect(rows[1]?.label).toBe('import staging');
		expect(rows[1]?.value).toMatch(/^2 files, 12 KiB \(/);
		expect(rows[2]?.value).toMatch(/^2 files, 20 KiB \(/);
	});

	it('a staging file whose image is no longer importing is a leftover, listed and never deleted', async () => {
		const {root, datadir} = glanceRoot();
		const facts = await probeGlanceDirs(datadir, {timeoutMs: 5000});
		const images = [glanceImage({id: imageUuid(1), status: 'active'}), glanceImage({id: imageUuid(2), status: 'importing'})];
		const [finding] = stagingFindings(facts, images);
		expect(finding).toMatchObject({id: 'staging-leftovers', severity: 'info', title: '1 file left in the import staging area (8 KiB)'});
		expect(finding?.evidence[0]).toBe(`${path.join(root, 'os_glance_staging_store', imageUuid(1))} (image active)`);
		expect(finding?.action).toMatch(/^Nothing is deleted/);
	});
});
