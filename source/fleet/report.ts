// The fleet without a terminal: --once prints a row a host and the cross-host findings; --json every host's
// own report as it came, beside how it was reached, and the cross-host findings. Exit: the worst host.
import {fleetRow, fleetStatus, type FleetFinding, type FleetHostState} from '../model/fleet.js';
import {formatDuration} from '../model/format.js';
import {terminalText} from '../model/terminal-text.js';
import type {FleetSource} from './source.js';

export function fleetReportValue(states: readonly FleetHostState[], findings: readonly FleetFinding[], source: FleetSource, version: string): object {
	const {status, exitCode} = fleetStatus(states, findings);
	return {
		tool: 'glance-inspector',
		version,
		fleet: source.origin,
		world: source.world,
		status,
		exitCode,
		findings,
		hosts: states.map(state => ({
			name: state.host.name,
			address: state.host.address,
			port: state.host.port,
			user: state.host.user,
			become: state.host.become,
			groups: state.host.groups,
			reached: state.attempt?.ok ?? false,
			...(state.attempt && !state.attempt.ok ? {problem: state.attempt.problem, reason: state.attempt.reason, hint: state.attempt.hint} : {}),
			tookMs: state.attempt?.tookMs ?? null,
			report: state.attempt?.ok ? state.attempt.report : null,
		})),
	};
}

export function hostCount(count: number): string {
	return `${count} host${count === 1 ? '' : 's'}`;
}

/** The --once text: one line a host, then what only the fleet can see. */
export function fleetTextReport(states: readonly FleetHostState[], findings: readonly FleetFinding[], source: FleetSource, now: number): string {
	const {status} = fleetStatus(states, findings);
	const lines = [`glance-inspector fleet · ${source.origin} · ${hostCount(states.length)} · ${status.toUpperCase()}`];
	for (const state of states) {
		const row = fleetRow(state, now);
		const took = state.attempt ? ` (${formatDuration(state.attempt.tookMs)})` : '';
		lines.push(`  ${terminalText(row.name)}: ${row.status?.toUpperCase() ?? 'UNKNOWN'} · reach ${row.reach}${took} · mount ${row.mount} · container ${row.container} · capacity ${row.capacity} · images ${row.verdicts} · worst: ${terminalText(row.worst)}`);
		if (state.attempt && !state.attempt.ok) lines.push(`    ✖ ${terminalText(state.attempt.reason)}`, `    → ${terminalText(state.attempt.hint)}`);
	}
	lines.push(findings.length === 0 ? 'Across hosts: nothing stands out' : `Across hosts (${findings.length}):`);
	for (const finding of findings) {
		lines.push(`  ${finding.severity.toUpperCase()} ${finding.id}: ${terminalText(finding.title)}`);
		for (const evidence of finding.evidence) lines.push(`    · ${terminalText(evidence)}`);
		if (finding.action) lines.push(`    → ${terminalText(finding.action)}`);
	}
	return `${lines.join('\n')}\n`;
}
