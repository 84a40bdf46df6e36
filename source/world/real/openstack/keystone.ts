// Keystone v3 over HTTP (http.ts): a token from POST /auth/tokens, and a session that renews it.
import type {Agent as TlsAgentOf} from 'node:https';
import type {GlanceFailure} from '../../../model/openstack/glance.js';
import {secretOf, type AuthMethod, type Credentials} from '../../../model/openstack/credentials.js';
import {authRequestBody, selectEndpoint, tokenFromAnswer, type KeystoneToken} from '../../../model/openstack/keystone.js';
import {bodySnippet} from '../../../model/openstack/redact.js';
import {fail, ok, type Result} from '../../../model/result.js';
import {send, type Deadlines, type TlsAgent} from './http.js';

function authHint(method: AuthMethod): string {
	if (method.kind === 'password') return 'Check the password (OS_PASSWORD in the openrc, auth.password in clouds.yaml), the user and its domain — kolla: keystone_admin_password in /etc/kolla/passwords.yml';
	if (method.kind === 'application-credential') return 'Check OS_APPLICATION_CREDENTIAL_ID and _SECRET; the credential may have expired or been deleted (openstack application credential list)';
	return 'The token has expired or was revoked: get a new one (openstack token issue)';
}

/** A token answer carries the catalog: a few KiB, tens on a large cloud. */
const tokenBodyBytes = 1024 * 1024;

export type AuthOptions = {deadlines: Deadlines; tlsAgent: TlsAgentOf | undefined};

/** POST {authUrl}/auth/tokens, to the auth URL's origin only: the token from X-Subject-Token, its expiry and the catalog. */
export async function authenticate(credentials: Credentials, source: string, options: AuthOptions): Promise<Result<KeystoneToken, GlanceFailure>> {
	const url = `${credentials.authUrl}/auth/tokens`;
	const sent = await send(url, {method: 'POST', headers: {'Content-Type': 'application/json', Accept: 'application/json'}, body: JSON.stringify(authRequestBody(credentials))}, {service: 'Keystone', url: credentials.authUrl, ...options});
	if (!sent.ok) return sent;
	const response = sent.value;
	const read = await response.text(tokenBodyBytes, 'for a token');
	if (!read.ok) return read;
	const body = read.value;
	const token = response.header('x-subject-token');
	const said = bodySnippet(body, [secretOf(credentials.method), token ?? '']);
	if (response.status === 401 || response.status === 403) {
		return fail({kind: 'glance-auth-failed', reason: `Keystone refused the credentials from ${source}: ${response.status}${said ? ` ${said}` : ''}`, hint: authHint(credentials.method)});
	}
	if (response.status === 400) {
		return fail({kind: 'glance-auth-failed', reason: `Keystone rejected the request built from ${source}: 400${said ? ` ${said}` : ''}`, hint: 'Check the user/project names and their domains (OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME)'});
	}
	if (response.status === 404) {
		return fail({kind: 'glance-error', reason: `Keystone at ${url} answered 404: no v3 auth there`, hint: "OS_AUTH_URL should be Keystone's root, e.g. http://<internal VIP>:5000 (with or without /v3)"});
	}
	if (!response.ok) {
		return fail({kind: 'glance-error', reason: `Keystone at ${url} answered ${response.status}${said ? `: ${said}` : ''}`, hint: 'Keystone is failing: docker logs keystone (kolla) or its log file'});
	}
	if (!token) return fail({kind: 'glance-error', reason: `Keystone at ${url} answered ${response.status} without an X-Subject-Token header`, hint: 'Is OS_AUTH_URL really Keystone? A proxy may strip the header'});
	try {
		return ok(tokenFromAnswer(token, JSON.parse(body) as Parameters<typeof tokenFromAnswer>[1]));
	} catch {
		return fail({kind: 'glance-error', reason: `Keystone at ${url} answered ${response.status} with a body that is not JSON: ${said}`, hint: 'Is OS_AUTH_URL really Keystone?'});
	}
}

export type SessionOptions = {deadlines: Deadlines; tls: () => TlsAgent; now?: () => number};

/**
 * One token, reused until shortly before it expires or a service refuses it; concurrent callers share one
 * request. Expiry is measured on the local clock from the token's lifetime, so clock skew cannot make every
 * request re-authenticate.
 */
export class KeystoneSession {
	private current: {token: KeystoneToken; renewAt: number} | null = null;
	private pending: Promise<Result<KeystoneToken, GlanceFailure>> | null = null;
	/** How many times Keystone was asked, for tests and the status line. */
	authentications = 0;

	constructor(
		readonly credentials: Credentials,
		readonly source: string,
		private readonly options: SessionOptions,
	) {}

	private now(): number {
		return (this.options.now ?? Date.now)();
	}

	/** When to ask again: a minute (at most half the lifetime) before the token expires. */
	private renewAt(token: KeystoneToken, receivedAt: number): number {
		const lifetime = token.lifetimeMs ?? (token.expiresAt === null ? null : token.expiresAt - receivedAt);
		if (lifetime === null) return Number.POSITIVE_INFINITY;
		return receivedAt + lifetime - Math.min(60_000, lifetime / 2);
	}

	async token(): Promise<Result<KeystoneToken, GlanceFailure>> {
		if (this.current && this.now() < this.current.renewAt) return ok(this.current.token);
		if (!this.pending) {
			this.authentications += 1;
			const askedAt = this.now();
			this.pending = this.ask().then(outcome => {
				this.current = outcome.ok ? {token: outcome.value, renewAt: this.renewAt(outcome.value, askedAt)} : null;
				this.pending = null;
				return outcome;
			});
		}
		return this.pending;
	}

	private async ask(): Promise<Result<KeystoneToken, GlanceFailure>> {
		const tls = await this.options.tls();
		return tls.ok ? authenticate(this.credentials, this.source, {deadlines: this.options.deadlines, tlsAgent: tls.value}) : tls;
	}

	/** The current token's roles and project, for a listing to say whether it saw every project's images. */
	get scope(): {roles: string[] | null; project: string | null} | null {
		const token = this.current?.token;
		return token ? {roles: token.roles ?? null, project: token.projectName} : null;
	}

	/** Forget the token, after a service answered 401 with it. */
	invalidate(): void {
		this.current = null;
	}

	/** A token and the catalog's URL for a service type, chosen by the credentials' interface and region. */
	async endpoint(type = 'image'): Promise<Result<{url: string; token: string}, GlanceFailure>> {
		const outcome = await this.token();
		if (!outcome.ok) return outcome;
		const choice = selectEndpoint(outcome.value.catalog, {type, interface: this.credentials.interface, region: this.credentials.region});
		if (!choice.ok) return fail({kind: 'glance-error', reason: choice.problem.reason, hint: choice.problem.hint ?? ''});
		return ok({url: choice.value.url, token: outcome.value.value});
	}

	/** Every secret this session holds (credential and current token), for redaction. */
	secrets(): string[] {
		const credential = secretOf(this.credentials.method);
		return this.current ? [credential, this.current.token.value] : [credential];
	}
}
