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
	await run('tmux', ['new-session', '-d', '-s', name, '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 24), `env TERM=xterm-256color ${env} ${command}`]);
	await run('tmux', ['set-option', '-t', name, 'remain-on-exit', 'on']);
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
			const {stdout} = await run('tmux', ['display-message', '-p', '-t', name, '#{pane_dead} #{pane_dead_status}']);
			const [dead, status] = stdout.trim().split(' ');
			return dead === '1' ? Number(status) : null;
		},
		async close() {
			await run('tmux', ['kill-session', '-t', name]).catch(() => undefined);
		},
	};
	return terminal;
}
