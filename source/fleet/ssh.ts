// Reaching a controller: the system's OpenSSH client, with the operator's own config, agent and known hosts.
// One multiplexed connection per host (ControlMaster), reused across refreshes; every run has a deadline and
// is killed at it, so a host that hangs is a state of its row, never a stall of the others.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {FleetHost} from '../model/fleet-inventory.js';
import {parseHostReport, type HostAttempt, type HostReport, type ReachProblem} from '../model/fleet.js';
import {shellQuote} from '../model/shell.js';

export type SshSettings = {
	/** The tool on the controllers: a command name on the remote PATH, or a path (a shell word list, the operator's). */
	remoteCommand: string;
	/** `ssh -F FILE`; null: the operator's own ~/.ssh/config. */
	sshConfig: string | null;
	connectTimeoutSeconds: number;
	/** A report not in by then is a hung host; the run is killed. */
	deadlineMs: number;
};

/** The private directory of the control sockets (0700, as mkdtemp makes it), removed on close. */
export class ControlSockets {
	readonly directory = mkdtempSync(path.join(os.tmpdir(), 'glance-inspector-ssh-'));

	/** ssh expands %C to a hash of the connection: short enough for a socket path, one per host. */
	get controlPath(): string {
		return path.join(this.directory, '%C');
	}

	remove(): void {
		rmSync(this.directory, {recursive: true, force: true});
	}
}

/** The ssh options every connection to a host shares: batch mode, the timeout, the multiplexed connection. */
export function sshOptions(host: FleetHost, settings: SshSettings, sockets: ControlSockets): string[] {
	const options = [
		...(settings.sshConfig ? ['-F', settings.sshConfig] : []),
		'-o', 'BatchMode=yes',
		'-o', `ConnectTimeout=${Math.max(1, Math.round(settings.connectTimeoutSeconds))}`,
		'-o', 'ControlMaster=auto',
		'-o', `ControlPath=${sockets.controlPath}`,
		'-o', 'ControlPersist=120',
		// A master whose server stopped answering is dropped, so the next refresh dials again.
		'-o', 'ServerAliveInterval=5',
		'-o', 'ServerAliveCountMax=2',
	];
	if (host.port !== null) options.push('-p', String(host.port));
	if (host.user !== null) options.push('-l', host.user);
	return options;
}

/** What runs on the host: the tool, through `sudo -n` (never a password prompt) when the inventory says become. */
export function remoteCommandLine(host: FleetHost, settings: SshSettings, args: readonly string[]): string {
	const words = `${settings.remoteCommand} ${args.map(shellQuote).join(' ')}`.trim();
	return host.become ? `sudo -n ${words}` : words;
}

/** The ssh command line that runs the tool on `host` (`tty`: for its dashboard, `ssh -t`). */
export function sshCommand(host: FleetHost, settings: SshSettings, sockets: ControlSockets, args: readonly string[], tty = false): {command: string; args: string[]} {
	return {command: 'ssh', args: [...(tty ? ['-t'] : []), ...sshOptions(host, settings, sockets), '--', host.address, remoteCommandLine(host, settings, args)]};
}

const hints: Record<ReachProblem, (host: FleetHost, settings: SshSettings) => string> = {
	unreachable: host => `check that ${host.address}${host.port ? ` port ${host.port}` : ''} is up and reachable from here (ssh ${host.address})`,
	'auth-refused': host => `ssh ${host.user ? `${host.user}@` : ''}${host.address} must log in without a prompt: load your key in the agent (ssh-add) or set ansible_user`,
	'tool-not-found': (host, settings) => `copy the release file there (or set --fleet-command to its path; now: ${settings.remoteCommand})`,
	'sudo-refused': host => `ansible_become is set for ${host.name}: allow passwordless sudo for the tool there, or run as root`,
	hung: host => `the host or its share does not answer: other rows are unaffected; try ssh ${host.address} by hand`,
	'bad-output': (_host, settings) => `run ${settings.remoteCommand} --json there by hand; an older release may lack --json`,
};

/** What went wrong, from ssh's exit status and the last words on stderr. */
export function classifyFailure(code: number | null, stderr: string, host: FleetHost, settings: SshSettings): {problem: ReachProblem; reason: string} | null {
	const said = stderr.trim().split('\n').filter(line => line.trim() !== '' && !/^Warning: Permanently added/.test(line)).pop() ?? '';
	const tool = settings.remoteCommand.split(/\s+/)[0] ?? settings.remoteCommand;
	if (host.become && /(^|: )sudo: (command )?not found/m.test(stderr)) return {problem: 'sudo-refused', reason: `sudo is not installed on ${host.name}, and the inventory says become`};
	if (/sudo: .*(password is required|not in the sudoers|may not run sudo)|sudo: a terminal is required/.test(stderr)) return {problem: 'sudo-refused', reason: `sudo -n refused on ${host.name}: ${said}`};
	if (code === 127 || (code !== 255 && /command not found|No such file or directory|not found$/m.test(stderr))) {
		return {problem: 'tool-not-found', reason: `${path.posix.basename(tool)} not found on ${host.name}: copy the release file there`};
	}
	if (code === 255) {
		if (/Permission denied|Too many authentication failures|Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) return {problem: 'auth-refused', reason: `${host.name} refused the login: ${said}`};
		return {problem: 'unreachable', reason: `${host.name} unreachable: ${said || 'ssh gave up'}`};
	}
	return null;
}

/** One run of the tool's --json report on `host`: the report, or the row's state and what to do. */
export function fetchReport(host: FleetHost, settings: SshSettings, sockets: ControlSockets): Promise<HostAttempt> {
	const started = Date.now();
	const {command, args} = sshCommand(host, settings, sockets, ['--json']);
	return new Promise(resolve => {
		const finish = (outcome: {ok: true; report: HostReport} | {ok: false; problem: ReachProblem; reason: string}) => {
			clearTimeout(deadline);
			const base = {at: Date.now(), tookMs: Date.now() - started};
			resolve(outcome.ok ? {...base, ok: true, report: outcome.report} : {...base, ...outcome, hint: hints[outcome.problem](host, settings)});
		};
		const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe']});
		const stdout: Buffer[] = [];
		let stderr = '';
		let done = false;
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-8000);
		});
		const deadline = setTimeout(() => {
			if (done) return;
			done = true;
			child.kill('SIGKILL');
			finish({ok: false, problem: 'hung', reason: `${host.name} gave no report within ${Math.round(settings.deadlineMs / 1000)} s`});
		}, settings.deadlineMs);
		child.on('error', error => {
			if (done) return;
			done = true;
			finish({ok: false, problem: 'unreachable', reason: `${host.name}: ssh could not be started: ${error.message}`});
		});
		child.on('close', code => {
			if (done) return;
			done = true;
			const failure = classifyFailure(code, stderr, host, settings);
			const text = Buffer.concat(stdout).toString('utf8');
			// The tool exits 0-3 with its report; a report is trusted over the exit status.
			const parsed = parseHostReport(text);
			if (parsed.ok) finish({ok: true, report: parsed.report});
			else if (failure) finish({ok: false, ...failure});
			else finish({ok: false, problem: 'bad-output', reason: `${host.name}: ${parsed.reason}${stderr.trim() ? ` — ${stderr.trim().split('\n').pop()}` : ''}`});
		});
	});
}

/** Ends the multiplexed connection to `host` (ControlPersist would keep it up after the fleet has gone). */
export function closeMaster(host: FleetHost, settings: SshSettings, sockets: ControlSockets): Promise<void> {
	return new Promise(resolve => {
		const child = spawn('ssh', [...sshOptions(host, settings, sockets), '-O', 'exit', host.address], {stdio: 'ignore'});
		const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
		child.on('error', () => resolve());
		child.on('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}
