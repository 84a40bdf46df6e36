// Glance v2 over fetch: every image (all pages, hidden ones too) and the first bytes of one image's data.
import type {Dispatcher} from 'undici';
import type {GlanceImage, GlanceListing} from '../../../model/types.js';
import {secretsOf, type GlanceAccess} from './credentials.js';
import {bodySnippet, dispatcherFor, explainFetchError, timedFetch, type Failure} from './http.js';
import {KeystoneSession} from './keystone.js';

export type GlanceClientOptions = {
	/** Per request (Keystone or Glance), body included. */
	timeoutMs: number;
	/** Images per page; Glance caps it at api_limit_max (1000 by default). */
	pageSize?: number;
	now?: () => number;
};

export type FirstBytes =
	| {ok: true; status: number; bytes: Uint8Array; contentLength: number | null; note: string | null; tookMs: number}
	| ({ok: false} & Failure);

/** Glance's root from a catalog URL: without a trailing slash or a version (`…:9292/v2/` -> `…:9292`). */
export function glanceRoot(url: string): string {
	const parsed = new URL(url);
	parsed.search = '';
	parsed.hash = '';
	return parsed.toString().replace(/\/+$/, '').replace(/\/v[12](\.\d+)?$/, '');
}

/** Glance's `next` is a path from its root (`/v2/images?marker=…`); behind a path prefix it may or may not carry it. */
export function resolveNext(root: string, next: string): string {
	if (/^https?:\/\//i.test(next)) return next;
	const rootUrl = new URL(root);
	const prefix = rootUrl.pathname.replace(/\/+$/, '');
	const relative = next.startsWith('/') ? next : `/${next}`;
	const withPrefix = prefix && (relative === prefix || relative.startsWith(`${prefix}/`)) ? relative : `${prefix}${relative}`;
	return `${rootUrl.origin}${withPrefix}`;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** One entry of GET /v2/images as a GlanceImage; null when it has no id. */
export function imageFromJson(raw: unknown): GlanceImage | null {
	if (typeof raw !== 'object' || raw === null) return null;
	const record = raw as Record<string, unknown>;
	const id = text(record['id']);
	if (!id) return null;
	const locations = new Set<string>();
	if (Array.isArray(record['locations'])) {
		for (const location of record['locations']) {
			const url = text((location as {url?: unknown} | null)?.url);
			if (url) locations.add(url);
		}
	}
	const direct = text(record['direct_url']);
	if (direct) locations.add(direct);
	const stores = text(record['stores']);
	const size = record['size'];
	return {
		id,
		name: text(record['name']),
		status: text(record['status']) ?? 'unknown',
		owner: text(record['owner']),
		visibility: text(record['visibility']) ?? 'unknown',
		hidden: record['os_hidden'] === true,
		protected: record['protected'] === true,
		size: typeof size === 'number' && Number.isFinite(size) ? size : null,
		checksum: text(record['checksum']),
		osHashAlgo: text(record['os_hash_algo']),
		osHashValue: text(record['os_hash_value']),
		diskFormat: text(record['disk_format']),
		containerFormat: text(record['container_format']),
		createdAt: text(record['created_at']),
		updatedAt: text(record['updated_at']),
		stores: stores === null ? null : stores.split(',').map(store => store.trim()).filter(Boolean),
		locations: [...locations],
	};
}

/** The listing to show when no credentials could be found: why, and the options that would fix it. */
export function notConfiguredListing(failure: {reason: string; hint: string}, at = Date.now()): GlanceListing {
	return {at, state: 'unavailable', problem: 'glance-not-configured', reason: failure.reason, hint: failure.hint, endpoint: null, authSource: null};
}

type Answer = {ok: true; response: Response; url: string; root: string} | {ok: false; failure: Failure; root: string | null};

/** Glance through Keystone (token, catalog, renewal) or at a fixed URL; never rejects, never shows a secret. */
export class GlanceClient {
	readonly source: string;
	private readonly session: KeystoneSession | null;
	private readonly pageSize: number;
	private dispatcher: Promise<{ok: true; dispatcher: Dispatcher | undefined} | {ok: false; failure: Failure}> | null = null;

	constructor(
		private readonly access: GlanceAccess,
		private readonly options: GlanceClientOptions,
	) {
		this.source = access.source;
		this.pageSize = Math.max(1, Math.min(1000, Math.floor(options.pageSize ?? 1000)));
		this.session = access.kind === 'keystone' ? new KeystoneSession(access.credentials, access.source, {timeoutMs: options.timeoutMs, now: options.now}) : null;
	}

	/** How many times Keystone was asked for a token (0 for --glance-url). */
	get authentications(): number {
		return this.session?.authentications ?? 0;
	}

	private secrets(): string[] {
		return [...secretsOf(this.access), ...(this.session?.secrets() ?? [])];
	}

	private tls() {
		if (!this.dispatcher) {
			const tls = this.access.kind === 'keystone' ? this.access.credentials : this.access;
			this.dispatcher = dispatcherFor({cacert: tls.cacert, insecure: tls.insecure});
		}
		return this.dispatcher;
	}

	/** Glance's root and a token (null for an unauthenticated --glance-url). */
	private async target(): Promise<{ok: true; root: string; token: string | null} | {ok: false; failure: Failure}> {
		const endpoint = this.session ? await this.session.endpoint('image') : this.access.kind === 'endpoint' ? {ok: true as const, url: this.access.url, token: this.access.token} : null;
		if (!endpoint) return {ok: false, failure: {problem: 'glance-not-configured', reason: 'no Glance endpoint', hint: 'Pass --glance-url'}};
		if (!endpoint.ok) return endpoint;
		try {
			return {ok: true, root: glanceRoot(endpoint.url), token: endpoint.token};
		} catch {
			return {ok: false, failure: {problem: 'glance-error', reason: `Glance endpoint ${endpoint.url} is not a URL`, hint: 'Fix it: openstack endpoint list --service image, or --glance-url'}};
		}
	}

	/** GET a path relative to Glance's root; one 401 renews the Keystone token and tries again. */
	private async get(relative: string, accept: string): Promise<Answer> {
		const tls = await this.tls();
		if (!tls.ok) return {ok: false, failure: tls.failure, root: null};
		for (let attempt = 0; ; attempt += 1) {
			const target = await this.target();
			if (!target.ok) return {ok: false, failure: target.failure, root: null};
			const url = resolveNext(target.root, relative);
			let response: Response;
			try {
				response = await timedFetch(url, {headers: {Accept: accept, ...(target.token ? {'X-Auth-Token': target.token} : {})}}, this.options.timeoutMs, tls.dispatcher);
			} catch (error) {
				return {ok: false, failure: explainFetchError(error, 'Glance', url, this.options.timeoutMs), root: target.root};
			}
			if (response.status === 401 && this.session && attempt === 0) {
				await response.body?.cancel();
				this.session.invalidate();
				continue;
			}
			if (response.status === 401 || response.status === 403) {
				const said = await this.snippet(response);
				const whose = this.session ? `the token from ${this.source}` : target.token ? `the token (${this.source})` : `a request without a token (${this.source})`;
				return {
					ok: false,
					root: target.root,
					failure: {
						problem: 'glance-auth-failed',
						reason: `Glance refused ${whose}: ${response.status}${said ? ` ${said}` : ''}`,
						hint: this.session
							? response.status === 403
								? 'The user lacks a role Glance needs to list images: use the admin openrc, or grant the role (openstack role add)'
								: 'Keystone issued a token Glance does not accept: check [keystone_authtoken] in glance-api.conf and that both use the same Keystone'
							: 'Set OS_TOKEN to a valid token (openstack token issue), or drop --glance-url to authenticate through Keystone',
					},
				};
			}
			return {ok: true, response, url, root: target.root};
		}
	}

	private async snippet(response: Response): Promise<string> {
		try {
			return bodySnippet(await response.text(), this.secrets());
		} catch {
			return '';
		}
	}

	private httpFailure(response: Response, url: string, said: string): Failure {
		const hint = response.status >= 500 ? 'Glance is failing: docker logs glance_api (kolla: /var/log/kolla/glance/glance-api.log)' : 'Glance did not accept the request: is this endpoint really Glance v2?';
		return {problem: 'glance-error', reason: `Glance at ${url} answered ${response.status}${said ? `: ${said}` : ''}`, hint};
	}

	/** Every image Glance lists: all pages with visibility=all, then again with os_hidden=true, deduplicated by id. */
	async listImages(): Promise<GlanceListing> {
		const started = performance.now();
		const images = new Map<string, GlanceImage>();
		let pages = 0;
		let root: string | null = null;
		const unavailable = (failure: Failure): GlanceListing => ({at: Date.now(), state: 'unavailable', ...failure, endpoint: root, authSource: this.source});
		for (const hidden of [false, true]) {
			let next: string | null = `/v2/images?limit=${this.pageSize}&visibility=all${hidden ? '&os_hidden=true' : ''}`;
			const visited = new Set<string>();
			while (next !== null) {
				if (visited.has(next)) return unavailable({problem: 'glance-error', reason: `Glance sent the same page twice (${next})`, hint: 'A Glance or proxy bug: list with openstack image list to compare'});
				visited.add(next);
				const answer = await this.get(next, 'application/json');
				root = answer.root ?? root;
				if (!answer.ok) return unavailable(answer.failure);
				const {response, url} = answer;
				let body: string;
				try {
					body = await response.text();
				} catch (error) {
					return unavailable(explainFetchError(error, 'Glance', url, this.options.timeoutMs));
				}
				if (!response.ok) return unavailable(this.httpFailure(response, url, bodySnippet(body, this.secrets())));
				let page: {images?: unknown; next?: unknown};
				try {
					page = JSON.parse(body) as typeof page;
				} catch {
					return unavailable({problem: 'glance-error', reason: `Glance at ${url} answered ${response.status} with a body that is not JSON: ${bodySnippet(body, this.secrets(), 120)}`, hint: 'Is this endpoint really Glance? A proxy may answer instead'});
				}
				if (!Array.isArray(page?.images)) return unavailable({problem: 'glance-error', reason: `Glance at ${url} answered without an images list`, hint: 'Is this endpoint really Glance v2?'});
				pages += 1;
				for (const raw of page.images) {
					const image = imageFromJson(raw);
					if (image) images.set(image.id, image);
				}
				next = typeof page.next === 'string' && page.next !== '' ? page.next : null;
			}
		}
		return {
			at: Date.now(),
			state: 'ok',
			images: [...images.values()],
			endpoint: root ?? '',
			authSource: this.source,
			pages,
			tookMs: Math.round(performance.now() - started),
		};
	}

	/**
	 * GET /v2/images/{id}/file and keep at most `count` bytes. Glance's status is passed through: after a flap a
	 * stale container answers 204 (or 500) with no bytes, so callers check the bytes, not only the status.
	 */
	async downloadFirstBytes(id: string, count: number): Promise<FirstBytes> {
		const started = performance.now();
		const answer = await this.get(`/v2/images/${encodeURIComponent(id)}/file`, 'application/octet-stream');
		if (!answer.ok) return {ok: false, ...answer.failure};
		const {response, url} = answer;
		const length = response.headers.get('content-length');
		const contentLength = length === null ? null : Number(length);
		if (!response.ok) {
			const said = await this.snippet(response);
			return {ok: true, status: response.status, bytes: new Uint8Array(0), contentLength, note: said || null, tookMs: Math.round(performance.now() - started)};
		}
		const chunks: Uint8Array[] = [];
		let received = 0;
		try {
			const reader = response.body?.getReader();
			while (reader && received < count) {
				const {done, value} = await reader.read();
				if (done) break;
				chunks.push(value);
				received += value.byteLength;
			}
			await reader?.cancel();
		} catch (error) {
			return {ok: false, ...explainFetchError(error, 'Glance', url, this.options.timeoutMs)};
		}
		const bytes = new Uint8Array(Math.min(received, count));
		let offset = 0;
		for (const chunk of chunks) {
			const part = chunk.subarray(0, bytes.length - offset);
			bytes.set(part, offset);
			offset += part.length;
			if (offset >= bytes.length) break;
		}
		return {ok: true, status: response.status, bytes, contentLength: Number.isFinite(contentLength) ? contentLength : null, note: null, tookMs: Math.round(performance.now() - started)};
	}

	/** Release the TLS agent, if one was made. */
	async close(): Promise<void> {
		const tls = await this.dispatcher;
		if (tls?.ok && tls.dispatcher) await tls.dispatcher.close();
	}
}
