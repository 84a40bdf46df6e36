import {describe, expect, it} from 'vitest';
import {buildInventory, filterRows, inventoryFindings, sortRows, verdictOrder} from '../../source/model/inventory.js';
import type {ChecksumOutcome, DatadirFile, DatadirListing, GlanceImage, GlanceListing, ImageVerdict, Inventory, InventoryRow} from '../../source/model/types.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const GiB = 1024 ** 3;

function image(n: number, patch: Partial<GlanceImage> = {}): GlanceImage {
	return glanceImage({id: imageUuid(n), name: `image-${n}`, size: GiB, ...patch});
}

function file(name: string, size: number, patch: Partial<DatadirFile> = {}): DatadirFile {
	return {name, size, mtimeMs: now - 24 * 3_600_000, kind: 'file', ...patch};
}

function glanceOk(images: GlanceImage[]): GlanceListing {
	return {at: now, state: 'ok', images, endpoint: 'http://127.0.0.1:9292', authSource: 'openrc', pages: 1, tookMs: 12};
}

function filesOk(files: DatadirFile[]): DatadirListing {
	return {at: now, state: 'ok', directory: '/var/lib/glance/images', files, tookMs: 5};
}

const glanceDown: GlanceListing = {
	at: now,
	state: 'unavailable',
	problem: 'glance-unreachable',
	reason: 'http://127.0.0.1:9292/v2/images: connection refused',
	hint: 'Glance runs in glance_api, which is not running: docker start glance_api',
	endpoint: 'http://127.0.0.1:9292',
	authSource: 'openrc',
};

const noChecks = new Map<string, ChecksumOutcome>();

function rowOf(inventory: Inventory, id: string): InventoryRow {
	const row = inventory.rows.find(candidate => candidate.id === id);
	if (!row) throw new Error(`no row for ${id}`);
	return row;
}

function verdictOf(images: GlanceImage[], files: DatadirFile[], id: string, checks: ReadonlyMap<string, ChecksumOutcome> = noChecks): InventoryRow {
	return rowOf(buildInventory(glanceOk(images), filesOk(files), checks), id);
}

function finished(state: 'ok' | 'checksum-mismatch', bytes: number): ChecksumOutcome {
	return {state, algorithm: 'sha512', expected: 'ab'.repeat(64), actual: state === 'ok' ? 'ab'.repeat(64) : 'cd'.repeat(64), md5Matches: null, bytes, tookMs: 900, at: now};
}

describe('buildInventory verdicts', () => {
	it('an active image with its file at the recorded size is ok', () => {
		const row = verdictOf([image(1)], [file(imageUuid(1), GiB)], imageUuid(1));
		expect(row.verdict).toBe('ok');
		expect(row.file?.size).toBe(GiB);
		expect(row.image?.name).toBe('image-1');
	});

	it('a deactivated image is judged like an active one', () => {
		expect(verdictOf([image(1, {status: 'deactivated'})], [file(imageUuid(1), GiB)], imageUuid(1)).verdict).toBe('ok');
		expect(verdictOf([image(1, {status: 'deactivated'})], [], imageUuid(1)).verdict).toBe('missing-file');
	});

	it('an active image without a file is missing-file, and says instances cannot boot', () => {
		const row = verdictOf([image(1)], [file(imageUuid(2), 10)], imageUuid(1));
		expect(row.verdict).toBe('missing-file');
		expect(row.note).toMatch(/cannot boot/);
	});

	it('a directory named like the image does not count as its file, and the note says so', () => {
		const row = verdictOf([image(1)], [file(imageUuid(1), 4096, {kind: 'directory'})], imageUuid(1));
		expect(row.verdict).toBe('missing-file');
		expect(row.note).toMatch(/is a directory/);
	});

	it('a file no listed image owns is an orphan, with the scrubber explanation and no advice to delete', () => {
		const inventory = buildInventory(glanceOk([image(1)]), filesOk([file(imageUuid(1), GiB), file(imageUuid(9), 5 * GiB)]), noChecks);
		const row = rowOf(inventory, imageUuid(9));
		expect(row.verdict).toBe('orphan-file');
		expect(row.image).toBeNull();
		expect(row.note).toMatch(/pending_delete/);
		expect(row.note).toMatch(/scrubber/);
		expect(row.note).not.toMatch(/\b(rm|delete it|remove it)\b/i);
	});

	it('a size that differs is size-mismatch with both sizes and the difference', () => {
		const row = verdictOf([image(1, {size: 2 * GiB})], [file(imageUuid(1), GiB)], imageUuid(1));
		expect(row.verdict).toBe('size-mismatch');
		expect(row.note).toContain('on disk 1 GiB');
		expect(row.note).toContain('Glance says 2 GiB');
		expect(row.note).toContain('1,073,741,824 bytes short');
	});

	it('a one-byte difference shows exact byte counts, not two equal rounded sizes', () => {
		const row = verdictOf([image(1, {size: GiB})], [file(imageUuid(1), GiB + 1)], imageUuid(1));
		expect(row.verdict).toBe('size-mismatch');
		expect(row.note).toContain('1,073,741,825 B');
		expect(row.note).toContain('1 bytes too long');
	});

	it('saving, uploading and importing images are partial with how far they got', () => {
		const saving = verdictOf([image(1, {status: 'saving', size: 4 * GiB})], [file(imageUuid(1), GiB)], imageUuid(1));
		expect(saving.verdict).toBe('partial');
		expect(saving.note).toContain('1 GiB of 4 GiB (25%)');
		const uploading = verdictOf([image(2, {status: 'uploading', size: null})], [file(imageUuid(2), 300 * 1024 ** 2)], imageUuid(2));
		expect(uploading.verdict).toBe('partial');
		expect(uploading.note).toMatch(/300 MiB written; Glance does not know the final size/);
		const importing = verdictOf([image(3, {status: 'importing', size: null})], [], imageUuid(3));
		expect(importing.verdict).toBe('partial');
		expect(importing.note).toMatch(/staging/);
	});

	it('a 0-byte file of an active image is empty-file, also when Glance does not know the size', () => {
		expect(verdictOf([image(1)], [file(imageUuid(1), 0)], imageUuid(1)).verdict).toBe('empty-file');
		expect(verdictOf([image(1, {size: null})], [file(imageUuid(1), 0)], imageUuid(1)).verdict).toBe('empty-file');
	});

	it('a genuinely empty image (size 0) with a 0-byte file is ok', () => {
		expect(verdictOf([image(1, {size: 0})], [file(imageUuid(1), 0)], imageUuid(1)).verdict).toBe('ok');
	});

	it('an active image whose size Glance never recorded is ok with a note saying nothing was compared', () => {
		const row = verdictOf([image(1, {size: null, checksum: null})], [file(imageUuid(1), 123)], imageUuid(1));
		expect(row.verdict).toBe('ok');
		expect(row.note).toMatch(/no size/);
	});

	it('images in other stores are not-file-backed, however Glance says so', () => {
		const rbd = verdictOf([image(1, {stores: ['rbd']})], [], imageUuid(1));
		expect(rbd.verdict).toBe('not-file-backed');
		expect(rbd.note).toContain('rbd');
		const byLocation = verdictOf([image(2, {locations: ['rbd://fsid/images/x/snap']})], [], imageUuid(2));
		expect(byLocation.verdict).toBe('not-file-backed');
		expect(byLocation.note).toContain('rbd://');
		expect(verdictOf([image(3, {locations: ['http://mirror.example/cirros.img']})], [], imageUuid(3)).verdict).toBe('not-file-backed');
		// file:// locations, a 'file' store, or no word at all: file-backed, so a missing file matters.
		expect(verdictOf([image(4, {locations: ['file:///var/lib/glance/images/' + imageUuid(4)]})], [], imageUuid(4)).verdict).toBe('missing-file');
		expect(verdictOf([image(5, {stores: ['file']})], [], imageUuid(5)).verdict).toBe('missing-file');
		expect(verdictOf([image(6)], [], imageUuid(6)).verdict).toBe('missing-file');
	});

	it('file backends can be named otherwise in multi-store deployments', () => {
		const images = [image(1, {stores: ['fast']}), image(2, {stores: ['ceph']})];
		const inventory = buildInventory(glanceOk(images), filesOk([]), noChecks, {fileBackends: ['fast']});
		expect(rowOf(inventory, imageUuid(1)).verdict).toBe('missing-file');
		expect(rowOf(inventory, imageUuid(2)).verdict).toBe('not-file-backed');
	});

	it('killed, deleted and pending_delete images whose file is still there are leftover-file', () => {
		for (const status of ['killed', 'deleted', 'pending_delete']) {
			const row = verdictOf([image(1, {status})], [file(imageUuid(1), GiB)], imageUuid(1));
			expect(row.verdict, status).toBe('leftover-file');
			expect(row.note).toContain(status);
		}
		expect(verdictOf([image(1, {status: 'killed'})], [], imageUuid(1)).verdict).toBe('no-data');
	});

	it('a queued image without a file is no-data; with one, a failed upload left it', () => {
		expect(verdictOf([image(1, {status: 'queued', size: null, checksum: null, osHashValue: null})], [], imageUuid(1)).verdict).toBe('no-data');
		expect(verdictOf([image(1, {status: 'queued', size: null})], [file(imageUuid(1), 5000)], imageUuid(1)).verdict).toBe('leftover-file');
	});

	it('a finished verify that found a mismatch overrides the size verdict', () => {
		const checks = new Map([[imageUuid(1), finished('checksum-mismatch', GiB)]]);
		const row = verdictOf([image(1)], [file(imageUuid(1), GiB)], imageUuid(1), checks);
		expect(row.verdict).toBe('checksum-mismatch');
		expect(row.note).toMatch(/sha512/);
	});

	it('a verify of a file that has since changed size no longer counts', () => {
		const checks = new Map([[imageUuid(1), finished('checksum-mismatch', GiB - 10)]]);
		expect(verdictOf([image(1)], [file(imageUuid(1), GiB)], imageUuid(1), checks).verdict).toBe('ok');
	});

	it('a running or matching verify keeps the verdict and shows in the note', () => {
		const running = new Map<string, ChecksumOutcome>([[imageUuid(1), {state: 'running', bytesDone: GiB / 2, bytesTotal: GiB, startedAt: now, bytesPerSecond: 1e8}]]);
		const row = verdictOf([image(1)], [file(imageUuid(1), GiB)], imageUuid(1), running);
		expect(row.verdict).toBe('ok');
		expect(row.note).toContain('verifying 50%');
		expect(verdictOf([image(1)], [file(imageUuid(1), GiB)], imageUuid(1), new Map([[imageUuid(1), finished('ok', GiB)]])).note).toContain('sha512 verified');
	});

	it('a hidden image is joined like any other', () => {
		expect(verdictOf([image(1, {hidden: true})], [file(imageUuid(1), GiB)], imageUuid(1)).verdict).toBe('ok');
	});

	it('an image listed on two pages gives one row and is counted once', () => {
		const inventory = buildInventory(glanceOk([image(1), image(2), image(1)]), filesOk([file(imageUuid(1), GiB)]), noChecks);
		expect(inventory.rows.filter(row => row.id === imageUuid(1))).toHaveLength(1);
		expect(inventory.rows).toHaveLength(2);
		expect(inventory.totals.ok).toEqual({count: 1, bytes: GiB});
	});

	it('an uppercase UUID file is an image file, joined by its exact name', () => {
		const upper = 'ABCDEF01-2345-4678-9ABC-DEF012345678';
		const inventory = buildInventory(glanceOk([image(0, {id: upper})]), filesOk([file(upper, GiB), file(upper.toLowerCase(), 7)]), noChecks);
		expect(rowOf(inventory, upper).verdict).toBe('ok');
		expect(rowOf(inventory, upper.toLowerCase()).verdict).toBe('orphan-file');
		expect(inventory.others).toEqual([]);
	});

	it('puts everything that is not a UUID-named regular file in others', () => {
		const otherNames = ['staging', 'tasks_work_dir', 'image-cache', 'lost+found', '.nfs000001', `${imageUuid(3)}.tmp`, 'cirros.img', '.hidden'];
		const entries = [
			file('staging', 4096, {kind: 'directory'}),
			file('tasks_work_dir', 4096, {kind: 'directory'}),
			file('image-cache', 4096, {kind: 'directory'}),
			file('lost+found', 16384, {kind: 'directory'}),
			file('.nfs000001', 1234),
			file(`${imageUuid(3)}.tmp`, 99),
			file('cirros.img', 12_000_000),
			file('.hidden', 1),
			file(imageUuid(4), 60, {kind: 'symlink'}),
			file(imageUuid(5), 4096, {kind: 'directory'}),
			file(imageUuid(1), GiB),
		];
		const inventory = buildInventory(glanceOk([image(1)]), filesOk(entries), noChecks);
		expect(inventory.others.map(entry => entry.name).sort()).toEqual([...otherNames, imageUuid(4), imageUuid(5)].sort());
		expect(inventory.rows.map(row => row.id)).toEqual([imageUuid(1)]);
	});

	it('with Glance unavailable, every image file is listed as unknown with the reason', () => {
		const inventory = buildInventory(glanceDown, filesOk([file(imageUuid(1), GiB), file(imageUuid(2), 2 * GiB), file('staging', 4096, {kind: 'directory'})]), noChecks);
		expect(inventory.rows).toHaveLength(2);
		for (const row of inventory.rows) {
			expect(row.verdict).toBe('unknown');
			expect(row.note).toBe('Glance unavailable: http://127.0.0.1:9292/v2/images: connection refused');
		}
		expect(inventory.glanceUnavailable).toBe(glanceDown.state === 'unavailable' ? glanceDown.reason : '');
		expect(inventory.glanceHint).toContain('docker start glance_api');
		expect(inventory.totals.unknown).toEqual({count: 2, bytes: 3 * GiB});
		expect(inventory.others).toHaveLength(1);
	});

	it('before Glance has answered, files are unknown rather than orphans', () => {
		const inventory = buildInventory(null, filesOk([file(imageUuid(1), GiB)]), noChecks);
		expect(inventory.rows[0]?.verdict).toBe('unknown');
		expect(inventory.glanceUnavailable).toMatch(/not listed yet/);
	});

	it('with the datadir unreadable, images that need a file are unknown, not missing', () => {
		const files: DatadirListing = {at: now, state: 'failed', directory: '/var/lib/glance/images', health: {state: 'unresponsive', afterMs: 5000}};
		const inventory = buildInventory(glanceOk([image(1), image(2, {stores: ['rbd']}), image(3, {status: 'queued'})]), files, noChecks);
		expect(rowOf(inventory, imageUuid(1)).verdict).toBe('unknown');
		expect(rowOf(inventory, imageUuid(1)).note).toBe('datadir unavailable: /var/lib/glance/images: no answer after 5 s');
		expect(rowOf(inventory, imageUuid(2)).verdict).toBe('not-file-backed');
		expect(rowOf(inventory, imageUuid(3)).verdict).toBe('no-data');
		expect(inventory.filesUnavailable).toBe('/var/lib/glance/images: no answer after 5 s');
		expect(inventory.totals['missing-file'].count).toBe(0);
	});

	it('totals count on-disk bytes where there is a file and Glance bytes where there is none', () => {
		const inventory = buildInventory(
			glanceOk([image(1, {size: 100}), image(2, {size: 300}), image(3, {size: 50}), image(4, {stores: ['rbd'], size: 7})]),
			filesOk([file(imageUuid(1), 100), file(imageUuid(2), 200), file(imageUuid(8), 40), file(imageUuid(9), 2)]),
			noChecks,
		);
		expect(inventory.totals.ok).toEqual({count: 1, bytes: 100});
		expect(inventory.totals['size-mismatch']).toEqual({count: 1, bytes: 200});
		expect(inventory.totals['missing-file']).toEqual({count: 1, bytes: 50});
		expect(inventory.totals['orphan-file']).toEqual({count: 2, bytes: 42});
		expect(inventory.totals['not-file-backed']).toEqual({count: 1, bytes: 7});
		expect(Object.keys(inventory.totals).sort()).toEqual([...verdictOrder].sort());
	});

	it('sorts rows by severity, then name, by default', () => {
		const inventory = buildInventory(
			glanceOk([image(1, {name: 'zeta'}), image(2, {name: 'Alpha'}), image(3, {name: 'beta', size: 5}), image(4, {name: 'gamma'})]),
			filesOk([file(imageUuid(1), GiB), file(imageUuid(2), GiB), file(imageUuid(3), 6), file(imageUuid(7), 1)]),
			noChecks,
		);
		expect(inventory.rows.map(row => row.verdict)).toEqual(['missing-file', 'size-mismatch', 'orphan-file', 'ok', 'ok']);
		expect(inventory.rows.slice(-2).map(row => row.image?.name)).toEqual(['Alpha', 'zeta']);
	});
});

describe('sortRows and filterRows', () => {
	const images = [
		image(1, {name: 'ubuntu-24.04', size: 3 * GiB, createdAt: '2026-03-01T00:00:00Z', owner: 'ProjectBlue'}),
		image(2, {name: 'cirros', size: 20 * 1024 ** 2, createdAt: '2026-01-01T00:00:00Z', owner: 'admin'}),
		image(3, {name: 'debian-12', size: GiB, createdAt: null, owner: 'admin'}),
		image(4, {name: 'rocky-9', size: 2 * GiB, createdAt: '2026-06-01T00:00:00Z', owner: 'admin'}),
	];
	const files = [file(imageUuid(1), 3 * GiB), file(imageUuid(2), 20 * 1024 ** 2), file(imageUuid(3), GiB)];
	const {rows} = buildInventory(glanceOk(images), filesOk(files), noChecks);
	const names = (list: InventoryRow[]) => list.map(row => row.image?.name);

	it('sorts by size, created and name, both ways', () => {
		expect(names(sortRows(rows, 'size'))).toEqual(['cirros', 'debian-12', 'rocky-9', 'ubuntu-24.04']);
		expect(names(sortRows(rows, 'size', true))).toEqual(['ubuntu-24.04', 'rocky-9', 'debian-12', 'cirros']);
		expect(names(sortRows(rows, 'name'))).toEqual(['cirros', 'debian-12', 'rocky-9', 'ubuntu-24.04']);
		expect(names(sortRows(rows, 'name', true))).toEqual(['ubuntu-24.04', 'rocky-9', 'debian-12', 'cirros']);
		// debian-12 has no creation time: its file's mtime (a day before now) stands in.
		expect(names(sortRows(rows, 'created'))).toEqual(['cirros', 'ubuntu-24.04', 'rocky-9', 'debian-12']);
		expect(names(sortRows(rows, 'created', true))).toEqual(['debian-12', 'rocky-9', 'ubuntu-24.04', 'cirros']);
		expect(names(sortRows(rows, 'verdict'))[0]).toBe('rocky-9');
	});

	it('puts rows with no creation time and no file last, whichever the direction', () => {
		const undated = buildInventory(glanceOk([...images, image(5, {name: 'aaa-queued', status: 'queued', createdAt: null})]), filesOk(files), noChecks).rows;
		expect(names(sortRows(undated, 'created')).at(-1)).toBe('aaa-queued');
		expect(names(sortRows(undated, 'created', true)).at(-1)).toBe('aaa-queued');
	});

	it('does not reorder the rows it was given', () => {
		const before = rows.map(row => row.id);
		sortRows(rows, 'size', true);
		expect(rows.map(row => row.id)).toEqual(before);
	});

	it('filters by name, id and owner without regard to case, and by verdict', () => {
		expect(names(filterRows(rows, {text: 'UBUNTU'}))).toEqual(['ubuntu-24.04']);
		expect(names(filterRows(rows, {text: 'projectblue'}))).toEqual(['ubuntu-24.04']);
		expect(names(filterRows(rows, {text: imageUuid(2).slice(-6)}))).toEqual(['cirros']);
		expect(names(filterRows(rows, {verdict: 'missing-file'}))).toEqual(['rocky-9']);
		expect(filterRows(rows, {text: 'admin', verdict: 'ok'})).toHaveLength(2);
		expect(filterRows(rows, {text: '', verdict: null})).toHaveLength(4);
		expect(filterRows(rows, {text: 'nothing-like-this'})).toHaveLength(0);
	});
});

describe('inventoryFindings', () => {
	function findingsFor(images: GlanceImage[], files: DatadirFile[], checks: ReadonlyMap<string, ChecksumOutcome> = noChecks) {
		return inventoryFindings(buildInventory(glanceOk(images), filesOk(files), checks), {now});
	}

	it('says nothing when every image is fine', () => {
		expect(findingsFor([image(1), image(2, {stores: ['rbd']})], [file(imageUuid(1), GiB)])).toEqual([]);
	});

	it('a missing file is critical, names the image and says what to run', () => {
		const [finding] = findingsFor([image(1, {name: 'ubuntu'}), image(2)], [file(imageUuid(2), GiB)]);
		expect(finding?.id).toBe('image-missing-file');
		expect(finding?.severity).toBe('critical');
		expect(finding?.evidence.join(' ')).toContain(`ubuntu (${imageUuid(1)})`);
		expect(finding?.evidence.join(' ')).toContain('1 GiB');
		expect(finding?.action).toContain(`openstack image show ${imageUuid(1)}`);
		expect(finding?.action).toMatch(/right one/);
		expect(finding?.action).toMatch(/backup/);
	});

	it('orphan files are a warning with their total size, at most three examples and the scrubber note', () => {
		const orphans = [1, 2, 3, 4, 5].map(n => file(imageUuid(n), GiB / 2));
		const findings = findingsFor([], orphans);
		const finding = findings.find(candidate => candidate.id === 'orphan-files');
		expect(finding?.severity).toBe('warning');
		expect(finding?.title).toContain('5 files');
		expect(finding?.evidence.join('\n')).toContain('2.5 GiB');
		expect(finding?.evidence.join('\n')).toContain('and 2 more');
		expect(finding?.evidence.join('\n')).toMatch(/scrubber/);
		expect(finding?.action).not.toMatch(/\brm\b|delete them|remove them/i);
	});

	it('size and checksum mismatches are a warning and a critical finding', () => {
		const checks = new Map([[imageUuid(2), finished('checksum-mismatch', GiB)]]);
		const findings = findingsFor([image(1, {size: 2 * GiB}), image(2)], [file(imageUuid(1), GiB), file(imageUuid(2), GiB)], checks);
		expect(findings.map(finding => [finding.id, finding.severity])).toEqual([
			['checksum-mismatch', 'critical'],
			['size-mismatch', 'warning'],
		]);
		expect(findings[1]?.evidence.join(' ')).toContain('1,073,741,824 bytes short');
	});

	it('uploads are info while they move and a warning once untouched for over an hour', () => {
		const fresh = findingsFor([image(1, {status: 'saving'})], [file(imageUuid(1), 100, {mtimeMs: now - 60_000})]);
		expect(fresh.map(finding => [finding.id, finding.severity])).toEqual([['partial-uploads', 'info']]);
		const stuck = findingsFor([image(1, {status: 'saving'}), image(2, {status: 'saving'})], [file(imageUuid(1), 100, {mtimeMs: now - 2 * 3_600_000}), file(imageUuid(2), 5, {mtimeMs: now})]);
		expect(stuck[0]?.severity).toBe('warning');
		expect(stuck[0]?.title).toMatch(/1 upload has not moved/);
		expect(stuck[0]?.evidence.join(' ')).toContain(imageUuid(1));
	});

	it('Glance unavailable gives an unknown-severity finding with the reason, the hint and what was still listed', () => {
		const findings = inventoryFindings(buildInventory(glanceDown, filesOk([file(imageUuid(1), GiB)]), noChecks), {now});
		expect(findings).toHaveLength(1);
		expect(findings[0]).toMatchObject({id: 'glance-unavailable', severity: 'unknown', action: 'Glance runs in glance_api, which is not running: docker start glance_api'});
		expect(findings[0]?.evidence).toEqual(['http://127.0.0.1:9292/v2/images: connection refused', '1 file listed without a verdict (1 GiB)']);
	});

	it('an empty file of an active image is critical', () => {
		const findings = findingsFor([image(1)], [file(imageUuid(1), 0)]);
		expect(findings.map(finding => [finding.id, finding.severity])).toEqual([['image-empty-file', 'critical']]);
	});
});

describe('at scale', () => {
	it('joins 50,000 images with their files quickly', () => {
		const count = 50_000;
		const images: GlanceImage[] = [];
		const files: DatadirFile[] = [];
		for (let n = 0; n < count; n++) {
			images.push(image(n, {size: 1000 + n}));
			// Every 10th file is missing and every 7th has the wrong size; 1,000 orphans on top.
			if (n % 10 !== 0) files.push(file(imageUuid(n), n % 7 === 0 ? 1 : 1000 + n));
		}
		for (let n = count; n < count + 1000; n++) files.push(file(imageUuid(n), 5));
		const started = performance.now();
		const inventory = buildInventory(glanceOk(images), filesOk(files), noChecks);
		const tookMs = performance.now() - started;
		expect(inventory.rows).toHaveLength(count + 1000);
		expect(inventory.totals['missing-file'].count).toBe(5000);
		expect(inventory.totals['orphan-file'].count).toBe(1000);
		const counted = (verdict: ImageVerdict) => inventory.totals[verdict].count;
		expect(counted('ok') + counted('size-mismatch')).toBe(45_000);
		expect(tookMs).toBeLessThan(1000);
	});
});

describe('glance-unavailable weighs what went wrong', () => {
	const files: DatadirListing = {at: 0, state: 'ok', directory: '/d', files: [{name: '0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58', size: 1, mtimeMs: 0, kind: 'file'}], tookMs: 1};
	const unavailable = (problem: GlanceListing extends infer L ? (L extends {problem: infer P} ? P : never) : never): GlanceListing => ({at: 0, state: 'unavailable', problem, reason: 'r', hint: 'h', endpoint: null, authSource: null});

	it('is information only when no credentials are configured, unknown when Glance refuses or is down', () => {
		const severity = (listing: GlanceListing) => inventoryFindings(buildInventory(listing, files, new Map())).find(finding => finding.id === 'glance-unavailable')?.severity;
		expect(severity(unavailable('glance-not-configured'))).toBe('info');
		expect(severity(unavailable('glance-auth-failed'))).toBe('unknown');
		expect(severity(unavailable('glance-unreachable'))).toBe('unknown');
	});
});

describe('entry types and sizes on disk', () => {
	it('names the type of an entry that has an image id for a name but is not a regular file', () => {
		for (const [kind, words] of [['fifo', 'a FIFO (named pipe)'], ['socket', 'a socket'], ['char-device', 'a character device'], ['block-device', 'a block device'], ['directory', 'a directory'], ['symlink', 'a symlink']] as const) {
			const row = verdictOf([image(1)], [file(imageUuid(1), 0, {kind})], imageUuid(1));
			expect(row.verdict).toBe('missing-file');
			expect(row.note).toContain(`an entry of this name exists but is ${words}`);
			expect(row.note).not.toMatch(/\ba other\b/);
		}
	});

	it('compares the apparent size with Glance, and says what a sparse file takes on disk', () => {
		const sparse = verdictOf([image(1)], [file(imageUuid(1), GiB, {allocated: 4096})], imageUuid(1));
		expect(sparse.verdict).toBe('ok');
		expect(sparse.note).toBe('file present, 1 GiB as Glance says; 4 KiB allocated on disk');
		const short = verdictOf([image(1)], [file(imageUuid(1), GiB / 2, {allocated: GiB / 2})], imageUuid(1));
		expect(short.verdict).toBe('size-mismatch');
		expect(short.note).not.toContain('allocated');
	});

	it('counts allocated bytes in the totals: an orphan that is sparse takes what it allocates', () => {
		const inventory = buildInventory(glanceOk([]), filesOk([file(imageUuid(7), 10 * GiB, {allocated: 1024 ** 2})]), noChecks);
		expect(inventory.totals['orphan-file'].bytes).toBe(1024 ** 2);
		expect(rowOf(inventory, imageUuid(7)).note).toContain('file of 1 MiB allocated, 10 GiB apparent');
	});
});
