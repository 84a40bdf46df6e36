// Step 4: start glance_api, which takes a copy of the host's fresh mount. It counts only once Docker says
// healthy and the container sees the host's mount; a failed start is shown with its logs and health output.
import path from 'node:path';
import {describeProblem} from '../../model/result.js';
import {formatDuration} from '../../model/format.js';
import {describeHealth} from '../../model/health.js';
import type {ContainerProbe} from '../../model/types.js';
import {commandAttempt, containerUnknown, failureReason, verdictOf, type RemountStep, type StepContext, type Verdict} from './step.js';

/** kolla's start chowns the whole share before Glance listens. */
const startTimeoutMs = 300_000;

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
	return verdictOf([
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

/** Running, healthy, and on the host's mount; after the start, asks again while Docker says `starting` (or not yet healthy), until the limit. */
async function startedVerdict(context: StepContext, wait: boolean): Promise<Verdict> {
	const {healthWaitMs, pollIntervalMs} = context.settings;
	const deadline = context.now() + healthWaitMs;
	let announced: string | null = null;
	for (;;) {
		const container = await context.probeContainer(await context.probeDatadir());
		if (!wait || !mayStillTurnHealthy(container) || context.now() >= deadline) return checkStarted(container, context.plan.mountpoint);
		const health = container.state === 'present' ? container.health : 'unknown';
		if (health !== announced) {
			context.output(`health: ${health} — waiting for a passing healthcheck (up to ${formatDuration(healthWaitMs)})`);
			announced = health;
		}
		await context.sleep(pollIntervalMs);
	}
}

export const startStep: RemountStep = {
	id: 'start',

	describe(preflight, options) {
		const {container} = preflight;
		const mountpoint = preflight.mountpoint ?? '<mount point>';
		const containerGlanceDir = path.posix.dirname(preflight.containerDatadir);
		return {
			id: 'start',
			title: `Start ${container}`,
			command: `docker start ${container}`,
			why: `${container} takes a copy of the host's mounts when it starts: starting it now gives it the fresh mount. Docker says "starting" until its first healthcheck passes.`,
			verifies: [
				`${container} is running`,
				`its health is healthy (waits while it is starting, up to ${formatDuration(options.healthWaitMs)})`,
				`its ${containerGlanceDir} is the host's mount of ${mountpoint} (same major:minor)`,
			],
			mutates: true,
			skipped: null,
			lazy: null,
			fstabLine: null,
		};
	},

	async attempt(context, lazy) {
		return commandAttempt(context, lazy, onOutput => context.world.startContainer({onOutput, timeoutMs: startTimeoutMs}));
	},

	postcondition(context, ran) {
		return startedVerdict(context, ran !== null);
	},

	async diagnose(context, {ran, verdict}) {
		const container = context.lastContainer();
		const logs = await context.world.containerLogs(context.settings.logLines);
		return {
			kind: 'start-failed',
			reason: failureReason(ran, verdict),
			logs: logs.ok ? logs.value : [`(the logs could not be read: ${describeProblem(logs.problem)})`],
			health: container?.state === 'present' ? container.health : null,
			healthOutput: container?.state === 'present' ? container.healthOutput : null,
		};
	},
};
