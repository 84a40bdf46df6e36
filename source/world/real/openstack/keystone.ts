// Keystone v3: a token from POST /auth/tokens, the service catalog, and a session that renews the token.
import type {Dispatcher} from 'undici';
import type {AuthMethod, AuthScope, Credentials, EndpointInterface} from './credentials.js';
import {bodySnippet, explainFetchError, timedFetch, type Failure} from './http.js';

export type CatalogEndpoint = {id?: string; interface: string; region: string | null; url: string};
export type CatalogService = {type: string; name?: string; endpoints: CatalogEndpoint[]};

export type KeystoneToken = {
	value: string;
	/** Epoch ms by Keystone's clock; null when Keystone did not say. */
	expiresAt: number | null;
	/** expires_at - issued_at: how long the token lives, whatever the clocks say; null when unknown. */
	lifetimeMs: number | null;
	catalog: CatalogService[];
	userName: string | null;
	projectName: string | null;
};

type Domain = {id: string} | {name: string};

function domainOf(id: string | undefined, name: string | undefined): Domain | undefined {
	if (id) return {id};
	if (name) return {name};
	return undefined;
}

function userOf(fields: {username?: string; userId?: string; userDomainId?: string; userDomainName?: string}): Record<string, unknown> {
	if (fields.userId) return {id: fields.userId};
	const domain = domainOf(fields.userDomainId, fields.userDomainName);
	return {name: fields.username, ...(domain ? {domain} : {})};
}

function identityOf(method: AuthMethod): Record<string, unknown> {
	switch (method.kind) {
		case 'password':
			return {methods: ['password'], password: {user: {...userOf(method), password: method.password}}};
		case 'application-credential':
			return {
				methods: ['application_credential'],
				application_credential: method.id ? {id: method.id, secret: method.secret} : {name: method.name, secret: method.secret, user: userOf(method)},
			};
		case 'token':
			return {methods: ['token'], token: {id: method.token}};
	}
}

function scopeOf(scope: AuthScope): Record<string, unknown> | undefined {
	if (scope.projectId) return {project: {id: scope.projectId}};
	if (scope.projectName) {
		const domain = domainOf(scope.projectDomainId, scope.projectDomainName);
		return {project: {name: scope.projectName, ...(domain ? {domain} : {})}};
	}
	const domain = domainOf(scope.domainId, scope.domainName);
	if (domain) return {domain};
	if (scope.system) return {system: {[scope.system]: true}};
	return undefined;
}

/** The JSON body of POST /v3/auth/tokens. */
export function authRequestBody(credentials: Credentials): {auth: Record<string, unknown>} {
	const scope = scopeOf(credentials.scope);
	return {auth: {identity: identityOf(credentials.method), ...(scope ? {scope} : {})}};
}

function text(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

/** The v3 catalog from a token body, tolerant of missing pieces. */
export function parseCatalog(raw: unknown): CatalogService[] {
	if (!Array.isArray(raw)) return [];
	return raw.flatMap(service => {
		if (typeof service !== 'object' || service === null) return [];
		const record = service as Record<string, unknown>;
		const type = text(record['type']);
		if (!type) return [];
		const endpoints = (Array.isArray(record['endpoints']) ? record['endpoints'] : []).flatMap((endpoint: unknown) => {
			if (typeof endpoint !== 'object' || endpoint === null) return [];
			const entry = endpoint as Record<string, unknown>;
			const url = text(entry['url']);
			const anInterface = text(entry['interface']);
			if (!url || !anInterface) return [];
			return [{...(text(entry['id']) ? {id: text(entry['id'])!} : {}), interface: anInterface, region: text(entry['region_id']) ?? text(entry['region']), url}];
		});
		return [{type, ...(text(record['name']) ? {name: text(record['name'])!} : {}), endpoints}];
	});
}

export type EndpointChoice = {ok: true; url: string; region: string | null} | {ok: false; reason: string; hint: string};

/** The catalog's endpoint for a service type, interface and (when given) region. */
export function selectEndpoint(catalog: CatalogService[], wanted: {type?: string; interface: EndpointInterface; region: string | null}): EndpointChoice {
	const type = wanted.type ?? 'image';
	const services = catalog.filter(service => service.type === type);
	if (services.length === 0) {
		const types = [...new Set(catalog.map(service => service.type))].sort();
		return {
			ok: false,
			reason: catalog.length === 0 ? `the token carries no service catalog, so no ${type} endpoint` : `the Keystone catalog has no ${type} service (it has: ${types.join(', ')})`,
			hint:
				catalog.length === 0
					? 'An unscoped token has no catalog: set OS_PROJECT_NAME (and OS_PROJECT_DOMAIN_NAME)'
					: `Register Glance: openstack service create ${type} && openstack endpoint create ${type} … — or pass --glance-url`,
		};
	}
	const endpoints = services.flatMap(service => service.endpoints);
	const matching = endpoints.filter(endpoint => endpoint.interface === wanted.interface && (wanted.region === null || endpoint.region === wanted.region));
	const chosen = matching[0];
	if (chosen) return {ok: true, url: chosen.url, region: chosen.region};
	const available = endpoints.map(endpoint => `${endpoint.interface}${endpoint.region ? ` ${endpoint.region}` : ''}`).join(', ') || 'none';
	const where = wanted.region === null ? '' : ` in region ${wanted.region}`;
	const sameInterface = endpoints.find(endpoint => endpoint.interface === wanted.interface);
	return {
		ok: false,
		reason: `the Keystone catalog has no ${wanted.interface} ${type} endpoint${where} (it has: ${available})`,
		hint:
			sameInterface && wanted.region !== null
				? `Set OS_REGION_NAME to ${sameInterface.region ?? 'the right region'}`
				: `Set OS_INTERFACE to one the catalog has (${[...new Set(endpoints.map(endpoint => endpoint.interface))].join(', ')}), or pass --glance-url`,
	};
}

export type AuthOutcome = {ok: true; token: KeystoneToken} | {ok: false; failure: Failure};

function authHint(method: AuthMethod): string {
	if (method.kind === 'password') return 'Check the password (OS_PASSWORD in the openrc, auth.password in clouds.yaml), the user and its domain — kolla: keystone_admin_password in /etc/kolla/passwords.yml';
	if (method.kind === 'application-credential') return 'Check OS_APPLICATION_CREDENTIAL_ID and _SECRET; the credential may have expired or been deleted (openstack application credential list)';
	return 'The token has expired or was revoked: get a new one (openstack token issue)';
}

export type AuthOptions = {timeoutMs: number; dispatcher?: Dispatcher | undefined};

/** POST {authUrl}/auth/tokens: the token from X-Subject-Token, its expiry and the catalog. */
export async function authenticate(credentials: Credentials, source: string, options: AuthOptions): Promise<AuthOutcome> {
	const url = `${credentials.authUrl}/auth/tokens`;
	const secrets = [credentials.method.kind === 'password' ? credentials.method.password : credentials.method.kind === 'token' ? credentials.method.token : credentials.method.secret];
	let response: Response;
	let body: string;
	try {
		response = await timedFetch(url, {method: 'POST', headers: {'Content-Type': 'application/json', Accept: 'application/json'}, body: JSON.stringify(authRequestBody(credentials))}, options.timeoutMs, options.dispatcher);
		body = await response.text();
	} catch (error) {
		return {ok: false, failure: explainFetchError(error, 'Keystone', url, options.timeoutMs)};
	}
	const token = response.headers.get('x-subject-token');
	secrets.push(token ?? '');
	const said = bodySnippet(body, secrets);
	if (response.status === 401 || response.status === 403) {
		return {ok: false, failure: {problem: 'glance-auth-failed', reason: `Keystone refused the credentials from ${source}: ${response.status}${said ? ` ${said}` : ''}`, hint: authHint(credentials.method)}};
	}
	if (response.status === 400) {
		return {ok: false, failure: {problem: 'glance-auth-failed', reason: `Keystone rejected the request built from ${source}: 400${said ? ` ${said}` : ''}`, hint: 'Check the user/project names and their domains (OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME)'}};
	}
	if (response.status === 404) {
		return {ok: false, failure: {problem: 'glance-error', reason: `Keystone at ${url} answered 404: no v3 auth there`, hint: 'OS_AUTH_URL should be Keystone\'s root, e.g. http://<internal VIP>:5000 (with or without /v3)'}};
	}
	if (!response.ok) {
		return {ok: false, failure: {problem: 'glance-error', reason: `Keystone at ${url} answered ${response.status}${said ? `: ${said}` : ''}`, hint: 'Keystone is failing: docker logs keystone (kolla) or its log file'}};
	}
	if (!token) return {ok: false, failure: {problem: 'glance-error', reason: `Keystone at ${url} answered ${response.status} without an X-Subject-Token header`, hint: 'Is OS_AUTH_URL really Keystone? A proxy may strip the header'}};
	let parsed: {token?: {expires_at?: unknown; issued_at?: unknown; catalog?: unknown; user?: {name?: unknown}; project?: {name?: unknown}}};
	try {
		parsed = JSON.parse(body) as typeof parsed;
	} catch {
		return {ok: false, failure: {problem: 'glance-error', reason: `Keystone at ${url} answered ${response.status} with a body that is not JSON: ${said}`, hint: 'Is OS_AUTH_URL really Keystone?'}};
	}
	const expiresAt = Date.parse(text(parsed.token?.expires_at) ?? '');
	const issuedAt = Date.parse(text(parsed.token?.issued_at) ?? '');
	return {
		ok: true,
		token: {
			value: token,
			expiresAt: Number.isFinite(expiresAt) ? expiresAt : null,
			lifetimeMs: Number.isFinite(expiresAt) && Number.isFinite(issuedAt) && expiresAt > issuedAt ? expiresAt - issuedAt : null,
			catalog: parseCatalog(parsed.token?.catalog),
			userName: text(parsed.token?.user?.name),
			projectName: text(parsed.token?.project?.name),
		},
	};
}

export type SessionOptions = AuthOptions & {now?: () => number};

/**
 * One token, reused until shortly before it expires or a service refuses it; concurrent callers share one
 * request. Expiry is measured on the local clock from the token's lifetime, so clock skew cannot make every
 * request re-authenticate.
 */
export class KeystoneSession {
	private current: {token: KeystoneToken; renewAt: number} | null = null;
	private pending: Promise<AuthOutcome> | null = null;
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

	async token(): Promise<AuthOutcome> {
		if (this.current && this.now() < this.current.renewAt) return {ok: true, token: this.current.token};
		if (!this.pending) {
			this.authentications += 1;
			const askedAt = this.now();
			this.pending = authenticate(this.credentials, this.source, this.options).then(outcome => {
				this.current = outcome.ok ? {token: outcome.token, renewAt: this.renewAt(outcome.token, askedAt)} : null;
				this.pending = null;
				return outcome;
			});
		}
		return this.pending;
	}

	/** Forget the token, after a service answered 401 with it. */
	invalidate(): void {
		this.current = null;
	}

	/** A token and the catalog's URL for a service type, chosen by the credentials' interface and region. */
	async endpoint(type = 'image'): Promise<{ok: true; url: string; token: string} | {ok: false; failure: Failure}> {
		const outcome = await this.token();
		if (!outcome.ok) return outcome;
		const choice = selectEndpoint(outcome.token.catalog, {type, interface: this.credentials.interface, region: this.credentials.region});
		if (!choice.ok) return {ok: false, failure: {problem: 'glance-error', reason: choice.reason, hint: choice.hint}};
		return {ok: true, url: choice.url, token: outcome.token.value};
	}

	/** Every secret this session holds (credential and current token), for redaction. */
	secrets(): string[] {
		const method = this.credentials.method;
		const credential = method.kind === 'password' ? method.password : method.kind === 'token' ? method.token : method.secret;
		return this.current ? [credential, this.current.token.value] : [credential];
	}
}
