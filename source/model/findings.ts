import {assessCapacity} from './capacity.js';
import {formatBytes, formatDuration, formatRate} from './format.js';
import {describeHealth} from './health.js';
import {inventoryOfSnapshot, inventoryAge, inventoryFindings} from './inventory.js';
import {containerVerdict, describeMount, mountpointToRemount} from './mount.js';
import {backupFindings} from './backups.js';
import {stagingFindings} from './glance-dirs.js';
import {underMountFindings} from './shadowed.js';
import type {ContainerProbe, DatadirProbe, Finding, Inventory, Severity, Snapshot, Thresholds} from './types.js';

export type FindingContext = Thresholds & {
	container: string;
	now: number;
	/** The inventory with the operator's checksum results; built from the snapshot when not given. */
	inventory?: Inventory;
	/** How often the inventory is taken: findings older than two rounds say their age. */
	inventoryRefreshMs?: number;
	/** Where Glance keeps images inside the container (--container-datadir); kolla's default when not given. */
	containerDatadir?: string;
	/** A newest backup older than this is a finding (--backup-max-age). */
	backupMaxAgeMs?: number;
	/** glance_file_datadir_volume when globals.yml set it: kolla-ansible destroy removes it. */
	customDatadirVolume?: string | null;
};

const severityRank: Record<Severity, number> = {critical: 0, warning: 1, unknown: 2, info: 3};

export function remountCommands(container: string, mountpoint: string): string {
	return `docker stop ${container} → umount ${mountpoint} → mount ${mountpoint} → docker start ${container}`;
}

/** The remount in order, or, when the datadir sits on the root filesystem, why there is nothing to remount. */
function remountAdvice(container: string, mountpoint: string, lead = 'Remount in order'): string {
	if (mountpoint === '/') return 'The datadir is on the root filesystem, which is never remounted: check that --datadir (and --mountpoint) name the share\'s directory';
	return `${lead}: ${remountCommands(container, mountpoint)}`;
}

function mountFindings(probe: DatadirProbe, context: FindingContext): Finding[] {
	const mountpoint = probe.expectedMountpoint ?? probe.mount?.mountPoint ?? probe.datadir;
	const where = probe.mount ? describeMount(probe.mount) : 'no mount found';
	switch (probe.verdict) {
		case 'dead': {
			return [
				{
					id: 'mount-dead',
					severity: 'critical',
					title: `The share holding ${probe.datadir} is dead`,
					evidence: [where, `datadir: ${describeHealth(probe.health)}`],
					action: remountAdvice(context.container, mountpoint, "Bring the share's server back, then remount in order"),
				},
			];
		}
		case 'unresponsive': {
			return [
				{
					id: 'mount-unresponsive',
					severity: 'critical',
					title: `The share holding ${probe.datadir} is hung`,
					evidence: [where, `statfs/readdir: ${describeHealth(probe.health)}`],
					action: `Check the share's server and network (${probe.mount?.source ?? 'its source'}); uploads and downloads are stuck until it answers. ${remountAdvice(context.container, mountpoint, 'If it never does')}`,
				},
			];
		}
		case 'not-mounted': {
			return [
				{
					id: 'not-mounted',
					severity: 'critical',
					title: `${probe.expectedMountpoint} is not mounted: the datadir is on the parent filesystem`,
					evidence: [
						`expected a mount at ${probe.expectedMountpoint} (from ${probe.expectedFrom === 'flag' ? '--mountpoint' : `fstab line ${probe.fstab?.line}`})`,
						`the datadir sits on: ${where}`,
					],
					action: `Glance would write images onto the local disk. ${remountAdvice(context.container, mountpoint)}`,
				},
			];
		}
		case 'missing': {
			return [
				{
					id: 'datadir-missing',
					severity: 'critical',
					title: `The datadir ${probe.datadir} does not exist`,
					evidence: [describeHealth(probe.health), where],
					action: 'Check --datadir (or glance_file_datadir_volume in globals.yml) and that the share is mounted',
				},
			];
		}
		case 'error': {
			return [
				{
					id: 'datadir-error',
					severity: 'unknown',
					title: `The datadir ${probe.datadir} could not be read`,
					evidence: [describeHealth(probe.health)],
					action: probe.health.state === 'error' && probe.health.errno === 'EACCES' ? 'Run as root (sudo) to read the datadir' : 'Read the error above; check the path and permissions',
				},
			];
		}
		case 'responsive': {
			return [];
		}
	}
}

function capacityFindings(probe: DatadirProbe, snapshot: Snapshot, context: FindingContext): Finding[] {
	if (!probe.stats) return [];
	const {percent, worstPercent: worst, level, growth: rate, timeToFullMs: eta, fillingSoon} = assessCapacity(probe.stats, snapshot.history, context, context.now);
	const findings: Finding[] = [];
	if (level !== 'ok') {
		const evidence = [
			`bytes: ${percent.bytes.toFixed(1)}% used, ${formatBytes(probe.stats.bytesAvailable)} free of ${formatBytes(probe.stats.bytesTotal)}`,
		];
		if (percent.inodes !== null) evidence.push(`inodes: ${percent.inodes.toFixed(1)}% used`);
		if (rate) evidence.push(`growth: ${formatRate(rate.bytesPerHour)}${eta === null ? '' : `, full in ${formatDuration(eta)}`}`);
		findings.push({
			id: level === 'critical' ? 'capacity-critical' : 'capacity-warning',
			severity: level,
			title: `The datadir's filesystem is ${worst.toFixed(0)}% full`,
			evidence,
			action: `Free space or grow the share before uploads and snapshots fail (threshold ${level === 'critical' ? context.critPercent : context.warnPercent}%)`,
		});
	} else if (fillingSoon && eta !== null && rate) {
		findings.push({
			id: 'capacity-filling',
			severity: 'warning',
			title: `At the current rate the datadir fills in ${formatDuration(eta)}`,
			evidence: [`growth: ${formatRate(rate.bytesPerHour)} over the last ${formatDuration(rate.spanMs)}`, `${formatBytes(probe.stats.bytesAvailable)} free`],
			action: 'Find what is uploading (image list sorted by created) or grow the share',
		});
	}
	return findings;
}

function containerFindings(probe: ContainerProbe, datadir: DatadirProbe | null, context: FindingContext): Finding[] {
	if (probe.state === 'docker-unreachable') {
		return [{id: 'docker-unreachable', severity: 'unknown', title: `Docker cannot be asked about ${probe.name}`, evidence: [probe.reason], action: probe.hint}];
	}
	if (probe.state === 'missing') {
		return [
			{
				id: 'container-missing',
				severity: 'critical',
				title: `There is no container named ${probe.name}`,
				evidence: ['docker inspect: no such container'],
				action: `Check --container; kolla names it glance_api. Redeploy with: kolla-ansible deploy -t glance`,
			},
		];
	}
	const findings: Finding[] = [];
	const mountpoint = datadir?.expectedMountpoint ?? datadir?.mount?.mountPoint ?? '<mount point>';
	if (!probe.running) {
		findings.push({
			id: 'container-not-running',
			severity: 'critical',
			title: `${probe.name} is ${probe.status}: Glance is down`,
			evidence: [`status ${probe.status}${probe.exitCode === null ? '' : `, exit code ${probe.exitCode}`}${probe.finishedAt ? `, since ${probe.finishedAt}` : ''}`, `restart policy ${probe.restartPolicy}, restarts ${probe.restartCount}`],
			action: `Check the share first (Mount panel), then: docker start ${probe.name}; if it exits again: docker logs --tail 50 ${probe.name}`,
		});
		return findings;
	}
	const verdict = containerVerdict(probe, datadir, context.containerDatadir);
	if (verdict.state === 'elsewhere') {
		findings.push({
			id: 'datadir-not-container',
			severity: 'unknown',
			title: `${probe.name} keeps its images elsewhere: the tool compares the wrong directory`,
			evidence: [`the container uses ${verdict.containerSource} for /var/lib/glance`, `you asked for ${verdict.datadir}`],
			action: `Pass --datadir ${verdict.suggested} (or fix glance_file_datadir_volume in globals.yml); until then the mount and image checks are about another directory`,
		});
	} else if (verdict.state === 'stale' || verdict.state === 'dead') {
		const view = verdict.view;
		const evidence =
			view.state === 'stale'
				? [`host datadir mount: dev ${view.hostMajorMinor}`, `container's /var/lib/glance: dev ${view.mount.majorMinor} (${view.mount.source})`, `inside the container: ${describeHealth(view.health)}`]
				: [`inside the container: ${describeHealth(view.health)}`, `on the host: ${datadir ? describeHealth(datadir.health) : 'not probed yet'}`];
		if (probe.health === 'healthy') evidence.push(`docker says "healthy": kolla's healthcheck only asks the API, never the datadir`);
		findings.push({
			id: 'container-stale-mount',
			severity: 'critical',
			title: `${probe.name} holds the old share: image uploads and downloads fail`,
			evidence,
			action: `The container keeps its own copy of the mount. ${remountAdvice(probe.name, mountpoint)}`,
		});
	} else if (verdict.state === 'unknown') {
		findings.push({
			id: 'container-view-unknown',
			severity: 'unknown',
			title: `Cannot compare ${probe.name}'s view of the datadir with the host's`,
			evidence: [verdict.reason],
			action: 'Run as root so /proc/<pid>/mountinfo of the container can be read',
		});
	}
	if (probe.health === 'unhealthy') {
		findings.push({
			id: 'container-unhealthy',
			severity: 'warning',
			title: `${probe.name} reports unhealthy`,
			evidence: probe.healthOutput ? [`last check: ${probe.healthOutput}`] : ['no healthcheck output'],
			action: `docker logs --tail 50 ${probe.name}; docker inspect --format '{{json .State.Health}}' ${probe.name}`,
		});
	}
	return findings;
}

/** Until both sides have answered once, no image can be judged: that is not an all-clear. */
function pendingInventory(snapshot: Snapshot): Finding {
	const waiting = [snapshot.glance ? null : 'Glance: listing its images…', snapshot.files ? null : 'datadir: listing its files…'].filter((line): line is string => line !== null);
	return {
		id: 'inventory-pending',
		severity: 'unknown',
		title: 'Inventory pending: images and files are not judged yet',
		evidence: waiting,
		action: 'Wait for the first listing (at 10,000 images it takes a few seconds); image findings appear when it is in',
	};
}

/** What is wrong and what to do next, most severe first. */
/** Processes holding the share a remount would unmount: its umount will say "target is busy" until they end. */
function heldFinding(snapshot: Snapshot): Finding | null {
	const held = snapshot.holders;
	if (!held || held.holders.length === 0 || mountpointToRemount(snapshot) !== held.mountpoint) return null;
	const count = held.holders.length;
	return {
		id: 'mount-held',
		severity: 'info',
		title: `${count} process${count === 1 ? '' : 'es'} ${count === 1 ? 'holds' : 'hold'} ${held.mountpoint}: its unmount will be busy`,
		evidence: held.holders.map(holder => `pid ${holder.pid} ${holder.command}${holder.user ? ` (${holder.user})` : ''}: ${holder.how} ${holder.path}`),
		action: `Ask whoever runs ${count === 1 ? 'it' : 'them'} to stop before the remount, or let the remount unmount lazily (it asks you to type lazy)`,
	};
}

export function deriveFindings(snapshot: Snapshot, context: FindingContext): Finding[] {
	const findings: Finding[] = [];
	if (snapshot.datadir) {
		findings.push(...mountFindings(snapshot.datadir, context), ...capacityFindings(snapshot.datadir, snapshot, context));
		if (snapshot.datadir.fstabProblem) {
			findings.push({
				id: 'fstab-unreadable',
				severity: 'info',
				title: 'fstab could not be read',
				evidence: [snapshot.datadir.fstabProblem],
				action: 'Pass --mountpoint so a missing mount can be told from a plain directory',
			});
		}
	}
	if (snapshot.container) findings.push(...containerFindings(snapshot.container, snapshot.datadir, context));
	const held = heldFinding(snapshot);
	if (held) findings.push(held);
	if (snapshot.glance && snapshot.files) {
		const inventory = context.inventory ?? inventoryOfSnapshot(snapshot);
		const freshForMs = 2 * (context.inventoryRefreshMs ?? 30_000);
		findings.push(...inventoryFindings(inventory, {now: context.now, age: inventoryAge(snapshot.glance, snapshot.files), freshForMs}), ...underMountFindings(snapshot, inventory));
	} else {
		findings.push(pendingInventory(snapshot));
	}
	const images = snapshot.glance?.state === 'ok' ? snapshot.glance.images : null;
	findings.push(...stagingFindings(snapshot.glanceDirs, images));
	findings.push(...backupFindings(snapshot.backups, {now: context.now, maxAgeMs: context.backupMaxAgeMs ?? 26 * 3_600_000, images, customDatadirVolume: context.customDatadirVolume ?? null}));
	return findings.sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}

export type Status = 'ok' | 'warning' | 'critical' | 'unknown';

/** The Nagios convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export function overallStatus(findings: readonly Finding[]): {status: Status; exitCode: 0 | 1 | 2 | 3} {
	if (findings.some(f => f.severity === 'critical')) return {status: 'critical', exitCode: 2};
	if (findings.some(f => f.severity === 'warning')) return {status: 'warning', exitCode: 1};
	if (findings.some(f => f.severity === 'unknown')) return {status: 'unknown', exitCode: 3};
	return {status: 'ok', exitCode: 0};
}
