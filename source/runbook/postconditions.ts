// What each step's postcondition checks, judged from what the world answered. Pure: the runner probes,
// these functions read the answers. A check that cannot be made counts as not met.
import {formatBytes, formatDuration} from '../model/format.js';
import {describeMount, normalizeMountPath} from '../model/mount.js';
import type {ContainerProbe, DatadirListing, DatadirProbe, PathHealth} from '../model/types.js';
import type {GlanceProof} from '../world/world.js';

export type Check = {label: string; ok: boolean; evidence: string};

export type Verdict = {holds: boolean; checks: Check[]};

function verdict(checks: Check[]): Verdict {
	return {holds: checks.length > 0 && checks.every(check => check.ok), checks};
}

export function describeHealth(health: PathHealth): string {
	switch (health.state) {
		case 'responsive':
			return `answers in ${health.latencyMs} ms (${health.entries} entries)`;
		case 'unresponsive':
			return `no answer after ${formatDuration(health.afterMs)}`;
		default:
			return health.message.startsWith(health.errno) ? health.message : `${health.errno}: ${health.message}`;
	}
}

function containerUnknown(probe: ContainerProbe, label: string): Verdict {
	const evidence = probe.state === 'docker-unreachable' ? `docker: ${probe.reason}` : `there is no container named ${probe.name}`;
	return verdict([{label, ok: false, evidence}]);
}

export function checkStopped(probe: ContainerProbe): Verdict {
	const label = `${probe.name} is not running`;
	if (probe.state !== 'present') return containerUnknown(probe, label);
	const evidence = probe.running
		? `status ${probe.status} (pid ${probe.pid})`
		: `status ${probe.status}${probe.exitCode === null ? '' : `, exit code ${probe.exitCode}`}${probe.finishedAt ? `, since ${probe.finishedAt}` : ''}`;
	return verdict([{label, ok: !probe.running, evidence}]);
}

export function checkUnmounted(probe: DatadirProbe, mountpoint: string): Verdict {
	const mount = probe.mount;
	const stillMounted = mount?.mountPoint === mountpoint;
	const evidence = stillMounted ? `still mounted: ${describeMount(mount)}` : `the datadir now sits on ${mount ? describeMount(mount) : 'no mount at all'}`;
	return verdict([{label: `${mountpoint} is no longer a mount point`, ok: !stillMounted, evidence}]);
}

function sameSource(actual: string, expected: string): boolean {
	const trim = (source: string) => (source.length > 1 && source.endsWith('/') ? source.slice(0, -1) : source);
	return trim(actual) === trim(expected);
}

export function checkMounted(
	probe: DatadirProbe,
	listing: DatadirListing | null,
	expected: {mountpoint: string; source: string | null; filesBefore: number | null},
): Verdict {
	const mount = probe.mount?.mountPoint === normalizeMountPath(expected.mountpoint) ? probe.mount : null;
	const checks: Check[] = [
		{
			label: `${expected.mountpoint} is a mount point`,
			ok: mount !== null,
			evidence: mount ? describeMount(mount) : `the datadir sits on ${probe.mount ? describeMount(probe.mount) : 'no mount at all'}`,
		},
	];
	if (expected.source) {
		checks.push({
			label: `mounted from ${expected.source}`,
			ok: mount !== null && sameSource(mount.source, expected.source),
			evidence: mount ? `mountinfo says ${mount.source}` : 'nothing is mounted there',
		});
	}
	checks.push({label: `statfs and readdir of ${probe.datadir} answer`, ok: probe.health.state === 'responsive', evidence: describeHealth(probe.health)});
	const visible = listing?.state === 'ok' ? listing.files.filter(file => file.kind === 'file').length : null;
	const listingEvidence =
		listing === null
			? 'not listed: the datadir does not answer'
			: listing.state === 'ok'
				? `${visible} file(s) in ${listing.directory}`
				: `listing failed: ${describeHealth(listing.health)}`;
	if (expected.filesBefore && expected.filesBefore > 0) {
		checks.push({label: `the image files are visible again (${expected.filesBefore} before)`, ok: (visible ?? 0) > 0, evidence: listingEvidence});
	} else {
		checks.push({label: 'the datadir can be listed', ok: listing?.state === 'ok', evidence: listingEvidence});
	}
	return verdict(checks);
}

/** Running but not healthy yet: Docker keeps running the healthcheck, so the start postcondition polls again until its limit. */
export function mayStillTurnHealthy(probe: ContainerProbe): boolean {
	return probe.state === 'present' && probe.running && (probe.health === 'starting' || probe.health === 'unhealthy');
}

export function checkStarted(probe: ContainerProbe, mountpoint: string): Verdict {
	if (probe.state !== 'present') return containerUnknown(probe, `${probe.name} is running`);
	const view = probe.view;
	const viewEvidence = (() => {
		switch (view.state) {
			case 'same':
				return `same mount as the host: dev ${view.mount.majorMinor} (${view.mount.source}), ${describeHealth(view.health)}`;
			case 'stale':
				return `it holds dev ${view.mount.majorMinor}, the host has dev ${view.hostMajorMinor}`;
			case 'dead':
				return `inside the container: ${describeHealth(view.health)}`;
			case 'unknown':
				return view.reason;
		}
	})();
	return verdict([
		{label: `${probe.name} is running`, ok: probe.running, evidence: `status ${probe.status}${probe.running ? ` (pid ${probe.pid})` : probe.exitCode === null ? '' : `, exit code ${probe.exitCode}`}`},
		{
			label: `${probe.name} is healthy`,
			// No healthcheck at all is not a failure of this container: Docker has nothing to say.
			ok: probe.running && (probe.health === 'healthy' || probe.health === 'none'),
			evidence: `health ${probe.health}${probe.healthOutput ? `: ${probe.healthOutput}` : ''}`,
		},
		{label: `${probe.name} sees the host's mount of ${mountpoint}`, ok: probe.running && view.state === 'same', evidence: viewEvidence},
	]);
}

export function checkProof(proof: GlanceProof): Verdict {
	const label = `Glance serves the first bytes of ${proof.imageId ?? 'an active image'}`;
	if (proof.ok) {
		return verdict([{label, ok: proof.bytes > 0, evidence: `HTTP ${proof.status}, ${formatBytes(proof.bytes)} in ${formatDuration(proof.tookMs)}`}]);
	}
	return verdict([{label, ok: false, evidence: `${proof.status === null ? 'no HTTP answer' : `HTTP ${proof.status}`}, ${proof.bytes} bytes: ${proof.reason}`}]);
}
