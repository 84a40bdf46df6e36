// Step 1: stop glance_api, so that nothing writes into the mount point while the share is away.
import {formatBytes} from '../../model/format.js';
import type {ContainerProbe} from '../../model/types.js';
import {commandAttempt, containerUnknown, failureReason, verdictOf, type RemountStep, type Verdict} from './step.js';

/** kolla's docker_graceful_timeout. */
export const kollaGraceSeconds = 60;

/** The daemon answers only after the grace period and the kill: the deadline allows for both. */
const killAllowanceSeconds = 30;

export function checkStopped(probe: ContainerProbe): Verdict {
	const label = `${probe.name} is not running`;
	if (probe.state !== 'present') return containerUnknown(probe, label);
	const evidence = probe.running
		? `status ${probe.status} (pid ${probe.pid})`
		: `status ${probe.status}${probe.exitCode === null ? '' : `, exit code ${probe.exitCode}`}${probe.finishedAt ? `, since ${probe.finishedAt}` : ''}`;
	return verdictOf([{label, ok: !probe.running, evidence}]);
}

export const stopStep: RemountStep = {
	id: 'stop',

	describe(preflight, options) {
		const {container} = preflight;
		const mountpoint = preflight.mountpoint ?? '<mount point>';
		const parent = preflight.parentFilesystem;
		const probe = preflight.containerProbe;
		const stoppedAlready = probe?.state === 'present' && !probe.running;
		const free = parent.stats ? ` (${formatBytes(parent.stats.bytesAvailable)} free on ${parent.path})` : '';
		return {
			id: 'stop',
			title: `Stop ${container}`,
			command: `docker stop -t ${options.graceSeconds} ${container}`,
			why: `Glance must not run while the share is remounted: with nothing mounted at ${mountpoint} it would write new images into the bare directory, onto the controller's root disk${free}. Stopping it also lets go of its old copy of the mount.${stoppedAlready ? ` ${container} is already stopped: this step finds it done and runs nothing.` : ''}`,
			verifies: [`${container} is not running (docker inspect)`],
			mutates: true,
			skipped: null,
			lazy: null,
			fstabLine: null,
		};
	},

	async attempt(context, lazy) {
		const {graceSeconds} = context.settings;
		return commandAttempt(context, lazy, onOutput => context.world.stopContainer({graceSeconds, onOutput, timeoutMs: (graceSeconds + killAllowanceSeconds) * 1000}));
	},

	async postcondition(context) {
		return checkStopped(await context.probeContainer(null));
	},

	async diagnose(_context, {ran, verdict}) {
		return {kind: 'failed', reason: failureReason(ran, verdict)};
	},
};
