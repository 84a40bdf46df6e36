import {assessCapacity} from '../model/capacity.js';
import {formatBytes, formatCount, formatDuration, formatRate} from '../model/format.js';
import {healthDetail} from '../model/health.js';
import {glanceDirRows} from '../model/glance-dirs.js';
import {filesBasis} from '../model/inventory.js';
import {containerVerdict, describeContainerVerdict} from '../model/mount.js';
import type {ContainerProbe, DatadirProbe, HostProbe, Snapshot, Thresholds} from '../model/types.js';
import type {DetailRow} from './components/details-panel.js';

export function mountDetails(probe: DatadirProbe | null): DetailRow[] {
	if (!probe) return [{label: 'datadir', value: 'probing…'}];
	const mount = probe.mount;
	return [
		{label: 'datadir', value: probe.datadir},
		{label: 'health', value: healthDetail(probe.health)},
		{label: 'verdict', value: probe.verdict},
		{label: 'mounted at', value: mount?.mountPoint ?? '-'},
		{label: 'source', value: mount?.source ?? '-'},
		{label: 'type', value: mount?.fsType ?? '-'},
		{label: 'major:minor', value: mount?.majorMinor ?? '-'},
		{label: 'mount id', value: mount ? `${mount.mountId} (parent ${mount.parentId})` : '-'},
		{label: 'root', value: mount?.root ?? '-'},
		{label: 'options', value: mount?.mountOptions.join(',') ?? '-'},
		{label: 'super options', value: mount?.superOptions.join(',') ?? '-'},
		{label: 'propagation', value: mount?.optionalFields.join(' ') || 'private'},
		{label: 'expected mount', value: probe.expectedMountpoint ? `${probe.expectedMountpoint} (from ${probe.expectedFrom})` : 'none: no fstab line holds the datadir'},
		{label: 'fstab', value: probe.fstab ? `line ${probe.fstab.line}: ${probe.fstab.spec} ${probe.fstab.file} ${probe.fstab.vfsType} ${probe.fstab.options.join(',')}` : probe.fstabProblem ?? 'no line'},
	];
}

export function capacityDetails(snapshot: Snapshot, thresholds: Thresholds): DetailRow[] {
	const {datadir: probe, host} = snapshot;
	const rows: DetailRow[] = [];
	const stats = probe?.stats;
	if (stats) {
		const {percent, growth, timeToFullMs} = assessCapacity(stats, snapshot.history, thresholds, probe.at);
		rows.push(
			{label: 'bytes total', value: formatBytes(stats.bytesTotal)},
			{label: 'bytes used', value: `${formatBytes(stats.bytesUsed)} (${percent.bytes.toFixed(1)}%)`},
			{label: 'bytes available', value: formatBytes(stats.bytesAvailable)},
			{label: 'inodes total', value: formatCount(stats.inodesTotal)},
			{label: 'inodes used', value: percent.inodes === null ? 'not reported' : `${formatCount(stats.inodesUsed)} (${percent.inodes.toFixed(1)}%)`},
			{label: 'inodes free', value: formatCount(stats.inodesFree)},
			{label: 'growth', value: growth ? formatRate(growth.bytesPerHour) : 'measuring…'},
			{label: 'full in', value: timeToFullMs === null ? '-' : formatDuration(timeToFullMs)},
		);
	} else {
		rows.push({label: 'figures', value: probe ? healthDetail(probe.health) : 'probing…'});
	}
	// Beside the images: Glance's staging, tasks and cache directories, which share the filesystem.
	rows.push(...glanceDirRows(snapshot.glanceDirs, filesBasis(snapshot.files)?.files ?? null));
	if (host) rows.push(...hostDetails(host));
	return rows;
}

/** The host's load, memory and network, as the capacity details list them. */
export function hostDetails(host: HostProbe): DetailRow[] {
	const rows: DetailRow[] = [
		{label: 'host', value: host.hostname},
		{label: 'load (1 min)', value: host.load1 === null ? '-' : host.load1.toFixed(2)},
		{label: 'cpu', value: host.cpuPercent === null ? '-' : `${host.cpuPercent.toFixed(0)}%`},
		{label: 'memory used', value: host.memUsedPercent === null ? '-' : `${host.memUsedPercent.toFixed(0)}%`},
		{
			label: 'share network',
			value: host.network ? `${host.network.iface}: rx ${formatBytes(host.network.rxBytesPerSec ?? 0)}/s tx ${formatBytes(host.network.txBytesPerSec ?? 0)}/s` : '-',
		},
	];
	if (host.problem) rows.push({label: 'host facts', value: host.problem});
	return rows;
}

export function containerDetails(probe: ContainerProbe | null, datadir: DatadirProbe | null, containerDatadir: string): DetailRow[] {
	if (!probe) return [{label: 'container', value: 'asking docker…'}];
	if (probe.state === 'docker-unreachable') return [{label: 'docker', value: probe.reason}, {label: 'what to do', value: probe.hint}];
	if (probe.state === 'missing') return [{label: 'container', value: `${probe.name}: no such container`}];
	const view = probe.view;
	const rows: DetailRow[] = [{label: 'verdict', value: describeContainerVerdict(containerVerdict(probe, datadir, containerDatadir))}, {label: 'view', value: view.state}];
	if (view.state === 'unknown') rows.push({label: 'why unknown', value: view.reason});
	else {
		if (view.mount) rows.push({label: 'view mount', value: `${view.mount.source} on ${view.mount.mountPoint} dev ${view.mount.majorMinor}`});
		rows.push({label: 'view health', value: healthDetail(view.health)});
		if (view.state === 'stale') rows.push({label: 'host dev', value: view.hostMajorMinor});
	}
	rows.push(
		{label: 'name', value: probe.name},
		{label: 'id', value: probe.id.slice(0, 12)},
		{label: 'glance source', value: probe.glanceSource ?? 'no bind at /var/lib/glance'},
		{label: 'image', value: probe.image},
		{label: 'status', value: `${probe.status}${probe.exitCode === null ? '' : ` (exit ${probe.exitCode})`}`},
		{label: 'health', value: probe.health},
		{label: 'last healthcheck', value: probe.healthOutput ?? '-'},
		{label: 'started at', value: probe.startedAt ?? '-'},
		{label: 'finished at', value: probe.finishedAt ?? '-'},
		{label: 'restarts', value: `${probe.restartCount} (policy ${probe.restartPolicy})`},
		{label: 'pid', value: String(probe.pid || '-')},
	);
	for (const mount of probe.mounts) rows.push({label: `mount ${mount.type}`, value: `${mount.source} → ${mount.destination} ${mount.rw ? 'rw' : 'ro'}${mount.propagation ? ` ${mount.propagation}` : ''}`});
	return rows;
}
