// Drives the real binary in a real terminal: tmux gives it a pty of a set size and shows us its screen.
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';

const run = promisify(execFile);

export type Terminal = {
	name: string;
	screen(): Promise<string>;
	press(...keys: string[]): Promise<void>;
	/** Polls the screen until `wanted` matches; fails with the last screen in the message. */
	waitFor(wanted: RegExp | string, timeoutMs?: number): Promise<string>;
	/** The exit status once the program has ended, or null while it runs. */
	exitStatus(): Promise<number | null>;
	close(): Promise<void>;
};

let counter = 0;

export async function openTerminal(command: string, options: {columns?: number; rows?: number; env?: Record<string, string>} = {}): Promise<Terminal> {
	const name = `gi-test-${process.pid}-${counter++}`;
	const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ');
	// The shell prints the exit status on the restored main screen, where the test reads it.
	const shell = `env TERM=xterm-256color ${env} ${command}; echo "[exit $?]"; sleep 600`;
	await run('tmux', ['new-session', '-d', '-s', name, '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 24), shell]);
	const terminal: Terminal = {
		name,
		async screen() {
			const {stdout} = await run('tmux', ['capture-pane', '-p', '-t', name]);
			return stdout;
		},
		async press(...keys) {
			await run('tmux', ['send-keys', '-t', name, ...keys]);
		},
		async waitFor(wanted, timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			let last = '';
			while (Date.now() < deadline) {
				last = await terminal.screen();
				if (typeof wanted === 'string' ? last.includes(wanted) : wanted.test(last)) return last;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
			throw new Error(`screen never showed ${String(wanted)} within ${timeoutMs} ms; last screen:\n${last}`);
		},
		async exitStatus() {
			const match = /\[exit (\d+)\]/.exec(await terminal.screen());
			return match ? Number(match[1]) : null;
		},
		async close() {
			await run('tmux', ['kill-session', '-t', name]).catch(() => undefined);
		},
	};
	return terminal;
}
