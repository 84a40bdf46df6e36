// The Keystone + Glance client against the real lab: kolla's openrc, real tokens, real uploads, paging,
// an application credential, refused and unreachable services, and a cross-check with `openstack image list`.
import {execFile} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {GlanceImage, GlanceListing} from '../../source/model/types.js';
import type {GlanceAccess} from '../../source/model/openstack/credentials.js';
import {GlanceClient} from '../../source/world/real/openstack/glance.js';
import {glanceAccessOnThisMachine} from '../../source/world/real/openstack/machine.js';
import {adminToken, glanceUrl, keystoneUrl, openrc, openrcPath, upload, type Token, type Uploaded} from '../support/glance-lab.js';
import {lab} from '../support/lab.js';

const run = promisify(execFile);
const adminPassword = openrc['OS_PASSWORD']!;
const timeoutMs = 10_000;

function resolveFrom(env: Record<string, string | undefined>, flags: {openrc?: string; glanceUrl?: string} = {}): GlanceAccess {
	const result = glanceAccessOnThisMachine(flags, env, {homeDir: '/nonexistent-home', cwd: '/nonexistent-cwd'});
	if (!result.ok) throw new Error(`credentials did not resolve: ${result.problem.reason} — ${result.problem.hint}`);
	return result.value;
}

function available(listing: GlanceListing) {
	if (listing.state !== 'ok') throw new Error(`expected images, got ${listing.problem}: ${listing.reason} — ${listing.hint}`);
	return listing;
}

function unavailable(listing: GlanceListing) {
	if (listing.state !== 'unavailable') throw new Error(`expected the listing to fail, got ${listing.images.length} images`);
	return listing;
}

function ids(images: GlanceImage[] | Array<{ID: string}>): Set<string> {
	return new Set(images.map(image => ('ID' in image ? image.ID : image.id)));
}

/**
 * Other suites create and delete images on the same lab while this runs: ids present before and after a
 * listing must be in it, and it may only hold ids seen before or after.
 */
function expectConsistent(middle: Set<string>, before: Set<string>, after: Set<string>, label: string): void {
	const stable = [...before].filter(id => after.has(id));
	expect(stable.filter(id => !middle.has(id)), `${label}: images listed before and after but missing`).toEqual([]);
	expect([...middle].filter(id => !before.has(id) && !after.has(id)), `${label}: images nobody else saw`).toEqual([]);
}

async function openstackImageIds(extra: string[]): Promise<Set<string>> {
	const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OS_')));
	const {stdout} = await run('openstack', ['image', 'list', '--all', '--long', '-f', 'json', ...extra], {env: {...env, ...openrc}, timeout: 60_000, maxBuffer: 64 * 1024 * 1024});
	return ids(JSON.parse(stdout) as Array<{ID: string}>);
}

async function closedPort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

// ---- The suite ----

const tag = `glance-client-test-${randomBytes(3).toString('hex')}`;
let token: Token;
let uploaded: Uploaded[] = [];
let appCredential: {id: string; secret: string} | null = null;

beforeAll(async () => {
	token = await adminToken();
	uploaded = [
		await upload(token, `${tag}-small`, randomBytes(1000), false),
		await upload(token, `${tag}-medium`, randomBytes(70_001), false),
		await upload(token, `${tag}-hidden`, randomBytes(150_000), true),
	];
});

afterAll(async () => {
	const fresh = await adminToken();
	for (const image of uploaded) await fetch(`${glanceUrl}/v2/images/${image.id}`, {method: 'DELETE', headers: {'X-Auth-Token': fresh.value}});
	if (appCredential) await fetch(`${keystoneUrl}/users/${fresh.userId}/application_credentials/${appCredential.id}`, {method: 'DELETE', headers: {'X-Auth-Token': fresh.value}});
});

describe('the Glance client on the real lab', () => {
	it('authenticates from kolla\'s admin-openrc.sh and lists the uploaded images with their sizes and hashes', async () => {
		const access = resolveFrom({}, {openrc: openrcPath});
		expect(access.source).toBe(`openrc ${openrcPath} (user admin, project admin)`);
		const client = new GlanceClient(access, {timeoutMs});
		const listing = available(await client.listImages());
		expect(listing.endpoint).toBe(glanceUrl);
		console.log(`listed ${listing.images.length} images in ${listing.tookMs} ms (${listing.pages} pages, including one Keystone token)`);
		const again = available(await client.listImages());
		console.log(`again with the cached token: ${again.tookMs} ms`);
		expect(client.authentications).toBe(1);
		for (const expected of uploaded) {
			const image = listing.images.find(each => each.id === expected.id);
			expect(image, `image ${expected.id}`).toBeDefined();
			expect(image).toMatchObject({
				status: 'active',
				size: expected.data.length,
				checksum: createHash('md5').update(expected.data).digest('hex'),
				osHashAlgo: 'sha512',
				osHashValue: createHash('sha512').update(expected.data).digest('hex'),
				hidden: expected.hidden,
				stores: ['file'],
				diskFormat: 'raw',
			});
			// The file store keeps each image flat as <datadir>/<id>, here on the export behind the share.
			const stored = readFileSync(path.join(lab.LAB_EXPORT_DATADIR!, expected.id));
			expect(stored.equals(expected.data)).toBe(true);
		}
	});

	it('pages through one image at a time and finds the same set, hidden images included', async () => {
		const client = new GlanceClient(resolveFrom({}, {openrc: openrcPath}), {timeoutMs});
		const before = available(await client.listImages());
		const paged = available(await new GlanceClient(resolveFrom({}, {openrc: openrcPath}), {timeoutMs, pageSize: 1}).listImages());
		const after = available(await client.listImages());
		console.log(`pageSize 1: ${paged.images.length} images in ${paged.pages} pages, ${paged.tookMs} ms; pageSize 1000: ${before.pages} pages, ${before.tookMs} ms`);
		expect(before.pages).toBe(2);
		expect(paged.pages).toBeGreaterThan(paged.images.length);
		expectConsistent(ids(paged.images), ids(before.images), ids(after.images), 'pageSize 1');
		for (const image of uploaded) expect(ids(paged.images).has(image.id)).toBe(true);
		expect(paged.images.find(each => each.id === uploaded[2]!.id)!.hidden).toBe(true);
	});

	it('authenticates with an application credential created through Keystone, given as OS_* variables', async () => {
		const response = await fetch(`${keystoneUrl}/users/${token.userId}/application_credentials`, {
			method: 'POST',
			headers: {'Content-Type': 'application/json', 'X-Auth-Token': token.value},
			body: JSON.stringify({application_credential: {name: tag, description: 'glance-inspector lab test'}}),
		});
		expect(response.status).toBe(201);
		const created = ((await response.json()) as {application_credential: {id: string; secret: string}}).application_credential;
		appCredential = created;
		const access = resolveFrom({
			OS_AUTH_TYPE: 'v3applicationcredential',
			OS_AUTH_URL: openrc['OS_AUTH_URL'],
			OS_APPLICATION_CREDENTIAL_ID: created.id,
			OS_APPLICATION_CREDENTIAL_SECRET: created.secret,
			OS_INTERFACE: 'internal',
			OS_REGION_NAME: lab.LAB_REGION,
		});
		expect(access.source).toBe(`environment OS_* (application credential ${created.id.slice(0, 8)}…)`);
		const listing = available(await new GlanceClient(access, {timeoutMs}).listImages());
		for (const image of uploaded) expect(ids(listing.images).has(image.id)).toBe(true);
		expect(JSON.stringify(listing)).not.toContain(created.secret);

		const wrongSecret = 'not-the-secret-' + randomBytes(8).toString('hex');
		const refused = unavailable(await new GlanceClient(resolveFrom({OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: openrc['OS_AUTH_URL'], OS_APPLICATION_CREDENTIAL_ID: created.id, OS_APPLICATION_CREDENTIAL_SECRET: wrongSecret}), {timeoutMs}).listImages());
		expect(refused.problem).toBe('glance-auth-failed');
		expect(JSON.stringify(refused)).not.toContain(wrongSecret);
	});

	it('reports a wrong password as glance-auth-failed, naming the source and never the password', async () => {
		const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;
		const access = resolveFrom({...openrc, OS_PASSWORD: wrongPassword});
		const listing = unavailable(await new GlanceClient(access, {timeoutMs}).listImages());
		expect(listing.problem).toBe('glance-auth-failed');
		expect(listing.reason).toMatch(/^Keystone refused the credentials from environment OS_\* \(user admin, project admin\): 401/);
		expect(listing.hint).toContain('OS_PASSWORD');
		const everything = JSON.stringify(listing);
		expect(everything).not.toContain(wrongPassword);
		expect(everything).not.toContain(adminPassword);
	});

	it('reports a closed port as glance-unreachable within the timeout', async () => {
		const port = await closedPort();
		const started = Date.now();
		const keystoneDown = unavailable(await new GlanceClient(resolveFrom({...openrc, OS_AUTH_URL: `http://127.0.0.1:${port}`}), {timeoutMs: 2000}).listImages());
		expect(Date.now() - started).toBeLessThan(2000);
		expect(keystoneDown).toMatchObject({problem: 'glance-unreachable', reason: `Keystone at http://127.0.0.1:${port}/v3/auth/tokens: connection refused`});
		const glanceDown = unavailable(await new GlanceClient(resolveFrom({OS_TOKEN: token.value}, {glanceUrl: `http://127.0.0.1:${port}`}), {timeoutMs: 2000}).listImages());
		expect(glanceDown).toMatchObject({problem: 'glance-unreachable', reason: `Glance at http://127.0.0.1:${port}/v2/images?limit=1000&visibility=all: connection refused`});
	});

	it('talks to Glance directly with --glance-url and OS_TOKEN, and is refused without a token', async () => {
		const withToken = available(await new GlanceClient(resolveFrom({OS_TOKEN: token.value}, {glanceUrl}), {timeoutMs}).listImages());
		for (const image of uploaded) expect(ids(withToken.images).has(image.id)).toBe(true);
		const anonymous = unavailable(await new GlanceClient(resolveFrom({}, {glanceUrl}), {timeoutMs}).listImages());
		expect(anonymous.problem).toBe('glance-auth-failed');
		expect(anonymous.reason).toMatch(/^Glance refused a request without a token/);
	});

	it('reads the first bytes of an uploaded image through the API', async () => {
		const client = new GlanceClient(resolveFrom({}, {openrc: openrcPath}), {timeoutMs});
		const first = await client.downloadFirstBytes(uploaded[1]!.id, 4096);
		expect(first).toMatchObject({ok: true, value: {status: 200, contentLength: uploaded[1]!.data.length}});
		if (first.ok) expect(Buffer.from(first.value.bytes).equals(uploaded[1]!.data.subarray(0, 4096))).toBe(true);
	});

	it('lists the same ids as `openstack image list`, hidden images included', async () => {
		const client = new GlanceClient(resolveFrom({}, {openrc: openrcPath}), {timeoutMs});
		const before = ids(available(await client.listImages()).images);
		const started = Date.now();
		const [visible, hidden] = [await openstackImageIds([]), await openstackImageIds(['--hidden'])];
		const cliMs = Date.now() - started;
		const after = ids(available(await client.listImages()).images);
		console.log(`openstack image list (visible + --hidden): ${visible.size} + ${hidden.size} ids in ${cliMs} ms`);
		const hiddenImage = uploaded[2]!.id;
		expect(hidden.has(hiddenImage)).toBe(true);
		expect(visible.has(hiddenImage)).toBe(false);
		expectConsistent(new Set([...visible, ...hidden]), before, after, 'openstack image list');
		for (const image of uploaded) expect(after.has(image.id)).toBe(true);
	});
});
