// Users' data first, on the real lab: glance_api restarted while the share was not mounted writes uploads onto
// the root disk; mounted again, they are hidden under the mount point. The tool finds them (JSON and screen),
// the recovery in the real binary puts them back, Glance serves their bytes, and the copies under the mount
// point stay. A file already on the share is never overwritten; a file whose hash is not Glance's is not copied;
// with a member-role user no file is called an orphan.
import {execFile} from 'node:child_process';
import {createHash, randomBytes, randomUUID} from 'node:crypto';
import {chmodSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {Finding, Inventory, InventoryRow, UnderMountListing} from '../../source/model/types.js';
import {resolveSettings} from '../../source/settings.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import {readAudit} from '../support/audit.js';
import {adminToken, deleteImages, glanceUrl, keystoneUrl, openrc, openrcPath, upload, type Token, type Uploaded} from '../support/glance-lab.js';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

const run = promisify(execFile);
const share = lab.LAB_MOUNTPOINT!;
const datadir = lab.LAB_DATADIR!;
const container = lab.LAB_CONTAINER!;
const binary = `${repoRoot}/bin/glance-inspector.js`;
/** The share's mount point as it lies on the root filesystem, under the share. */
const hiddenShare = path.posix.relative('/', share);
const datadirName = path.posix.relative(share, datadir);

type Report = {exitCode: number; findings: Finding[]; inventory: Inventory; snapshot: {underMount?: UnderMountListing}};

let fresh: Uploaded;
let mismatched: Uploaded;
let onShareAlready: Uploaded;
let large: Uploaded;
/** What a test wrote on the share under an image's name, and the orphan with no image. */
const shareFileOfOnShareAlready = randomBytes(20_000);
const orphanName = randomUUID();
let duringOutage: Report;
let member: {id: string; openrc: string} | null = null;
let terminal: Terminal | null = null;
/** What lay under the share's mount point before the outage: the directories Glance makes during it are the test's to remove. */
let underBefore: string[] = [];

function sha512(data: Buffer): string {
	return createHash('sha512').update(data).digest('hex');
}

function world(): RealWorld {
	const resolved = resolveSettings({flags: {datadir, container, probeTimeout: 5, openrc: openrcPath}, env: {}, globals: {path: '/nonexistent', text: null, readError: null}, containerGlanceSource: null});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	return new RealWorld(resolved.value);
}

async function report(openrcFile = openrcPath): Promise<Report> {
	const answer = await run('node', [binary, '--json', '--datadir', datadir, '--container', container, '--openrc', openrcFile], {maxBuffer: 64 * 1024 * 1024}).then(
		done => ({stdout: done.stdout, code: 0}),
		(failed: {stdout: string; code: number}) => ({stdout: failed.stdout, code: failed.code}),
	);
	const parsed = JSON.parse(answer.stdout) as Report;
	return {...parsed, exitCode: answer.code};
}

function row(of: Report, id: string): InventoryRow | undefined {
	return of.inventory.rows.find(each => each.id === id);
}

async function glanceAnswers(token: Token): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		const status = await fetch(`${glanceUrl}/v2/images?limit=1`, {headers: {'X-Auth-Token': token.value}}).then(
			response => response.status,
			() => 0,
		);
		if (status === 200) return;
		await new Promise(resolve => setTimeout(resolve, 300));
	}
	throw new Error('Glance did not answer within 60 s of docker start');
}

async function download(id: string): Promise<{status: number; bytes: Buffer}> {
	const token = await adminToken();
	const response = await fetch(`${glanceUrl}/v2/images/${id}/file`, {headers: {'X-Auth-Token': token.value}});
	return {status: response.status, bytes: Buffer.from(await response.arrayBuffer())};
}

/** Runs `command` in the share's mount point directory as it lies under the share, in a private namespace the host never sees. */
async function underMount(command: string, readOnly = true): Promise<string> {
	return sh(`unshare -m --propagation private sh -c 'd=$(mktemp -d) && mount --bind${readOnly ? ' -o ro' : ''} / "$d" && cd "$d/${hiddenShare}" && ${command}; cd /; umount "$d"; rmdir "$d"'`);
}

async function keystone(method: string, route: string, token: Token, body?: unknown): Promise<Record<string, unknown>> {
	const response = await fetch(`${keystoneUrl}${route}`, {method, headers: {'Content-Type': 'application/json', 'X-Auth-Token': token.value}, ...(body ? {body: JSON.stringify(body)} : {})});
	if (response.status >= 300) throw new Error(`Keystone ${method} ${route} answered ${response.status}: ${await response.text()}`);
	return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/** A real Keystone user with only the member role in the admin project, and an openrc for it. */
async function memberUser(): Promise<{id: string; openrc: string}> {
	const token = await adminToken();
	const roles = (await keystone('GET', '/roles?name=member', token)).roles as Array<{id: string}>;
	const role = roles[0] ?? ((await keystone('POST', '/roles', token, {role: {name: 'member'}})).role as {id: string});
	const projects = (await keystone('GET', `/projects?name=${encodeURIComponent(openrc['OS_PROJECT_NAME']!)}`, token)).projects as Array<{id: string; domain_id: string}>;
	const project = projects[0]!;
	const password = randomBytes(12).toString('hex');
	const user = (await keystone('POST', '/users', token, {user: {name: `shadow-member-${randomBytes(3).toString('hex')}`, password, domain_id: project.domain_id}})).user as {id: string; name: string};
	await keystone('PUT', `/projects/${project.id}/users/${user.id}/roles/${role.id}`, token);
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'gi-member-')), 'member-openrc.sh');
	const lines = Object.entries({...openrc, OS_USERNAME: user.name, OS_PASSWORD: password}).map(([key, value]) => `export ${key}='${value}'`);
	writeFileSync(file, lines.join('\n') + '\n', {mode: 0o600});
	return {id: user.id, openrc: file};
}

beforeAll(async () => {
	await labScript('heal');
	const token = await adminToken();
	underBefore = (await underMount('ls -A')).split('\n').filter(Boolean);
	// The outage: glance_api restarted while the share is not mounted binds the bare directory on the root disk.
	await sh(`docker stop -t 10 ${container}`);
	// Lazily: a stray process left in the share by an earlier run must not stop the outage from happening.
	await sh(`umount -l ${share}`);
	await sh(`docker start ${container}`);
	await glanceAnswers(token);
	fresh = await upload(token, `shadow-fresh-${randomBytes(3).toString('hex')}`, randomBytes(300_000));
	large = await upload(token, `shadow-large-${randomBytes(3).toString('hex')}`, randomBytes(3 * 1024 * 1024));
	mismatched = await upload(token, `shadow-mismatched-${randomBytes(3).toString('hex')}`, randomBytes(100_000));
	onShareAlready = await upload(token, `shadow-on-share-${randomBytes(3).toString('hex')}`, randomBytes(50_000));
	// Root disk damage the tool must catch: same size, one byte changed.
	const descriptor = openSync(path.join(datadir, mismatched.id), 'r+');
	writeSync(descriptor, Buffer.from([mismatched.data[10]! ^ 0xff]), 0, 1, 10);
	closeSync(descriptor);
	duringOutage = await report();
	// The seed's procedure: stop, mount, start.
	await sh(`docker stop -t 10 ${container}`);
	await sh(`mount ${share}`);
	await sh(`docker start ${container}`);
	await glanceAnswers(token);
	// On the share (written through it, so no listing cache hides them): a file under one image's name, and an orphan.
	writeFileSync(path.join(datadir, onShareAlready.id), shareFileOfOnShareAlready);
	writeFileSync(path.join(datadir, orphanName), randomBytes(10_000));
}, 240_000);

afterEach(async () => {
	await terminal?.close();
	terminal = null;
});

afterAll(async () => {
	const ids = [fresh, large, mismatched, onShareAlready].filter(Boolean).map(each => each.id);
	await deleteImages(ids);
	rmSync(path.join(datadir, orphanName), {force: true});
	// The test's own files under the mount point, removed read-write in its own private namespace; nothing else.
	const made = [datadirName, 'os_glance_staging_store', 'os_glance_tasks_store'].filter(name => !underBefore.includes(name));
	if (ids.length > 0) await underMount(`rm -f ${ids.map(id => `${datadirName}/${id}`).join(' ')}; rmdir ${made.join(' ')} 2>/dev/null || true`, false);
	if (member) await keystone('DELETE', `/users/${member.id}`, await adminToken()).catch(() => ({}));
	await labScript('heal');
}, 120_000);

describe('images written under the mount point, on the real lab', () => {
	it('while the share is not mounted: uploads land on the root disk right now, with its free space', () => {
		const finding = duringOutage.findings.find(each => each.id === 'uploads-on-root-disk');
		expect(finding?.severity).toBe('critical');
		expect(finding?.title).toMatch(/Uploads land on the parent filesystem right now, not on the share \([\d.]+ \w+ free of [\d.]+ \w+\)/);
		expect(finding?.evidence.join('\n')).toContain(`${container} is running: every image uploaded or snapshot taken now is written there`);
		expect(finding?.evidence.join('\n')).toMatch(/4 image files are there now/);
	});

	it('mounted again: the JSON report calls them shadowed-file with counts, bytes and recoverable; the other file there is listed apart', async () => {
		const json = await report();
		expect(json.exitCode).toBe(2);
		for (const image of [fresh, large, mismatched]) {
			expect(row(json, image.id)?.verdict).toBe('shadowed-file');
			expect(row(json, image.id)?.note).toContain('recoverable');
			expect(row(json, image.id)?.hidden?.size).toBe(image.data.length);
		}
		const shadowed = json.findings.find(each => each.id === 'shadowed-files');
		expect(shadowed?.title).toMatch(/^3 images are hidden under the mount point \(3\.4 MiB\): recoverable$/);
		expect(shadowed?.evidence[0]).toContain(`written to ${datadir} on the parent filesystem (/)`);
		// The image whose name is on the share is no shadowed image: its hidden copy is listed apart.
		expect(row(json, onShareAlready.id)?.verdict).not.toBe('shadowed-file');
		const others = json.findings.find(each => each.id === 'under-mount-files');
		expect(others?.evidence[0]).toContain(onShareAlready.id);
		const hidden = json.snapshot.underMount;
		expect(hidden?.state).toBe('ok');
		if (hidden?.state === 'ok') expect(hidden.files.map(file => file.name)).toEqual(expect.arrayContaining([fresh.id, large.id, mismatched.id, onShareAlready.id]));
		// Nothing was mounted where the host can see it.
		expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(/glance-inspector-under-/);
	});

	it('never overwrites a file already on the share', async () => {
		const real = world();
		const listing = await real.listGlanceImages();
		const image = listing.state === 'ok' ? listing.images.find(each => each.id === onShareAlready.id) : undefined;
		expect(image).toBeDefined();
		const outcome = await real.recoverShadowed(image!, {});
		await real.close();
		expect(outcome).toEqual({state: 'exists', file: path.join(datadir, onShareAlready.id)});
		expect(readFileSync(path.join(datadir, onShareAlready.id)).equals(shareFileOfOnShareAlready)).toBe(true);
	});

	it('the recovery in the binary puts them back: Glance serves their bytes, the mismatch is reported and not copied, the copies stay, one audit record per image', async () => {
		const auditLog = path.join(mkdtempSync(path.join(tmpdir(), 'gi-e2e-recovery-')), 'audit.jsonl');
		terminal = await openTerminal(`node ${binary} --datadir ${datadir} --container ${container} --openrc ${openrcPath} --audit-log ${auditLog} --refresh 1`, {env: {USER: 'e2e-operator'}});
		await terminal.waitFor('shadowed-files', 60_000);
		await terminal.press('Enter');
		const asked = await terminal.waitFor(/Put back 3 images \(3\.4 MiB\) onto the share\? \[y\/N\]/, 15_000);
		expect(asked).toContain('its hash is checked against Glance');
		await terminal.press('y');
		const finished = await terminal.waitFor('shadowed images back onto the share · finished', 120_000);
		expect(finished).toMatch(/✔ shadow-(fresh|large|mismatched)/);
		// Read the whole log of the screen: scroll to its end.
		for (let press = 0; press < 30; press++) await terminal.press('j');
		const end = await terminal.waitFor('rm -i', 5000);
		expect(end).toContain('unshare -m --propagation private');

		for (const image of [fresh, large]) {
			const served = await download(image.id);
			expect(served.status).toBe(200);
			expect(served.bytes.equals(image.data)).toBe(true);
			const listing = await world().listGlanceImages();
			const record = listing.state === 'ok' ? listing.images.find(each => each.id === image.id) : undefined;
			expect(sha512(served.bytes)).toBe(record?.osHashValue);
		}
		// Owner and mode like the image file on the share the recovery names.
		const reason = readAudit(auditLog).find(line => line.event === 'result' && line.outcome === 'recovered')?.detail?.reason ?? '';
		const like = /like (\S+)\)/.exec(reason)?.[1];
		expect(like).toBeDefined();
		const placed = statSync(path.join(datadir, fresh.id));
		const neighbour = like && /^[0-9a-f-]{36}$/.test(like) ? statSync(path.join(datadir, like)) : statSync(like ?? datadir);
		expect({uid: placed.uid, gid: placed.gid}).toEqual({uid: neighbour.uid, gid: neighbour.gid});
		if (like && /^[0-9a-f-]{36}$/.test(like)) expect(placed.mode & 0o777).toBe(neighbour.mode & 0o777);
		expect(() => statSync(path.join(datadir, mismatched.id))).toThrow(/ENOENT/);
		for (const image of [fresh, large, mismatched]) expect(() => statSync(path.join(datadir, `.${image.id}.recovering`))).toThrow(/ENOENT/);
		// The copies under the mount point are all still there.
		const hidden = (await underMount(`ls ${datadirName}`)).split('\n');
		expect(hidden).toEqual(expect.arrayContaining([fresh.id, large.id, mismatched.id]));

		const results = readAudit(auditLog).filter(line => line.event === 'result') as Array<{outcome: string | null; detail?: {imageId?: string; reason?: string}}>;
		expect(Object.fromEntries(results.map(line => [line.detail?.imageId, line.outcome]))).toEqual({[fresh.id]: 'recovered', [large.id]: 'recovered', [mismatched.id]: 'mismatch'});
		expect(results.find(line => line.detail?.imageId === mismatched.id)?.detail?.reason).toMatch(/sha512 is not Glance's/);

		const after = await report();
		expect(row(after, fresh.id)?.verdict).toBe('ok');
		expect(row(after, mismatched.id)?.verdict).toBe('shadowed-file');
	});

	it('with a member-role user: no file is called an orphan, the reason is said', async () => {
		const asAdmin = await report();
		expect(row(asAdmin, orphanName)?.verdict).toBe('orphan-file');
		member = await memberUser();
		chmodSync(member.openrc, 0o600);
		const asMember = await report(member.openrc);
		expect(asMember.inventory.rows.filter(each => each.verdict === 'orphan-file')).toEqual([]);
		expect(row(asMember, orphanName)?.verdict).toBe('unlisted');
		expect(row(asMember, orphanName)?.note).toMatch(/these credentials \([^)]*member[^)]* in project admin\) see only project admin's images/);
		expect(asMember.findings.map(each => each.id)).toContain('unlisted-files');
	});
});
