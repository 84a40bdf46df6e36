import {execFileSync, spawnSync} from 'node:child_process';
import {createServer} from 'node:net';
import {mkdir, mkdtemp, rm, symlink, truncate, utimes, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kindOfMode, listDatadir, listDirectories, restatIfUnchanged} from '../../source/world/real/datadir-list.js';
import {closeProbeWorkers} from '../../source/world/real/probe-worker.js';
import {appendFile, lstat, stat} from 'node:fs/promises';
import type {DatadirFile, DatadirListing, GlanceListing} from '../../source/model/types.js';
import {processesMentioning} from '../support/processes.js';
import {buildInventory} from '../../source/model/inventory.js';
import {glanceImage} from '../support/glance-images.js';

let directory = '';
const imageId = '8d1f3e2a-5b6c-4d7e-8f90-a1b2c3d4e5f6';
const fifoId = '1a2b3c4d-0000-4000-8000-00000000f1f0';
const sparseId = '1a2b3c4d-0000-4000-8000-0000005ba25e';
const denseId = '1a2b3c4d-0000-4000-8000-00000000de25';


beforeAll(async () => {
	directory = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-'));
	await writeFile(path.join(directory, imageId), Buffer.alloc(12_345, 7));
	await writeFile(path.join(directory, 'sparse-image'), '');
	await truncate(path.join(directory, 'sparse-image'), 5 * 1024 ** 3);
	await mkdir(path.join(directory, 'staging'));
	await symlink(imageId, path.join(directory, 'link-to-image'));
	await symlink('/nowhere/at/all', path.join(directory, 'dangling'));
	await writeFile(path.join(directory, '.nfs000001'), 'x');
	await utimes(path.join(directory, imageId), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
});

afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('listDatadir', () => {
	it('lists files, directories and symlinks with lstat sizes and mtimes', async () => {
		const listing = await listDatadir(directory, {timeoutMs: 10_000});
		expect(listing.state).toBe('ok');
		if (listing.state !== 'ok') return;
		expect(listing.directory).toBe(directory);
		const byName = new Map<string, DatadirFile>(listing.files.map(entry => [entry.name, entry]));
		expect([...byName.keys()].sort()).toEqual(['.nfs000001', 'dangling', 'link-to-image', 'sparse-image', 'staging', imageId].sort());
		expect(byName.get(imageId)).toMatchObject({name: imageId, size: 12_345, mtimeMs: Date.parse('2026-01-02T03:04:05Z'), kind: 'file'});
		expect(byName.get(imageId)?.allocated).toBeGreaterThanOrEqual(12_345);
		// A sparse file reports its apparent size, as Glance's recorded size would.
		expect(byName.get('sparse-image')?.size).toBe(5 * 1024 ** 3);
		expect(byName.get('staging')?.kind).toBe('directory');
		// lstat, not stat: the link itself, whose size is the length of its target.
		expect(byName.get('link-to-image')).toMatchObject({kind: 'symlink', size: imageId.length});
		expect(byName.get('dangling')).toMatchObject({kind: 'symlink', size: '/nowhere/at/all'.length});
		expect(listing.tookMs).toBeGreaterThanOrEqual(0);
	});

	it('streams a directory of thousands of entries without losing or repeating any', async () => {
		const big = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-big-'));
		try {
			const names = Array.from({length: 5000}, (_, index) => `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`);
			await Promise.all(names.map((name, index) => writeFile(path.join(big, name), Buffer.alloc(index % 97))));
			const listing = await listDatadir(big, {timeoutMs: 20_000});
			expect(listing.state).toBe('ok');
			if (listing.state !== 'ok') return;
			expect(listing.files.map(entry => entry.name).sort()).toEqual(names);
			expect(listing.files.every(entry => entry.size === Number.parseInt(entry.name.slice(-12), 16) % 97)).toBe(true);
		} finally {
			await rm(big, {recursive: true, force: true});
		}
	});

	it('lstats one at a time while the answers come quickly, in parallel once a batch is slow, and lists the same either way', async () => {
		const mixed = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-mixed-'));
		try {
			const names = Array.from({length: 700}, (_, index) => `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`);
			await Promise.all(names.map((name, index) => writeFile(path.join(mixed, name), Buffer.alloc(index % 13))));
			// A name that is not UTF-8 is lstat'ed by its bytes, in either mode.
			const latin1Name = Buffer.from('caf\xe9-image', 'latin1');
			await writeFile(Buffer.concat([Buffer.from(mixed + path.sep), latin1Name]), Buffer.alloc(42));
			await mkdir(path.join(mixed, 'résumé'));
			const childScript = path.resolve('source/world/real/datadir-list-child.ts');
			const run = (request: object) => {
				const out = spawnSync(process.execPath, [childScript, JSON.stringify({directory: mixed, ...request})], {encoding: 'utf8', timeout: 20_000});
				const lines = out.stdout.trim().split('\n').map(line => JSON.parse(line) as {entries?: Array<[string, number, number, string, number]>; done?: number; parallel?: boolean});
				const entries = lines.flatMap(line => line.entries ?? []).map(([name, size, , kind]) => `${name} ${size} ${kind}`).sort();
				return {entries, end: lines.at(-1)};
			};
			const quick = run({});
			const pooled = run({oneAtATimeMs: 0});
			expect(quick.end).toEqual({done: 702, parallel: false});
			expect(pooled.end).toEqual({done: 702, parallel: true});
			expect(pooled.entries).toEqual(quick.entries);
			expect(quick.entries).toContain(`${latin1Name.toString('utf8')} 42 file`);
			expect(quick.entries.some(entry => /^résumé \d+ directory$/.test(entry))).toBe(true);
			expect(quick.entries).toContain(`${names[12]} 12 file`);
		} finally {
			await rm(mixed, {recursive: true, force: true});
		}
	});

	it('reports a directory that does not exist as missing, with the errno', async () => {
		const listing = await listDatadir(path.join(directory, 'no-such-dir'), {timeoutMs: 10_000});
		expect(listing).toMatchObject({state: 'failed', health: {state: 'missing', errno: 'ENOENT'}});
	});

	it('reports a path that is a file, not a directory, as missing (ENOTDIR)', async () => {
		const listing = await listDatadir(path.join(directory, imageId), {timeoutMs: 10_000});
		expect(listing).toMatchObject({state: 'failed', health: {state: 'missing', errno: 'ENOTDIR'}});
	});

	it('gives up on a child that does not answer in time, kills it, and lists again afterwards', async () => {
		const listing = await listDatadir(directory, {timeoutMs: 1});
		expect(listing).toMatchObject({state: 'failed', health: {state: 'unresponsive'}});
		// The killed child goes away; then a new listing may start.
		await expect.poll(() => processesMentioning(directory), {timeout: 5000}).toEqual([]);
		const again = await listDatadir(directory, {timeoutMs: 10_000});
		expect(again.state).toBe('ok');
	});

	it('names FIFOs and sockets, and gives allocated bytes beside the apparent size of a sparse file', async () => {
		const odd = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-odd-'));
		const server = createServer();
		try {
			execFileSync('mkfifo', [path.join(odd, fifoId)]);
			await new Promise<void>(resolve => server.listen(path.join(odd, 'api.sock'), resolve));
			execFileSync('truncate', ['-s', '3G', path.join(odd, sparseId)]);
			await writeFile(path.join(odd, denseId), Buffer.alloc(64 * 1024, 1));
			const listing = await listDatadir(odd, {timeoutMs: 10_000});
			expect(listing.state).toBe('ok');
			if (listing.state !== 'ok') return;
			const byName = new Map<string, DatadirFile>(listing.files.map(entry => [entry.name, entry]));
			expect(byName.get(fifoId)?.kind).toBe('fifo');
			expect(byName.get('api.sock')?.kind).toBe('socket');
			expect(byName.get(sparseId)).toMatchObject({kind: 'file', size: 3 * 1024 ** 3, allocated: 0});
			expect(byName.get(denseId)?.allocated).toBeGreaterThanOrEqual(64 * 1024);
			// Joined with Glance: the FIFO is no image file and says what it is; the sparse file is judged by its apparent size.
			const glance: GlanceListing = {at: 0, state: 'ok', endpoint: '', authSource: '', pages: 1, tookMs: 1, images: [glanceImage({id: fifoId, size: 10}), glanceImage({id: sparseId, size: 3 * 1024 ** 3})]};
			const inventory = buildInventory(glance, listing, new Map());
			const fifoRow = inventory.rows.find(row => row.id === fifoId);
			expect(fifoRow?.note).toContain('but is a FIFO (named pipe)');
			const sparseRow = inventory.rows.find(row => row.id === sparseId);
			expect(sparseRow?.verdict).toBe('ok');
			expect(sparseRow?.note).toContain('0 B allocated on disk');
		} finally {
			server.close();
			await rm(odd, {recursive: true, force: true});
		}
	});

	it('between full listings, an unchanged directory is looked at by its probe worker: uploads in progress restated, the rest kept', async () => {
		const changing = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-since-'));
		const upload = '00000000-0000-4000-8000-00000000a10d';
		const done = '00000000-0000-4000-8000-0000000000d0';
		try {
			await writeFile(path.join(changing, upload), Buffer.alloc(1000));
			await writeFile(path.join(changing, done), Buffer.alloc(10));
			// The directory's mtime well before the listing, as between two rounds (an mtime this recent would be read again).
			await utimes(changing, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
			const first = await listDatadir(changing, {timeoutMs: 10_000});
			if (first.state !== 'ok') throw new Error(`first listing failed: ${JSON.stringify(first)}`);
			expect(first.directoryMtimeMs).toBe(Date.parse('2026-01-01T00:00:00Z'));
			// The upload grows: its file changes, the directory does not.
			await appendFile(path.join(changing, upload), Buffer.alloc(500));
			const restated = await restatIfUnchanged(changing, first, first.directoryMtimeMs ?? 0, [upload], 10_000);
			expect(restated?.state).toBe('ok');
			if (restated?.state !== 'ok') return;
			expect(restated.files.find(file => file.name === upload)).toMatchObject({size: 1500, kind: 'file', mtimeMs: (await lstat(path.join(changing, upload))).mtimeMs});
			expect(restated.files.find(file => file.name === done)).toBe(first.files.find(file => file.name === done));
			// Through listDatadir, the same answer.
			const since = await listDatadir(changing, {timeoutMs: 10_000, since: {previous: first, watch: [upload]}});
			expect(since.state === 'ok' && since.files.find(file => file.name === upload)?.size).toBe(1500);
			// A new entry moves the directory's mtime: the worker's answer is not taken, and the listing reads the directory.
			await writeFile(path.join(changing, 'new-image'), 'x');
			expect(await restatIfUnchanged(changing, first, first.directoryMtimeMs ?? 0, [upload], 10_000)).toBeNull();
			const relisted = await listDatadir(changing, {timeoutMs: 10_000, since: {previous: first, watch: [upload]}});
			expect(relisted.state === 'ok' && relisted.files.map(file => file.name).sort()).toEqual([done, upload, 'new-image'].sort());
			expect(relisted.state === 'ok' && relisted.directoryMtimeMs).toBe((await stat(changing)).mtimeMs);
		} finally {
			closeProbeWorkers();
			await rm(changing, {recursive: true, force: true});
		}
	});

	it('names file types from lstat mode bits as the listing child does', async () => {
		expect(kindOfMode((await lstat(path.join(directory, imageId))).mode)).toBe('file');
		expect(kindOfMode((await lstat(path.join(directory, 'staging'))).mode)).toBe('directory');
		expect(kindOfMode((await lstat(path.join(directory, 'dangling'))).mode)).toBe('symlink');
		expect(kindOfMode(0o010644)).toBe('fifo');
		expect(kindOfMode(0o140755)).toBe('socket');
		expect(kindOfMode(0o020666)).toBe('char-device');
		expect(kindOfMode(0o060660)).toBe('block-device');
	});

	it('lists several small directories with one child, each with its own answer, in the order asked', async () => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-many-'));
		try {
			await mkdir(path.join(root, 'staging'));
			await writeFile(path.join(root, 'staging', 'leftover'), Buffer.alloc(7));
			await mkdir(path.join(root, 'empty'));
			await writeFile(path.join(root, 'a-file'), 'x');
			const asked = [path.join(root, 'staging'), path.join(root, 'gone'), path.join(root, 'a-file'), path.join(root, 'empty')];
			const listings = await listDirectories(asked, {timeoutMs: 10_000});
			expect([...listings.keys()]).toEqual(asked);
			expect(listings.get(asked[0]!)).toMatchObject({state: 'ok', files: [{name: 'leftover', size: 7, kind: 'file'}]});
			expect(listings.get(asked[1]!)).toMatchObject({state: 'failed', health: {state: 'missing', errno: 'ENOENT'}});
			expect(listings.get(asked[2]!)).toMatchObject({state: 'failed', health: {state: 'missing', errno: 'ENOTDIR'}});
			expect(listings.get(asked[3]!)).toMatchObject({state: 'ok', files: []});
			// A child that does not answer in time: every directory it had not finished is unresponsive.
			const late = await listDirectories(asked, {timeoutMs: 1});
			expect([...late.values()].map(listing => listing.state === 'failed' && listing.health.state)).toEqual(['unresponsive', 'unresponsive', 'unresponsive', 'unresponsive']);
		} finally {
			await rm(root, {recursive: true, force: true});
		}
	});

	it('answers calls made together from one listing, each with only the directories it asked for', async () => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'datadir-list-together-'));
		try {
			for (const name of ['a', 'b', 'c']) {
				await mkdir(path.join(root, name));
				await writeFile(path.join(root, name, `${name}-file`), name);
			}
			const [first, second] = await Promise.all([
				listDirectories([path.join(root, 'a'), path.join(root, 'b')], {timeoutMs: 10_000}),
				listDirectories([path.join(root, 'b'), path.join(root, 'c'), path.join(root, 'none')], {timeoutMs: 10_000}),
			]);
			expect([...first.keys()]).toEqual([path.join(root, 'a'), path.join(root, 'b')]);
			expect([...second.keys()]).toEqual([path.join(root, 'b'), path.join(root, 'c'), path.join(root, 'none')]);
			const names = (listing: DatadirListing | undefined) => (listing?.state === 'ok' ? listing.files.map(file => file.name) : listing?.state === 'failed' ? listing.health.state : null);
			expect(names(first.get(path.join(root, 'a')))).toEqual(['a-file']);
			expect(names(second.get(path.join(root, 'b')))).toEqual(['b-file']);
			expect(names(second.get(path.join(root, 'c')))).toEqual(['c-file']);
			expect(names(second.get(path.join(root, 'none')))).toBe('missing');
		} finally {
			await rm(root, {recursive: true, force: true});
		}
	});
});
