// Where the Glance credentials come from: --glance-url, clouds.yaml, OS_* variables or kolla's openrc.
// Pure: files arrive through an injected reader, and nothing here runs a shell.
import path from 'node:path';
import {parse as parseYaml} from 'yaml';

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

export type AccessResolution = {ok: true; access: GlanceAccess} | {ok: false; reason: string; hint: string};

export type AccessInput = {
	env: Record<string, string | undefined>;
	glanceUrl?: string;
	osCloud?: string;
	openrcPath?: string;
	readFile: (path: string) => string | null;
	homeDir: string;
	/** Where `./clouds.yaml` is looked for; the process's working directory when absent. */
	cwd?: string;
};

export const defaultOpenrcPath = '/etc/kolla/admin-openrc.sh';

const notConfiguredHint =
	`Pass --glance-url URL, set OS_CLOUD (or --os-cloud) for a clouds.yaml entry, export OS_AUTH_URL and friends (source an openrc), ` +
	`or point --openrc at kolla's admin-openrc.sh (default ${defaultOpenrcPath}, readable by root only)`;

/** Replace every secret (and its JSON- and URL-escaped forms) in text, so server answers can be shown. */
export function redact(text: string, secrets: readonly string[]): string {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (!secret) continue;
		forms.add(secret);
		forms.add(JSON.stringify(secret).slice(1, -1));
		forms.add(encodeURIComponent(secret));
	}
	let result = text;
	for (const form of [...forms].sort((a, b) => b.length - a.length)) {
		if (form) result = result.split(form).join('***');
	}
	return result;
}

/** Every secret an access carries, for `redact`. */
export function secretsOf(access: GlanceAccess): string[] {
	if (access.kind === 'endpoint') return access.token ? [access.token] : [];
	const method = access.credentials.method;
	if (method.kind === 'password') return [method.password];
	if (method.kind === 'application-credential') return [method.secret];
	return [method.token];
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

function failure(reason: string, hint: string): AccessResolution {
	return {ok: false, reason, hint};
}

function truthy(value: string | undefined): boolean {
	return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** The flat variable set both the environment and an openrc file give, with where it came from. */
type Variables = {get(name: string): string | undefined; origin: string; computed: ReadonlySet<string>};

function first(vars: Variables, ...names: string[]): string | undefined {
	for (const name of names) {
		const value = vars.get(name);
		if (value !== undefined && value !== '') return value;
	}
	return undefined;
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
type Fields = AuthScope & {
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
type Naming = {authUrl: string; password: string; secret: string; token: string; interface: string; authType: string};

const envNaming: Naming = {
	authUrl: 'OS_AUTH_URL',
	password: 'OS_PASSWORD',
	secret: 'OS_APPLICATION_CREDENTIAL_SECRET',
	token: 'OS_TOKEN',
	interface: 'OS_INTERFACE',
	authType: 'OS_AUTH_TYPE',
};

const cloudNaming: Naming = {
	authUrl: 'auth.auth_url',
	password: 'auth.password',
	secret: 'auth.application_credential_secret',
	token: 'auth.token',
	interface: 'interface',
	authType: 'auth_type',
};

/** Every OS_* variable read from the environment or an openrc. */
const credentialVariables = [
	'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_AUTH_PLUGIN', 'OS_USERNAME', 'OS_USER_ID', 'OS_PASSWORD', 'OS_USER_DOMAIN_NAME', 'OS_USER_DOMAIN_ID',
	'OS_PROJECT_NAME', 'OS_TENANT_NAME', 'OS_PROJECT_ID', 'OS_TENANT_ID', 'OS_PROJECT_DOMAIN_NAME', 'OS_PROJECT_DOMAIN_ID', 'OS_DOMAIN_NAME',
	'OS_DOMAIN_ID', 'OS_SYSTEM_SCOPE', 'OS_DEFAULT_DOMAIN_ID', 'OS_DEFAULT_DOMAIN', 'OS_DEFAULT_DOMAIN_NAME', 'OS_APPLICATION_CREDENTIAL_ID',
	'OS_APPLICATION_CREDENTIAL_NAME', 'OS_APPLICATION_CREDENTIAL_SECRET', 'OS_TOKEN', 'OS_AUTH_TOKEN', 'OS_INTERFACE', 'OS_ENDPOINT_TYPE',
	'OS_REGION_NAME', 'OS_CACERT', 'OS_INSECURE',
];

function fieldsFromVariables(vars: Variables): Fields {
	return {
		authUrl: first(vars, 'OS_AUTH_URL'),
		authType: first(vars, 'OS_AUTH_TYPE', 'OS_AUTH_PLUGIN'),
		username: first(vars, 'OS_USERNAME'),
		userId: first(vars, 'OS_USER_ID'),
		password: first(vars, 'OS_PASSWORD'),
		userDomainName: first(vars, 'OS_USER_DOMAIN_NAME'),
		userDomainId: first(vars, 'OS_USER_DOMAIN_ID'),
		projectName: first(vars, 'OS_PROJECT_NAME', 'OS_TENANT_NAME'),
		projectId: first(vars, 'OS_PROJECT_ID', 'OS_TENANT_ID'),
		projectDomainName: first(vars, 'OS_PROJECT_DOMAIN_NAME'),
		projectDomainId: first(vars, 'OS_PROJECT_DOMAIN_ID'),
		domainName: first(vars, 'OS_DOMAIN_NAME'),
		domainId: first(vars, 'OS_DOMAIN_ID'),
		system: first(vars, 'OS_SYSTEM_SCOPE'),
		defaultDomainId: first(vars, 'OS_DEFAULT_DOMAIN_ID', 'OS_DEFAULT_DOMAIN'),
		defaultDomainName: first(vars, 'OS_DEFAULT_DOMAIN_NAME'),
		appCredentialId: first(vars, 'OS_APPLICATION_CREDENTIAL_ID'),
		appCredentialName: first(vars, 'OS_APPLICATION_CREDENTIAL_NAME'),
		appCredentialSecret: first(vars, 'OS_APPLICATION_CREDENTIAL_SECRET'),
		token: first(vars, 'OS_TOKEN', 'OS_AUTH_TOKEN'),
		interface: first(vars, 'OS_INTERFACE', 'OS_ENDPOINT_TYPE'),
		region: first(vars, 'OS_REGION_NAME'),
		cacert: first(vars, 'OS_CACERT'),
		insecure: truthy(vars.get('OS_INSECURE')),
	};
}

function compact<T extends Record<string, unknown>>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Build Credentials from flat fields, or say exactly which input is missing or wrong. */
function credentialsFrom(fields: Fields, naming: Naming, where: string, computed: ReadonlySet<string> = new Set()): {ok: true; credentials: Credentials} | {ok: false; reason: string; hint: string} {
	const bad = (reason: string, hint: string) => ({ok: false as const, reason, hint});
	const needsShell = [...computed].find(name => credentialVariables.includes(name));
	if (needsShell) {
		return bad(
			`${where}: ${needsShell} is computed by a shell command, which glance-inspector does not run`,
			`Export ${needsShell} in the environment (source the file first), or use a clouds.yaml entry with OS_CLOUD`,
		);
	}
	if (!fields.authUrl) return bad(`${where}: ${naming.authUrl} is not set`, `Set ${naming.authUrl} to Keystone's URL, e.g. http://<internal VIP>:5000`);
	const authUrl = normalizeAuthUrl(fields.authUrl);
	if (!authUrl) return bad(`${where}: ${naming.authUrl}=${fields.authUrl} is not an http(s) URL`, `Set ${naming.authUrl} to Keystone's URL, e.g. http://<internal VIP>:5000`);

	let endpointInterface: EndpointInterface = 'public';
	if (fields.interface) {
		const normalized = normalizeInterface(fields.interface);
		if (!normalized) return bad(`${where}: ${naming.interface}=${fields.interface} is not public, internal or admin`, `Set ${naming.interface} to internal (kolla's default) or public`);
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
		if (!fields.appCredentialSecret) return bad(`${where}: ${naming.secret} is not set`, `An application credential needs its secret: set ${naming.secret}`);
		if (!fields.appCredentialId && !fields.appCredentialName) {
			return bad(`${where}: neither an application credential id nor a name is set`, 'Set OS_APPLICATION_CREDENTIAL_ID (or _NAME with OS_USERNAME)');
		}
		if (!fields.appCredentialId && !fields.username && !fields.userId) {
			return bad(`${where}: an application credential given by name needs its user`, 'Set OS_USERNAME (and OS_USER_DOMAIN_NAME), or use OS_APPLICATION_CREDENTIAL_ID');
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
		if (!fields.token) return bad(`${where}: ${naming.token} is not set`, `Token authentication needs ${naming.token}`);
		method = {kind: 'token', token: fields.token};
	} else if (authType === 'password' || authType === '') {
		if (!fields.username && !fields.userId) return bad(`${where}: no user name (OS_USERNAME) is set`, 'Set OS_USERNAME (kolla: admin) or use an application credential');
		if (!fields.password) return bad(`${where}: ${naming.password} is not set`, `Set ${naming.password}, or use an application credential`);
		method = compact({kind: 'password' as const, username: fields.username, userId: fields.userId, password: fields.password, ...(fields.userId ? {} : userDomain)});
	} else {
		return bad(`${where}: ${naming.authType}=${fields.authType} is not supported`, 'Use password, v3password, v3applicationcredential, token or v3token');
	}

	let scope: AuthScope = {};
	if (scoped) {
		if (fields.projectId) scope = {projectId: fields.projectId};
		else if (fields.projectName) scope = {projectName: fields.projectName, ...projectDomain};
		else if (fields.domainId || fields.domainName) scope = compact({domainId: fields.domainId, domainName: fields.domainName});
		else if (fields.system) scope = {system: fields.system};
	}

	return {
		ok: true,
		credentials: {
			authUrl,
			method,
			scope,
			interface: endpointInterface,
			region: fields.region ?? null,
			cacert: fields.cacert ?? null,
			insecure: fields.insecure,
		},
	};
}

// ---- openrc files ----

export type ParsedOpenrc = {
	variables: Record<string, string>;
	/** Variables whose value needs a shell to compute (`$(...)`, backticks): never run, reported instead. */
	computed: string[];
};

/** One shell word after `KEY=`: quotes, escapes and `$VAR` from earlier lines; null when it runs a command. */
function shellWord(text: string, known: Record<string, string>): string | null {
	let value = '';
	let index = 0;
	const expand = (): string | null => {
		const rest = text.slice(index + 1);
		if (rest.startsWith('(')) return null;
		const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
		const bare = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
		const match = braced ?? bare;
		if (!match) {
			index += 1;
			return '$';
		}
		index += 1 + match[0].length;
		return known[match[1]!] ?? '';
	};
	while (index < text.length) {
		const char = text[index]!;
		if (/\s/.test(char) || char === ';') break;
		if (char === '`') return null;
		if (char === "'") {
			const end = text.indexOf("'", index + 1);
			if (end < 0) return null;
			value += text.slice(index + 1, end);
			index = end + 1;
		} else if (char === '"') {
			index += 1;
			while (index < text.length && text[index] !== '"') {
				const inner = text[index]!;
				if (inner === '\\' && index + 1 < text.length && '"\\$`'.includes(text[index + 1]!)) {
					value += text[index + 1];
					index += 2;
				} else if (inner === '`') return null;
				else if (inner === '$') {
					const expanded = expand();
					if (expanded === null) return null;
					value += expanded;
				} else {
					value += inner;
					index += 1;
				}
			}
			if (index >= text.length) return null;
			index += 1;
		} else if (char === '\\') {
			value += text[index + 1] ?? '';
			index += 2;
		} else if (char === '$') {
			const expanded = expand();
			if (expanded === null) return null;
			value += expanded;
		} else {
			value += char;
			index += 1;
		}
	}
	return value;
}

/** `export KEY=VALUE` lines of an openrc (kolla's included); loops, `unset` and comments are skipped, nothing runs. */
export function parseOpenrc(text: string): ParsedOpenrc {
	const variables: Record<string, string> = {};
	const computed = new Set<string>();
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
		if (!match) continue;
		const key = match[1]!;
		const value = shellWord(match[2]!, variables);
		if (value === null) {
			computed.add(key);
			delete variables[key];
		} else {
			computed.delete(key);
			variables[key] = value;
		}
	}
	return {variables, computed: [...computed]};
}

// ---- clouds.yaml ----

type CloudEntry = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
	const result: Record<string, unknown> = {...base};
	for (const [key, value] of Object.entries(over)) {
		const existing = result[key];
		result[key] = isRecord(existing) && isRecord(value) ? deepMerge(existing, value) : value;
	}
	return result;
}

function scalar(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

function fieldsFromCloud(entry: CloudEntry): Fields {
	const auth = isRecord(entry['auth']) ? entry['auth'] : {};
	const a = (key: string): string | undefined => scalar(auth[key]);
	const verify = entry['verify'];
	return {
		authUrl: a('auth_url'),
		authType: scalar(entry['auth_type']),
		username: a('username'),
		userId: a('user_id'),
		password: a('password'),
		userDomainName: a('user_domain_name'),
		userDomainId: a('user_domain_id'),
		projectName: a('project_name') ?? a('tenant_name'),
		projectId: a('project_id') ?? a('tenant_id'),
		projectDomainName: a('project_domain_name'),
		projectDomainId: a('project_domain_id'),
		domainName: a('domain_name'),
		domainId: a('domain_id'),
		system: a('system_scope'),
		defaultDomainId: a('default_domain_id'),
		defaultDomainName: a('default_domain_name'),
		appCredentialId: a('application_credential_id'),
		appCredentialName: a('application_credential_name'),
		appCredentialSecret: a('application_credential_secret'),
		token: a('token'),
		interface: scalar(entry['interface']) ?? scalar(entry['endpoint_type']),
		region: scalar(entry['region_name']),
		cacert: scalar(entry['cacert']),
		insecure: verify === false || (typeof verify === 'string' && /^(false|no|0)$/i.test(verify)),
	};
}

/** openstacksdk's search order: $OS_CLIENT_CONFIG_FILE, the working directory, ~/.config/openstack, /etc/openstack. */
export function configSearchPaths(kind: 'clouds' | 'secure', env: Record<string, string | undefined>, homeDir: string, cwd?: string): string[] {
	const override = env[kind === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'];
	const directories = [cwd ?? '.', path.posix.join(homeDir, '.config/openstack'), '/etc/openstack'];
	const files = directories.flatMap(directory => ['yaml', 'yml', 'json'].map(suffix => path.posix.join(directory, `${kind}.${suffix}`)));
	return override ? [override, ...files] : files;
}

type Loaded = {path: string; document: Record<string, unknown>} | {path: string; problem: string} | null;

function loadFirst(paths: string[], readFile: AccessInput['readFile']): Loaded {
	for (const candidate of paths) {
		const text = readFile(candidate);
		if (text === null) continue;
		try {
			const document: unknown = parseYaml(text);
			if (document === null || document === undefined) return {path: candidate, document: {}};
			if (!isRecord(document)) return {path: candidate, problem: 'is not a mapping'};
			return {path: candidate, document};
		} catch (error) {
			return {path: candidate, problem: `is not valid YAML (${(error as Error).message.split('\n')[0]})`};
		}
	}
	return null;
}

function fromCloudsYaml(input: AccessInput, cloud: string): AccessResolution {
	const clouds = loadFirst(configSearchPaths('clouds', input.env, input.homeDir, input.cwd), input.readFile);
	if (!clouds) {
		return failure(
			`${input.osCloud ? '--os-cloud' : 'OS_CLOUD'}=${cloud} but no clouds.yaml was found`,
			`Looked in ${configSearchPaths('clouds', input.env, input.homeDir, input.cwd).filter(each => each.endsWith('.yaml')).join(', ')} — set OS_CLIENT_CONFIG_FILE or unset OS_CLOUD`,
		);
	}
	if ('problem' in clouds) return failure(`${clouds.path} ${clouds.problem}`, 'Fix the file, or unset OS_CLOUD to use the openrc');
	const secure = loadFirst(configSearchPaths('secure', input.env, input.homeDir, input.cwd), input.readFile);
	if (secure && 'problem' in secure) return failure(`${secure.path} ${secure.problem}`, 'Fix the file, or unset OS_CLOUD to use the openrc');
	const known = isRecord(clouds.document['clouds']) ? clouds.document['clouds'] : {};
	const secureClouds = secure && isRecord(secure.document['clouds']) ? secure.document['clouds'] : {};
	const entry = known[cloud];
	if (!isRecord(entry)) {
		const names = Object.keys(known);
		return failure(
			`clouds.yaml ${clouds.path} has no cloud named "${cloud}"`,
			names.length ? `It has: ${names.join(', ')} — set OS_CLOUD (or --os-cloud) to one of them` : 'The file lists no clouds: add one under `clouds:`',
		);
	}
	const secureEntry = secureClouds[cloud];
	const merged = isRecord(secureEntry) ? deepMerge(entry, secureEntry) : entry;
	const where = `clouds.yaml ${clouds.path} [${cloud}]`;
	const built = credentialsFrom(fieldsFromCloud(merged), cloudNaming, where);
	if (!built.ok) return built;
	return {ok: true, access: {kind: 'keystone', credentials: built.credentials, source: `${where} (${describeCredentials(built.credentials)})`}};
}

function fromVariables(vars: Variables): AccessResolution {
	const built = credentialsFrom(fieldsFromVariables(vars), envNaming, vars.origin, vars.computed);
	if (!built.ok) return built;
	return {ok: true, access: {kind: 'keystone', credentials: built.credentials, source: `${vars.origin} (${describeCredentials(built.credentials)})`}};
}

function endpointAccess(input: AccessInput, glanceUrl: string): AccessResolution {
	let url: URL;
	try {
		url = new URL(glanceUrl);
	} catch {
		return failure(`--glance-url ${glanceUrl} is not a URL`, 'Pass Glance\'s root, e.g. --glance-url http://127.0.0.1:9292');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return failure(`--glance-url ${glanceUrl} is not an http(s) URL`, 'Pass Glance\'s root, e.g. --glance-url http://127.0.0.1:9292');
	const tokenVariable = ['OS_TOKEN', 'OS_AUTH_TOKEN'].find(name => input.env[name]);
	const token = tokenVariable ? input.env[tokenVariable]! : null;
	const root = url.toString().replace(/\/+$/, '');
	return {
		ok: true,
		access: {
			kind: 'endpoint',
			url: root,
			token,
			source: `--glance-url ${root} (${tokenVariable ? `token from ${tokenVariable}` : 'no token'})`,
			cacert: input.env['OS_CACERT'] || null,
			insecure: truthy(input.env['OS_INSECURE']),
		},
	};
}

/**
 * How to reach Glance, in this order: --glance-url > OS_CLOUD / --os-cloud (clouds.yaml) > OS_* in the
 * environment > an openrc file (kolla's admin-openrc.sh by default) > not configured.
 */
export function resolveGlanceAccess(input: AccessInput): AccessResolution {
	if (input.glanceUrl) return endpointAccess(input, input.glanceUrl);

	const cloud = input.osCloud || input.env['OS_CLOUD'];
	if (cloud) return fromCloudsYaml(input, cloud);

	if (input.env['OS_AUTH_URL']) {
		return fromVariables({get: name => input.env[name], origin: 'environment OS_*', computed: new Set()});
	}

	const openrcPath = input.openrcPath ?? defaultOpenrcPath;
	const text = input.readFile(openrcPath);
	if (text !== null) {
		const parsed = parseOpenrc(text);
		return fromVariables({get: name => parsed.variables[name], origin: `openrc ${openrcPath}`, computed: new Set(parsed.computed)});
	}
	if (input.openrcPath) return failure(`openrc ${openrcPath} cannot be read (missing, or not readable by this user)`, `Check the path; kolla writes it mode 600 for root — run as root, or ${notConfiguredHint.charAt(0).toLowerCase()}${notConfiguredHint.slice(1)}`);
	return failure(`Glance credentials are not configured (no OS_CLOUD, no OS_AUTH_URL, no readable ${defaultOpenrcPath})`, notConfiguredHint);
}
