// Glance v2 over fetch: every image (all pages, hidden ones too) and the first bytes of one image's data.
import type {Dispatcher} from 'undici';
import {secretsOf, type GlanceAccess} from '../../../model/openstack/credentials.js';
import {glanceRoot, imageFromJson, resolveNext, unavailableListing, type GlanceFailure} from '../../../model/openstack/glance.js';
import {bodySnippet} from '../../../model/openstack/redact.js';
import {fail, ok, type Result} from '../../../model/result.js';
import type {GlanceImage, GlanceListing} from '../../../model/types.js';
import {dispatcherFor, explainFetchError, timedFetch} from './http.js';
import {KeystoneSession} from './keystone.js';

export type GlanceClientOptions = {
	/** Per request (Keystone or Glance), body included. */
	timeoutMs: number;
	/** Images per page; Glance caps it at api_limit_max (1000 by default). */
	pageSize?: number;
	now?: () => number;
};

/** What Glance answered to a download: its status passed through, and at most the bytes asked for. */
export type FirstBytes = {status: number; bytes: Uint8Array; contentLength: number | null; note: string | null; tookMs: number};

type Reply = {response: Response; url: string; root: string};
/** A failed request, with Glance's root when it was known by then (shown as the listing's endpoint). */
type Refusal = GlanceFailure & {root: string | null};

/** Glance through Keystone (token, catalog, renewal) or at a fixed URL; never rejects, never shows a secret. */
export class GlanceClient {
	readonly source: string;
	/** Present exactly when the access goes through Keystone. */
	private readonly session: KeystoneSession | null;
	private readonly pageSize: number;
	private dispatcher: Promise<Result<Dispatcher | undefined, GlanceFailure>> | null = null;

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
	private async target(): Promise<Result<{root: string; token: string | null}, GlanceFailure>> {
		const endpoint = this.access.kind === 'keystone' ? await this.session!.endpoint('image') : ok({url: this.access.url, token: this.access.token});
		if (!endpoint.ok) return endpoint;
		try {
			return ok({root: glanceRoot(endpoint.value.url), token: endpoint.value.token});
		} catch {
			return fail({kind: 'glance-error', reason: `Glance endpoint ${endpoint.value.url} is not a URL`, hint: 'Fix it: openstack endpoint list --service image, or --glance-url'});
		}
	}

	/** GET a path relative to Glance's root; one 401 renews the Keystone token and tries again. */
	private async get(relative: string, accept: string): Promise<Result<Reply, Refusal>> {
		const tls = await this.tls();
		if (!tls.ok) return fail({...tls.problem, root: null});
		for (let attempt = 0; ; attempt += 1) {
			const target = await this.target();
			if (!target.ok) return fail({...target.problem, root: null});
			const {root, token} = target.value;
			const url = resolveNext(root, relative);
			let response: Response;
			try {
				response = await timedFetch(url, {headers: {Accept: accept, ...(token ? {'X-Auth-Token': token} : {})}}, this.options.timeoutMs, tls.value);
			} catch (error) {
				return fail({...explainFetchError(error, 'Glance', url, this.options.timeoutMs), root});
			}
			if (response.status === 401 && this.session && attempt === 0) {
				await response.body?.cancel();
				this.session.invalidate();
				continue;
			}
			if (response.status === 401 || response.status === 403) {
				const said = await this.snippet(response);
				const whose = this.session ? `the token from ${this.source}` : token ? `the token (${this.source})` : `a request without a token (${this.source})`;
				return fail({
					kind: 'glance-auth-failed',
					root,
					reason: `Glance refused ${whose}: ${response.status}${said ? ` ${said}` : ''}`,
					hint: this.session
						? response.status === 403
							? 'The user lacks a role Glance needs to list images: use the admin openrc, or grant the role (openstack role add)'
							: 'Keystone issued a token Glance does not accept: check [keystone_authtoken] in glance-api.conf and that both use the same Keystone'
						: 'Set OS_TOKEN to a valid token (openstack token issue), or drop --glance-url to authenticate through Keystone',
				});
			}
			return ok({response, url, root});
		}
	}

	private async snippet(response: Response): Promise<string> {
		try {
			return bodySnippet(await response.text(), this.secrets());
		} catch {
			return '';
		}
	}

	/** The body of a JSON answer, or why there is none to parse (cut off, or an HTTP error with Glance's words). */
	private async jsonText(response: Response, url: string): Promise<Result<string, GlanceFailure>> {
		let body: string;
		try {
			body = await response.text();
		} catch (error) {
			return fail(explainFetchError(error, 'Glance', url, this.options.timeoutMs));
		}
		return response.ok ? ok(body) : fail(this.httpFailure(response, url, bodySnippet(body, this.secrets())));
	}

	private httpFailure(response: Response, url: string, said: string): GlanceFailure {
		const hint = response.status >= 500 ? 'Glance is failing: docker logs glance_api (kolla: /var/log/kolla/glance/glance-api.log)' : 'Glance did not accept the request: is this endpoint really Glance v2?';
		return {kind: 'glance-error', reason: `Glance at ${url} answered ${response.status}${said ? `: ${said}` : ''}`, hint};
	}

	/**
	 * Every image Glance lists: all pages with visibility=all, then again with os_hidden=true, deduplicated by
	 * id. With `changedSince` (an updated_at Glance reported), only the images updated at or after it.
	 */
	async listImages(options: {changedSince?: string} = {}): Promise<GlanceListing> {
		const changed = options.changedSince ? `&updated_at=${encodeURIComponent(`gte:${options.changedSince}`)}` : '';
		const started = performance.now();
		const images = new Map<string, GlanceImage>();
		let pages = 0;
		let root: string | null = null;
		const unavailable = (failure: GlanceFailure): GlanceListing => unavailableListing(failure, {endpoint: root, authSource: this.source});
		for (const hidden of [false, true]) {
			let next: string | null = `/v2/images?limit=${this.pageSize}&visibility=all${hidden ? '&os_hidden=true' : ''}${changed}`;
			const visited = new Set<string>();
			while (next !== null) {
				if (visited.has(next)) return unavailable({kind: 'glance-error', reason: `Glance sent the same page twice (${next})`, hint: 'A Glance or proxy bug: list with openstack image list to compare'});
				visited.add(next);
				const answer = await this.get(next, 'application/json');
				if (!answer.ok) {
					root = answer.problem.root ?? root;
					return unavailable(answer.problem);
				}
				const {response, url} = answer.value;
				root = answer.value.root;
				const read = await this.jsonText(response, url);
				if (!read.ok) return unavailable(read.problem);
				const body = read.value;
				let page: {images?: unknown; next?: unknown};
				try {
					page = JSON.parse(body) as typeof page;
				} catch {
					return unavailable({kind: 'glance-error', reason: `Glance at ${url} answered ${response.status} with a body that is not JSON: ${bodySnippet(body, this.secrets(), 120)}`, hint: 'Is this endpoint really Glance? A proxy may answer instead'});
				}
				if (!Array.isArray(page?.images)) return unavailable({kind: 'glance-error', reason: `Glance at ${url} answered without an images list`, hint: 'Is this endpoint really Glance v2?'});
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

	/** GET /v2/images/{id}: the whole record as Glance keeps it (custom properties too), for an image's detail. */
	async describeImage(id: string): Promise<Result<Record<string, unknown>, GlanceFailure>> {
		const answer = await this.get(`/v2/images/${encodeURIComponent(id)}`, 'application/json');
		if (!answer.ok) return answer;
		const {response, url} = answer.value;
		const read = await this.jsonText(response, url);
		if (!read.ok) return read;
		const body = read.value;
		try {
			const record = JSON.parse(body) as unknown;
			if (typeof record === 'object' && record !== null && !Array.isArray(record)) return ok(record as Record<string, unknown>);
		} catch {
			// Reported below with the body's first bytes.
		}
		return fail({kind: 'glance-error', reason: `Glance at ${url} answered ${response.status} with a body that is not an image record: ${bodySnippet(body, this.secrets(), 120)}`, hint: 'Is this endpoint really Glance v2?'});
	}

	/**
	 * GET /v2/images/{id}/file and keep at most `count` bytes. Glance's status is passed through: after a flap a
	 * stale container answers 204 (or 500) with no bytes, so callers check the bytes, not only the status.
	 */
	async downloadFirstBytes(id: string, count: number): Promise<Result<FirstBytes, GlanceFailure>> {
		const started = performance.now();
		const answer = await this.get(`/v2/images/${encodeURIComponent(id)}/file`, 'application/octet-stream');
		if (!answer.ok) return answer;
		const {response, url} = answer.value;
		const length = response.headers.get('content-length');
		const contentLength = length === null ? null : Number(length);
		if (!response.ok) {
			const said = await this.snippet(response);
			return ok({status: response.status, bytes: new Uint8Array(0), contentLength, note: said || null, tookMs: Math.round(performance.now() - started)});
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
			return fail(explainFetchError(error, 'Glance', url, this.options.timeoutMs));
		}
		const bytes = new Uint8Array(Math.min(received, count));
		let offset = 0;
		for (const chunk of chunks) {
			const part = chunk.subarray(0, bytes.length - offset);
			bytes.set(part, offset);
			offset += part.length;
			if (offset >= bytes.length) break;
		}
		return ok({status: response.status, bytes, contentLength: Number.isFinite(contentLength) ? contentLength : null, note: null, tookMs: Math.round(performance.now() - started)});
	}

	/** Release the TLS agent, if one was made. */
	async close(): Promise<void> {
		const tls = await this.dispatcher;
		if (tls?.ok && tls.value) await tls.value.close();
	}
}
