import {describeProblem, fail, ok} from '../../model/result.js';
import type {GlanceImage} from '../../model/types.js';
import type {GlanceProof} from '../world.js';
import type {GlanceClient} from './openstack/glance.js';

/** Enough bytes to prove Glance reads the file, few enough to be quick over any link. */
export const proofBytes = 64 * 1024;

/**
 * Ask Glance for the first bytes of an active image: only a 200 with data proves that glance_api reads its
 * datadir. A stale container answers 204 with no data (sometimes 500) while its API and healthcheck look fine.
 */
export async function proveGlance(client: GlanceClient, image: GlanceImage, container: string): Promise<GlanceProof> {
	if (image.status !== 'active') {
		return fail({status: null, bytes: 0, imageId: image.id, reason: `image ${image.id} is ${image.status}, not active: Glance serves no data for it`, hint: 'pick an active image'});
	}
	if (image.size === 0) {
		return fail({status: null, bytes: 0, imageId: image.id, reason: `image ${image.id} is empty (size 0): it cannot prove anything`, hint: 'pick an image with data'});
	}
	const download = await client.downloadFirstBytes(image.id, proofBytes);
	if (!download.ok) return fail({status: null, bytes: 0, imageId: image.id, reason: describeProblem(download.problem)});
	const answer = download.value;
	const bytes = answer.bytes.byteLength;
	if (answer.status === 200 && bytes > 0) return ok({status: 200, bytes, imageId: image.id, tookMs: answer.tookMs});
	const said = answer.note ? ` (${answer.note})` : '';
	let reason: string;
	if (answer.status === 204 || (answer.status === 200 && bytes === 0)) {
		reason = `Glance answered ${answer.status} with no data for image ${image.id}: ${container} cannot read its datadir — a stale mount after a flap; stop ${container}, remount the share, start ${container}`;
	} else if (answer.status >= 500) {
		reason = `Glance answered ${answer.status}${said} for image ${image.id}: it failed to read the file — docker logs ${container}`;
	} else {
		reason = `Glance answered ${answer.status}${said} for image ${image.id}: no data was served`;
	}
	return fail({status: answer.status, bytes, imageId: image.id, reason});
}
