// The Nagios / Icinga plugin output: a first line `GLANCE <STATUS>: <summary> | <perfdata>`, with perfdata
// in the plugin guidelines' form `'label'=value[UOM];[warn];[crit];[min];[max]`.
import {percentUsed} from '../model/capacity.js';
import type {Status} from '../model/findings.js';
import {verdictOrder} from '../model/inventory.js';
import type {Finding, Inventory, Snapshot, Thresholds} from '../model/types.js';

/** The units the guidelines know that this check uses: none (a count), percent, bytes, seconds. */
export type PerfUnit = '' | '%' | 'B' | 's';

export type Perfdatum = {label: string; value: number; unit: PerfUnit; warn?: number; crit?: number; min?: number; max?: number};

export type PerfLimits = Thresholds & {probeTimeoutSeconds: number};

/** A number as the guidelines want it: [-0-9.] only, no exponent, no locale. */
function plainNumber(value: number): string {
	// toFixed() turns to an exponent from 1e21; such doubles are integers, which BigInt writes out.
	if (Number.isInteger(value)) return BigInt(value).toString();
	return value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

/** One label=value pair; the label is quoted, and a quote inside it is written twice. */
export function formatPerfdatum(datum: Perfdatum): string {
	const field = (value: number | undefined) => (value === undefined ? '' : plainNumber(value));
	const fields = [`${plainNumber(datum.value)}${datum.unit}`, field(datum.warn), field(datum.crit), field(datum.min), field(datum.max)];
	while (fields.length > 1 && fields.at(-1) === '') fields.pop();
	return `'${datum.label.replaceAll("'", "''")}'=${fields.join(';')}`;
}

/** What the check measured: capacity, how long the datadir took to answer, image counts by verdict. */
export function perfdataOf(snapshot: Snapshot, findings: readonly Finding[], inventory: Inventory, limits: PerfLimits): Perfdatum[] {
	const data: Perfdatum[] = [];
	const datadir = snapshot.datadir;
	const stats = datadir?.stats ?? null;
	if (stats) {
		const percent = percentUsed(stats);
		data.push({label: 'datadir_used', value: round(percent.bytes, 2), unit: '%', warn: limits.warnPercent, crit: limits.critPercent, min: 0, max: 100});
		data.push({label: 'datadir_free', value: stats.bytesAvailable, unit: 'B', min: 0, max: stats.bytesTotal});
		if (percent.inodes !== null) data.push({label: 'inodes_used', value: round(percent.inodes, 2), unit: '%', warn: limits.warnPercent, crit: limits.critPercent, min: 0, max: 100});
	}
	const health = datadir?.health;
	const probeMs = health?.state === 'responsive' ? health.latencyMs : health?.state === 'unresponsive' ? health.afterMs : null;
	if (probeMs !== null) data.push({label: 'probe_time', value: probeMs / 1000, unit: 's', crit: limits.probeTimeoutSeconds, min: 0});
	// Counts only once both listings are in: a zero that means "not asked" would graph as "all fine".
	if (!findings.some(finding => finding.id === 'inventory-pending')) {
		for (const verdict of verdictOrder) data.push({label: `images_${verdict.replaceAll('-', '_')}`, value: inventory.totals[verdict].count, unit: '', min: 0});
	}
	return data;
}

function round(value: number, digits: number): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

/** The first line; `|` in the summary would start the perfdata, so it is replaced. */
export function pluginStatusLine(status: Status, summary: string, perfdata: readonly Perfdatum[]): string {
	const text = `GLANCE ${status.toUpperCase()}: ${summary.replaceAll('|', '/').replaceAll('\n', ' ')}`;
	return perfdata.length > 0 ? `${text} | ${perfdata.map(formatPerfdatum).join(' ')}` : text;
}
