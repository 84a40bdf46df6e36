// The remount's audit trail: one JSON object per line, appended, never rewritten. Who did what, from where,
// and what the machine said back — so the next operator (or the next run of this tool) can tell what happened.
import {closeSync, constants, fstatSync, mkdirSync, openSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fail, ok, type Problem, type Result} from '../model/result.js';
import {kindOf, readBoundedText} from '../world/real/bounded-file.js';
import type {MountSpec} from '../world/world.js';
import type {StepId} from './steps/step.js';

export type AuditEvent =
	| 'preflight'
	| 'begin'
	| 'confirmed'
	| 'declined'
	| 'command'
	| 'result'
	| 'postcondition'
	| 'already-done'
	| 'would-run'
	| 'skipped'
	| 'retry'
	| 'lazy-confirmed'
	| 'refused'
	| 'aborted'
	| 'finished';

/** Free-form facts of one event; every string in it is redacted before it is written. */
export type AuditDetail = {
	reason?: string;
	output?: string[];
	tookMs?: number;
	errno?: string | null;
	checks?: Array<{label: string; ok: boolean; evidence: string}>;
	evidence?: string[];
	mountpoint?: string;
	/** How the share is mounted when fstab has no line for it, so a later run can mount it again. */
	mountSpec?: MountSpec | null;
	/** major:minor of the share's mount after a successful mount, so a later run can tell it is still that one. */
	device?: string | null;
	resumeFrom?: string;
	findings?: string[];
	uploads?: number | null;
	holders?: Array<{pid: number; command: string}> | null;
	blockers?: string[];
	done?: string[];
	notDone?: string[];
	imageId?: string | null;
	bytes?: number;
	status?: number | null;
};

export type AuditRecord = {
	time: string;
	/** One id per wizard session, so a reader can tell runs apart. */
	run: string;
	host: string;
	/** The person: SUDO_USER when run through sudo, else USER. */
	operator: string;
	/** SSH_CONNECTION (client ip, port, server ip, port) when the operator came in over ssh. */
	ssh: string | null;
	event: AuditEvent;
	step: StepId | null;
	command: string | null;
	dryRun: boolean;
	outcome: string | null;
	detail?: AuditDetail;
	/** Written by the training simulator (`--demo`): never evidence about a real machine. */
	simulated?: true;
	/** The simulator scenario the record was made in. */
	scenario?: string;
};

/** Which machine records are about: the real one (null) or a training simulator scenario. */
export type AuditSimulation = {scenario: string} | null;

export type AuditIdentity = Pick<AuditRecord, 'host' | 'operator' | 'ssh'>;

export type AuditEntry = {event: AuditEvent; step?: StepId | null; command?: string | null; outcome?: string | null; detail?: AuditDetail};

export const systemAuditLogPath = '/var/log/glance-inspector/audit.jsonl';

/** This user's `$XDG_STATE_HOME/glance-inspector` (`~/.local/state/glance-inspector` without it). */
export function userStateDirectory(env: NodeJS.ProcessEnv, home: string): string {
	const xdg = env.XDG_STATE_HOME;
	// The XDG spec says a relative value is invalid and must be ignored.
	const stateHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state');
	return path.join(stateHome, 'glance-inspector');
}

/** `--audit-log PATH`, else the system log when root, else `$XDG_STATE_HOME/glance-inspector/audit.jsonl`. */
export function resolveAuditLogPath(input: {flag: string | null | undefined; env: NodeJS.ProcessEnv; uid: number; home: string}): string {
	if (input.flag) return path.resolve(input.flag);
	if (input.uid === 0) return systemAuditLogPath;
	return path.join(userStateDirectory(input.env, input.home), 'audit.jsonl');
}

/** The training simulator's own log, for root too: `--demo` never writes the real one unless told to with `--audit-log`. */
export function resolveDemoAuditLogPath(input: {flag: string | null | undefined; env: NodeJS.ProcessEnv; home: string}): string {
	if (input.flag) return path.resolve(input.flag);
	return path.join(userStateDirectory(input.env, input.home), 'demo-audit.jsonl');
}

function accountName(): string {
	try {
		return `${os.userInfo().username} (uid ${process.getuid?.() ?? '?'})`;
	} catch {
		return `uid ${process.getuid?.() ?? 'unknown'}`;
	}
}

/** Who is at the keyboard: the sudo caller rather than root, and where they came from. Nothing else from the environment. */
export function auditIdentity(env: NodeJS.ProcessEnv, host: string): AuditIdentity {
	// Cron, systemd and some SSH setups leave USER unset: the process's own user is still known.
	const operator = env.SUDO_USER || env.USER || env.LOGNAME || accountName();
	return {host, operator, ssh: env.SSH_CONNECTION || null};
}

const secretKey = String.raw`(?:[A-Za-z_]*(?:pass(?:word|wd)?|secret|token|api[_-]?key|credential)[A-Za-z_]*)`;
const secretPatterns: RegExp[] = [
	// An Authorization header's value is a scheme and a credential: all of it goes.
	/(\bauthorization["']?\s*[:=]\s*)[^"\n]+/gi,
	// KEY=value, KEY: value, "key": "value", --password value
	new RegExp(String.raw`(\b${secretKey}\b["']?\s*[:=]\s*["']?)[^\s"',;]+`, 'gi'),
	new RegExp(String.raw`(--${secretKey}[=\s]+)[^\s"',;]+`, 'gi'),
	/(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi,
	// Keystone fernet tokens and similar long opaque blobs, wherever they appear.
	/()\bgAAAAA[A-Za-z0-9_-]{20,}={0,2}/g,
];

/** Anything that looks like a password, token or secret becomes `[redacted]`. */
export function redact(text: string): string {
	let result = text;
	for (const pattern of secretPatterns) result = result.replace(pattern, (_match, prefix: string) => `${prefix}[redacted]`);
	return result;
}

/** Every string in a value redacted (see redact), its shape kept. */
export function redactDeep<T>(value: T): T {
	if (typeof value === 'string') return redact(value) as T;
	if (Array.isArray(value)) return value.map(item => redactDeep(item)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item)])) as T;
	}
	return value;
}

function writeProblem(file: string, error: unknown): Problem {
	const code = (error as NodeJS.ErrnoException).code;
	return {reason: describeWriteError(file, code, error), ...(code ? {errno: code} : {})};
}

function describeWriteError(file: string, code: string | undefined, error: unknown): string {
	switch (code) {
		case 'EACCES':
		case 'EPERM':
			return `${file}: permission denied — run as root, or pass --audit-log PATH to a file you can write`;
		case 'ENOSPC':
			return `${file}: no space left on its filesystem`;
		case 'EROFS':
			return `${file}: read-only filesystem — pass --audit-log PATH`;
		case 'ENOTDIR':
		case 'EEXIST':
			return `${file}: a part of its directory path is a file — pass --audit-log PATH`;
		case 'EISDIR':
			return `${file}: is a directory — pass --audit-log PATH to a file`;
		case 'ELOOP':
			return `${file}: is a symbolic link, and the audit log is never written through one (it could point anywhere) — remove it, or pass --audit-log PATH to the real file`;
		case 'ENXIO':
			return `${file}: is a FIFO or a socket, not a regular file — pass --audit-log PATH to a file`;
		default:
			return `${file}: ${code ?? (error as Error).message}`;
	}
}

// O_NOFOLLOW: a link planted where the log goes (even a dangling one) is refused, never followed or created;
// O_NONBLOCK: a FIFO with no reader fails at once instead of waiting; the mode is for a file created here.
const appendFlags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
const fileMode = 0o600;
const directoryMode = 0o700;

/** Opens the log to append, or says why it will not: a link, something that is not a regular file, a file someone else owns. */
function openForAppend(file: string): Result<number> {
	let descriptor: number;
	try {
		descriptor = openSync(file, appendFlags, fileMode);
	} catch (error) {
		return fail(writeProblem(file, error));
	}
	const stats = fstatSync(descriptor);
	const uid = process.geteuid?.() ?? stats.uid;
	let refusal: Problem | null = null;
	if (!stats.isFile()) refusal = {reason: `${file}: is ${kindOf(stats)}, not a regular file — pass --audit-log PATH to a file`, errno: 'EINVAL'};
	else if (stats.uid !== uid) {
		refusal = {reason: `${file}: is owned by uid ${stats.uid}, not by this user (uid ${uid}), so it is not written — check who made it, or pass --audit-log PATH`, errno: 'EPERM'};
	}
	if (refusal === null) return ok(descriptor);
	closeSync(descriptor);
	return fail(refusal);
}

/** Appends one line through a fresh safe open, so a log swapped for a link between writes is refused too. */
function appendLine(file: string, line: string): Result<void> {
	const opened = openForAppend(file);
	if (!opened.ok) return opened;
	try {
		writeSync(opened.value, line);
		return ok(undefined);
	} catch (error) {
		return fail(writeProblem(file, error));
	} finally {
		closeSync(opened.value);
	}
}

/** An append-only JSON-lines log. Writes are synchronous so that "recorded" is known before anything is run. */
export class AuditLog {
	private constructor(
		readonly path: string,
		private readonly identity: AuditIdentity,
		readonly run: string,
		private readonly dryRun: boolean,
		private readonly now: () => number,
		private readonly simulation: AuditSimulation,
	) {}

	/** Creates the directory (mkdir -p, private) and checks the file can be appended to safely; the problem is said, not thrown. */
	static open(file: string, options: {identity: AuditIdentity; run: string; dryRun: boolean; now?: () => number; simulation?: AuditSimulation}): Result<AuditLog> {
		try {
			mkdirSync(path.dirname(file), {recursive: true, mode: directoryMode});
		} catch (error) {
			return fail(writeProblem(file, error));
		}
		const checked = appendLine(file, '');
		if (!checked.ok) return checked;
		return ok(new AuditLog(file, options.identity, options.run, options.dryRun, options.now ?? Date.now, options.simulation ?? null));
	}

	write(entry: AuditEntry): Result<AuditRecord> {
		const record: AuditRecord = {
			time: new Date(this.now()).toISOString(),
			run: this.run,
			...this.identity,
			event: entry.event,
			step: entry.step ?? null,
			command: entry.command ?? null,
			dryRun: this.dryRun,
			outcome: entry.outcome ?? null,
			...(entry.detail ? {detail: redactDeep(entry.detail)} : {}),
			...(this.simulation ? {simulated: true as const, scenario: this.simulation.scenario} : {}),
		};
		const appended = appendLine(this.path, JSON.stringify(record) + '\n');
		return appended.ok ? ok(record) : appended;
	}
}

function isAuditRecord(value: unknown): value is AuditRecord {
	if (!value || typeof value !== 'object') return false;
	const record = value as Record<string, unknown>;
	return typeof record.time === 'string' && typeof record.run === 'string' && typeof record.event === 'string' && typeof record.dryRun === 'boolean';
}

/** Whether a record was made on the machine `simulation` names: a simulated record is never evidence about the real machine, nor about another scenario. */
function madeIn(record: AuditRecord, simulation: AuditSimulation): boolean {
	if (!simulation) return record.simulated !== true;
	return record.simulated === true && record.scenario === simulation.scenario;
}

/** Years of remounts stay far below this; a larger file is not read for a resume. */
const auditLogReadLimit = 64 * 1024 * 1024;

/**
 * The records of the log made on the machine `simulation` names (the real one by default), oldest first; lines that do not
 * parse (a torn write, a hand edit) are skipped. Missing file: none.
 */
export async function readAuditLog(file: string, simulation: AuditSimulation = null): Promise<Result<AuditRecord[]>> {
	const read = await readBoundedText(file, {what: 'the audit log', maxBytes: auditLogReadLimit});
	if (!read.ok) return read.problem.errno === 'ENOENT' ? ok([]) : read;
	const records: AuditRecord[] = [];
	for (const line of read.value.split('\n')) {
		if (line.trim() === '') continue;
		try {
			const parsed: unknown = JSON.parse(line);
			if (isAuditRecord(parsed) && madeIn(parsed, simulation)) records.push(parsed);
		} catch {
			// A torn or hand-edited line is not evidence; the others still are.
		}
	}
	return ok(records);
}

/**
 * The events of the last run that changed something (ran at least one command, not a dry run). A later run
 * that only looked and left does not hide what the one before it did to the machine.
 */
export function lastRunOf(records: readonly AuditRecord[]): AuditRecord[] | null {
	for (let index = records.length - 1; index >= 0; index--) {
		const record = records[index]!;
		if (record.event !== 'command' || record.dryRun) continue;
		return records.filter(each => each.run === record.run);
	}
	return null;
}

/** The last mount spec recorded for `mountpoint`, to mount a share again that has no fstab line and is not mounted now. */
export function lastMountSpecOf(records: readonly AuditRecord[], mountpoint: string): {spec: MountSpec; time: string} | null {
	for (let index = records.length - 1; index >= 0; index--) {
		const detail = records[index]!.detail;
		if (detail?.mountpoint === mountpoint && detail.mountSpec) return {spec: detail.mountSpec, time: records[index]!.time};
	}
	return null;
}
