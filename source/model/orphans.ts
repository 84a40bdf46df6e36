// Honest orphans: a file no listed image owns is an orphan only when the listing could see every image. With
// credentials that are not admin, Glance lists public, shared and the project's own images: the rest are unseen.
import type {GlanceImages} from './types.js';

/** The role that lets a Glance listing with visibility=all see every project's images. */
const adminRole = 'admin';

/** Why the listing may not hold every image, or null when it does (admin role; every page and hidden ones were asked). */
export function listingIncompleteReason(listing: GlanceImages): string | null {
	const scope = listing.listedAs;
	// A World that does not say who listed (a test double, an old saved listing) is taken at its word.
	if (!scope) return null;
	if (scope.roles === null) return 'the credentials do not say their roles (a bare token): Glance may not have listed every project\'s images';
	if (scope.roles.some(role => role.toLowerCase() === adminRole)) return null;
	const roles = scope.roles.length > 0 ? scope.roles.join(', ') : 'no roles';
	return `these credentials (${roles}${scope.project ? ` in project ${scope.project}` : ''}) see only ${scope.project ? `project ${scope.project}'s` : 'their project\'s'} images and public or shared ones`;
}
