// The image inventory on real parts: real Keystone and Glance (in the glance_api container, datadir on the
// sshfs share), real uploads, then drift made on disk, as an operator would find it.
import {execFile} from 'node:child_process';
import {randomBytes, randomUUID} from 'node:crypto';
import {mkdtempSync, openSync, readFileSync, closeSync, rmSync, truncateSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildInventory} from '../../source/model/inventory.js';
import type {ChecksumOutcome, GlanceImage, Inventory} from '../../source/model/types.js';
import {inventoryFindings} from '../../source/model/inventory.js';
import {resolveSettings, type Flags} from '../../source/settings.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import {adminToken, createImage, deleteImages, openrc, openrcPath, upload, type Uploaded} from '../support/glance-lab.js';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';

const run = promisify(execFile);
const exportDir = lab.LAB_EXPORT_DATADIR!;

function worldWith(flags: Flags = {}): RealWorld {
	const resolved = resolveSettings({
		flags: {datadir: lab.LAB_DATADIR, container: lab.LAB_CONTAINER, probeTimeout: 3, openrc: openrcPath, ...flags},
		env: {},
		globals: {path: '/nonexistent/globals.yml', text: null, readError: null},
		containerGlanceSource: null,
	});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	return new RealWorld(resolved.value);
}

async function inventoryOf(world: RealWorld, checks: ReadonlyMap<string, ChecksumOutcome> = new Map()): Promise<Inventory> {
	const [glance, files] = await Promise.all([world.listGlanceImages(), world.listDatadir()]);
	return buildInventory(glance, files, checks);
}

function verdictOf(inventory: Inventory, id: string): string | undefined {
	return inventory.rows.find(row => row.id === id)?.verdict;
}

const tag = `inventory-test-${randomBytes(3).toString('hex')}`;
let images: Record<'intact' | 'deleted' | 'truncated' | 'flipped' | 'emptied' | 'hidden', Uploaded>;
let queuedId: string;
const strayId = randomUUID();
const strayNames = [strayId, `${tag}.part`];

beforeAll(async () => {
	const token = await adminToken();
	images = {
		intact: await upload(token, `${tag}-intact`, randomBytes(300_000)),
		deleted: await upload(token, `${tag}-deleted`, randomBytes(120_000)),
		truncated: await upload(token, `${tag}-truncated`, randomBytes(200_000)),
		flipped: await upload(token, `${tag}-flipped`, randomBytes(2 * 1024 * 1024)),
		emptied: await upload(token, `${tag}-emptied`, randomBytes(50_000)),
		hidden: await upload(token, `${tag}-hidden`, randomBytes(10_000), true),
	};
	queuedId = await createImage(token, `${tag}-queued`);
	// The drift, made on the share's export as a failing disk, a clumsy operator or a crash would make it.
	unlinkSync(path.join(exportDir, images.deleted.id));
	truncateSync(path.join(exportDir, images.truncated.id), 100_000);
	truncateSync(path.join(exportDir, images.emptied.id), 0);
	const flipped = openSync(path.join(exportDir, images.flipped.id), 'r+');
	writeSync(flipped, Buffer.from([images.flipped.data[1_000_000]! ^ 0xff]), 0, 1, 1_000_000);
	closeSync(flipped);
	writeFileSync(path.join(exportDir, strayId), randomBytes(70_000));
	writeFileSync(path.join(exportDir, `${tag}.part`), 'not an image');
}, 120_000);

afterAll(async () => {
	await deleteImages([...Object.values(images).map(image => image.id), queuedId]);
	for (const name of strayNames) rmSync(path.join(exportDir, name), {force: true});
});

describe('the inventory against real Glance and the real datadir', () => {
	it('gives each drifted image its verdict', async () => {
		const inventory = await inventoryOf(worldWith());
		expect(inventory.glanceUnavailable).toBeNull();
		expect(verdictOf(inventory, images.intact.id)).toBe('ok');
		expect(verdictOf(inventory, images.hidden.id)).toBe('ok');
		expect(verdictOf(inventory, images.deleted.id)).toBe('missing-file');
		expect(verdictOf(inventory, images.truncated.id)).toBe('size-mismatch');
		expect(verdictOf(inventory, images.emptied.id)).toBe('empty-file');
		expect(verdictOf(inventory, strayId)).toBe('orphan-file');
		expect(verdictOf(inventory, queuedId)).toBe('no-data');
		// Same size, different bytes: only a checksum tells, and none was asked for yet.
		expect(verdictOf(inventory, images.flipped.id)).toBe('ok');
		expect(inventory.others.map(entry => entry.name)).toContain(`${tag}.part`);
		expect(inventory.rows.map(row => row.id)).not.toContain(`${tag}.part`);

		const ids = inventoryFindings(inventory).map(finding => finding.id);
		expect(ids).toEqual(expect.arrayContaining(['image-missing-file', 'orphan-files', 'size-mismatch', 'image-empty-file']));
		const orphans = inventoryFindings(inventory).find(finding => finding.id === 'orphan-files')!;
		expect(orphans.evidence.join(' ') + orphans.title + orphans.action).toMatch(/scrubber|pending_delete/);
	});

	it('verifies checksums by reading the file: the flipped byte is a checksum-mismatch, the intact one ok', async () => {
		const world = worldWith();
		const glance = await world.listGlanceImages();
		if (glance.state !== 'ok') throw new Error(glance.reason);
		const image = (id: string): GlanceImage => glance.images.find(each => each.id === id)!;
		const progress: ChecksumOutcome[] = [];
		const flipped = await world.verifyChecksum(image(images.flipped.id), outcome => progress.push(outcome), new AbortController().signal);
		expect(flipped.state).toBe('checksum-mismatch');
		const intact = await world.verifyChecksum(image(images.intact.id), () => {}, new AbortController().signal);
		expect(intact).toMatchObject({state: 'ok', algorithm: 'sha512', md5Matches: true, bytes: images.intact.data.length});
		const inventory = await inventoryOf(world, new Map([[images.flipped.id, flipped]]));
		expect(verdictOf(inventory, images.flipped.id)).toBe('checksum-mismatch');
		expect(inventoryFindings(inventory).map(finding => finding.id)).toContain('checksum-mismatch');
	});

	it('reports the same image ids as openstack image list, hidden images included', async () => {
		const inventory = await inventoryOf(worldWith());
		const env: NodeJS.ProcessEnv = {...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OS_'))), ...openrc};
		const list = async (extra: string[]) => {
			const {stdout} = await run('openstack', ['image', 'list', '--all', '--long', '-f', 'json', ...extra], {env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024});
			return (JSON.parse(stdout) as Array<{ID: string}>).map(each => each.ID);
		};
		const expected = new Set([...(await list([])), ...(await list(['--hidden']))]);
		const reported = new Set(inventory.rows.filter(row => row.image !== null).map(row => row.id));
		for (const id of [images.hidden.id, images.intact.id, queuedId]) expect(reported.has(id)).toBe(true);
		expect([...reported].filter(id => !expected.has(id))).toEqual([]);
		expect([...expected].filter(id => !reported.has(id))).toEqual([]);
	});

	it('says glance-auth-failed on a wrong password, and never shows the password', async () => {
		const wrong = `wrong-${randomBytes(6).toString('hex')}`;
		const directory = mkdtempSync(path.join(tmpdir(), 'gi-openrc-'));
		const badOpenrc = path.join(directory, 'admin-openrc.sh');
		writeFileSync(badOpenrc, readFileSync(openrcPath, 'utf8').replace(/^export OS_PASSWORD=.*$/m, `export OS_PASSWORD='${wrong}'`));
		const listing = await worldWith({openrc: badOpenrc}).listGlanceImages();
		expect(listing).toMatchObject({state: 'unavailable', problem: 'glance-auth-failed'});
		expect(JSON.stringify(listing)).not.toContain(wrong);
		const output = await sh(`node ${repoRoot}/bin/glance-inspector.js --json --datadir ${lab.LAB_DATADIR} --openrc ${badOpenrc} || true`);
		expect(output).toContain('glance-auth-failed');
		expect(output).not.toContain(wrong);
	});

	it('still lists the files, marked with the reason, while Glance is stopped', async () => {
		await sh(`docker stop -t 5 ${lab.LAB_CONTAINER}`);
		try {
			const inventory = await inventoryOf(worldWith());
			expect(inventory.glanceUnavailable).toMatch(/refused|unreachable|connect/i);
			const stray = inventory.rows.find(row => row.id === strayId);
			expect(stray?.verdict).toBe('unknown');
			expect(stray?.note).toContain('Glance unavailable');
			expect(inventory.rows.find(row => row.id === images.intact.id)?.verdict).toBe('unknown');
			expect(inventoryFindings(inventory).map(finding => finding.id)).toContain('glance-unavailable');
		} finally {
			await labScript('up');
		}
	});

	it('lists every row in --json', async () => {
		const {stdout} = await run('node', [`${repoRoot}/bin/glance-inspector.js`, '--json', '--datadir', lab.LAB_DATADIR!, '--openrc', openrcPath], {timeout: 60_000, maxBuffer: 64 * 1024 * 1024}).catch(error => error as {stdout: string});
		const report = JSON.parse(stdout) as {inventory: Inventory; findings: Array<{id: string}>};
		const verdicts = Object.fromEntries(report.inventory.rows.map(row => [row.id, row.verdict]));
		expect(verdicts[images.deleted.id]).toBe('missing-file');
		expect(verdicts[strayId]).toBe('orphan-file');
		expect(report.findings.map(finding => finding.id)).toContain('image-missing-file');
		expect(stdout).not.toContain(openrc['OS_PASSWORD']!);
	});
});
