// umount and mount of the share as child processes with deadlines, their errors mapped to errnos and advice.
import path from 'node:path';
import {formatDuration} from '../../model/format.js';
import {parseFstab} from '../../model/fstab.js';
import {normalizeMountPath} from '../../model/mount.js';
import {parseMountinfo} from '../../model/mountinfo.js';
import {fail, ok, type Problem} from '../../model/result.js';
import type {MountEntry} from '../../model/types.js';
import type {ActionProblem, ActionResult, MountSpec} from '../world.js';
import {readFstab, readMountinfo} from './bounded-file.js';
import {runCommand, type CommandRun} from './commands.js';

export const defaultUnmountTimeoutMs = 15_000;
export const defaultMountTimeoutMs = 30_000;
const sshCheckTimeoutMs = 10_000;

type Rule = {pattern: RegExp; errno: string; reason: (mountpoint: string, line: string) => string};

async function mountsAt(mountpoint: string): Promise<MountEntry[] | null> {
	const mountinfo = await readMountinfo('self');
	return mountinfo.ok ? parseMountinfo(mountinfo.value).filter(mount => mount.mountPoint === mountpoint) : null;
}

function failed(run: CommandRun, problem: Problem, tookMs = run.tookMs): ActionResult {
	return fail<ActionProblem>({...problem, tookMs, output: run.lines});
}

function lastWords(run: CommandRun): string {
	return run.stderr.at(-1) ?? run.lines.at(-1) ?? 'no output';
}

function match(rules: readonly Rule[], mountpoint: string, lines: readonly string[]): Problem | null {
	for (const rule of rules) {
		const line = lines.find(each => rule.pattern.test(each));
		if (line !== undefined) return {errno: rule.errno, reason: rule.reason(mountpoint, line)};
	}
	return null;
}

/** The run never produced an exit status: not installed, stuck from before, or killed at the deadline. */
function runProblem(run: CommandRun, what: string, mountpoint: string, timeoutMs: number): Problem | null {
	if (run.blockedBy) {
		return {
			errno: 'ETIMEDOUT',
			reason: `an earlier ${run.blockedBy.commandLine} (pid ${run.blockedBy.pid}) is still stuck after ${formatDuration(run.blockedBy.sinceMs)}: the share is hung — a lazy unmount (umount -l ${mountpoint}) does not wait for it`,
		};
	}
	if (run.spawnError) {
		return {
			errno: run.spawnError.code,
			reason: run.spawnError.code === 'ENOENT' ? `${what} is not installed (util-linux mount package): apt-get install mount` : `could not start ${what}: ${run.spawnError.message}`,
		};
	}
	if (run.timedOut) {
		const still = run.stuck ? ` and is still stuck in the kernel (pid left behind)` : ' and was stopped';
		return {errno: 'ETIMEDOUT', reason: `${run.commandLine} did not finish within ${formatDuration(timeoutMs)}${still}`};
	}
	return null;
}

const unmountRules: readonly Rule[] = [
	{
		pattern: /target is busy|device is busy/i,
		errno: 'EBUSY',
		reason: mountpoint =>
			`${mountpoint} is busy: a process has its working directory or open files there (see them: fuser -vm ${mountpoint}). Stop those processes, or unmount lazily (umount -l): they keep the old mount until they let go`,
	},
	{pattern: /not mounted/i, errno: 'EINVAL', reason: mountpoint => `${mountpoint} is not mounted: there is nothing to unmount`},
	{pattern: /no mount point specified/i, errno: 'EINVAL', reason: mountpoint => `${mountpoint} does not exist, so nothing is mounted there`},
	{
		pattern: /must be superuser|only root|operation not permitted|permission denied/i,
		errno: 'EPERM',
		reason: mountpoint => `only root can unmount ${mountpoint}: run glance-inspector as root (sudo)`,
	},
];

/** `umount [-l] MOUNTPOINT`. errno EBUSY when held, EINVAL when not mounted, EPERM when not root, ETIMEDOUT when hung. */
export async function unmountShare(mountpoint: string, options: {lazy: boolean; timeoutMs?: number; onOutput?: (line: string) => void}): Promise<ActionResult> {
	const timeoutMs = options.timeoutMs ?? defaultUnmountTimeoutMs;
	const target = normalizeMountPath(path.posix.resolve(mountpoint));
	// A lazy unmount is the way out of a hung share: an earlier stuck umount must not hold it back.
	const run = await runCommand('umount', [...(options.lazy ? ['-l'] : []), target], {timeoutMs, stuckKey: options.lazy ? undefined : target, onLine: options.onOutput});
	const problem = runProblem(run, 'umount', target, timeoutMs);
	if (problem) {
		if (run.timedOut && !options.lazy) problem.reason += `: the share is hung. A lazy unmount (umount -l ${target}) detaches it without waiting`;
		return failed(run, problem);
	}
	if (run.exitCode === 0) return ok({tookMs: run.tookMs, output: run.lines});
	return failed(run, match(unmountRules, target, run.lines) ?? {reason: `umount ${target} failed (exit ${run.exitCode ?? run.signal}): ${lastWords(run)}`});
}

const mountRules: readonly Rule[] = [
	{pattern: /already mounted|busy/i, errno: 'EBUSY', reason: mountpoint => `${mountpoint} is already mounted: unmount it first`},
	{
		pattern: /only root|must be superuser|operation not permitted/i,
		errno: 'EPERM',
		reason: mountpoint => `only root can mount ${mountpoint}: run glance-inspector as root (sudo)`,
	},
	{
		pattern: /can't find in .*fstab/i,
		errno: 'ENOENT',
		reason: mountpoint => `the fstab has no line for ${mountpoint}: add one, or mount with the source and type of its last mount`,
	},
	{
		pattern: /bad mount point|mount point does not exist/i,
		errno: 'ENOENT',
		reason: (mountpoint, line) => (/not connected/i.test(line) ? `${mountpoint} still holds a dead mount: unmount it (umount -l ${mountpoint}) first` : `the mount point ${mountpoint} does not exist: mkdir -p ${mountpoint}`),
	},
	{pattern: /transport endpoint is not connected/i, errno: 'ENOTCONN', reason: mountpoint => `${mountpoint} still holds a dead mount: unmount it (umount -l ${mountpoint}) first`},
	{pattern: /connection refused/i, errno: 'ECONNREFUSED', reason: (_, line) => `the server refused the connection (${line.trim()}): is its service (sshd, nfsd) running and listening on that port?`},
	{pattern: /no route to host/i, errno: 'EHOSTUNREACH', reason: (_, line) => `no route to the server (${line.trim()}): is it up, and does a firewall let this host in?`},
	{pattern: /network is unreachable/i, errno: 'ENETUNREACH', reason: (_, line) => `the server's network is unreachable from here (${line.trim()}): check routes and interfaces`},
	{pattern: /timed out/i, errno: 'ETIMEDOUT', reason: (_, line) => `the server did not answer (${line.trim()}): is it up and reachable?`},
	{
		pattern: /could not resolve|name or service not known|temporary failure in name resolution/i,
		errno: 'ENOTFOUND',
		reason: (_, line) => `the server's name does not resolve (${line.trim()}): check the source's host name and DNS`,
	},
	{
		pattern: /host key verification failed|remote host identification has changed/i,
		errno: 'EACCES',
		reason: (_, line) => `ssh does not trust the server's host key (${line.trim()}): check UserKnownHostsFile / known_hosts`,
	},
	{
		pattern: /permission denied|access denied/i,
		errno: 'EACCES',
		reason: (_, line) => `the server refused the credentials (${line.trim()}): check the key (IdentityFile) or the export's access list`,
	},
	{
		pattern: /no such file or directory/i,
		errno: 'ENOENT',
		reason: (_, line) => `the source does not exist (${line.trim()}): check the exported path on the server`,
	},
	{pattern: /unknown filesystem type/i, errno: 'ENODEV', reason: (_, line) => `${line.trim()}: install its mount helper (nfs-common, sshfs, cifs-utils)`},
	{pattern: /unknown option|bad option|wrong fs type|invalid argument/i, errno: 'EINVAL', reason: (_, line) => `the mount options or type are wrong: ${line.trim()}`},
	{pattern: /connection reset by peer|remote host has disconnected/i, errno: 'ECONNRESET', reason: (_, line) => `the server closed the session (${line.trim()}): check its logs (sshd: journalctl -u ssh)`},
];

/** `[user@]host:path` of an sshfs source, host without IPv6 brackets. */
function sshTarget(source: string): {destination: string} | null {
	const parsed = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+):/.exec(source);
	if (!parsed?.[2]) return null;
	const host = parsed[2].replace(/^\[|\]$/g, '');
	return {destination: parsed[1] ? `${parsed[1]}@${host}` : host};
}

/** ssh options among sshfs mount options: `port=N` and ssh_config style `Key=Value` (sshfs passes those to ssh). */
function sshOptions(options: readonly string[]): string[] {
	const result: string[] = [];
	for (const option of options) {
		const [key = '', ...rest] = option.split('=');
		const value = rest.join('=');
		if (key === 'port' && value) result.push(`-oPort=${value}`);
		else if (/^[A-Z][A-Za-z]+$/.test(key) && value) result.push(`-o${key}=${value}`);
	}
	return result;
}

/**
 * sshfs sends ssh's own error to /dev/null and says only "read: Connection reset by peer". Ask ssh the same
 * way sshfs would (the sftp subsystem, same options, no prompts) to learn why: refused, key, host key, DNS.
 */
async function askSsh(source: string, options: readonly string[], onOutput?: (line: string) => void): Promise<string[]> {
	const target = sshTarget(source);
	if (!target) return [];
	const seconds = Math.round(sshCheckTimeoutMs / 1000) - 2;
	const run = await runCommand('ssh', ['-x', '-a', ...sshOptions(options), '-oBatchMode=yes', `-oConnectTimeout=${seconds}`, '-s', '--', target.destination, 'sftp'], {
		timeoutMs: sshCheckTimeoutMs,
		onLine: onOutput,
	});
	if (run.timedOut) return [...run.lines, `ssh ${target.destination}: timed out after ${formatDuration(sshCheckTimeoutMs)}`];
	return run.exitCode === 0 ? [] : run.lines;
}

async function fstabLineFor(mountpoint: string, fstabPath: string): Promise<MountSpec | null> {
	const fstab = await readFstab(fstabPath);
	const entry = fstab.ok ? parseFstab(fstab.value).entries.find(each => normalizeMountPath(each.file) === mountpoint) : undefined;
	return entry ? {source: entry.spec, fsType: entry.vfsType, options: entry.options} : null;
}

export type MountOptions = {fstabPath: string; timeoutMs?: number; onOutput?: (line: string) => void};

/**
 * `mount MOUNTPOINT` from the fstab (`--fstab FILE` when it is not /etc/fstab), or `mount -t TYPE -o OPTS
 * SOURCE MOUNTPOINT`. Refuses when something is mounted there already: mount(8) would stack a second
 * sshfs on top without a word. A mount killed at its deadline may leave a half-made mount: it is detached.
 */
export async function mountShare(mountpoint: string, spec: MountSpec | null, options: MountOptions): Promise<ActionResult> {
	const timeoutMs = options.timeoutMs ?? defaultMountTimeoutMs;
	const target = normalizeMountPath(path.posix.resolve(mountpoint));
	const started = Date.now();
	const before = await mountsAt(target);
	const present = before?.at(-1);
	if (present) {
		return fail<ActionProblem>({
			errno: 'EBUSY',
			reason: `${target} is already mounted (${present.fsType} ${present.source}, dev ${present.majorMinor}): unmount it first (umount ${target}), or lazily if it is held (umount -l)`,
			tookMs: 0,
			output: [],
		});
	}
	const fstabArgs = options.fstabPath === '/etc/fstab' ? [] : ['--fstab', options.fstabPath];
	const args = spec
		? ['-t', spec.fsType, ...(spec.options.length > 0 ? ['-o', spec.options.join(',')] : []), spec.source, target]
		: [...fstabArgs, target];
	const run = await runCommand('mount', args, {timeoutMs, stuckKey: target, onLine: options.onOutput});
	const unfinished = runProblem(run, 'mount', target, timeoutMs);
	if (unfinished) {
		if (run.timedOut) unfinished.reason += `: the server did not answer. ${await detachHalfMade(target, before ?? [], options.onOutput)}`;
		return failed(run, unfinished, Date.now() - started);
	}
	if (run.exitCode === 0) return ok({tookMs: run.tookMs, output: run.lines});

	const used = spec ?? (await fstabLineFor(target, options.fstabPath));
	const sshSaid = used?.fsType === 'fuse.sshfs' && run.lines.some(line => /connection reset by peer|remote host has disconnected/i.test(line)) ? await askSsh(used.source, used.options, options.onOutput) : [];
	const output = [...run.lines, ...sshSaid];
	const problem = match(mountRules, target, [...sshSaid, ...run.lines]) ?? {reason: `mount ${target} failed (exit ${run.exitCode ?? run.signal}): ${lastWords(run)}`};
	return fail<ActionProblem>({...problem, tookMs: Date.now() - started, output});
}

/** A mount(8) killed mid-way (sshfs mounts before its ssh session answers) leaves a dead mount: detach it. */
async function detachHalfMade(target: string, before: readonly MountEntry[], onOutput?: (line: string) => void): Promise<string> {
	const known = new Set(before.map(mount => mount.mountId));
	const after = await mountsAt(target);
	if (!after?.some(mount => !known.has(mount.mountId))) return 'Nothing was mounted.';
	const detached = await runCommand('umount', ['-l', target], {timeoutMs: defaultUnmountTimeoutMs, onLine: onOutput});
	return detached.exitCode === 0
		? `The half-made mount it left was detached (umount -l ${target}).`
		: `It left a half-made mount that could not be detached: umount -l ${target} by hand (${lastWords(detached)}).`;
}
