// Glance v2 over HTTP (http.ts): every image (all pages, hidden ones too) and the first bytes of one image's data.
import {secretsOf, type GlanceAccess} from '../../../model/openstack/credentials.js';
import {glanceRoot, imageFromJson, listingLimits, nextPageUrl, unavailableListing, type GlanceFailure} from '../../../model/openstack/glance.js';
import {bodySnippet} from '../../../model/openstack/redact.js';
import {fail, ok, type Result} from '../../../model/result.js';
import type {GlanceImage, GlanceListing} from '../../../model/types.js';
import {tlsAgentFor, send, type Answer, type Deadlines, type TlsAgent} from './http.js';
import {KeystoneSession} from './keystone.js';

export type GlanceClientOptions = {
	/** Per request (Keystone or Glance), body included. */
	timeoutMs: number;
	/** Until an answer starts, at most timeoutMs: a frozen Glance (connects, never answers) is known by then. */
	answerTimeoutMs?: number;
	/** Images per page; Glance caps it at api_limit_max (1000 by default). */
	pageSize?: number;
	now?: () => number;
};

const listingBugHint = 'A Glance or proxy bug: list with openstack image list to compare';

/** Time to the first byte of an answer: Glance builds a page of 1000 images in well under this. */
const defaultAnswerTimeoutMs = 5000;

/** What Glance answered to a download: its status passed through, and at most the bytes asked for. */
export type FirstBytes = {status: number; bytes: Uint8Array; contentLength: number | null; note: string | null; tookMs: number};

type Reply = {answer: Answer; root: string};
/** A failed request, with Glance's root when it was known by then (shown as the listing's endpoint). */
type Refusal = GlanceFailure & {root: string | null};

/** Glance through Keystone (token, catalog, renewal) or at a fixed URL; never rejects, never shows a secret. */
export class GlanceClient {
	readonly source: string;
	/** Present exactly when the access goes through Keystone. */
	private readonly session: KeystoneSession | null;
	private readonly pageSize: number;
	private readonly deadlines: Deadlines;
	private tlsAgent: TlsAgent | null = null;

	constructor(
		private readonly access: GlanceAccess,
		options: GlanceClientOptions,
	) {
		this.source = access.source;
		this.pageSize = Math.max(1, Math.min(1000, Math.floor(options.pageSize ?? 1000)));
		this.deadlines = {answerMs: Math.min(options.answerTimeoutMs ?? defaultAnswerTimeoutMs, options.timeoutMs), totalMs: options.timeoutMs};
		this.session = access.kind === 'keystone' ? new KeystoneSession(access.credentials, access.source, {deadlines: this.deadlines, tls: () => this.tls(), now: options.now}) : null;
	}

	/** How many times Keystone was asked for a token (0 for --glance-url). */
	get authentications(): number {
		return this.session?.authentications ?? 0;
	}

	private secrets(): string[] {
		return [...secretsOf(this.access), ...(this.session?.secrets() ?? [])];
	}

	private tls(): TlsAgent {
		if (!this.tlsAgent) {
			const tls = this.access.kind === 'keystone' ? this.access.credentials : this.access;
			this.tlsAgent = tlsAgentFor({cacert: tls.cacert, insecure: tls.insecure});
		}
		return this.tlsAgent;
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

	/**
	 * GET a path relative to Glance's root (or a next link on its origin); one 401 renews the Keystone token and
	 * tries again. The token only ever goes to the root's origin.
	 */
	private async get(relative: string, accept: string): Promise<Result<Reply, Refusal>> {
		const tls = await this.tls();
		if (!tls.ok) return fail({...tls.problem, root: null});
		for (let attempt = 0; ; attempt += 1) {
			const target = await this.target();
			if (!target.ok) return fail({...target.problem, root: null});
			const {root, token} = target.value;
			const url = nextPageUrl(root, relative);
			if (!url.ok) return fail({...url.problem, root});
			const sent = await send(url.value, {headers: {Accept: accept, ...(token ? {'X-Auth-Token': token} : {})}}, {service: 'Glance', url: root, deadlines: this.deadlines, tlsAgent: tls.value});
			if (!sent.ok) return fail({...sent.problem, root});
			const answer = sent.value;
			if (answer.status === 401 && this.session && attempt === 0) {
				await answer.discard();
				this.session.invalidate();
				continue;
			}
			if (answer.status === 401 || answer.status === 403) {
				const said = await this.snippet(answer);
				const whose = this.session ? `the token from ${this.source}` : token ? `the token (${this.source})` : `a request without a token (${this.source})`;
				return fail({
					kind: 'glance-auth-failed',
					root,
					reason: `Glance refused ${whose}: ${answer.status}${said ? ` ${said}` : ''}`,
					hint: this.session
						? answer.status === 403
							? 'The user lacks a role Glance needs to list images: use the admin openrc, or grant the role (openstack role add)'
							: 'Keystone issued a token Glance does not accept: check [keystone_authtoken] in glance-api.conf and that both use the same Keystone'
						: 'Set OS_TOKEN to a valid token (openstack token issue), or drop --glance-url to authenticate through Keystone',
				});
			}
			return ok({answer, root});
		}
	}

	/** An error body's human part, redacted. */
	private async snippet(answer: Answer, limit?: number): Promise<string> {
		return bodySnippet(await answer.quote(), this.secrets(), limit);
	}

	/** The body of a JSON answer up to `maxBytes`, or why there is none to parse (too large, cut off, or an HTTP error with Glance's words). */
	private async jsonText(answer: Answer, maxBytes: number, what: string): Promise<Result<string, GlanceFailure>> {
		if (!answer.ok) return fail(this.httpFailure(answer, await this.snippet(answer)));
		return answer.text(maxBytes, what);
	}

	private httpFailure(answer: Answer, said: string): GlanceFailure {
		const hint = answer.status >= 500 ? 'Glance is failing: docker logs glance_api (kolla: /var/log/kolla/glance/glance-api.log)' : 'Glance did not accept the request: is this endpoint really Glance v2?';
		return {kind: 'glance-error', reason: `Glance at ${answer.url} answered ${answer.status}${said ? `: ${said}` : ''}`, hint};
	}

	/**
	 * Every image Glance lists: all pages with visibility=all, then again with os_hidden=true, deduplicated by
	 * id. With `changedSince` (an updated_at Glance reported), only the images updated at or after it;
	 * `onFirstPage` hears when the first page has answered (before its body is read). A page
	 * asked twice, more pages than listingLimits.pages or more bytes than its limits end the listing with why.
	 */
	async listImages(options: {changedSince?: string; onFirstPage?: () => void} = {}): Promise<GlanceListing> {
		const changed = options.changedSince ? `&updated_at=${encodeURIComponent(`gte:${options.changedSince}`)}` : '';
		const started = performance.now();
		const images = new Map<string, GlanceImage>();
		let pages = 0;
		let bytes = 0;
		let root: string | null = null;
		const unavailable = (failure: GlanceFailure): GlanceListing => unavailableListing(failure, {endpoint: root, authSource: this.source});
		for (const hidden of [false, true]) {
			let next: string | null = `/v2/images?limit=${this.pageSize}&visibility=all${hidden ? '&os_hidden=true' : ''}${changed}`;
			const visited = new Set<string>();
			while (next !== null) {
				const where = root ?? 'its endpoint';
				if (visited.has(next)) {
					return unavailable({kind: 'glance-error', reason: `Glance at ${where} sent a next page already asked in this listing (${next.slice(0, 120)}): stopped there, a next that repeats`, hint: listingBugHint});
				}
				if (pages >= listingLimits.pages) {
					return unavailable({kind: 'glance-error', reason: `Glance at ${where} kept sending a next page past ${listingLimits.pages} pages (next ${next.slice(0, 120)}): stopped there, an endless next`, hint: listingBugHint});
				}
				visited.add(next);
				const answered = await this.get(next, 'application/json');
				if (pages === 0) options.onFirstPage?.();
				if (!answered.ok) {
					root = answered.problem.root ?? root;
					return unavailable(answered.problem);
				}
				const {answer} = answered.value;
				root = answered.value.root;
				const room = Math.min(listingLimits.pageBytes, listingLimits.listingBytes - bytes);
				const read = await this.jsonText(answer, room, room < listingLimits.pageBytes ? `for this listing (${pages} pages so far)` : 'for one page of images');
				if (!read.ok) return unavailable(read.problem);
				const body = read.value;
				bytes += Buffer.byteLength(body);
				let page: {images?: unknown; next?: unknown};
				try {
					page = JSON.parse(body) as typeof page;
				} catch {
					return unavailable({kind: 'glance-error', reason: `Glance at ${answer.url} answered ${answer.status} with a body that is not JSON: ${bodySnippet(body, this.secrets(), 120)}`, hint: 'Is this endpoint really Glance? A proxy may answer instead'});
				}
				if (!Array.isArray(page?.images)) return unavailable({kind: 'glance-error', reason: `Glance at ${answer.url} answered without an images list`, hint: 'Is this endpoint really Glance v2?'});
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
			// Orphans are only called so when these credentials see every project's images.
			listedAs: this.session?.scope ?? {roles: null, project: null},
		};
	}

	/** GET /v2/images/{id}: the whole record as Glance keeps it (custom properties too), for an image's detail. */
	async describeImage(id: string): Promise<Result<Record<string, unknown>, GlanceFailure>> {
		const answered = await this.get(`/v2/images/${encodeURIComponent(id)}`, 'application/json');
		if (!answered.ok) return answered;
		const {answer} = answered.value;
		const read = await this.jsonText(answer, listingLimits.recordBytes, 'for one image record');
		if (!read.ok) return read;
		const body = read.value;
		try {
			const record = JSON.parse(body) as unknown;
			if (typeof record === 'object' && record !== null && !Array.isArray(record)) return ok(record as Record<string, unknown>);
		} catch {
			// Reported below with the body's first bytes.
		}
		return fail({kind: 'glance-error', reason: `Glance at ${answer.url} answered ${answer.status} with a body that is not an image record: ${bodySnippet(body, this.secrets(), 120)}`, hint: 'Is this endpoint really Glance v2?'});
	}

	/**
	 * GET /v2/images/{id}/file and read at most `count` bytes. Glance's status is passed through: after a flap a
	 * stale container answers 204 (or 500) with no bytes, so callers check the bytes, not only the status.
	 */
	async downloadFirstBytes(id: string, count: number): Promise<Result<FirstBytes, GlanceFailure>> {
		const started = performance.now();
		const answered = await this.get(`/v2/images/${encodeURIComponent(id)}/file`, 'application/octet-stream');
		if (!answered.ok) return answered;
		const {answer} = answered.value;
		const length = Number(answer.header('content-length') ?? Number.NaN);
		const contentLength = Number.isFinite(length) ? length : null;
		const tookMs = () => Math.round(performance.now() - started);
		if (!answer.ok) {
			const said = await this.snippet(answer);
			return ok({status: answer.status, bytes: new Uint8Array(0), contentLength, note: said || null, tookMs: tookMs()});
		}
		const bytes = await answer.firstBytes(count);
		if (!bytes.ok) return bytes;
		return ok({status: answer.status, bytes: bytes.value, contentLength, note: null, tookMs: tookMs()});
	}

	/** Release the TLS agent's connections, if one was made. */
	async close(): Promise<void> {
		const tls = await this.tlsAgent;
		if (tls?.ok && tls.value) tls.value.destroy();
	}
}
