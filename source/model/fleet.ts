// The fleet: every controller's own --json report (taken as it is), the state of reaching each one, and the
// findings no single host can make — which host is the odd one out.
import {containerVerdict, describeContainerVerdict, type ContainerVerdict} from './mount.js';
import {overallStatus, type Status} from './findings.js';
import type {FleetHost} from './fleet-inventory.js';
import {glanceApiGroup} from './fleet-inventory.js';
import type {Finding, Severity, Snapshot, VerdictTotals} from './types.js';

/** One host's `glance-inspector --json`, as that host wrote it; only the parts the fleet reads are typed. */
export type HostReport = {
	tool: 'glance-inspector';
	version: string;
	host: string;
	status: Status;
	exitCode: 0 | 1 | 2 | 3;
	findings: Finding[];
	inventory: {totals: VerdictTotals};
	snapshot: Snapshot;
};

/** Why a host has no fresh report: each says what to do, and none holds up another host's row. */
export type ReachProblem = 'unreachable' | 'auth-refused' | 'tool-not-found' | 'sudo-refused' | 'hung' | 'bad-output';

/** The last attempt on one host. */
export type HostAttempt = {at: number; tookMs: number} & ({ok: true; report: HostReport} | {ok: false; problem: ReachProblem; reason: string; hint: string});

/** A row of the fleet: the host, its last attempt, and the last report that came (kept while the host fails). */
export type FleetHostState = {
	host: FleetHost;
	attempt: HostAttempt | null;
	lastReport: {at: number; report: HostReport} | null;
	/** How many attempts have ended: a row that keeps counting is alive. */
	rounds: number;
};

export type FleetFindingId = 'fleet-host-unreachable' | 'fleet-sources-differ' | 'fleet-listing-differs' | 'fleet-container-stale' | 'fleet-glance-unexpected' | 'fleet-glance-missing';

export type FleetFinding = Omit<Finding, 'id'> & {id: FleetFindingId; hosts: string[]};

const problemWords: Record<ReachProblem, string> = {
	unreachable: 'UNREACHABLE',
	'auth-refused': 'AUTH REFUSED',
	'tool-not-found': 'NO TOOL',
	'sudo-refused': 'SUDO REFUSED',
	hung: 'HUNG',
	'bad-output': 'BAD OUTPUT',
};

/** The short word a row shows for how reaching the host went. */
export function reachWord(state: FleetHostState): string {
	if (!state.attempt) return 'connecting';
	return state.attempt.ok ? 'ok' : problemWords[state.attempt.problem];
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The report a host printed, or what is wrong with it (an older or another tool, a cut pipe). */
export function parseHostReport(text: string): {ok: true; report: HostReport} | {ok: false; reason: string} {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		const first = text.trim().split('\n')[0] ?? '';
		return {ok: false, reason: text.trim() === '' ? 'it printed nothing' : `it printed no JSON report (${first.slice(0, 80)})`};
	}
	if (!isRecord(value) || value['tool'] !== 'glance-inspector') return {ok: false, reason: 'what it printed is not a glance-inspector report'};
	const exitCode = value['exitCode'];
	if (!isRecord(value['snapshot']) || !Array.isArray(value['findings']) || ![0, 1, 2, 3].includes(exitCode as number) || typeof value['status'] !== 'string') {
		return {ok: false, reason: `its report lacks the snapshot, findings or status (version ${String(value['version'] ?? '?')})`};
	}
	return {ok: true, report: value as unknown as HostReport};
}

const severityRank: Record<Severity, number> = {critical: 0, warning: 1, unknown: 2, info: 3};

/** The fleet's verdict: the worst of every host's own and of the cross-host findings; a host not reached is UNKNOWN. */
export function fleetStatus(states: readonly FleetHostState[], findings: readonly FleetFinding[]): {status: Status; exitCode: 0 | 1 | 2 | 3} {
	const severities: ReadonlyArray<Pick<Finding, 'severity'>> = [...states.flatMap(state => (state.attempt?.ok ? state.attempt.report.findings : [])), ...findings];
	// The one Nagios verdict: it reads only each finding's severity.
	return overallStatus(severities as readonly Finding[]);
}

/** A host's own worst finding (the one its dashboard puts first), or null. */
export function worstFinding(report: HostReport): Finding | null {
	return [...report.findings].sort((left, right) => severityRank[left.severity] - severityRank[right.severity])[0] ?? null;
}

function reportOf(state: FleetHostState): HostReport | null {
	return state.attempt?.ok ? state.attempt.report : null;
}

/** What a host's datadir mount is, in one comparable string. */
export function mountSourceOf(report: HostReport): string | null {
	const mount = report.snapshot.datadir?.mount;
	return mount ? `${mount.source} (${mount.fsType})` : null;
}

/** The image files a host's datadir listing holds, or null when it has none to compare. */
function listedFiles(report: HostReport): Set<string> | null {
	const files = report.snapshot.files;
	if (!files || files.state !== 'ok') return null;
	return new Set(files.files.filter(file => file.kind === 'file').map(file => file.name));
}

/** The hosts grouped by a key; the largest group is "the others", everyone else stands out. */
function oddOnesOut<T>(entries: ReadonlyArray<{host: string; key: string; value: T}>): {common: string; odd: Array<{host: string; key: string; value: T}>} | null {
	const groups = new Map<string, string[]>();
	for (const entry of entries) groups.set(entry.key, [...(groups.get(entry.key) ?? []), entry.host]);
	if (groups.size < 2) return null;
	const common = [...groups].sort((left, right) => right[1].length - left[1].length)[0]![0];
	return {common, odd: entries.filter(entry => entry.key !== common)};
}

function sourcesFinding(states: readonly FleetHostState[]): FleetFinding[] {
	const entries = states.flatMap(state => {
		const report = reportOf(state);
		const source = report ? mountSourceOf(report) : null;
		return source ? [{host: state.host.name, key: source, value: null}] : [];
	});
	const split = oddOnesOut(entries);
	if (!split) return [];
	const hosts = split.odd.map(entry => entry.host);
	return [
		{
			id: 'fleet-sources-differ',
			severity: 'critical',
			hosts,
			title: `${hosts.join(', ')} ${hosts.length > 1 ? 'mount' : 'mounts'} a different share from the other controllers`,
			evidence: [`the others: ${split.common}`, ...split.odd.map(entry => `${entry.host}: ${entry.key}`)],
			action: 'Every glance_api behind HAProxy must serve the same share: fix the mount on the odd host (its fstab line), then remount there (Enter opens its dashboard)',
		},
	];
}

function listingFinding(states: readonly FleetHostState[]): FleetFinding[] {
	const entries = states.flatMap(state => {
		const report = reportOf(state);
		const files = report ? listedFiles(report) : null;
		return files ? [{host: state.host.name, key: [...files].sort().join('\n'), value: files}] : [];
	});
	const split = oddOnesOut(entries);
	if (!split) return [];
	const common = new Set(split.common === '' ? [] : split.common.split('\n'));
	const hosts = split.odd.map(entry => entry.host);
	return [
		{
			id: 'fleet-listing-differs',
			severity: 'warning',
			hosts,
			title: `The datadir listing on ${hosts.join(', ')} differs from the other controllers'`,
			evidence: split.odd.map(entry => {
				const lacks = [...common].filter(name => !entry.value.has(name)).length;
				const extra = [...entry.value].filter(name => !common.has(name)).length;
				return `${entry.host}: ${entry.value.size} files; lacks ${lacks} the others have, has ${extra} they do not`;
			}),
			action: 'A listing that differs is a stale or local mount on that host: open its dashboard (Enter) and check its mount before users hit it one boot in three',
		},
	];
}

/** The container's verdict on a host, as its own dashboard gives it; null without a running container to judge. */
function verdictOf(report: HostReport): ContainerVerdict | null {
	const container = report.snapshot.container;
	return container?.state === 'present' ? containerVerdict(container, report.snapshot.datadir) : null;
}

function staleContainerFinding(states: readonly FleetHostState[]): FleetFinding[] {
	const verdicts = states.flatMap(state => {
		const report = reportOf(state);
		const verdict = report ? verdictOf(report) : null;
		return verdict ? [{host: state.host.name, verdict}] : [];
	});
	const bad = verdicts.filter(each => each.verdict.state === 'stale' || each.verdict.state === 'dead');
	const fine = verdicts.filter(each => each.verdict.state === 'same');
	if (bad.length === 0 || fine.length === 0) return [];
	const hosts = bad.map(each => each.host);
	return [
		{
			id: 'fleet-container-stale',
			severity: 'critical',
			hosts,
			title: `glance_api on ${hosts.join(', ')} sees a stale share while ${fine.map(each => each.host).join(', ')} ${fine.length > 1 ? 'are' : 'is'} fine`,
			evidence: bad.map(each => `${each.host}: ${describeContainerVerdict(each.verdict)}`),
			action: `HAProxy still sends requests there: about one download in ${states.length} gets 0 bytes. Remount on ${hosts.join(', ')} (Enter opens its dashboard, R the guided remount)`,
		},
	];
}

function placementFindings(states: readonly FleetHostState[]): FleetFinding[] {
	const unexpected: string[] = [];
	const missing: string[] = [];
	for (const state of states) {
		const report = reportOf(state);
		if (!report || state.host.groups === null) continue;
		const container = report.snapshot.container;
		if (!container || container.state === 'docker-unreachable') continue;
		const running = container.state === 'present' && container.running;
		const expected = state.host.groups.includes(glanceApiGroup);
		if (running && !expected) unexpected.push(state.host.name);
		if (!running && expected) missing.push(state.host.name);
	}
	const findings: FleetFinding[] = [];
	if (unexpected.length > 0) {
		findings.push({
			id: 'fleet-glance-unexpected',
			severity: 'warning',
			hosts: unexpected,
			title: `glance_api runs on ${unexpected.join(', ')}, which the inventory keeps out of the ${glanceApiGroup} group`,
			evidence: unexpected.map(host => `${host}: glance_api running; not in [${glanceApiGroup}] (nor its parent groups)`),
			action: 'A leftover container serves from its own view of the datadir: stop it there, or add the host to the group and redeploy',
		});
	}
	if (missing.length > 0) {
		findings.push({
			id: 'fleet-glance-missing',
			severity: 'critical',
			hosts: missing,
			title: `glance_api is not running on ${missing.join(', ')}, which the inventory puts in the ${glanceApiGroup} group`,
			evidence: missing.map(host => `${host}: in [${glanceApiGroup}], glance_api not running`),
			action: 'HAProxy takes the host out, so the others carry its load: open its dashboard (Enter) to see why the container stopped',
		});
	}
	return findings;
}

function unreachableFinding(states: readonly FleetHostState[]): FleetFinding[] {
	const failed = states.filter(state => state.attempt && !state.attempt.ok);
	if (failed.length === 0) return [];
	return [
		{
			id: 'fleet-host-unreachable',
			severity: 'unknown',
			hosts: failed.map(state => state.host.name),
			title: `No fresh report from ${failed.map(state => state.host.name).join(', ')}`,
			evidence: failed.map(state => (state.attempt && !state.attempt.ok ? state.attempt.reason : state.host.name)),
			action: failed.map(state => (state.attempt && !state.attempt.ok ? state.attempt.hint : '')).filter(Boolean)[0] ?? '',
		},
	];
}

/** The findings about the fleet as a whole, most severe first; they need two hosts' fresh reports to compare. */
export function fleetFindings(states: readonly FleetHostState[]): FleetFinding[] {
	const findings = [...staleContainerFinding(states), ...sourcesFinding(states), ...listingFinding(states), ...placementFindings(states), ...unreachableFinding(states)];
	return findings.sort((left, right) => severityRank[left.severity] - severityRank[right.severity]);
}

/** What a row shows of one host: each column's text and tone, so the screen and the --once report agree. */
export type FleetRow = {
	name: string;
	reach: string;
	mount: string;
	container: string;
	capacity: string;
	worst: string;
	verdicts: string;
	ageMs: number | null;
	status: Status | null;
};

function capacityText(report: HostReport): string {
	const stats = report.snapshot.datadir?.stats;
	if (!stats || stats.bytesTotal === 0) return '—';
	return `${Math.round((stats.bytesUsed / stats.bytesTotal) * 100)}%`;
}

function containerText(report: HostReport): string {
	const container = report.snapshot.container;
	if (!container) return '—';
	if (container.state === 'docker-unreachable') return 'no docker';
	if (container.state === 'missing') return 'missing';
	const verdict = containerVerdict(container, report.snapshot.datadir);
	return container.running ? `up/${verdict.state}` : 'down';
}

function verdictText(report: HostReport): string {
	const totals = report.inventory?.totals;
	if (!totals) return '—';
	const ok = totals.ok?.count ?? 0;
	const bad = Object.entries(totals)
		.filter(([verdict, total]) => verdict !== 'ok' && total.count > 0)
		.reduce((sum, [, total]) => sum + total.count, 0);
	return `${ok} ok ${bad} bad`;
}

/** One host's row, from its last report (kept, with its age, while the host does not answer). */
export function fleetRow(state: FleetHostState, now: number): FleetRow {
	const kept = state.lastReport;
	const report = kept?.report ?? null;
	const worst = report ? worstFinding(report) : null;
	return {
		name: state.host.name,
		reach: reachWord(state),
		mount: report?.snapshot.datadir?.verdict ?? '—',
		container: report ? containerText(report) : '—',
		capacity: report ? capacityText(report) : '—',
		worst: worst ? worst.id : report ? 'none' : '—',
		verdicts: report ? verdictText(report) : '—',
		ageMs: kept ? Math.max(0, now - kept.at) : null,
		status: state.attempt?.ok ? state.attempt.report.status : state.attempt ? 'unknown' : null,
	};
}

/** A state after one more attempt: the report kept when it worked, the old one kept when it did not. */
export function withAttempt(state: FleetHostState, attempt: HostAttempt): FleetHostState {
	return {
		...state,
		attempt,
		lastReport: attempt.ok ? {at: attempt.at, report: attempt.report} : state.lastReport,
		rounds: state.rounds + 1,
	};
}

export function initialStates(hosts: readonly FleetHost[]): FleetHostState[] {
	return hosts.map(host => ({host, attempt: null, lastReport: null, rounds: 0}));
}
