// The Glance client against a fake Keystone + Glance on 127.0.0.1: paging, renewal, errors, TLS, redaction.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {GlanceListing} from '../../source/model/types.js';
import {resolveGlanceAccess} from '../../source/model/openstack/access.js';
import type {Credentials, GlanceAccess} from '../../source/model/openstack/credentials.js';
import {glanceRoot, imageFromJson, nextPageUrl, notConfiguredListing, resolveNext, sameOrigin} from '../../source/model/openstack/glance.js';
import {GlanceClient} from '../../source/world/real/openstack/glance.js';

const password = 'pw-Very$ecret-42';
const issuedToken = 'gAAAAA-issued-token-0001';

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

/** One loopback server standing in for Keystone and Glance; each test sets its handler. */
let handler: Handler = (_request, _body, response) => response.writeHead(500).end();
const requests: Array<{method: string; url: string; token: string | null}> = [];
const server = http.createServer((request, response) => {
	let body = '';
	request.on('data', chunk => (body += chunk));
	request.on('end', () => {
		requests.push({method: request.method!, url: request.url!, token: (request.headers['x-auth-token'] as string | undefined) ?? null});
		handler(request, body, response);
	});
});
let base = '';

beforeAll(async () => {
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));
afterEach(() => {
	requests.length = 0;
});

function json(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	response.writeHead(status, {'Content-Type': 'application/json', ...headers}).end(JSON.stringify(body));
}

function image(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {id, name: `img-${id}`, status: 'active', visibility: 'public', os_hidden: false, protected: false, size: 100, checksum: null, os_hash_algo: 'sha512', os_hash_value: `h-${id}`, stores: 'file', ...extra};
}

function credentials(overrides: Partial<Credentials> = {}): Credentials {
	return {
		authUrl: `${base}/identity/v3`,
		method: {kind: 'password', username: 'admin', password, userDomainName: 'Default'},
		scope: {projectName: 'admin', projectDomainName: 'Default'},
		interface: 'internal',
		region: 'RegionOne',
		cacert: null,
		insecure: false,
		...overrides,
	};
}

function keystoneAccess(overrides: Partial<Credentials> = {}): GlanceAccess {
	return {kind: 'keystone', credentials: credentials(overrides), source: 'openrc /test/admin-openrc.sh (user admin, project admin)'};
}

/** Keystone's POST /auth/tokens with a catalog pointing the image service at `glancePath`. */
function keystone(request: http.IncomingMessage, body: string, response: http.ServerResponse, options: {glancePath: string; issuedAt?: string; expiresAt?: string; token?: string}): boolean {
	if (request.method !== 'POST' || request.url !== '/identity/v3/auth/tokens') return false;
	const sent = JSON.parse(body) as {auth: {identity: {password?: {user: {password: string}}}}};
	if (sent.auth.identity.password?.user.password !== password) {
		// Echo the attempted password, as a careless proxy might: the client must redact it.
		json(response, 401, {error: {code: 401, title: 'Unauthorized', message: `The request you have made requires authentication (tried ${sent.auth.identity.password?.user.password}).`}});
		return true;
	}
	json(
		response,
		201,
		{
			token: {
				issued_at: options.issuedAt ?? '2098-12-31T23:00:00.000000Z',
				expires_at: options.expiresAt ?? '2099-01-01T00:00:00.000000Z',
				user: {name: 'admin'},
				project: {name: 'admin'},
				catalog: [
					{
						type: 'image',
						name: 'glance',
						endpoints: [
							{interface: 'public', region_id: 'RegionOne', url: 'http://192.0.2.1:9292'},
							{interface: 'internal', region_id: 'RegionOne', url: `${base}${options.glancePath}`},
						],
					},
				],
			},
		},
		{'X-Subject-Token': options.token ?? issuedToken},
	);
	return true;
}

function available(listing: GlanceListing) {
	if (listing.state !== 'ok') throw new Error(`expected images, got ${listing.problem}: ${listing.reason}`);
	return listing;
}

function unavailable(listing: GlanceListing) {
	if (listing.state !== 'unavailable') throw new Error('expected the listing to be unavailable');
	return listing;
}

function shown(listing: GlanceListing): string {
	return JSON.stringify(listing);
}

describe('URL handling', () => {
	it('finds Glance\'s root from catalog URLs with or without a version', () => {
		expect(glanceRoot('http://10.0.0.10:9292')).toBe('http://10.0.0.10:9292');
		expect(glanceRoot('http://10.0.0.10:9292/v2/')).toBe('http://10.0.0.10:9292');
		expect(glanceRoot('https://cloud.example.org/image/')).toBe('https://cloud.example.org/image');
	});

	it('joins next links with or without the endpoint\'s path prefix', () => {
		expect(resolveNext('http://g:9292', '/v2/images?marker=a')).toBe('http://g:9292/v2/images?marker=a');
		expect(resolveNext('https://c/image', '/v2/images?marker=a')).toBe('https://c/image/v2/images?marker=a');
		expect(resolveNext('https://c/image', '/image/v2/images?marker=a')).toBe('https://c/image/v2/images?marker=a');
		expect(resolveNext('https://c/image', 'https://c/image/v2/images?marker=b')).toBe('https://c/image/v2/images?marker=b');
	});

	it('takes a next link only on the endpoint\'s origin (scheme, host and port)', () => {
		expect(nextPageUrl('http://g:9292', '/v2/images?marker=a')).toEqual({ok: true, value: 'http://g:9292/v2/images?marker=a'});
		expect(nextPageUrl('http://g:9292', '//evil:9999/v2/images')).toEqual({ok: true, value: 'http://g:9292//evil:9999/v2/images'});
		for (const elsewhere of ['http://g:9999/v2/images', 'https://g:9292/v2/images', 'http://evil:9292/v2/images', 'http://g:9292@evil/v2/images']) {
			const refused = nextPageUrl('http://g:9292', elsewhere);
			expect(refused.ok, elsewhere).toBe(false);
			if (!refused.ok) expect(refused.problem.reason).toBe(`Glance's next page points to ${elsewhere}, another origin than its endpoint http://g:9292: not followed, the token stays with its endpoint`);
		}
		expect(sameOrigin('http://g:9292/a', 'http://G:9292/b')).toBe(true);
		expect(sameOrigin('http://g/a', 'http://g:80/b')).toBe(true);
		expect(sameOrigin('not a url', 'http://g')).toBe(false);
	});

	it('maps image JSON, splitting stores and collecting locations', () => {
		expect(
			imageFromJson(
				image('a', {stores: 'file, ceph', os_hidden: true, size: null, locations: [{url: 'file:///var/lib/glance/images/a', metadata: {}}], direct_url: 'file:///var/lib/glance/images/a'}),
			),
		).toMatchObject({id: 'a', hidden: true, size: null, stores: ['file', 'ceph'], locations: ['file:///var/lib/glance/images/a']});
		expect(imageFromJson({name: 'no id'})).toBeNull();
		expect(imageFromJson(image('b', {stores: undefined}))!.stores).toBeNull();
	});
});

describe('listing through Keystone', () => {
	it('follows next links under a path prefix, lists hidden images, and dedupes ids that moved between pages', async () => {
		const pages: Record<string, unknown> = {
			'/image/v2/images?limit=2&visibility=all': {images: [image('a'), image('b')], next: '/v2/images?limit=2&visibility=all&marker=b'},
			'/image/v2/images?limit=2&visibility=all&marker=b': {images: [image('b'), image('c')], next: '/image/v2/images?limit=2&visibility=all&marker=c'},
			'/image/v2/images?limit=2&visibility=all&marker=c': {images: []},
			'/image/v2/images?limit=2&visibility=all&os_hidden=true': {images: [image('h', {os_hidden: true})]},
		};
		handler = (request, body, response) => {
			if (keystone(request, body, response, {glancePath: '/image/'})) return;
			const page = pages[request.url!];
			if (page && request.headers['x-auth-token'] === issuedToken) json(response, 200, page);
			else json(response, 404, {});
		};
		// Told once, when the first page has answered and before the second is asked.
		const firstPages: number[] = [];
		const listing = available(await new GlanceClient(keystoneAccess(), {timeoutMs: 2000, pageSize: 2}).listImages({onFirstPage: () => firstPages.push(requests.filter(each => each.url.includes('/v2/images')).length)}));
		expect(firstPages).toEqual([1]);
		expect(listing.images.map(each => each.id).sort()).toEqual(['a', 'b', 'c', 'h']);
		expect(listing.images.find(each => each.id === 'h')!.hidden).toBe(true);
		expect(listing.pages).toBe(4);
		expect(listing.endpoint).toBe(`${base}/image`);
		expect(listing.authSource).toBe('openrc /test/admin-openrc.sh (user admin, project admin)');
		expect(requests.filter(each => each.url.endsWith('/auth/tokens'))).toHaveLength(1);
	});

	it('re-authenticates once when Glance answers 401, and a minute before the token expires', async () => {
		let glanceRefusals = 1;
		let tokens = 0;
		handler = (request, body, response) => {
			if (request.url!.endsWith('/auth/tokens') && keystone(request, body, response, {glancePath: '', token: `token-${++tokens}`})) return;
			if (glanceRefusals > 0) {
				glanceRefusals -= 1;
				json(response, 401, {});
				return;
			}
			json(response, 200, {images: [image('a')]});
		};
		// The local clock is a year off Keystone's: only the token's one-hour lifetime counts.
		let now = Date.parse('2097-06-01T12:00:00Z');
		const client = new GlanceClient(keystoneAccess(), {timeoutMs: 2000, now: () => now});
		available(await client.listImages());
		expect(client.authentications).toBe(2);
		expect(requests.filter(each => each.token).map(each => each.token)).toEqual(['token-1', 'token-2', 'token-2']);
		available(await client.listImages());
		expect(client.authentications).toBe(2);
		now += 58 * 60_000;
		available(await client.listImages());
		expect(client.authentications).toBe(2);
		now += 90_000;
		available(await client.listImages());
		expect(client.authentications).toBe(3);
	});

	it('reports refused credentials as glance-auth-failed without the password, even when Keystone echoes it', async () => {
		handler = (request, body, response) => void keystone(request, body, response, {glancePath: ''});
		const wrong = 'Wrong-Pa$$word-77';
		const listing = unavailable(await new GlanceClient(keystoneAccess({method: {kind: 'password', username: 'admin', password: wrong, userDomainName: 'Default'}}), {timeoutMs: 2000}).listImages());
		expect(listing.problem).toBe('glance-auth-failed');
		expect(listing.reason).toMatch(/^Keystone refused the credentials from openrc \/test\/admin-openrc.sh \(user admin, project admin\): 401 /);
		expect(listing.hint).toContain('OS_PASSWORD');
		expect(listing.endpoint).toBeNull();
		expect(shown(listing)).toContain('***');
		expect(shown(listing)).not.toContain(wrong);
	});

	it('reports a Glance 500 with its status and a redacted snippet', async () => {
		handler = (request, body, response) => {
			if (keystone(request, body, response, {glancePath: ''})) return;
			response.writeHead(500, {'Content-Type': 'text/html'}).end(`<html><head><title>500 Internal Server Error</title></head><body><h1>500</h1>database is locked; token ${request.headers['x-auth-token']}</body></html>`);
		};
		const listing = unavailable(await new GlanceClient(keystoneAccess(), {timeoutMs: 2000}).listImages());
		expect(listing.problem).toBe('glance-error');
		expect(listing.reason).toBe(`Glance at ${base}/v2/images?limit=1000&visibility=all answered 500: 500 database is locked; token ***`);
		expect(listing.endpoint).toBe(base);
		expect(shown(listing)).not.toContain(issuedToken);
		expect(shown(listing)).not.toContain(password);
	});

	it('explains a catalog without the wanted interface', async () => {
		handler = (request, body, response) => void keystone(request, body, response, {glancePath: ''});
		const listing = unavailable(await new GlanceClient(keystoneAccess({interface: 'admin'}), {timeoutMs: 2000}).listImages());
		expect(listing).toMatchObject({problem: 'glance-error', reason: 'the Keystone catalog has no admin image endpoint in region RegionOne (it has: public RegionOne, internal RegionOne)'});
	});
});

describe('not configured', () => {
	it('turns a failed resolution into a glance-not-configured listing that names the options', () => {
		const resolution = resolveGlanceAccess({env: {}, openrc: null, clouds: null, secure: null, homeDir: '/root'});
		if (resolution.ok) throw new Error('expected no credentials');
		const listing = unavailable(notConfiguredListing(resolution.problem, 5));
		expect(listing).toMatchObject({at: 5, problem: 'glance-not-configured', endpoint: null, authSource: null});
		expect(listing.hint).toContain('--glance-url');
	});
});

describe('unreachable services', () => {
	it('names the URL and the timeout when Glance does not answer', async () => {
		handler = () => undefined;
		const started = Date.now();
		const listing = unavailable(await new GlanceClient({kind: 'endpoint', url: base, token: null, source: '--glance-url', cacert: null, insecure: false}, {timeoutMs: 300}).listImages());
		expect(Date.now() - started).toBeLessThan(2000);
		expect(listing).toMatchObject({problem: 'glance-unreachable', reason: `Glance at ${base}/v2/images?limit=1000&visibility=all did not answer within 0.3 s`});
	});

	it('says connection refused for a closed port, naming Keystone', async () => {
		const closed = http.createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>(resolve => closed.close(() => resolve()));
		const listing = unavailable(await new GlanceClient(keystoneAccess({authUrl: `http://127.0.0.1:${port}/v3`}), {timeoutMs: 2000}).listImages());
		expect(listing).toMatchObject({problem: 'glance-unreachable', reason: `Keystone at http://127.0.0.1:${port}/v3/auth/tokens: connection refused`});
	});

	it('reaches Glance on a port that fetch would refuse (its "bad ports", such as 6665 or 10080)', async () => {
		// A site's haproxy may put Glance on any port: only the endpoint decides, not a browser's list.
		const onBadPort = http.createServer((_request, response) => json(response, 200, {images: [image('on-a-bad-port')]}));
		const candidates = [6665, 6666, 6667, 6668, 6669, 6697, 10080, 4190, 6000];
		let port = 0;
		for (const candidate of candidates) {
			const listening = await new Promise<boolean>(resolve => {
				onBadPort.once('error', () => resolve(false));
				onBadPort.listen(candidate, '127.0.0.1', () => resolve(true));
			});
			if (listening) {
				port = candidate;
				break;
			}
		}
		expect(port, `none of ${candidates.join(', ')} was free on 127.0.0.1`).not.toBe(0);
		try {
			const listing = available(await new GlanceClient({kind: 'endpoint', url: `http://127.0.0.1:${port}`, token: null, source: '--glance-url', cacert: null, insecure: false}, {timeoutMs: 2000}).listImages());
			expect(listing.images.map(each => each.id)).toEqual(['on-a-bad-port']);
		} finally {
			await new Promise<void>(resolve => onBadPort.close(() => resolve()));
		}
	});

	it('reports an unreadable OS_CACERT before connecting', async () => {
		const listing = unavailable(await new GlanceClient(keystoneAccess({cacert: '/nonexistent/ca.pem'}), {timeoutMs: 2000}).listImages());
		expect(listing).toMatchObject({problem: 'glance-not-configured', reason: 'CA bundle /nonexistent/ca.pem (OS_CACERT): not found'});
		expect(requests).toHaveLength(0);
	});
});

describe('TLS with OS_CACERT', () => {
	let directory = '';
	let tlsServer: https.Server;
	let tlsBase = '';

	beforeAll(async () => {
		directory = mkdtempSync(path.join(os.tmpdir(), 'glance-tls-'));
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${directory}/key.pem`, '-out', `${directory}/ca.pem`, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {stdio: 'ignore'});
		tlsServer = https.createServer({key: readFileSync(`${directory}/key.pem`), cert: readFileSync(`${directory}/ca.pem`)}, (request, response) => {
			request.resume();
			if (request.url === '/v3/auth/tokens') json(response, 201, {token: {catalog: [{type: 'image', endpoints: [{interface: 'internal', region_id: 'RegionOne', url: tlsBase}]}]}}, {'X-Subject-Token': issuedToken});
			else json(response, 200, {images: [image('tls')]});
		});
		await new Promise<void>(resolve => tlsServer.listen(0, '127.0.0.1', resolve));
		tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise<void>(resolve => tlsServer.close(() => resolve()));
		rmSync(directory, {recursive: true, force: true});
	});

	const endpoint = (tls: {cacert: string | null; insecure: boolean}): GlanceAccess => ({kind: 'endpoint', url: tlsBase, token: 't', source: '--glance-url', ...tls});

	it('refuses an untrusted certificate and says to set OS_CACERT', async () => {
		const listing = unavailable(await new GlanceClient(endpoint({cacert: null, insecure: false}), {timeoutMs: 2000}).listImages());
		expect(listing.problem).toBe('glance-unreachable');
		expect(listing.reason).toContain('TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)');
		expect(listing.hint).toContain('OS_CACERT');
	});

	it('trusts the CA from OS_CACERT, and anything when insecure', async () => {
		const trusted = new GlanceClient(endpoint({cacert: `${directory}/ca.pem`, insecure: false}), {timeoutMs: 2000});
		expect(available(await trusted.listImages()).images.map(each => each.id)).toEqual(['tls']);
		await trusted.close();
		const insecure = new GlanceClient(endpoint({cacert: null, insecure: true}), {timeoutMs: 2000});
		expect(available(await insecure.listImages()).images).toHaveLength(1);
		await insecure.close();
	});

	it('trusts the CA from OS_CACERT for Keystone too, and reads no CA that is not a regular file', async () => {
		const keystoneOverTls = new GlanceClient(keystoneAccess({authUrl: `${tlsBase}/v3`, cacert: `${directory}/ca.pem`}), {timeoutMs: 2000});
		expect(available(await keystoneOverTls.listImages()).images.map(each => each.id)).toEqual(['tls']);
		await keystoneOverTls.close();
		const notAFile = unavailable(await new GlanceClient(keystoneAccess({authUrl: `${tlsBase}/v3`, cacert: directory}), {timeoutMs: 2000}).listImages());
		expect(notAFile).toMatchObject({problem: 'glance-not-configured', reason: `CA bundle (OS_CACERT) ${directory} is a directory, not a regular file: not read`});
	});
});

describe('downloadFirstBytes', () => {
	it('keeps only the first bytes of a large image, and passes a 204 with no bytes through', async () => {
		const data = Buffer.alloc(4 * 1024 * 1024, 7);
		handler = (request, _body, response) => {
			if (request.url === '/v2/images/big/file') response.writeHead(200, {'Content-Length': String(data.length)}).end(data);
			else response.writeHead(204).end();
		};
		const client = new GlanceClient({kind: 'endpoint', url: base, token: 'static', source: '--glance-url', cacert: null, insecure: false}, {timeoutMs: 2000});
		const big = await client.downloadFirstBytes('big', 1000);
		expect(big).toMatchObject({ok: true, value: {status: 200, contentLength: data.length}});
		if (big.ok) expect([...big.value.bytes]).toEqual(Array.from({length: 1000}, () => 7));
		const stale = await client.downloadFirstBytes('stale', 1000);
		expect(stale).toMatchObject({ok: true, value: {status: 204}});
		if (stale.ok) expect(stale.value.bytes).toHaveLength(0);
		expect(requests.every(each => each.token === 'static')).toBe(true);
	});

	it('says a static token was refused, without showing it', async () => {
		handler = (_request, _body, response) => json(response, 401, {error: {message: 'token static-secret-token invalid'}});
		const client = new GlanceClient({kind: 'endpoint', url: base, token: 'static-secret-token', source: '--glance-url (token from OS_TOKEN)', cacert: null, insecure: false}, {timeoutMs: 2000});
		const result = await client.downloadFirstBytes('x', 10);
		expect(result).toMatchObject({ok: false, problem: {kind: 'glance-auth-failed'}});
		expect(JSON.stringify(result)).not.toContain('static-secret-token');
		expect(requests).toHaveLength(1);
	});
});
