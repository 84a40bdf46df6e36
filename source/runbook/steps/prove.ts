// Step 5: prove Glance reads the share again, by asking it for the first bytes of an active image. kolla's
// healthcheck stays green on a dead share; only real bytes prove the read. It only reads, so it needs no `y`.
import {formatBytes, formatDuration} from '../../model/format.js';
import {describeProblem, fail, ok} from '../../model/result.js';
import type {GlanceImage} from '../../model/types.js';
import type {ActionProblem, ActionResult, GlanceProof} from '../../world/world.js';
import {firstReadableImage, imageLabel} from '../preflight.js';
import {verdictOf, type RemountStep, type StepContext, type Verdict} from './step.js';

export function checkProof(proof: GlanceProof): Verdict {
	if (proof.ok) {
		const read = proof.value;
		return verdictOf([{label: `Glance serves the first bytes of ${read.imageId}`, ok: read.bytes > 0, evidence: `HTTP ${read.status}, ${formatBytes(read.bytes)} in ${formatDuration(read.tookMs)}`}]);
	}
	const problem = proof.problem;
	const status = problem.status === null ? 'no HTTP answer' : `HTTP ${problem.status}`;
	return verdictOf([{label: `Glance serves the first bytes of ${problem.imageId ?? 'an active image'}`, ok: false, evidence: `${status}, ${problem.bytes} bytes: ${describeProblem(problem)}`}]);
}

/** The proof's answer as an action's: one line with the HTTP status and the bytes served. */
function proofResult(proof: GlanceProof): ActionResult {
	if (proof.ok) return ok({tookMs: proof.value.tookMs, output: [`HTTP ${proof.value.status}, ${proof.value.bytes} bytes`]});
	const {status, bytes} = proof.problem;
	return fail<ActionProblem>({reason: describeProblem(proof.problem), tookMs: 0, output: [`${status === null ? 'no answer' : `HTTP ${status}`}, ${bytes} bytes`]});
}

/** The image the plan chose, or, when Glance could not list before (the container was stopped), the first readable one now. */
async function imageToRead(context: StepContext): Promise<{image: GlanceImage | null; problem: string | null}> {
	if (context.plan.proveImage) return {image: context.plan.proveImage, problem: null};
	context.output('asking Glance for an active image to read');
	const listing = await context.world.listGlanceImages();
	if (listing.state !== 'ok') return {image: null, problem: `Glance could not list its images: ${listing.reason}`};
	return {image: firstReadableImage(listing.images), problem: null};
}

export const proveStep: RemountStep = {
	id: 'prove',

	describe(preflight) {
		const image = preflight.proveImage;
		const endpoint = preflight.glanceEndpoint ?? '<glance endpoint>';
		return {
			id: 'prove',
			title: 'Prove Glance reads the share',
			command: `curl -s -r 0-65535 -H "X-Auth-Token: $(openstack token issue -f value -c id)" ${endpoint}/v2/images/${image ? image.id : '<first active image>'}/file | wc -c`,
			why: `kolla's healthcheck only asks the API, so it stays green on a dead share, and after a flap Glance even answers 204 with no bytes. Reading the first bytes of a real image proves Glance reads from the share again.`,
			verifies: [`Glance serves the first bytes of ${image ? imageLabel(image) : 'the first active image'} (more than 0 bytes)`],
			mutates: false,
			skipped: preflight.proveSkipped,
			lazy: null,
			fstabLine: null,
		};
	},

	async attempt(context) {
		const {image, problem} = await imageToRead(context);
		if (problem) return fail({outcome: 'failed', reason: problem});
		if (!image) return fail({outcome: 'skipped', reason: 'Glance lists no active image with data to read: nothing to prove the read with'});
		const endpoint = context.preflight.glanceEndpoint ?? '<glance endpoint>';
		return ok({
			command: `GET ${endpoint}/v2/images/${image.id}/file (first bytes of ${image.name ?? image.id})`,
			detail: {imageId: image.id},
			async run() {
				const proof = await context.world.proveGlance(image);
				const read = proof.ok ? proof.value : proof.problem;
				return {result: proofResult(proof), detail: {status: read.status, bytes: read.bytes, imageId: read.imageId}, judged: checkProof(proof)};
			},
		});
	},

	async postcondition(_context, ran) {
		return ran?.judged ?? verdictOf([]);
	},

	async diagnose(_context, {verdict}) {
		return {kind: 'failed', reason: verdict.checks.map(check => check.evidence).join('; ')};
	},
};
