// One HTTP exchange with Keystone or Glance: only to its endpoint's origin, never following a redirect, within
// a deadline for the answer and one for the whole body, and never reading more of a body than its cap.
import type {Dispatcher} from 'undici';
import {formatBytes} from '../../../model/format.js';
import {sameOrigin, type GlanceFailure} from '../../../model/openstack/glance.js';
import {errorMessage, fail, ok, type Result} from '../../../model/result.js';
import {fileLimits, readBoundedText} from '../bounded-file.js';

export type Tls = {cacert: string | null; insecure: boolean};

/** The agent requests go through: one for OS_CACERT / insecure, undefined for Node's defaults, or why the CA cannot be read. */
export type TlsAgent = Promise<Result<Dispatcher | undefined, GlanceFailure>>;

/** An undici Agent for OS_CACERT / insecure, or undefined for Node's defaults; reading the CA is the only I/O. */
export async function dispatcherFor(tls: Tls): TlsAgent {
	const {cacert, insecure} = tls;
	if (!insecure && !cacert) return ok(undefined);
	// Loaded only when asked for: undici's module costs ~13 MB of memory that Node's defaults never need.
	const {Agent} = await import('undici');
	if (insecure || !cacert) return ok(new Agent({connect: {rejectUnauthorized: false}}));
	const ca = await readBoundedText(cacert, {what: 'CA bundle (OS_CACERT)', maxBytes: fileLimits.config});
	if (ca.ok) return ok(new Agent({connect: {ca: ca.value}}));
	const {errno} = ca.problem;
	const why = errno === 'ENOENT' ? 'not found' : errno === 'EACCES' ? 'permission denied' : null;
	return fail({
		kind: 'glance-not-configured',
		reason: why ? `CA bundle ${tls.cacert} (OS_CACERT): ${why}` : ca.problem.reason,
		hint: 'Point OS_CACERT (or cacert in clouds.yaml) at the CA that signed the API certificates, e.g. /etc/kolla/certificates/ca/root.crt',
	});
}

export type Service = 'Keystone' | 'Glance';

/** How long a request may take: until the answer starts (a frozen service is known then), and until its body is read. */
export type Deadlines = {answerMs: number; totalMs: number};

/** Where a request may go and how long it may take. */
export type Endpoint = {service: Service; url: string; deadlines: Deadlines; dispatcher: Dispatcher | undefined};

/** How much of an error's body is read to quote it: its human part is in the first bytes. */
const errorBodyBytes = 64 * 1024;

const tlsCodes = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'CERT_NOT_YET_VALID',
]);

function seconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

function checkFor(service: Service): string {
	return service === 'Keystone' ? 'Is Keystone up (docker ps | grep keystone)? Is OS_AUTH_URL right?' : 'Is glance_api running (docker ps)? Is the endpoint in the catalog right (openstack endpoint list --service image)?';
}

/** What stays behind when a redirect or a link is refused: the secret that would have gone along. */
function secretWord(service: Service): string {
	return service === 'Keystone' ? 'the credentials stay' : 'the token stays';
}

/** Why a request never got a whole answer: refused, unknown host, a deadline (`late` says which), TLS. */
export function explainFetchError(error: unknown, service: Service, url: string, late: string): GlanceFailure {
	const name = (error as Error | undefined)?.name;
	const cause = (error as {cause?: NodeJS.ErrnoException} | undefined)?.cause;
	const code = cause?.code ?? (error as NodeJS.ErrnoException | undefined)?.code;
	const check = checkFor(service);
	if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url} ${late}`, hint: `${service} is overloaded, stuck or firewalled — ${check}`};
	}
	if (cause?.message === 'bad port') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url}: port ${new URL(url).port} is one fetch refuses to contact (a "bad port")`, hint: `Use the service's real port (Keystone 5000, Glance 9292). ${check}`};
	}
	if (code === 'ECONNREFUSED') return {kind: 'glance-unreachable', reason: `${service} at ${url}: connection refused`, hint: `Nothing listens there. ${check}`};
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url}: host name ${new URL(url).hostname} does not resolve`, hint: `Check DNS or /etc/hosts on this controller. ${check}`};
	}
	if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url}: connection closed before an answer`, hint: `A proxy (haproxy) or the service dropped the connection. ${check}`};
	}
	if ((code && tlsCodes.has(code)) || /certificate/i.test(cause?.message ?? '')) {
		return {
			kind: 'glance-unreachable',
			reason: `${service} at ${url}: TLS certificate not trusted (${code ?? cause?.message})`,
			hint: 'Set OS_CACERT (or cacert in clouds.yaml) to the CA bundle, e.g. /etc/kolla/certificates/ca/root.crt',
		};
	}
	const message = cause?.message ?? errorMessage(error);
	return {kind: 'glance-unreachable', reason: `${service} at ${url}: ${code ? `${code} ` : ''}${message.split('\n')[0]}`.trim(), hint: check};
}

/** A body read up to a number of bytes: `more` when the server had more to send. */
type Read = {bytes: Uint8Array; more: boolean};

/** An answer (status and headers) whose body is read on demand, under the request's whole-body deadline. */
export class Answer {
	constructor(
		private readonly response: Response,
		readonly url: string,
		private readonly endpoint: Endpoint,
	) {}

	get status(): number {
		return this.response.status;
	}

	get headers(): Headers {
		return this.response.headers;
	}

	get ok(): boolean {
		return this.response.ok;
	}

	/** Reads until `limit` bytes (`past`: one byte more, to know the body is longer), then stops reading. */
	private async read(limit: number, past: boolean): Promise<Result<Read, GlanceFailure>> {
		const reader = this.response.body?.getReader();
		const chunks: Uint8Array[] = [];
		let received = 0;
		try {
			while (reader && (past ? received <= limit : received < limit)) {
				const {done, value} = await reader.read();
				if (done) break;
				chunks.push(value);
				received += value.byteLength;
			}
			if (reader) await reader.cancel();
		} catch (error) {
			return fail(explainFetchError(error, this.endpoint.service, this.url, `did not finish its answer within ${seconds(this.endpoint.deadlines.totalMs)}`));
		}
		const bytes = new Uint8Array(Math.min(received, limit));
		let offset = 0;
		for (const chunk of chunks) {
			if (offset >= bytes.length) break;
			const part = chunk.subarray(0, bytes.length - offset);
			bytes.set(part, offset);
			offset += part.length;
		}
		return ok({bytes, more: received > limit});
	}

	/** The whole body as text; past `maxBytes` (what it is for is `what`) a problem naming the cap, and no more is read. */
	async text(maxBytes: number, what: string): Promise<Result<string, GlanceFailure>> {
		const read = await this.read(maxBytes, true);
		if (!read.ok) return read;
		if (read.value.more) {
			return fail({
				kind: 'glance-error',
				reason: `${this.endpoint.service} at ${this.url} sent more than ${formatBytes(maxBytes)} ${what}: stopped reading there`,
				hint: `No honest ${this.endpoint.service} answer is that large: a proxy or a broken service streams without end — ${checkFor(this.endpoint.service)}`,
			});
		}
		return ok(new TextDecoder().decode(read.value.bytes));
	}

	/** At most `count` bytes of the body; the rest is never read. */
	async firstBytes(count: number): Promise<Result<Uint8Array, GlanceFailure>> {
		const read = await this.read(count, false);
		return read.ok ? ok(read.value.bytes) : read;
	}

	/** The first bytes of an error's body as text, to quote it; empty when even those cannot be read. */
	async quote(): Promise<string> {
		const read = await this.read(errorBodyBytes, false);
		return read.ok ? new TextDecoder().decode(read.value.bytes) : '';
	}

	/** Leave the body unread. */
	async discard(): Promise<void> {
		await this.response.body?.cancel().catch(() => undefined);
	}
}

/**
 * One request to `endpoint`'s origin and nowhere else: a URL elsewhere is not asked, a redirect is not followed
 * (its secret would go along), and the answer must start within `answerMs` and end within `totalMs`.
 */
export async function send(url: string, init: RequestInit, endpoint: Endpoint): Promise<Result<Answer, GlanceFailure>> {
	const {service, deadlines} = endpoint;
	if (!sameOrigin(url, endpoint.url)) {
		return fail({
			kind: 'glance-error',
			reason: `${service} request to ${url} would leave its endpoint ${new URL(endpoint.url).origin}: not sent, ${secretWord(service)} with its endpoint`,
			hint: `Check the ${service} endpoint (catalog or settings)`,
		});
	}
	const answerMs = Math.min(deadlines.answerMs, deadlines.totalMs);
	const answering = new AbortController();
	const timer = setTimeout(() => answering.abort(new DOMException(`no answer within ${seconds(answerMs)}`, 'TimeoutError')), answerMs);
	const signal = AbortSignal.any([answering.signal, AbortSignal.timeout(deadlines.totalMs)]);
	let response: Response;
	try {
		response = await fetch(url, {...init, redirect: 'manual', signal, ...(endpoint.dispatcher ? {dispatcher: endpoint.dispatcher} : {})} as RequestInit);
	} catch (error) {
		return fail(explainFetchError(error, service, url, `did not answer within ${seconds(answering.signal.aborted ? answerMs : deadlines.totalMs)}`));
	} finally {
		clearTimeout(timer);
	}
	const answer = new Answer(response, url, endpoint);
	if (response.status >= 300 && response.status < 400) {
		await answer.discard();
		const location = response.headers.get('location');
		const where = location === null ? 'without saying where' : `to ${location.length > 200 ? `${location.slice(0, 199)}…` : location}`;
		return fail({
			kind: 'glance-error',
			reason: `${service} at ${url} answered ${response.status}, redirecting ${where}: not followed, ${secretWord(service)} with its endpoint`,
			hint: `Point the ${service} endpoint at the service itself (catalog, OS_AUTH_URL or --glance-url), e.g. its https:// URL if http:// redirects`,
		});
	}
	return ok(answer);
}
