// What the site's Prometheus learns from one run: metric families from a snapshot and its findings, in base
// units (seconds, bytes), with no label per image, and their text in the exposition format node_exporter's
// textfile collector reads.
import {verdictOrder} from '../model/inventory.js';
import type {Finding, Inventory, MountVerdict, PathHealth, Snapshot} from '../model/types.js';

export type MetricSample = {labels: Readonly<Record<string, string>>; value: number};

export type MetricFamily = {name: string; help: string; samples: MetricSample[]};

/** How the run itself went: `completed` is false when it gave up at its deadline or failed inside. */
export type RunFacts = {completed: boolean; finishedAtMs: number; durationMs: number | null};

export const metricPrefix = 'glance_inspector_';

const mountStates: readonly MountVerdict[] = ['responsive', 'unresponsive', 'dead', 'not-mounted', 'missing', 'error'];

/** How long a probe took, when it says: a hung one took at least its timeout. */
function probeSeconds(health: PathHealth): number | null {
	if (health.state === 'responsive') return health.latencyMs / 1000;
	if (health.state === 'unresponsive') return health.afterMs / 1000;
	return null;
}

function family(name: string, help: string, samples: MetricSample[]): MetricFamily {
	return {name: `${metricPrefix}${name}`, help, samples};
}

function probeDurations(snapshot: Snapshot): MetricSample[] {
	const samples: MetricSample[] = [];
	const add = (probe: string, seconds: number | null) => {
		if (seconds !== null) samples.push({labels: {probe}, value: seconds});
	};
	if (snapshot.datadir) add('datadir', probeSeconds(snapshot.datadir.health));
	const container = snapshot.container;
	if (container?.state === 'present' && container.view.state !== 'unknown') add('container_view', probeSeconds(container.view.health));
	if (snapshot.glance?.state === 'ok') add('glance_listing', snapshot.glance.tookMs / 1000);
	if (snapshot.files?.state === 'ok') add('datadir_listing', snapshot.files.tookMs / 1000);
	return samples;
}

/** Every family, even one with no sample this run, so HELP and TYPE stay put for whoever reads the file. */
export function inspectorMetrics(snapshot: Snapshot, findings: readonly Finding[], inventory: Inventory, run: RunFacts): MetricFamily[] {
	const families: MetricFamily[] = [
		family('up', '1 when the last run of glance-inspector completed, 0 when it timed out or failed', [{labels: {}, value: run.completed ? 1 : 0}]),
		family('last_run_timestamp_seconds', 'when the last run of glance-inspector finished, in seconds since the epoch', [{labels: {}, value: run.finishedAtMs / 1000}]),
	];
	if (run.durationMs !== null) families.push(family('run_duration_seconds', 'how long the last run of glance-inspector took', [{labels: {}, value: run.durationMs / 1000}]));
	families.push(family('finding', '1 for each finding present (absent when not), by finding id and severity', findings.map(finding => ({labels: {id: finding.id, severity: finding.severity}, value: 1}))));

	const datadir = snapshot.datadir;
	families.push(family('mount_state', 'the datadir mount verdict: 1 for the current state, 0 for the others', datadir ? mountStates.map(state => ({labels: {state}, value: datadir.verdict === state ? 1 : 0})) : []));

	const container = snapshot.container;
	const staleView = findings.some(finding => finding.id === 'container-stale-mount');
	families.push(family('container_view_stale', '1 when the Glance container holds an old or dead copy of the share while the host does not', container?.state === 'present' ? [{labels: {}, value: staleView ? 1 : 0}] : []));
	const running = container?.state === 'present' ? (container.running ? 1 : 0) : container?.state === 'missing' ? 0 : null;
	families.push(family('container_running', '1 when the Glance container is running, 0 when stopped or missing (absent when docker cannot say)', running === null ? [] : [{labels: {}, value: running}]));

	const stats = datadir?.stats ?? null;
	families.push(
		family('datadir_bytes', 'the datadir filesystem in bytes: total, used, and free to Glance (as df counts them)', stats ? [
			{labels: {kind: 'total'}, value: stats.bytesTotal},
			{labels: {kind: 'used'}, value: stats.bytesUsed},
			{labels: {kind: 'free'}, value: stats.bytesAvailable},
		] : []),
		family('datadir_inodes', 'the datadir filesystem in inodes: total, used and free (0 total where the filesystem reports none)', stats ? [
			{labels: {kind: 'total'}, value: stats.inodesTotal},
			{labels: {kind: 'used'}, value: stats.inodesUsed},
			{labels: {kind: 'free'}, value: stats.inodesFree},
		] : []),
	);

	// Until both listings are in, no image is judged: no count beats a count of zero that means "not asked".
	const judged = !findings.some(finding => finding.id === 'inventory-pending');
	families.push(
		family('images', 'images and files in the inventory, by verdict', judged ? verdictOrder.map(verdict => ({labels: {verdict}, value: inventory.totals[verdict].count})) : []),
		family('image_bytes', 'bytes of the images and files in the inventory, by verdict', judged ? verdictOrder.map(verdict => ({labels: {verdict}, value: inventory.totals[verdict].bytes})) : []),
		family('probe_duration_seconds', 'how long each probe took (a hung one: at least its timeout)', probeDurations(snapshot)),
	);
	return families;
}

function escapeLabelValue(value: string): string {
	return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Number.POSITIVE_INFINITY) return '+Inf';
	if (value === Number.NEGATIVE_INFINITY) return '-Inf';
	return String(value);
}

/** The exposition text format (version 0.0.4), without timestamps: the textfile collector refuses them. */
export function expositionText(families: readonly MetricFamily[]): string {
	const lines: string[] = [];
	for (const each of families) {
		lines.push(`# HELP ${each.name} ${each.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`, `# TYPE ${each.name} gauge`);
		for (const sample of each.samples) {
			const labels = Object.entries(sample.labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
			lines.push(`${each.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${formatValue(sample.value)}`);
		}
	}
	return `${lines.join('\n')}\n`;
}
