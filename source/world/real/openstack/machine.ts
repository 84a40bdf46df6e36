// resolveGlanceAccess on this machine: the process's environment, home and working directory, real files.
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {resolveGlanceAccess, type AccessResolution} from './credentials.js';

export type GlanceFlags = {glanceUrl?: string; osCloud?: string; openrc?: string};

function readText(file: string): string | null {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return null;
	}
}

export function glanceAccessOnThisMachine(flags: GlanceFlags, env: Record<string, string | undefined> = process.env): AccessResolution {
	return resolveGlanceAccess({
		env,
		readFile: readText,
		homeDir: os.homedir(),
		cwd: process.cwd(),
		...(flags.glanceUrl ? {glanceUrl: flags.glanceUrl} : {}),
		...(flags.osCloud ? {osCloud: flags.osCloud} : {}),
		...(flags.openrc ? {openrcPath: flags.openrc} : {}),
	});
}
