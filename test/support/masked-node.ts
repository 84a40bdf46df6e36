// Runs a program where no Node.js can be found: a private mount namespace with every node binary on the
// machine bound over by /dev/null and node_modules by an empty tmpfs, PATH without node, a clean
// environment, and strace recording every execve, so a test can prove which programs really ran.
import {existsSync, readFileSync, realpathSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {repoRoot} from './lab.js';
import {scratchDir} from './scratch.js';

/** A PATH with none of the places node lives. */
export const plainPath = '/usr/sbin:/usr/bin:/sbin:/bin';

/** Every node binary a program here could find: on PATH, in the usual places, and the one running the tests. */
function nodeBinaries(): string[] {
	const directories = [...(process.env['PATH'] ?? '').split(':'), '/usr/bin', '/usr/local/bin', '/bin', '/opt/node/bin'];
	const candidates = directories.flatMap(directory => ['node', 'nodejs'].map(name => path.join(directory, name)));
	const found = [...candidates, process.execPath].filter(file => file.startsWith('/') && existsSync(file)).map(file => realpathSync(file));
	// node_modules is masked whole; its binaries need no bind of their own.
	return [...new Set(found)].filter(file => !file.startsWith(path.join(repoRoot, 'node_modules')));
}

export type MaskedRun = {
	/** A shell command that runs the program masked: for spawnSync('bash', ['-c', ...]) or a tmux terminal. */
	command: string;
	/** Every execve the program and its children made, once it has ended. */
	execs(): Exec[];
};

export type Exec = {program: string; argv: string[]; succeeded: boolean};

/**
 * The masked shell script for `program args`; `env` is all the program gets besides PATH, HOME and TERM.
 * `setup` is shell run inside the namespace first (a process that must share its mounts).
 */
export function maskedRun(program: string, args: readonly string[], env: Record<string, string> = {}, setup = ''): MaskedRun {
	const directory = scratchDir('gi-masked-');
	const trace = path.join(directory, 'execve.trace');
	const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
	const variables = Object.entries({PATH: plainPath, HOME: directory, TERM: 'xterm-256color', ...env}).map(([key, value]) => `${key}=${quote(value)}`);
	const script = [
		'set -eu',
		...nodeBinaries().map(file => `mount --bind /dev/null ${quote(file)}`),
		`mount -t tmpfs -o ro,size=64k no-node-here ${quote(path.join(repoRoot, 'node_modules'))}`,
		// The mask must hold before the program runs: no node found on PATH that starts.
		`if PATH=${plainPath} node --version >/dev/null 2>&1; then echo 'masking failed: node still runs' >&2; exit 90; fi`,
		setup,
		`exec env -i ${variables.join(' ')} strace -f -qq -s 256 -e trace=execve -o ${quote(trace)} ${quote(program)} ${args.map(quote).join(' ')}`,
	].join('\n');
	const scriptFile = path.join(directory, 'masked.sh');
	writeFileSync(scriptFile, script + '\n');
	return {
		command: `unshare -m --propagation private bash ${quote(scriptFile)}`,
		execs: () => parseExecs(readFileSync(trace, 'utf8')),
	};
}

/** strace's execve lines: `PID execve("/bin/x", ["x", "-a"], 0x... /* 3 vars *\/) = 0`. Two processes exec'ing at
 * once split a call over two lines, `PID execve(... <unfinished ...>` and `PID <... execve resumed>) = 0`: joined by PID. */
export function parseExecs(text: string): Exec[] {
	const execs: Exec[] = [];
	const unfinished = new Map<string, string>();
	for (const raw of text.split('\n')) {
		let line = raw;
		const started = /^(\d+)\s+(execve\(.*) <unfinished \.\.\.>$/.exec(raw);
		if (started) {
			unfinished.set(started[1]!, started[2]!);
			continue;
		}
		const resumed = /^(\d+)\s+<\.\.\. execve resumed>(.*)$/.exec(raw);
		if (resumed) {
			const head = unfinished.get(resumed[1]!);
			if (head === undefined) continue;
			unfinished.delete(resumed[1]!);
			line = `${resumed[1]} ${head}${resumed[2]}`;
		}
		const match = /execve\("((?:[^"\\]|\\.)*)", \[(.*?)\](?:\.\.\.)?, .*\) = (-?\d+)/.exec(line);
		if (!match) continue;
		const argv = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(each => each[1]!.replace(/\\(.)/g, '$1'));
		execs.push({program: match[1]!, argv, succeeded: match[3] === '0'});
	}
	return execs;
}

/** Whether an exec was of a Node.js binary, by name or by path. */
export function isNode(exec: Exec): boolean {
	return /(^|\/)(node|nodejs)$/.test(exec.program) || exec.program.includes('/node_modules/');
}
