import path from 'node:path';
import {normalizeMountPath} from './mount.js';
import {fail, ok, type Result} from './result.js';
import {readYaml} from './yaml.js';

/** The few settings of kolla-ansible's /etc/kolla/globals.yml that say where Glance keeps its files. */
export type KollaGlobals = {
	/** `enable_glance`: false means this deployment runs no glance_api container. */
	enableGlance: boolean | null;
	/** `glance_backend_file`: false means images are not in a datadir at all. */
	glanceBackendFile: boolean | null;
	/** `glance_backend_ceph`: when true, kolla turns the file backend off by default. */
	glanceBackendCeph: boolean | null;
	/** `glance_file_datadir_volume`: a host path (bind) or a docker volume name; null when unset (kolla's `glance`). */
	glanceDatadirVolume: string | null;
	/** `docker_runtime_directory`: docker's data root when moved from /var/lib/docker; null when unset or empty. */
	dockerRuntimeDirectory: string | null;
	/** Settings present but not usable as written (Jinja templates, wrong kinds); their fields above are null. */
	unresolved: {key: string; value: string; reason: string}[];
};

const jinja = /{{|{%/;
// The spellings Ansible's `bool` filter accepts.
const ansibleTrue = new Set(['yes', 'y', 'true', 't', 'on', '1']);
const ansibleFalse = new Set(['no', 'n', 'false', 'f', 'off', '0']);

function describeValue(value: unknown): string {
	return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/** Typed reads of the settings that note, instead of hiding, every value that cannot be used as written. */
function readerOf(settings: Record<string, unknown>) {
	const unresolved: KollaGlobals['unresolved'] = [];
	const reject = (key: string, value: unknown, reason: string): null => {
		unresolved.push({key, value: describeValue(value), reason});
		return null;
	};
	const notJinja = (key: string, value: string): string | null =>
		jinja.test(value) ? reject(key, value, 'a Jinja template that only Ansible can resolve') : value.trim();

	/** A plain string, or null when unset, empty or unusable. */
	const text = (key: string): string | null => {
		const value = settings[key];
		if (value === undefined || value === null) return null;
		if (typeof value !== 'string') return reject(key, value, 'expected a string');
		const plain = notJinja(key, value);
		return plain === '' ? null : plain;
	};

	/** An Ansible boolean (`yes`, `"no"`, `true`, `"True"`...), or null when unset or unusable. */
	const flag = (key: string): boolean | null => {
		const value = settings[key];
		if (value === undefined || value === null) return null;
		if (typeof value === 'boolean') return value;
		if (value === 1 || value === 0) return value === 1;
		if (typeof value !== 'string') return reject(key, value, 'expected yes or no');
		const word = notJinja(key, value)?.toLowerCase();
		if (word === undefined) return null;
		if (ansibleTrue.has(word)) return true;
		if (ansibleFalse.has(word)) return false;
		return reject(key, value, 'expected yes or no');
	};

	return {text, flag, unresolved};
}

function isMapping(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Read globals.yml text; malformed YAML or a top level that is not a mapping is a problem, not an exception. */
export function parseKollaGlobals(text: string): Result<KollaGlobals> {
	// Read it as Ansible does: YAML 1.1 (`yes` is true) and a repeated key keeps its last value.
	const read = readYaml(text, {what: 'globals.yml', version: '1.1', uniqueKeys: false});
	if (!read.ok) return read;
	const content = read.value;
	// A file of nothing but comments is kolla's own default: every setting keeps its default.
	const settings = content === null || content === undefined ? {} : content;
	if (!isMapping(settings)) {
		const kind = Array.isArray(settings) ? 'a list' : `a ${typeof settings}`;
		return fail({reason: `globals.yml should be a mapping of settings, but its top level is ${kind}`});
	}
	const reader = readerOf(settings);
	const globals: KollaGlobals = {
		enableGlance: reader.flag('enable_glance'),
		glanceBackendFile: reader.flag('glance_backend_file'),
		glanceBackendCeph: reader.flag('glance_backend_ceph'),
		glanceDatadirVolume: reader.text('glance_file_datadir_volume'),
		dockerRuntimeDirectory: reader.text('docker_runtime_directory'),
		unresolved: reader.unresolved,
	};
	return ok(globals);
}

/**
 * Where `glance_file_datadir_volume` lives on the host: docker treats an absolute path as a bind mount and
 * anything else as a named volume under its data root.
 */
export function hostPathOfDatadirVolume(
	volume: string,
	dockerRoot = '/var/lib/docker',
): {kind: 'bind' | 'named-volume'; hostPath: string} {
	if (volume.startsWith('/')) return {kind: 'bind', hostPath: normalizeMountPath(volume)};
	return {kind: 'named-volume', hostPath: path.posix.join(dockerRoot, 'volumes', volume, '_data')};
}
