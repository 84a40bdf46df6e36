// clouds.yaml and secure.yaml as openstacksdk reads them: where they are looked for, and one named cloud
// with its secrets merged in, as credential fields.
import path from 'node:path';
import {fail, ok, type Result} from '../result.js';
import {readYaml} from '../yaml.js';
import type {CredentialFields, FieldNaming} from './credentials.js';

/** A file found on disk, with its text. */
export type ConfigFile = {path: string; text: string};

export const cloudNaming: FieldNaming = {
	authUrl: 'auth.auth_url',
	password: 'auth.password',
	secret: 'auth.application_credential_secret',
	token: 'auth.token',
	interface: 'interface',
	authType: 'auth_type',
};

const fixHint = 'Fix the file, or unset OS_CLOUD to use the openrc';

/** openstacksdk's search order: $OS_CLIENT_CONFIG_FILE, the working directory, ~/.config/openstack, /etc/openstack. */
export function configSearchPaths(kind: 'clouds' | 'secure', env: Record<string, string | undefined>, homeDir: string, cwd?: string): string[] {
	const override = env[kind === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'];
	const directories = [cwd ?? '.', path.posix.join(homeDir, '.config/openstack'), '/etc/openstack'];
	const files = directories.flatMap(directory => ['yaml', 'yml', 'json'].map(suffix => path.posix.join(directory, `${kind}.${suffix}`)));
	return override ? [override, ...files] : files;
}

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

/** The `clouds:` mapping of a clouds.yaml or secure.yaml; an empty file has none. */
function cloudsOf(file: ConfigFile): Result<Record<string, unknown>> {
	const read = readYaml(file.text, {what: file.path, uniqueKeys: false});
	if (!read.ok) return fail({reason: read.problem.reason, hint: fixHint});
	const document = read.value;
	if (document === null || document === undefined) return ok({});
	if (!isRecord(document)) return fail({reason: `${file.path} is not a mapping`, hint: fixHint});
	return ok(isRecord(document['clouds']) ? document['clouds'] : {});
}

function scalar(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

function fieldsFromCloud(entry: Record<string, unknown>): CredentialFields {
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

/** The fields of one named cloud, secure.yaml's entry merged over clouds.yaml's; `where` names it for errors. */
export function cloudFields(clouds: ConfigFile, secure: ConfigFile | null, name: string): Result<{fields: CredentialFields; where: string}> {
	const known = cloudsOf(clouds);
	if (!known.ok) return known;
	const secrets: Result<Record<string, unknown>> = secure ? cloudsOf(secure) : ok({});
	if (!secrets.ok) return secrets;
	const entry = known.value[name];
	if (!isRecord(entry)) {
		const names = Object.keys(known.value);
		return fail({
			reason: `clouds.yaml ${clouds.path} has no cloud named "${name}"`,
			hint: names.length ? `It has: ${names.join(', ')} — set OS_CLOUD (or --os-cloud) to one of them` : 'The file lists no clouds: add one under `clouds:`',
		});
	}
	const secureEntry = secrets.value[name];
	const merged = isRecord(secureEntry) ? deepMerge(entry, secureEntry) : entry;
	return ok({fields: fieldsFromCloud(merged), where: `clouds.yaml ${clouds.path} [${name}]`});
}
