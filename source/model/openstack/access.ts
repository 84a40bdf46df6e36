// How to reach Glance: --glance-url, a clouds.yaml entry, OS_* variables or kolla's openrc, decided from
// the environment and the texts of the files the world found.
import {fail, ok, type Problem, type Result} from '../result.js';
import {configSearchPaths, cloudFields, cloudNaming, type ConfigFile} from './clouds.js';
import {credentialsFrom, describeCredentials, isTruthy, type CredentialFields, type FieldOrigin, type GlanceAccess} from './credentials.js';
import {computedCredentialVariables, fieldsFromVariables, parseOpenrc, variableNaming} from './openrc.js';

export const defaultOpenrcPath = '/etc/kolla/admin-openrc.sh';

/** A file the world looked for: its text, why it could not be read, or null when it is not there. */
export type FoundFile<T> = Result<T> | null;

/**
 * Why Glance cannot be asked. `credentialsGiven`: something named credentials (a flag, OS_CLOUD, OS_AUTH_URL,
 * an openrc that is there) and they cannot be used — the image side is then unknown, not merely unconfigured.
 */
export type AccessProblem = Problem & {credentialsGiven: boolean};

export type AccessInput = {
	env: Record<string, string | undefined>;
	glanceUrl?: string;
	osCloud?: string;
	/** --openrc; kolla's admin-openrc.sh when absent. */
	openrcPath?: string;
	/** The openrc (at openrcPath, or the default). */
	openrc: FoundFile<string>;
	/** The first clouds.yaml and secure.yaml found along `configSearchPaths`. */
	clouds: FoundFile<ConfigFile>;
	secure: FoundFile<ConfigFile>;
	/** Where clouds.yaml was looked for, for the hint when there is none. */
	homeDir: string;
	cwd?: string;
};

const notConfiguredHint =
	`Pass --glance-url URL, set OS_CLOUD (or --os-cloud) for a clouds.yaml entry, export OS_AUTH_URL and friends (source an openrc), ` +
	`or point --openrc at kolla's admin-openrc.sh (default ${defaultOpenrcPath}, readable by root only)`;

function keystoneAccess(fields: CredentialFields, origin: FieldOrigin): Result<GlanceAccess> {
	const built = credentialsFrom(fields, origin);
	if (!built.ok) return built;
	return ok({kind: 'keystone', credentials: built.value, source: `${origin.where} (${describeCredentials(built.value)})`});
}

const cloudsFixHint = 'Fix the file (or OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE), or unset OS_CLOUD';

function fromCloudsYaml(input: AccessInput, cloud: string): Result<GlanceAccess> {
	if (!input.clouds) {
		const searched = configSearchPaths('clouds', input.env, input.homeDir, input.cwd).filter(each => each.endsWith('.yaml'));
		return fail({
			reason: `${input.osCloud ? '--os-cloud' : 'OS_CLOUD'}=${cloud} but no clouds.yaml was found`,
			hint: `Looked in ${searched.join(', ')} — set OS_CLIENT_CONFIG_FILE or unset OS_CLOUD`,
		});
	}
	if (!input.clouds.ok) return fail({...input.clouds.problem, hint: cloudsFixHint});
	if (input.secure && !input.secure.ok) return fail({...input.secure.problem, hint: cloudsFixHint});
	const entry = cloudFields(input.clouds.value, input.secure?.value ?? null, cloud);
	if (!entry.ok) return entry;
	return keystoneAccess(entry.value.fields, {where: entry.value.where, naming: cloudNaming});
}

function endpointAccess(input: AccessInput, glanceUrl: string): Result<GlanceAccess> {
	const hint = "Pass Glance's root, e.g. --glance-url http://127.0.0.1:9292";
	let url: URL;
	try {
		url = new URL(glanceUrl);
	} catch {
		return fail({reason: `--glance-url ${glanceUrl} is not a URL`, hint});
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail({reason: `--glance-url ${glanceUrl} is not an http(s) URL`, hint});
	const tokenVariable = ['OS_TOKEN', 'OS_AUTH_TOKEN'].find(name => input.env[name]);
	const root = url.toString().replace(/\/+$/, '');
	return ok({
		kind: 'endpoint',
		url: root,
		token: tokenVariable ? input.env[tokenVariable]! : null,
		source: `--glance-url ${root} (${tokenVariable ? `token from ${tokenVariable}` : 'no token'})`,
		cacert: input.env['OS_CACERT'] || null,
		insecure: isTruthy(input.env['OS_INSECURE']),
	});
}

/** Errors that mean the file is simply not there for this user, as opposed to there and unusable. */
const absent = new Set(['ENOENT', 'EACCES', 'EPERM']);

function fromOpenrc(input: AccessInput): Result<GlanceAccess> | null {
	const openrcPath = input.openrcPath ?? defaultOpenrcPath;
	const openrc = input.openrc;
	if (openrc?.ok) {
		const parsed = parseOpenrc(openrc.value);
		return keystoneAccess(fieldsFromVariables(parsed.variables), {where: `openrc ${openrcPath}`, naming: variableNaming, computed: computedCredentialVariables(parsed)});
	}
	const hint = `Check the path; kolla writes it mode 600 for root — run as root, or ${notConfiguredHint.charAt(0).toLowerCase()}${notConfiguredHint.slice(1)}`;
	// A file that is there but cannot be read as an openrc (a device, a FIFO, too large) was meant to be used.
	if (openrc && !absent.has(openrc.problem.errno ?? '')) return fail({reason: openrc.problem.reason, hint});
	if (!input.openrcPath) return null;
	return fail({reason: `openrc ${openrcPath} cannot be read (missing, or not readable by this user)`, hint});
}

/** The credentials something named, or null when nothing named any. */
function namedAccess(input: AccessInput): Result<GlanceAccess> | null {
	if (input.glanceUrl) return endpointAccess(input, input.glanceUrl);

	const cloud = input.osCloud || input.env['OS_CLOUD'];
	if (cloud) return fromCloudsYaml(input, cloud);

	if (input.env['OS_AUTH_URL']) return keystoneAccess(fieldsFromVariables(input.env), {where: 'environment OS_*', naming: variableNaming});

	return fromOpenrc(input);
}

/**
 * How to reach Glance, in this order: --glance-url > OS_CLOUD / --os-cloud (clouds.yaml) > OS_* in the
 * environment > an openrc file (kolla's admin-openrc.sh by default) > not configured.
 */
export function resolveGlanceAccess(input: AccessInput): Result<GlanceAccess, AccessProblem> {
	const named = namedAccess(input);
	if (named === null) {
		return fail({reason: `Glance credentials are not configured (no OS_CLOUD, no OS_AUTH_URL, no readable ${defaultOpenrcPath})`, hint: notConfiguredHint, credentialsGiven: false});
	}
	return named.ok ? named : fail({...named.problem, credentialsGiven: true});
}
