// resolveGlanceAccess on this machine: the process's environment, home and working directory, and the files
// that may hold credentials, read here (bounded, regular files only) so the model only ever sees their text.
import os from 'node:os';
import {defaultOpenrcPath, resolveGlanceAccess, type AccessProblem, type FoundFile} from '../../../model/openstack/access.js';
import {configSearchPaths, type ConfigFile} from '../../../model/openstack/clouds.js';
import type {GlanceAccess} from '../../../model/openstack/credentials.js';
import type {Result} from '../../../model/result.js';
import {fileLimits, readBoundedTextSync} from '../bounded-file.js';

export type GlanceFlags = {glanceUrl?: string; osCloud?: string; openrc?: string};

/** The first of the paths that is there, as openstacksdk takes it; one that is there but cannot be read is its problem. */
function firstPresent(paths: readonly string[], what: string): FoundFile<ConfigFile> {
	for (const candidate of paths) {
		const read = readBoundedTextSync(candidate, {what, maxBytes: fileLimits.config});
		if (read.ok) return {ok: true, value: {path: candidate, text: read.value}};
		if (read.problem.errno !== 'ENOENT') return read;
	}
	return null;
}

export function glanceAccessOnThisMachine(
	flags: GlanceFlags,
	env: Record<string, string | undefined> = process.env,
	where: {homeDir: string; cwd: string} = {homeDir: os.homedir(), cwd: process.cwd()},
): Result<GlanceAccess, AccessProblem> {
	const searchPaths = (kind: 'clouds' | 'secure') => configSearchPaths(kind, env, where.homeDir, where.cwd);
	return resolveGlanceAccess({
		env,
		...where,
		openrc: readBoundedTextSync(flags.openrc ?? defaultOpenrcPath, {what: 'the openrc file', maxBytes: fileLimits.config}),
		clouds: firstPresent(searchPaths('clouds'), 'clouds.yaml'),
		secure: firstPresent(searchPaths('secure'), 'secure.yaml'),
		...(flags.glanceUrl ? {glanceUrl: flags.glanceUrl} : {}),
		...(flags.osCloud ? {osCloud: flags.osCloud} : {}),
		...(flags.openrc ? {openrcPath: flags.openrc} : {}),
	});
}
