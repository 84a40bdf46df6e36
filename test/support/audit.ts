// The audit log as tests read it: one JSON record a line.
import {readFileSync} from 'node:fs';

export type AuditLine = {event: string; step: string | null; command: string | null; outcome: string | null; operator: string; host: string; dryRun: boolean; detail?: {reason?: string}};

export function readAudit(file: string): AuditLine[] {
	return readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as AuditLine);
}
