// resolveGlanceAccess on this machine: the process's environment, home and working directory, and the files
// that may hold credentials, read here so the model only ever sees their text.
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {defaultOpenrcPath, resolveGlanceAccess} from '../../../model/openstack/access.js';
import {configSearchPaths, type ConfigFile} from '../../../model/openstack/clouds.js';
import type {GlanceAccess} from '../../../model/openstack/credentials.js';
import type {Result} from '../../../model/result.js';

export type GlanceFlags = {glanceUrl?: string; osCloud?: string; openrc?: string};

function readText(file: string): string | null {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return null;
	}
}

/** The first of the paths that can be read, as openstacksdk takes it. */
function firstReadable(paths: readonly string[]): ConfigFile | null {
	for (const candidate of paths) {
		const text = readText(candidate);
		if (text !== null) return {path: candidate, text};
	}
	return null;
}

export function glanceAccessOnThisMachine(
	flags: GlanceFlags,
	env: Record<string, string | undefined> = process.env,
	where: {homeDir: string; cwd: string} = {homeDir: os.homedir(), cwd: process.cwd()},
): Result<GlanceAccess> {
	const searchPaths = (kind: 'clouds' | 'secure') => configSearchPaths(kind, env, where.homeDir, where.cwd);
	return resolveGlanceAccess({
		env,
		...where,
		openrc: readText(flags.openrc ?? defaultOpenrcPath),
		clouds: firstReadable(searchPaths('clouds')),
		secure: firstReadable(searchPaths('secure')),
		...(flags.glanceUrl ? {glanceUrl: flags.glanceUrl} : {}),
		...(flags.osCloud ? {osCloud: flags.osCloud} : {}),
		...(flags.openrc ? {openrcPath: flags.openrc} : {}),
	});
}
