// Glance v2 as data: image JSON as a GlanceImage, the URLs of its pages, and a listing that says why Glance
// could not be asked.
import type {Problem} from '../result.js';
import type {GlanceImage, GlanceImages, GlanceListing, GlanceProblem} from '../types.js';
import type {AccessProblem} from './access.js';

/** Why Keystone or Glance could not answer, and which way it failed (for the listing's `problem`). */
export type GlanceFailure = Problem & {kind: GlanceProblem; hint: string};

/** Glance's root from a catalog URL: without a trailing slash or a version (`…:9292/v2/` -> `…:9292`). */
export function glanceRoot(url: string): string {
	const parsed = new URL(url);
	parsed.search = '';
	parsed.hash = '';
	return parsed.toString().replace(/\/+$/, '').replace(/\/v[12](\.\d+)?$/, '');
}

/** Glance's `next` is a path from its root (`/v2/images?marker=…`); behind a path prefix it may or may not carry it. */
export function resolveNext(root: string, next: string): string {
	if (/^https?:\/\//i.test(next)) return next;
	const rootUrl = new URL(root);
	const prefix = rootUrl.pathname.replace(/\/+$/, '');
	const relative = next.startsWith('/') ? next : `/${next}`;
	const withPrefix = prefix && (relative === prefix || relative.startsWith(`${prefix}/`)) ? relative : `${prefix}${relative}`;
	return `${rootUrl.origin}${withPrefix}`;
}

function nonEmpty(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** One entry of GET /v2/images as a GlanceImage; null when it has no id. */
export function imageFromJson(raw: unknown): GlanceImage | null {
	if (typeof raw !== 'object' || raw === null) return null;
	const record = raw as Record<string, unknown>;
	const id = nonEmpty(record['id']);
	if (!id) return null;
	const locations = new Set<string>();
	if (Array.isArray(record['locations'])) {
		for (const location of record['locations']) {
			const url = nonEmpty((location as {url?: unknown} | null)?.url);
			if (url) locations.add(url);
		}
	}
	const direct = nonEmpty(record['direct_url']);
	if (direct) locations.add(direct);
	const stores = nonEmpty(record['stores']);
	const size = record['size'];
	return {
		id,
		name: nonEmpty(record['name']),
		status: nonEmpty(record['status']) ?? 'unknown',
		owner: nonEmpty(record['owner']),
		visibility: nonEmpty(record['visibility']) ?? 'unknown',
		hidden: record['os_hidden'] === true,
		protected: record['protected'] === true,
		size: typeof size === 'number' && Number.isFinite(size) ? size : null,
		checksum: nonEmpty(record['checksum']),
		osHashAlgo: nonEmpty(record['os_hash_algo']),
		osHashValue: nonEmpty(record['os_hash_value']),
		diskFormat: nonEmpty(record['disk_format']),
		containerFormat: nonEmpty(record['container_format']),
		createdAt: nonEmpty(record['created_at']),
		updatedAt: nonEmpty(record['updated_at']),
		stores: stores === null ? null : stores.split(',').map(store => store.trim()).filter(Boolean),
		locations: [...locations],
	};
}

/** The listing to show when Glance could not be asked: why, what to do, and where it was asked. */
export function unavailableListing(failure: GlanceFailure, where: {endpoint: string | null; authSource: string | null}, at = Date.now()): GlanceListing {
	return {at, state: 'unavailable', problem: failure.kind, reason: failure.reason, hint: failure.hint, ...where};
}

/** The listing to show when no usable credentials were found: why, and the options that would fix it. */
export function notConfiguredListing(problem: AccessProblem, at = Date.now()): GlanceListing {
	const kind = problem.credentialsGiven ? 'glance-credentials-unusable' : 'glance-not-configured';
	return unavailableListing({kind, reason: problem.reason, hint: problem.hint ?? ''}, {endpoint: null, authSource: null}, at);
}

/**
 * Where the next "what changed" listing starts: the newest updated_at Glance reported. Glance's clock, not
 * ours, so no skew; asked with gte, an image updated in that same second is asked again rather than missed.
 */
export function changesMarker(listing: GlanceImages): string | null {
	let newest: string | null = null;
	for (const image of listing.images) if (image.updatedAt && (newest === null || image.updatedAt > newest)) newest = image.updatedAt;
	return newest;
}

function sameImage(a: GlanceImage, b: GlanceImage): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A full listing with the images Glance changed since (new ones added, changed ones replaced). The same
 * images array when nothing really changed, so nothing downstream is rebuilt. Deletions need a full listing.
 */
export function mergeGlanceChanges(previous: GlanceImages, changes: GlanceImages): GlanceImages {
	const known = new Map(previous.images.map(image => [image.id, image]));
	const changed = new Map<string, GlanceImage>();
	for (const image of changes.images) {
		const before = known.get(image.id);
		if (!before || !sameImage(before, image)) changed.set(image.id, image);
	}
	const refreshed = {...previous, at: changes.at, tookMs: changes.tookMs, pages: changes.pages};
	if (changed.size === 0) return refreshed;
	const images = previous.images.map(image => changed.get(image.id) ?? image);
	for (const image of changed.values()) if (!known.has(image.id)) images.push(image);
	return {...refreshed, images};
}
