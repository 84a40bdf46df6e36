// One HTTP exchange with Keystone or Glance: only to its endpoint's origin, never following a redirect, within
// a deadline for the answer and one for the whole body, and never reading more of a body than its cap.
// node:http, not fetch: fetch is undici, whose loading costs a --json run ~50 ms before its first request and
// ~75 ms of CPU beside Glance's first page (node-http.ts says why it is required, not imported).
import type {Agent as HttpAgent, IncomingMessage} from 'node:http';
import type HttpsModule from 'node:https';
import {formatBytes} from '../../../model/format.js';
import {sameOrigin, type GlanceFailure} from '../../../model/openstack/glance.js';
import {errorMessage, fail, ok, type Result} from '../../../model/result.js';
import {fileLimits, readBoundedText} from '../bounded-file.js';
import {http, https} from '../node-http.js';

/** Connections kept between the pages of a listing, and between rounds for a short while. */
const keptHttp = new http.Agent({keepAlive: true});

export type Tls = {cacert: string | null; insecure: boolean};

/** The agent https requests go through: one for OS_CACERT / insecure, undefined for Node's defaults, or why the CA cannot be read. */
export type TlsAgent = Promise<Result<HttpsModule.Agent | undefined, GlanceFailure>>;

/** An https Agent for OS_CACERT / insecure, or undefined for Node's defaults; reading the CA is the only I/O. */
export async function tlsAgentFor(tls: Tls): TlsAgent {
	const {cacert, insecure} = tls;
	if (!insecure && !cacert) return ok(undefined);
	if (insecure || !cacert) return ok(new (https().Agent)({keepAlive: true, rejectUnauthorized: false}));
	const ca = await readBoundedText(cacert, {what: 'CA bundle (OS_CACERT)', maxBytes: fileLimits.config});
	if (ca.ok) return ok(new (https().Agent)({keepAlive: true, ca: ca.value}));
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

/** Where a request may go, how long it may take, and the agent for https (undefined: Node's defaults). */
export type Endpoint = {service: Service; url: string; deadlines: Deadlines; tlsAgent: HttpsModule.Agent | undefined};

/** What is asked: a GET, or a POST with its body. */
export type Request = {method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string};

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

/** A deadline passed: the request (or its body) is destroyed with this. */
class Late extends Error {
	override readonly name = 'TimeoutError';
}

/** Why a request never got a whole answer: refused, unknown host, a deadline (`late` says which), TLS. */
export function explainRequestError(error: unknown, service: Service, url: string, late: string): GlanceFailure {
	const cause = (error as {cause?: NodeJS.ErrnoException} | undefined)?.cause;
	const code = (error as NodeJS.ErrnoException | undefined)?.code ?? cause?.code;
	const check = checkFor(service);
	if (error instanceof Late || code === 'ETIMEDOUT') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url} ${late}`, hint: `${service} is overloaded, stuck or firewalled — ${check}`};
	}
	if (code === 'ECONNREFUSED') return {kind: 'glance-unreachable', reason: `${service} at ${url}: connection refused`, hint: `Nothing listens there. ${check}`};
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url}: host name ${new URL(url).hostname} does not resolve`, hint: `Check DNS or /etc/hosts on this controller. ${check}`};
	}
	if (code === 'ECONNRESET' || code === 'EPIPE') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url}: connection closed before an answer`, hint: `A proxy (haproxy) or the service dropped the connection. ${check}`};
	}
	const message = (error as Error | undefined)?.message ?? '';
	if ((code && tlsCodes.has(code)) || /certificate/i.test(message)) {
		return {
			kind: 'glance-unreachable',
			reason: `${service} at ${url}: TLS certificate not trusted (${code ?? message})`,
			hint: 'Set OS_CACERT (or cacert in clouds.yaml) to the CA bundle, e.g. /etc/kolla/certificates/ca/root.crt',
		};
	}
	return {kind: 'glance-unreachable', reason: `${service} at ${url}: ${code ? `${code} ` : ''}${errorMessage(error).split('\n')[0]}`.trim(), hint: check};
}

/** A body read up to a number of bytes: `more` when the server had more to send. */
type Read = {bytes: Uint8Array; more: boolean};

/** An answer (status and headers) whose body is read on demand, under the request's whole-body deadline. */
export class Answer {
	constructor(
		private readonly response: IncomingMessage,
		readonly url: string,
		private readonly endpoint: Endpoint,
		/** Ends the whole-request deadline: once the body is read or left. */
		private readonly done: () => void,
	) {}

	get status(): number {
		return this.response.statusCode ?? 0;
	}

	/** One header's value (several joined with ", "), or null. */
	header(name: string): string | null {
		const value = this.response.headers[name.toLowerCase()];
		if (value === undefined) return null;
		return Array.isArray(value) ? value.join(', ') : value;
	}

	get ok(): boolean {
		return this.status >= 200 && this.status < 300;
	}

	/** Reads until `limit` bytes (`past`: one byte more, to know the body is longer), then stops reading. */
	private async read(limit: number, past: boolean): Promise<Result<Read, GlanceFailure>> {
		const chunks: Buffer[] = [];
		let received = 0;
		try {
			// Leaving the loop early destroys the body: the rest is never read, and its connection is not kept.
			for await (const chunk of this.response as AsyncIterable<Buffer>) {
				chunks.push(chunk);
				received += chunk.byteLength;
				if (past ? received > limit : received >= limit) break;
			}
		} catch (error) {
			return fail(explainRequestError(error, this.endpoint.service, this.url, `did not finish its answer within ${seconds(this.endpoint.deadlines.totalMs)}`));
		} finally {
			this.done();
		}
		// Past the cap the bytes are not wanted (only that there were more): no copy of them is made.
		if (past && received > limit) return ok({bytes: new Uint8Array(0), more: true});
		const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
		return ok({bytes: whole.subarray(0, Math.min(received, limit)), more: received > limit});
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

	/** Leave the body unread (its connection is closed, not kept). */
	discard(): Promise<void> {
		this.response.destroy();
		this.done();
		return Promise.resolve();
	}
}

/**
 * One request to `endpoint`'s origin and nowhere else: a URL elsewhere is not asked, a redirect is not followed
 * (its secret would go along), and the answer must start within `answerMs` and end within `totalMs`.
 */
export async function send(url: string, request: Request, endpoint: Endpoint): Promise<Result<Answer, GlanceFailure>> {
	const {service, deadlines} = endpoint;
	if (!sameOrigin(url, endpoint.url)) {
		return fail({
			kind: 'glance-error',
			reason: `${service} request to ${url} would leave its endpoint ${new URL(endpoint.url).origin}: not sent, ${secretWord(service)} with its endpoint`,
			hint: `Check the ${service} endpoint (catalog or settings)`,
		});
	}
	const answerMs = Math.min(deadlines.answerMs, deadlines.totalMs);
	const answered = await new Promise<Result<{response: IncomingMessage; done: () => void}, GlanceFailure>>(resolve => {
		let response: IncomingMessage | null = null;
		let late = `did not answer within ${seconds(answerMs)}`;
		const body = request.body === undefined ? undefined : Buffer.from(request.body);
		let asked: ReturnType<typeof http.request>;
		const answerTimer = setTimeout(() => asked.destroy(new Late(`no answer within ${seconds(answerMs)}`)), answerMs);
		// The whole exchange's deadline runs on while the body is read, and keeps no process alive on its own.
		const totalTimer = setTimeout(() => {
			const error = new Late(`no whole answer within ${seconds(deadlines.totalMs)}`);
			if (response) response.destroy(error);
			else {
				late = `did not answer within ${seconds(deadlines.totalMs)}`;
				asked.destroy(error);
			}
		}, deadlines.totalMs);
		totalTimer.unref();
		const done = () => clearTimeout(totalTimer);
		try {
			const target = new URL(url);
			const secure = target.protocol === 'https:';
			const headers = body ? {...request.headers, 'Content-Length': String(body.byteLength)} : request.headers;
			const agent: HttpAgent = secure ? (endpoint.tlsAgent ?? https().globalAgent) : keptHttp;
			asked = (secure ? https().request : http.request)(target, {method: request.method ?? 'GET', headers, agent});
		} catch (error) {
			clearTimeout(answerTimer);
			done();
			resolve(fail(explainRequestError(error, service, url, late)));
			return;
		}
		asked.on('error', error => {
			clearTimeout(answerTimer);
			// Once answered, an error is the body's: its reader is told.
			if (response) return;
			done();
			resolve(fail(explainRequestError(error, service, url, late)));
		});
		asked.on('response', answer => {
			clearTimeout(answerTimer);
			response = answer;
			resolve(ok({response: answer, done}));
		});
		asked.end(body);
	});
	if (!answered.ok) return answered;
	const answer = new Answer(answered.value.response, url, endpoint, answered.value.done);
	if (answer.status >= 300 && answer.status < 400) {
		await answer.discard();
		const location = answer.header('location');
		const where = location === null ? 'without saying where' : `to ${location.length > 200 ? `${location.slice(0, 199)}…` : location}`;
		return fail({
			kind: 'glance-error',
			reason: `${service} at ${url} answered ${answer.status}, redirecting ${where}: not followed, ${secretWord(service)} with its endpoint`,
			hint: `Point the ${service} endpoint at the service itself (catalog, OS_AUTH_URL or --glance-url), e.g. its https:// URL if http:// redirects`,
		});
	}
	return ok(answer);
}
