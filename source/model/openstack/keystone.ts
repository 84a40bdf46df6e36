// Keystone v3 as data: the body that asks for a token, the token's answer, and the catalog's endpoint for a
// service.
import {fail, ok, type Result} from '../result.js';
import type {AuthMethod, AuthScope, Credentials, EndpointInterface} from './credentials.js';

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
	/** The token's role names (`token.roles[].name`): whether it may list every project's images. */
	roles?: string[];
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

/** The token Keystone issued (X-Subject-Token) with what its JSON body says about it. */
export function tokenFromAnswer(value: string, body: {token?: {expires_at?: unknown; issued_at?: unknown; catalog?: unknown; user?: {name?: unknown}; project?: {name?: unknown}; roles?: unknown}}): KeystoneToken {
	const expiresAt = Date.parse(text(body.token?.expires_at) ?? '');
	const issuedAt = Date.parse(text(body.token?.issued_at) ?? '');
	return {
		value,
		expiresAt: Number.isFinite(expiresAt) ? expiresAt : null,
		lifetimeMs: Number.isFinite(expiresAt) && Number.isFinite(issuedAt) && expiresAt > issuedAt ? expiresAt - issuedAt : null,
		catalog: parseCatalog(body.token?.catalog),
		userName: text(body.token?.user?.name),
		projectName: text(body.token?.project?.name),
		roles: Array.isArray(body.token?.roles) ? body.token.roles.map(role => text((role as {name?: unknown} | null)?.name)).filter((name): name is string => name !== null) : [],
	};
}

/** The catalog's endpoint for a service type, interface and (when given) region. */
export function selectEndpoint(catalog: CatalogService[], wanted: {type?: string; interface: EndpointInterface; region: string | null}): Result<{url: string; region: string | null}> {
	const type = wanted.type ?? 'image';
	const services = catalog.filter(service => service.type === type);
	if (services.length === 0) {
		const types = [...new Set(catalog.map(service => service.type))].sort();
		return fail({
			reason: catalog.length === 0 ? `the token carries no service catalog, so no ${type} endpoint` : `the Keystone catalog has no ${type} service (it has: ${types.join(', ')})`,
			hint:
				catalog.length === 0
					? 'An unscoped token has no catalog: set OS_PROJECT_NAME (and OS_PROJECT_DOMAIN_NAME)'
					: `Register Glance: openstack service create ${type} && openstack endpoint create ${type} … — or pass --glance-url`,
		});
	}
	const endpoints = services.flatMap(service => service.endpoints);
	const matching = endpoints.filter(endpoint => endpoint.interface === wanted.interface && (wanted.region === null || endpoint.region === wanted.region));
	const chosen = matching[0];
	if (chosen) return ok({url: chosen.url, region: chosen.region});
	const available = endpoints.map(endpoint => `${endpoint.interface}${endpoint.region ? ` ${endpoint.region}` : ''}`).join(', ') || 'none';
	const where = wanted.region === null ? '' : ` in region ${wanted.region}`;
	const sameInterface = endpoints.find(endpoint => endpoint.interface === wanted.interface);
	return fail({
		reason: `the Keystone catalog has no ${wanted.interface} ${type} endpoint${where} (it has: ${available})`,
		hint:
			sameInterface && wanted.region !== null
				? `Set OS_REGION_NAME to ${sameInterface.region ?? 'the right region'}`
				: `Set OS_INTERFACE to one the catalog has (${[...new Set(endpoints.map(endpoint => endpoint.interface))].join(', ')}), or pass --glance-url`,
	});
}
