// fetch with a timeout, a CA bundle when asked, and failures an operator can act on.
import {readFile} from 'node:fs/promises';
import {Agent, type Dispatcher} from 'undici';
import type {GlanceFailure} from '../../../model/openstack/glance.js';
import {errorMessage, fail, ok, type Result} from '../../../model/result.js';

export type Tls = {cacert: string | null; insecure: boolean};

/** An undici Agent for OS_CACERT / insecure, or undefined for Node's defaults; reading the CA is the only I/O. */
export async function dispatcherFor(tls: Tls): Promise<Result<Dispatcher | undefined, GlanceFailure>> {
	if (tls.insecure) return ok(new Agent({connect: {rejectUnauthorized: false}}));
	if (!tls.cacert) return ok(undefined);
	try {
		const ca = await readFile(tls.cacert, 'utf8');
		return ok(new Agent({connect: {ca}}));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
		return fail({
			kind: 'glance-not-configured',
			reason: `CA bundle ${tls.cacert} (OS_CACERT): ${why}`,
			hint: 'Point OS_CACERT (or cacert in clouds.yaml) at the CA that signed the API certificates, e.g. /etc/kolla/certificates/ca/root.crt',
		});
	}
}

const tlsCodes = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'CERT_NOT_YET_VALID',
]);

/** Why a request never got an answer: refused, unknown host, timeout, TLS. */
export function explainFetchError(error: unknown, service: 'Keystone' | 'Glance', url: string, timeoutMs: number): GlanceFailure {
	const name = (error as Error | undefined)?.name;
	const cause = (error as {cause?: NodeJS.ErrnoException} | undefined)?.cause;
	const code = cause?.code ?? (error as NodeJS.ErrnoException | undefined)?.code;
	const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
	const check = service === 'Keystone' ? 'Is Keystone up (docker ps | grep keystone)? Is OS_AUTH_URL right?' : 'Is glance_api running (docker ps)? Is the endpoint in the catalog right (openstack endpoint list --service image)?';
	if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
		return {kind: 'glance-unreachable', reason: `${service} at ${url} did not answer within ${seconds}`, hint: `${service} is overloaded, stuck or firewalled — ${check}`};
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

/** fetch with a per-request timeout that also covers reading the body through the same signal. */
export function timedFetch(url: string, init: RequestInit, timeoutMs: number, dispatcher: Dispatcher | undefined): Promise<Response> {
	const options = {...init, signal: AbortSignal.timeout(timeoutMs), ...(dispatcher ? {dispatcher} : {})};
	return fetch(url, options as RequestInit);
}
