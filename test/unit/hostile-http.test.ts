// The real GlanceClient against a hostile Keystone + Glance on 127.0.0.1, and a second server on another port
// standing for "another origin" that records whatever reaches it: redirects and next links there, bodies
// without end, pagination forever or in a loop, a frozen Glance, escape sequences in names.
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import net from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {GlanceAccess} from '../../source/model/openstack/credentials.js';
import type {GlanceListing} from '../../source/model/types.js';
import {GlanceClient} from '../../source/world/real/openstack/glance.js';

const password = 'hostile-test-password-77';
const token = 'gAAAAA-hostile-test-token';
const mib = 1024 * 1024;

type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

function listen(server: http.Server | net.Server): Promise<string> {
	return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function json(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	response.writeHead(status, {'Content-Type': 'application/json', ...headers}).end(JSON.stringify(body));
}

function image(id: string, name = `img-${id}`): Record<string, unknown> {
	return {id, name, status: 'active', visibility: 'public', os_hidden: false, size: 10, stores: 'file'};
}

/** The other origin: answers like a Glance would, and keeps every request and token that reaches it. */
const reachedOther: Array<{method: string; url: string; token: string | null; body: string}> = [];
const other = http.createServer((request, response) => {
	let body = '';
	request.on('data', chunk => (body += chunk));
	request.on('end', () => {
		reachedOther.push({method: request.method!, url: request.url!, token: (request.headers['x-auth-token'] as string | undefined) ?? null, body});
		json(response, 200, {images: [image('stolen')]});
	});
});

/** Keystone at /v3 (its catalog points at this same server for Glance) unless `keystone` is set; Glance is `glance`. */
let keystone: Route | null = null;
let glance: Route = (_request, response) => json(response, 500, {});
const hostile = http.createServer((request, response) => {
	request.resume();
	request.on('end', () => {
		if (request.url === '/v3/auth/tokens') {
			if (keystone) keystone(request, response);
			else json(response, 201, {token: {expires_at: '2099-01-01T00:00:00Z', issued_at: '2098-12-31T23:00:00Z', catalog: [{type: 'image', endpoints: [{interface: 'internal', region_id: 'RegionOne', url: hostileBase}]}]}}, {'X-Subject-Token': token});
			return;
		}
		glance(request, response);
	});
});
let hostileBase = '';
let otherBase = '';

beforeAll(async () => {
	[hostileBase, otherBase] = await Promise.all([listen(hostile), listen(other)]);
});
afterAll(async () => {
	hostile.closeAllConnections();
	other.closeAllConnections();
	await Promise.all([new Promise(resolve => hostile.close(resolve)), new Promise(resolve => other.close(resolve))]);
});
afterEach(() => {
	keystone = null;
	reachedOther.length = 0;
});

function access(): GlanceAccess {
	return {
		kind: 'keystone',
		source: 'openrc /test/admin-openrc.sh (user admin, project admin)',
		credentials: {authUrl: `${hostileBase}/v3`, method: {kind: 'password', username: 'admin', password, userDomainName: 'Default'}, scope: {projectName: 'admin', projectDomainName: 'Default'}, interface: 'internal', region: 'RegionOne', cacert: null, insecure: false},
	};
}

/** What the dashboard uses: 10 s per request, the default answer deadline. */
const timeoutMs = 10_000;

async function listTimed(client = new GlanceClient(access(), {timeoutMs})): Promise<{listing: Extract<GlanceListing, {state: 'unavailable'}>; tookMs: number}> {
	const started = performance.now();
	const listing = await client.listImages();
	const tookMs = performance.now() - started;
	await client.close();
	if (listing.state !== 'unavailable') throw new Error(`expected the listing to be unavailable, got ${listing.images.length} images`);
	return {listing, tookMs};
}

/** Writes `chunk` for as long as the client reads, minding backpressure; returns how much it wrote so far. */
function streamForever(response: http.ServerResponse, chunk: Buffer, start = ''): {written: () => number} {
	let written = 0;
	response.writeHead(200, {'Content-Type': 'application/json'});
	response.write(start);
	const pump = () => {
		while (!response.destroyed) {
			written += chunk.length;
			if (!response.write(chunk)) {
				response.once('drain', pump);
				return;
			}
		}
	};
	pump();
	return {written: () => written};
}

function expectNothingReachedOther(): void {
	expect(reachedOther.map(request => request.token).filter(Boolean)).toEqual([]);
	expect(reachedOther).toEqual([]);
}

describe('the token stays with its endpoint', () => {
	it('does not follow a Glance redirect to another port, and says where it pointed', async () => {
		glance = (request, response) => response.writeHead(302, {Location: `${otherBase}${request.url}`}).end();
		const {listing} = await listTimed();
		expect(listing.reason).toBe(`Glance at ${hostileBase}/v2/images?limit=1000&visibility=all answered 302, redirecting to ${otherBase}/v2/images?limit=1000&visibility=all: not followed, the token stays with its endpoint`);
		expect(listing.endpoint).toBe(hostileBase);
		expectNothingReachedOther();
	});

	it('does not follow a next link to another port, whatever the status of the first page', async () => {
		glance = (request, response) => json(response, 200, {images: [image('first')], next: `${otherBase}/v2/images?marker=first`});
		const {listing} = await listTimed();
		expect(listing).toMatchObject({
			problem: 'glance-error',
			reason: `Glance's next page points to ${otherBase}/v2/images?marker=first, another origin than its endpoint ${hostileBase}: not followed, the token stays with its endpoint`,
		});
		expectNothingReachedOther();
	});

	it('does not send the password along a Keystone redirect (307 would repeat the POST body)', async () => {
		keystone = (_request, response) => response.writeHead(307, {Location: `${otherBase}/v3/auth/tokens`}).end();
		const {listing} = await listTimed();
		expect(listing.reason).toBe(`Keystone at ${hostileBase}/v3/auth/tokens answered 307, redirecting to ${otherBase}/v3/auth/tokens: not followed, the credentials stay with its endpoint`);
		expectNothingReachedOther();
		expect(JSON.stringify(listing)).not.toContain(password);
	});

	it('does not follow a redirect of an image download, nor of an image record', async () => {
		glance = (request, response) => response.writeHead(301, {Location: `${otherBase}${request.url}`}).end();
		const client = new GlanceClient(access(), {timeoutMs});
		const download = await client.downloadFirstBytes('abc', 1024);
		const record = await client.describeImage('abc');
		await client.close();
		expect(download).toMatchObject({ok: false, problem: {reason: `Glance at ${hostileBase}/v2/images/abc/file answered 301, redirecting to ${otherBase}/v2/images/abc/file: not followed, the token stays with its endpoint`}});
		expect(record).toMatchObject({ok: false, problem: {reason: expect.stringContaining('not followed, the token stays with its endpoint')}});
		expectNothingReachedOther();
	});
});

describe('bounded bodies', () => {
	it('stops reading a page that never ends at 64 MiB, with memory bounded and the stream cut off', async () => {
		let stream: {written: () => number} | null = null;
		glance = (_request, response) => {
			stream = streamForever(response, Buffer.alloc(mib, ' '), '{"images": [');
		};
		const before = process.memoryUsage().rss;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
		const {listing, tookMs} = await listTimed();
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);
		const writtenWhenDone = stream!.written();
		await new Promise(resolve => setTimeout(resolve, 200));
		console.log(`[hostile] endless page: stopped after ${tookMs.toFixed(0)} ms; the server wrote ${(writtenWhenDone / mib).toFixed(0)} MiB; RSS grew ${((peak - before) / mib).toFixed(0)} MiB`);
		expect(listing.reason).toBe(`Glance at ${hostileBase}/v2/images?limit=1000&visibility=all sent more than 64 MiB for one page of images: stopped reading there`);
		expect(tookMs).toBeLessThan(timeoutMs);
		// The cap plus the chunks in flight, never the stream: the issue saw 5 GB within the timeout.
		expect(peak - before).toBeLessThan(256 * mib);
		// The client hung up: the server can write nothing more.
		expect(stream!.written()).toBe(writtenWhenDone);
		expect(writtenWhenDone).toBeLessThan(128 * mib);
	}, 20_000);

	it('gives up on a body that drips without end at the whole-request deadline', async () => {
		const drips: NodeJS.Timeout[] = [];
		glance = (_request, response) => {
			response.writeHead(200, {'Content-Type': 'application/json'});
			drips.push(setInterval(() => response.write(' '), 50));
		};
		const {listing, tookMs} = await listTimed(new GlanceClient(access(), {timeoutMs: 1500}));
		for (const drip of drips) clearInterval(drip);
		expect(listing.reason).toBe(`Glance at ${hostileBase}/v2/images?limit=1000&visibility=all did not finish its answer within 1.5 s`);
		expect(tookMs).toBeLessThan(3000);
	});

	it('stops reading a Keystone answer past 1 MiB', async () => {
		keystone = (_request, response) => {
			streamForever(response, Buffer.alloc(64 * 1024, ' '), '{"token": ');
		};
		const {listing} = await listTimed();
		expect(listing.reason).toBe(`Keystone at ${hostileBase}/v3/auth/tokens sent more than 1 MiB for a token: stopped reading there`);
	});

	it('reads no more of an endless image than the bytes it asked for', async () => {
		let stream: {written: () => number} | null = null;
		glance = (_request, response) => {
			stream = streamForever(response, Buffer.alloc(64 * 1024, 7));
		};
		const client = new GlanceClient(access(), {timeoutMs});
		const download = await client.downloadFirstBytes('endless', 64 * 1024);
		await client.close();
		expect(download.ok && download.value.bytes.byteLength).toBe(64 * 1024);
		expect(stream!.written()).toBeLessThan(16 * mib);
	});
});

describe('bounded pagination', () => {
	it('stops a listing whose next never ends after 1000 pages', async () => {
		let asked = 0;
		glance = (_request, response) => {
			asked += 1;
			json(response, 200, {images: [image(`page-${asked}`)], next: `/v2/images?marker=page-${asked}`});
		};
		const {listing, tookMs} = await listTimed();
		expect(listing.reason).toBe(`Glance at ${hostileBase} kept sending a next page past 1000 pages (next /v2/images?marker=page-1000): stopped there, an endless next`);
		expect(asked).toBe(1000);
		expect(tookMs).toBeLessThan(15_000);
	}, 30_000);

	it('stops at a next that comes back to a page already asked', async () => {
		const nextOf: Record<string, string> = {'': '/v2/images?marker=a', a: '/v2/images?marker=b', b: '/v2/images?marker=a'};
		let asked = 0;
		glance = (request, response) => {
			asked += 1;
			const marker = new URL(request.url!, hostileBase).searchParams.get('marker') ?? '';
			json(response, 200, {images: [image(`after-${marker}`)], next: nextOf[marker]});
		};
		const {listing} = await listTimed();
		expect(listing.reason).toBe(`Glance at ${hostileBase} sent a next page already asked in this listing (/v2/images?marker=a): stopped there, a next that repeats`);
		expect(asked).toBe(3);
	});
});

describe('a frozen Glance', () => {
	it('is reported within the answer deadline (5 s) when it accepts the connection and never answers', async () => {
		const held: net.Socket[] = [];
		const frozen = net.createServer(socket => held.push(socket));
		const frozenBase = await listen(frozen);
		const client = new GlanceClient({kind: 'endpoint', url: frozenBase, token, source: '--glance-url', cacert: null, insecure: false}, {timeoutMs});
		const {listing, tookMs} = await listTimed(client);
		for (const socket of held) socket.destroy();
		await new Promise(resolve => frozen.close(resolve));
		expect(listing).toMatchObject({problem: 'glance-unreachable', reason: `Glance at ${frozenBase}/v2/images?limit=1000&visibility=all did not answer within 5 s`});
		expect(tookMs).toBeGreaterThan(4500);
		expect(tookMs).toBeLessThan(7000);
	}, 15_000);
});

describe('strings from Glance', () => {
	it('keeps names and ids with escape sequences exactly as Glance sent them', async () => {
		const name = '\u001b[31mred\u001b[0m\u0007\u001b]0;title\u0007\r\nnext';
		const id = 'id-\u001b[2J';
		glance = (_request, response) => json(response, 200, {images: [image(id, name)]});
		const client = new GlanceClient(access(), {timeoutMs});
		const listing = await client.listImages();
		await client.close();
		if (listing.state !== 'ok') throw new Error(listing.reason);
		expect(listing.images.map(each => [each.id, each.name])).toEqual([[id, name]]);
	});
});
