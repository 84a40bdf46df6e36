// Step 3: mount the share afresh (a new major:minor), from its fstab line or the spec of its last mount.
// A failed mount is shown with the fstab line it mounted from and what mount(8) said.
import {formatDuration} from '../../model/format.js';
import {describeHealth} from '../../model/health.js';
import {describeMount, normalizeMountPath} from '../../model/mount.js';
import type {DatadirListing, DatadirProbe} from '../../model/types.js';
import {expectedSource, fstabLine, mountCommand} from '../mount-spec.js';
import {commandAttempt, failureReason, verdictOf, type Check, type RemountStep, type Verdict} from './step.js';

/** mount.nfs retries a server that does not answer for about two minutes. */
const mountTimeoutMs = 150_000;

function sameSource(actual: string, expected: string): boolean {
	const trim = (source: string) => (source.length > 1 && source.endsWith('/') ? source.slice(0, -1) : source);
	return trim(actual) === trim(expected);
}

export function checkMounted(probe: DatadirProbe, listing: DatadirListing | null, expected: {mountpoint: string; source: string | null; filesBefore: number | null}): Verdict {
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
	const verdict = verdictOf(checks);
	// The device of a checked mount lets a later run vouch that it is still this fresh one.
	return verdict.holds && mount ? {...verdict, record: {device: mount.majorMinor, mountpoint: mount.mountPoint}} : verdict;
}

export const mountStep: RemountStep = {
	id: 'mount',

	describe(preflight, options) {
		const mountpoint = preflight.mountpoint ?? '<mount point>';
		const source = preflight.mountSource;
		const expected = expectedSource(source);
		const filesBefore = preflight.imageFilesBefore;
		const fresh = `Mounting again connects a fresh filesystem (a new major:minor), the one ${preflight.container} will see when it starts.`;
		const from =
			source.kind === 'fstab'
				? `The source and options come from /etc/fstab line ${source.entry.line}.`
				: `There is no fstab line, so the source and options come from ${source.kind === 'spec' && source.from === 'audit-log' ? 'the last recorded mount' : 'the current mount'}.`;
		return {
			id: 'mount',
			title: `Mount ${mountpoint}`,
			command: mountCommand(mountpoint, source),
			why: `${fresh} ${from}`,
			verifies: [
				`${mountpoint} is mounted${expected ? ` from ${expected}` : ''}`,
				`statfs and readdir of ${preflight.datadir} answer within ${formatDuration(options.probeTimeoutMs)}`,
				filesBefore && filesBefore > 0 ? `the image files are visible again (${filesBefore} before)` : 'the datadir can be listed',
			],
			mutates: true,
			skipped: null,
			lazy: null,
			fstabLine: source.kind === 'fstab' ? fstabLine(source.entry) : null,
		};
	},

	async attempt(context, lazy) {
		const {mountpoint, mountSpec} = context.plan;
		return commandAttempt(context, lazy, onOutput => context.world.mount(mountpoint, mountSpec, {onOutput, timeoutMs: mountTimeoutMs}));
	},

	async postcondition(context) {
		const datadir = await context.probeDatadir();
		// Listing a datadir that did not answer statfs would only wait for the same timeout again.
		const listing = datadir.health.state === 'responsive' ? await context.world.listDatadir() : null;
		const {plan, preflight} = context;
		return checkMounted(datadir, listing, {mountpoint: plan.mountpoint, source: plan.expectedSource, filesBefore: preflight.imageFilesBefore});
	},

	async diagnose(context, {ran, verdict}) {
		const output = ran.result.ok ? ran.result.value.output : ran.result.problem.output;
		return {kind: 'mount-failed', reason: failureReason(ran, verdict), fstabLine: context.planned.fstabLine, output};
	},
};
