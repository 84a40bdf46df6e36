// The real lab (lab/*.sh) as seen from tests: its facts and its levers (flap, freeze, thaw, heal).
import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function readLabEnv(): Record<string, string> {
	const text = readFileSync(new URL('../../lab/env.sh', import.meta.url), 'utf8');
	const env: Record<string, string> = {};
	for (const match of text.matchAll(/^export (LAB_[A-Z_]+)=(?:'([^']*)'|(\S*))/gm)) env[match[1]!] = match[2] ?? match[3] ?? '';
	return env;
}

export const lab = readLabEnv();

export async function labScript(name: 'up' | 'flap' | 'freeze' | 'thaw' | 'heal'): Promise<string> {
	const {stdout, stderr} = await run('bash', [`${repoRoot}/lab/${name}.sh`], {timeout: 540_000, maxBuffer: 16 * 1024 * 1024});
	return stdout + stderr;
}

export async function sh(command: string, timeoutMs = 60_000): Promise<string> {
	const {stdout} = await run('bash', ['-c', command], {timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024});
	return stdout;
}
