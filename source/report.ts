import {percentUsed} from './model/capacity.js';
import {formatBytes} from './model/format.js';
import {verdictOrder} from './model/inventory.js';
import {terminalText} from './model/terminal-text.js';
import type {Inventory, Snapshot} from './model/types.js';
import type {CheckResult} from './monitoring/check.js';
import {perfdataOf, pluginStatusLine, type PerfLimits} from './monitoring/nagios.js';

function inventoryLines(snapshot: Snapshot, inventory: Inventory): string[] {
	const glance = snapshot.glance;
	const lines = [
		glance?.state === 'ok'
			? `glance: ${glance.images.length} images from ${glance.endpoint} (${glance.authSource})`
			: `glance: unavailable — ${inventory.glanceUnavailable ?? 'not asked'}`,
	];
	if (inventory.filesUnavailable) lines.push(`files: datadir unreadable — ${inventory.filesUnavailable}`);
	const counts = verdictOrder.filter(verdict => inventory.totals[verdict].count > 0).map(verdict => `${verdict} ${inventory.totals[verdict].count} (${formatBytes(inventory.totals[verdict].bytes)})`);
	lines.push(`inventory: ${counts.length > 0 ? counts.join(', ') : 'no images, no files'}${inventory.others.length > 0 ? `; ${inventory.others.length} other entries` : ''}`);
	return lines;
}

/** The --once report: the Nagios plugin line (status, summary, perfdata), then the details. */
export function textReport(result: CheckResult, label: string, limits: PerfLimits): string {
	const {snapshot, findings, inventory, status, incomplete} = result;
	const lines: string[] = [];
	const worst = findings[0];
	const healthy = 'datadir mounted and answering, container sees the same mount';
	const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
	// An OK with findings has only notes (info): the scheduler's line says it is fine first.
	const summary = !worst ? healthy : status === 'ok' ? `${healthy}; ${counted(findings.length, 'note')}: ${worst.title}` : `${counted(findings.length, 'finding')}: ${worst.title}`;
	lines.push(pluginStatusLine(status, incomplete ? `${incomplete}; ${summary}` : summary, perfdataOf(snapshot, findings, inventory, limits)));
	if (incomplete) lines.push(`incomplete: ${incomplete}`);
	lines.push(`host: ${label}`);
	const datadir = snapshot.datadir;
	if (datadir) {
		lines.push(`datadir: ${datadir.datadir}`);
		lines.push(`mount: ${datadir.verdict}${datadir.mount ? ` — ${datadir.mount.source} on ${datadir.mount.mountPoint} type ${datadir.mount.fsType} dev ${datadir.mount.majorMinor}` : ''}`);
		if (datadir.stats) {
			const percent = percentUsed(datadir.stats);
			lines.push(
				`capacity: ${formatBytes(datadir.stats.bytesUsed)} of ${formatBytes(datadir.stats.bytesTotal)} used (${percent.bytes.toFixed(1)}%), ${formatBytes(datadir.stats.bytesAvailable)} free; inodes ${percent.inodes === null ? 'not reported' : `${percent.inodes.toFixed(1)}%`}`,
			);
		}
	}
	const container = snapshot.container;
	if (container) {
		if (container.state === 'present') {
			lines.push(`container: ${container.name} ${container.status}, health ${container.health}, restarts ${container.restartCount}, view ${container.view.state}`);
		} else if (container.state === 'missing') {
			lines.push(`container: ${container.name} missing`);
		} else {
			lines.push(`container: ${container.name} unknown — ${container.reason}`);
		}
	}
	lines.push(...inventoryLines(snapshot, inventory));
	for (const finding of findings) {
		lines.push('', `[${finding.severity.toUpperCase()}] ${finding.id}: ${finding.title}`);
		for (const evidence of finding.evidence) lines.push(`  - ${evidence}`);
		lines.push(`  next: ${finding.action}`);
	}
	// Names, paths and evidence came from Glance, the share and docker: each line is made terminal-safe.
	return lines.map(terminalText).join('\n') + '\n';
}
