// Who we are to Keystone: the credential types, and building them from the flat fields an openrc, the
// environment or a clouds.yaml entry gives, with an error that names the input at fault.
import {fail, ok, type Result} from '../result.js';

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** How to prove who we are. Secrets live only in fields named password, secret or token. */
export type AuthMethod =
	| {kind: 'password'; username?: string; userId?: string; password: string; userDomainName?: string; userDomainId?: string}
	| {
			kind: 'application-credential';
			id?: string;
			name?: string;
			secret: string;
			/** Only needed with `name`: an application credential name is unique per user. */
			username?: string;
			userId?: string;
			userDomainName?: string;
			userDomainId?: string;
	  }
	| {kind: 'token'; token: string};

/** What the token is for; empty means unscoped (application credentials carry their own scope). */
export type AuthScope = {
	projectName?: string;
	projectId?: string;
	projectDomainName?: string;
	projectDomainId?: string;
	domainName?: string;
	domainId?: string;
	system?: string;
};

export type Credentials = {
	/** Keystone's v3 root, always ending in /v3. */
	authUrl: string;
	method: AuthMethod;
	scope: AuthScope;
	interface: EndpointInterface;
	region: string | null;
	/** Path of a CA bundle to trust (OS_CACERT), read when the client first connects. */
	cacert: string | null;
	insecure: boolean;
};

export type GlanceAccess =
	| {kind: 'keystone'; credentials: Credentials; source: string}
	| {kind: 'endpoint'; url: string; token: string | null; source: string; cacert: string | null; insecure: boolean};

/** The one secret an auth method carries. */
export function secretOf(method: AuthMethod): string {
	if (method.kind === 'password') return method.password;
	if (method.kind === 'application-credential') return method.secret;
	return method.token;
}

/** Every secret an access carries, for `redact`. */
export function secretsOf(access: GlanceAccess): string[] {
	if (access.kind === 'endpoint') return access.token ? [access.token] : [];
	return [secretOf(access.credentials.method)];
}

/** Keystone's v3 root from an OS_AUTH_URL, which kolla writes without a version (`http://10.0.0.10:5000`). */
export function normalizeAuthUrl(raw: string): string | null {
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return null;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
	url.search = '';
	url.hash = '';
	const base = url.toString().replace(/\/+$/, '');
	if (/\/v3$/.test(base)) return base;
	if (/\/v2\.0$/.test(base)) return base.replace(/\/v2\.0$/, '/v3');
	return `${base}/v3`;
}

/** `internalURL`, `Internal`, `internal` -> internal; null for anything that is not an interface. */
export function normalizeInterface(raw: string): EndpointInterface | null {
	const name = raw.trim().toLowerCase().replace(/url$/, '');
	return name === 'public' || name === 'internal' || name === 'admin' ? name : null;
}

/** OS_INSECURE=1/true/yes/on. */
export function isTruthy(value: string | undefined): boolean {
	return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

function abbreviate(id: string): string {
	return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** Who the credentials speak for, without any secret: `user admin, project admin`. */
export function describeCredentials(credentials: Credentials): string {
	const method = credentials.method;
	const parts: string[] = [];
	if (method.kind === 'password') parts.push(`user ${method.username ?? method.userId ?? '?'}`);
	else if (method.kind === 'application-credential') parts.push(`application credential ${method.id ? abbreviate(method.id) : (method.name ?? '?')}`);
	else parts.push('token');
	const scope = credentials.scope;
	const project = scope.projectName ?? scope.projectId;
	if (project) parts.push(`project ${project}`);
	else if (scope.domainName ?? scope.domainId) parts.push(`domain ${scope.domainName ?? scope.domainId}`);
	else if (scope.system) parts.push(`system ${scope.system}`);
	return parts.join(', ');
}

/** Every input an openrc or a clouds.yaml entry may give, under one set of names. */
export type CredentialFields = AuthScope & {
	authUrl?: string;
	authType?: string;
	username?: string;
	userId?: string;
	password?: string;
	userDomainName?: string;
	userDomainId?: string;
	defaultDomainId?: string;
	defaultDomainName?: string;
	appCredentialId?: string;
	appCredentialName?: string;
	appCredentialSecret?: string;
	token?: string;
	interface?: string;
	region?: string;
	cacert?: string;
	insecure: boolean;
};

/** Names of the inputs, so errors can say `OS_PASSWORD` for an openrc and `auth.password` for clouds.yaml. */
export type FieldNaming = {authUrl: string; password: string; secret: string; token: string; interface: string; authType: string};

/** Where the fields came from, for errors: `openrc /etc/kolla/admin-openrc.sh`; `computed` names fields a shell would have to compute. */
export type FieldOrigin = {where: string; naming: FieldNaming; computed?: readonly string[]};

function compact<T extends Record<string, unknown>>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Build Credentials from flat fields, or say exactly which input is missing or wrong. */
export function credentialsFrom(fields: CredentialFields, origin: FieldOrigin): Result<Credentials> {
	const {where, naming} = origin;
	const bad = (reason: string, hint: string) => fail({reason: `${where}: ${reason}`, hint});
	const needsShell = origin.computed?.[0];
	if (needsShell) {
		return bad(
			`${needsShell} is computed by a shell command, which glance-inspector does not run`,
			`Export ${needsShell} in the environment (source the file first), or use a clouds.yaml entry with OS_CLOUD`,
		);
	}
	if (!fields.authUrl) return bad(`${naming.authUrl} is not set`, `Set ${naming.authUrl} to Keystone's URL, e.g. http://<internal VIP>:5000`);
	const authUrl = normalizeAuthUrl(fields.authUrl);
	if (!authUrl) return bad(`${naming.authUrl}=${fields.authUrl} is not an http(s) URL`, `Set ${naming.authUrl} to Keystone's URL, e.g. http://<internal VIP>:5000`);

	let endpointInterface: EndpointInterface = 'public';
	if (fields.interface) {
		const normalized = normalizeInterface(fields.interface);
		if (!normalized) return bad(`${naming.interface}=${fields.interface} is not public, internal or admin`, `Set ${naming.interface} to internal (kolla's default) or public`);
		endpointInterface = normalized;
	}

	const defaultDomain = compact({id: fields.defaultDomainId, name: fields.defaultDomainName});
	// Like openstackclient: with no domain anywhere, users and projects live in the `default` domain.
	const fallbackDomainId = defaultDomain.id ?? (defaultDomain.name ? undefined : 'default');
	const userDomain =
		fields.userDomainId || fields.userDomainName
			? compact({userDomainId: fields.userDomainId, userDomainName: fields.userDomainName})
			: compact({userDomainId: fallbackDomainId, userDomainName: defaultDomain.name});
	const projectDomain =
		fields.projectDomainId || fields.projectDomainName
			? compact({projectDomainId: fields.projectDomainId, projectDomainName: fields.projectDomainName})
			: compact({projectDomainId: fallbackDomainId, projectDomainName: defaultDomain.name});

	const authType = (fields.authType ?? '').trim().toLowerCase().replace(/^v3/, '').replace(/_/g, '');
	let method: AuthMethod;
	let scoped = true;
	if (authType === 'applicationcredential' || (authType === '' && fields.appCredentialSecret && !fields.password)) {
		if (!fields.appCredentialSecret) return bad(`${naming.secret} is not set`, `An application credential needs its secret: set ${naming.secret}`);
		if (!fields.appCredentialId && !fields.appCredentialName) {
			return bad('neither an application credential id nor a name is set', 'Set OS_APPLICATION_CREDENTIAL_ID (or _NAME with OS_USERNAME)');
		}
		if (!fields.appCredentialId && !fields.username && !fields.userId) {
			return bad('an application credential given by name needs its user', 'Set OS_USERNAME (and OS_USER_DOMAIN_NAME), or use OS_APPLICATION_CREDENTIAL_ID');
		}
		method = compact({
			kind: 'application-credential' as const,
			id: fields.appCredentialId,
			name: fields.appCredentialName,
			secret: fields.appCredentialSecret,
			...(fields.appCredentialId ? {} : {username: fields.username, userId: fields.userId, ...userDomain}),
		});
		// An application credential is bound to its project; Keystone rejects a scope beside it.
		scoped = false;
	} else if (authType === 'token' || (authType === '' && fields.token && !fields.password)) {
		if (!fields.token) return bad(`${naming.token} is not set`, `Token authentication needs ${naming.token}`);
		method = {kind: 'token', token: fields.token};
	} else if (authType === 'password' || authType === '') {
		if (!fields.username && !fields.userId) return bad('no user name (OS_USERNAME) is set', 'Set OS_USERNAME (kolla: admin) or use an application credential');
		if (!fields.password) return bad(`${naming.password} is not set`, `Set ${naming.password}, or use an application credential`);
		method = compact({kind: 'password' as const, username: fields.username, userId: fields.userId, password: fields.password, ...(fields.userId ? {} : userDomain)});
	} else {
		return bad(`${naming.authType}=${fields.authType} is not supported`, 'Use password, v3password, v3applicationcredential, token or v3token');
	}

	let scope: AuthScope = {};
	if (scoped) {
		if (fields.projectId) scope = {projectId: fields.projectId};
		else if (fields.projectName) scope = {projectName: fields.projectName, ...projectDomain};
		else if (fields.domainId || fields.domainName) scope = compact({domainId: fields.domainId, domainName: fields.domainName});
		else if (fields.system) scope = {system: fields.system};
	}

	return ok({authUrl, method, scope, interface: endpointInterface, region: fields.region ?? null, cacert: fields.cacert ?? null, insecure: fields.insecure});
}
