// Step 2: unmount the stale or dead share. When umount says "target is busy", the diagnosis names who holds
// it, and the lazy variant (`umount -l`, run only once `lazy` is typed) is the way out.
import {describeMount} from '../../model/mount.js';
import type {DatadirProbe} from '../../model/types.js';
import {shellQuote} from '../../model/shell.js';
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

export const unmountStep: RemountStep = {
	id: 'unmount',

	describe(preflight) {
		const mountpoint = preflight.mountpoint ?? '<mount point>';
		const quoted = shellQuote(mountpoint);
		return {
			id: 'unmount',
			title: `Unmount ${mountpoint}`,
			command: `umount ${quoted}`,
			why: `The host's mount of the share is stale or dead; unmounting it clears the way for a fresh one. umount refuses while a process still works inside it ("target is busy").`,
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
