// Step 2: unmount the host's mount of the share (dead, hung, or remounted while the container kept the old
// one). When umount says "target is busy", the diagnosis names who holds it, and the lazy variant
// (`umount -l`, run only once `lazy` is typed) is the way out.
import {describeMount} from '../../model/mount.js';
import type {DatadirProbe} from '../../model/types.js';
import {shellQuote} from '../../model/shell.js';
import type {Preflight} from '../preflight.js';
import {commandAttempt, failureReason, verdictOf, type RemountStep, type Verdict} from './step.js';

/** umount of a hung share can take this long before it gives up. */
const unmountTimeoutMs = 60_000;

/** What umount says when it cannot unmount now but a lazy one would: held, or hung. */
const busyErrnos = new Set(['EBUSY', 'ETIMEDOUT']);

export function checkUnmounted(probe: DatadirProbe, mountpoint: string): Verdict {
	const mount = probe.mount;
	const stillMounted = mount?.mountPoint === mountpoint;
	const evidence = stillMounted ? `still mounted: ${describeMount(mount)}` : `the datadir now sits on ${mount ? describeMount(mount) : 'no mount at all'}`;
	return verdictOf([{label: `${mountpoint} is no longer a mount point`, ok: !stillMounted, evidence}]);
}

/** Why this unmount, as the world stands at the preflight: the host's mount dead, hung, already remounted, or gone. */
export function unmountReason(preflight: Preflight, mountpoint: string): string {
	const mount = preflight.currentMount;
	if (!mount) return `Nothing is mounted at ${mountpoint} now: there is nothing to unmount, so this step finds it done and runs nothing.`;
	const view = preflight.containerProbe?.state === 'present' ? preflight.containerProbe.view : null;
	switch (preflight.mountVerdict) {
		case 'dead':
			return `The host's mount of ${mountpoint} (dev ${mount.majorMinor}) is dead: it lost its server and never comes back by itself; unmounting it clears the way for a fresh one.`;
		case 'unresponsive':
			return `The host's mount of ${mountpoint} (dev ${mount.majorMinor}) does not answer: unmounting it clears the way for a fresh one, but a hung share often keeps umount busy, and the lazy unmount is the way out.`;
		default:
			return view?.state === 'stale'
				? `The host already remounted the share (dev ${view.hostMajorMinor}, answering); the container still holds the old one (dev ${view.mount.majorMinor}). Unmounting and mounting again gives the container, once restarted, a mount checked fresh.`
				: `The host's mount of ${mountpoint} (dev ${mount.majorMinor}) answers; unmounting it makes way for a fresh one, so the container starts on a mount checked now.`;
	}
}

export const unmountStep: RemountStep = {
	id: 'unmount',

	describe(preflight) {
		const mountpoint = preflight.mountpoint ?? '<mount point>';
		const quoted = shellQuote(mountpoint);
		return {
			id: 'unmount',
			title: `Unmount ${mountpoint}`,
			command: `umount ${quoted}`,
			why: `${unmountReason(preflight, mountpoint)} umount refuses while a process still works inside it ("target is busy").`,
			verifies: [`${mountpoint} is no longer a mount point (mountinfo)`],
			mutates: true,
			skipped: null,
			lazy: {
				command: `umount -l ${quoted}`,
				why: `A lazy unmount detaches ${mountpoint} at once and lets the processes still inside finish on the old filesystem; new work lands on the fresh mount. They keep the old share busy until they end.`,
			},
			fstabLine: null,
		};
	},

	async attempt(context, lazy) {
		return commandAttempt(context, lazy, onOutput => context.world.unmount(context.plan.mountpoint, {lazy, onOutput, timeoutMs: unmountTimeoutMs}));
	},

	async postcondition(context) {
		return checkUnmounted(await context.probeDatadir(), context.plan.mountpoint);
	},

	async diagnose(context, {ran, verdict, lazy}) {
		const reason = failureReason(ran, verdict);
		const result = ran.result;
		if (result.ok || !busyErrnos.has(result.problem.errno ?? '')) return {kind: 'failed', reason};
		const holders = await context.world.mountHolders(context.plan.mountpoint);
		const nobody = holders.length === 0 ? ' — no process holds it: the share itself is stuck (hung); a lazy unmount detaches it' : '';
		return {kind: 'busy', reason: `${lazy ? 'even the lazy unmount failed: ' : ''}${reason}${nobody}`, holders};
	},
};
