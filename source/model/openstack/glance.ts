// Glance v2 as data: image JSON as a GlanceImage, the URLs of its pages, and a listing that says why Glance
// could not be asked.
import {fail, ok, type Problem, type Result} from '../result.js';
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

/** Same scheme, host and port: where a token may go along. False for anything that is not a URL. */
export function sameOrigin(url: string, endpoint: string): boolean {
	try {
		return new URL(url).origin === new URL(endpoint).origin;
	} catch {
		return false;
	}
}

/** How far a listing goes before it stops: no honest Glance comes near these, a broken one or a proxy may. */
export const listingLimits = {
	/** One page of up to 1000 images is a few MiB. */
	pageBytes: 64 * 1024 * 1024,
	/** Every page of one listing together, so endless pages cannot pile up in memory either. */
	listingBytes: 512 * 1024 * 1024,
	pages: 1000,
	/** One image record (GET /v2/images/{id}), custom properties included. */
	recordBytes: 4 * 1024 * 1024,
} as const;

/** The URL of Glance's next page, or why it is not asked: another origin would receive the token. */
export function nextPageUrl(root: string, next: string): Result<string, GlanceFailure> {
	const url = resolveNext(root, next);
	if (sameOrigin(url, root)) return ok(url);
	const shown = url.length > 120 ? `${url.slice(0, 119)}…` : url;
	return fail({
		kind: 'glance-error',
		reason: `Glance's next page points to ${shown}, another origin than its endpoint ${new URL(root).origin}: not followed, the token stays with its endpoint`,
		hint: 'A proxy or Glance rewrote the link (check public_endpoint in glance-api.conf, and the proxy); openstack image list shows what Glance lists',
	});
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
	return indexOf(listing.images).newest;
}

/** What a changes round looks up in the images it merges into: built once per images array (a round that changed nothing keeps it). */
type ImagesIndex = {byId: ReadonlyMap<string, GlanceImage>; newest: string | null};
const indexes = new WeakMap<readonly GlanceImage[], ImagesIndex>();

function indexOf(images: readonly GlanceImage[]): ImagesIndex {
	let index = indexes.get(images);
	if (!index) {
		let newest: string | null = null;
		for (const image of images) if (image.updatedAt && (newest === null || image.updatedAt > newest)) newest = image.updatedAt;
		index = {byId: new Map(images.map(image => [image.id, image])), newest};
		indexes.set(images, index);
	}
	return index;
}

function sameImage(a: GlanceImage, b: GlanceImage): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A full listing with the images Glance changed since (new ones added, changed ones replaced). The same
 * images array when nothing really changed, so nothing downstream is rebuilt. Deletions need a full listing.
 */
export function mergeGlanceChanges(previous: GlanceImages, changes: GlanceImages): GlanceImages {
	const known = indexOf(previous.images).byId;
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
