// What the terminal keeps after the wizard was abandoned with Ctrl+C: printed on the normal screen once the
// alternate screen is gone, so the operator still sees what was and was not done.
import {terminalText} from '../model/terminal-text.js';
import type {WizardState} from '../runbook/state.js';

export function exitSummary(state: WizardState, auditPath: string): string {
	const summary = state.summary;
	if (!summary) return '';
	const lines = ['The guided remount was abandoned.'];
	for (const row of summary.done) lines.push(`  ✔ ${row.step}: ${row.status} — ${row.command}`);
	for (const row of summary.notDone) lines.push(`  · ${row.step}: not done (${row.status}) — ${row.command}`);
	for (const advice of summary.advice) lines.push(`→ ${advice}`);
	lines.push(`Audit log: ${auditPath}`);
	return `${lines.map(terminalText).join('\n')}\n`;
}
