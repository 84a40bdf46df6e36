// The image inventory: Glance's catalogue joined with the datadir's files by id (= file name), one verdict per row.
import {formatBytes, formatDuration} from './format.js';
import {describeHealth} from './health.js';
import {listingIncompleteReason} from './orphans.js';
import {hiddenFiles, judgeShadowed} from './shadowed.js';
import type {ChecksumOutcome, DatadirFile, DatadirFileKind, DatadirFiles, DatadirListing, Finding, GlanceImage, GlanceImages, GlanceListing, ImageVerdict, Inventory, InventoryRow, Snapshot, UnderMountListing, VerdictTotals} from './types.js';

export type InventoryOptions = {
	/** Glance store names that are file backends (`enabled_backends=name:file`); the single-store default is 'file'. */
	fileBackends?: string[];
	/** What lies under the share's mount point: an image missing from the share whose file is there is shadowed. */
	underMount?: UnderMountListing | null;
};

export type InventorySortKey = 'verdict' | 'size' | 'created' | 'name';

export type InventoryFilter = {text?: string; verdict?: ImageVerdict | null};

/** Most urgent first: what breaks instances, then what wastes space or cannot be judged, then what is fine. */
export const verdictOrder: ImageVerdict[] = [
	'checksum-mismatch',
	'missing-file',
	'shadowed-file',
	'empty-file',
	'size-mismatch',
	'partial',
	'unknown',
	'orphan-file',
	'unlisted',
	'leftover-file',
	'not-file-backed',
	'no-data',
	'ok',
];

const verdictRank = new Map<ImageVerdict, number>(verdictOrder.map((verdict, index) => [verdict, index]));

// Glance names files by image id; ids are UUIDs, and Glance accepts caller-chosen ids in either case.
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const usableStatuses = new Set(['active', 'deactivated']);
const inProgressStatuses = new Set(['saving', 'uploading', 'importing']);
const goneStatuses = new Set(['killed', 'deleted', 'pending_delete']);

/** An upload whose file has not changed for this long is stuck, not in progress. */
export const stuckUploadMs = 60 * 60_000;

const orphanExplanation =
	'Glance never lists deleted images: this may be an image in pending_delete/deleted awaiting the scrubber, not necessarily garbage';

export function isImageFileName(name: string): boolean {
	return uuidPattern.test(name);
}

/** An image whose file is being written: its size changes without the datadir's mtime changing. */
export function isUploading(image: GlanceImage): boolean {
	return inProgressStatuses.has(image.status);
}

/** The images to judge from: Glance's listing when it answered (an outage is a finding of its own). */
export function glanceBasis(glance: GlanceListing | null): GlanceImages | null {
	return glance?.state === 'ok' ? glance : null;
}

/** The files to judge from: the listing itself, or while the share fails the last one that worked. */
export function filesBasis(files: DatadirListing | null): DatadirFiles | null {
	return files?.state === 'ok' ? files : (files?.previous ?? null);
}

/**
 * A listing whose directory did not change, with the entries that were stat'ed again (uploads in progress).
 * The same files array when none of them changed, so nothing downstream is rebuilt.
 */
export function mergeDatadirChanges(previous: DatadirFiles, restated: readonly DatadirFile[], at: number, tookMs: number): DatadirFiles {
	const changed = new Map<string, DatadirFile>();
	const byName = new Map(previous.files.map(file => [file.name, file]));
	for (const file of restated) {
		const known = byName.get(file.name);
		if (!known || known.size !== file.size || known.allocated !== file.allocated || known.mtimeMs !== file.mtimeMs || known.kind !== file.kind) changed.set(file.name, file);
	}
	if (changed.size === 0) return {...previous, at, tookMs};
	const files = previous.files.map(file => changed.get(file.name) ?? file);
	for (const file of changed.values()) if (!byName.has(file.name)) files.push(file);
	return {...previous, at, tookMs, files};
}

function emptyTotals(): VerdictTotals {
	const totals = {} as VerdictTotals;
	for (const verdict of verdictOrder) totals[verdict] = {count: 0, bytes: 0};
	return totals;
}

function groupDigits(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1.5 GiB`, or exact bytes when two sizes would otherwise read the same. */
function sizeText(bytes: number, other: number): string {
	return formatBytes(bytes) === formatBytes(other) && bytes !== other ? `${groupDigits(bytes)} B` : formatBytes(bytes);
}

const kindNames: Record<DatadirFileKind, string> = {
	file: 'a regular file',
	directory: 'a directory',
	symlink: 'a symlink',
	fifo: 'a FIFO (named pipe)',
	socket: 'a socket',
	'char-device': 'a character device',
	'block-device': 'a block device',
	other: 'an entry of a type lstat does not name',
};

/** What an entry is, with its article: "a FIFO (named pipe)", "a directory". */
export function describeKind(kind: DatadirFileKind): string {
	return kindNames[kind];
}

/** What a file takes on disk: its allocated blocks, or its apparent size where the lister does not say. */
export function allocatedBytes(file: DatadirFile): number {
	return file.allocated ?? file.size;
}

/** Whether the allocated and apparent sizes read differently (a sparse file, a preallocated one). */
export function sizesDiffer(file: DatadirFile): boolean {
	return formatBytes(allocatedBytes(file)) !== formatBytes(file.size);
}

/** A file's size as the operator reads it: what it takes on disk, and its apparent size beside it when they differ. */
export function fileSizeText(file: DatadirFile): string {
	return sizesDiffer(file) ? `${formatBytes(allocatedBytes(file))} allocated, ${formatBytes(file.size)} apparent` : formatBytes(file.size);
}

function isFileBacked(image: GlanceImage, fileBackends: ReadonlySet<string>): boolean {
	if (image.stores && image.stores.length > 0) return image.stores.some(store => fileBackends.has(store));
	if (image.locations.length > 0) return image.locations.some(url => url.startsWith('file://'));
	// Single-store file deployments show neither stores nor locations.
	return true;
}

function whereStored(image: GlanceImage): string {
	const stores = image.stores && image.stores.length > 0 ? `stores ${image.stores.join(', ')}` : null;
	const scheme = image.locations.map(url => /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]).find(Boolean);
	return [stores, scheme ? `${scheme}://` : null].filter(Boolean).join(', ') || 'another backend';
}

/** A finished verify counts only while the file still has the size it had when it was read. */
function finishedCheck(check: ChecksumOutcome | undefined, file: DatadirFile | null): Extract<ChecksumOutcome, {state: 'ok' | 'checksum-mismatch'}> | null {
	if (!check || !file || (check.state !== 'ok' && check.state !== 'checksum-mismatch')) return null;
	return check.bytes === file.size ? check : null;
}

function checkSuffix(check: ChecksumOutcome | undefined): string {
	if (!check) return '';
	switch (check.state) {
		case 'running': {
			const percent = check.bytesTotal > 0 ? Math.floor((check.bytesDone / check.bytesTotal) * 100) : 0;
			return ` · verifying ${percent}%`;
		}
		case 'failed': {
			return ` · verify failed: ${check.reason}`;
		}
		case 'cancelled': {
			return ' · verify cancelled';
		}
		case 'ok': {
			return ` · ${check.algorithm} verified`;
		}
		case 'checksum-mismatch': {
			return '';
		}
	}
}

type Judgement = {verdict: ImageVerdict; note: string};

/** Glance's size counts the data uploaded, so the verdict compares the apparent size; a sparse file says what it takes. */
function sparseNote(file: DatadirFile): string {
	return sizesDiffer(file) ? `; ${formatBytes(allocatedBytes(file))} allocated on disk` : '';
}

function judgeUsable(image: GlanceImage, file: DatadirFile): Judgement {
	const expected = image.size;
	if (file.size === 0 && expected !== 0) {
		return {verdict: 'empty-file', note: `file is 0 bytes, Glance expects ${expected === null ? 'an unknown size' : formatBytes(expected)}: instances get no data`};
	}
	if (expected === null) return {verdict: 'ok', note: `file present, ${formatBytes(file.size)}${sparseNote(file)}; Glance records no size to compare`};
	if (file.size !== expected) {
		const difference = file.size - expected;
		const direction = difference < 0 ? 'short' : 'too long';
		return {
			verdict: 'size-mismatch',
			note: `on disk ${sizeText(file.size, expected)}, Glance says ${sizeText(expected, file.size)}: ${groupDigits(Math.abs(difference))} bytes ${direction}${sparseNote(file)}`,
		};
	}
	return {verdict: 'ok', note: `file present, ${formatBytes(file.size)} as Glance says${sparseNote(file)}`};
}

function judgeInProgress(image: GlanceImage, file: DatadirFile | null): Judgement {
	if (!file) {
		const staged = image.status === 'importing' ? ' (an import stages its data in staging/ first)' : '';
		return {verdict: 'partial', note: `${image.status}: no file in the datadir yet${staged}`};
	}
	const written = formatBytes(file.size);
	if (image.size === null || image.size === 0) {
		return {verdict: 'partial', note: `${image.status}: ${written} written; Glance does not know the final size yet`};
	}
	const percent = Math.floor((file.size / image.size) * 100);
	return {verdict: 'partial', note: `${image.status}: ${written} of ${formatBytes(image.size)} (${percent}%) — an upload in progress or half-written`};
}

function judgeImage(image: GlanceImage, file: DatadirFile | null, fileBacked: boolean, sameNamedOther: DatadirFile | undefined): Judgement {
	const status = image.status;
	const notRegular = sameNamedOther ? ` (an entry of this name exists but is ${describeKind(sameNamedOther.kind)})` : '';
	if (usableStatuses.has(status)) {
		if (!fileBacked) {
			return file
				? {verdict: 'leftover-file', note: `Glance keeps this image in ${whereStored(image)}, yet a file with its id is in the datadir (${fileSizeText(file)})`}
				: {verdict: 'not-file-backed', note: `stored in ${whereStored(image)}, not in the datadir`};
		}
		if (!file) return {verdict: 'missing-file', note: `${status} image has no file in the datadir${notRegular}: instances cannot boot from it`};
		return judgeUsable(image, file);
	}
	if (inProgressStatuses.has(status)) {
		if (!fileBacked && !file) return {verdict: 'not-file-backed', note: `${status} into ${whereStored(image)}, not the datadir`};
		return judgeInProgress(image, file);
	}
	if (status === 'queued') {
		return file
			? {verdict: 'leftover-file', note: `queued image (no data in Glance) has a file (${fileSizeText(file)}): left by a failed upload`}
			: {verdict: 'no-data', note: 'queued: no data uploaded yet'};
	}
	if (goneStatuses.has(status)) {
		return file
			? {verdict: 'leftover-file', note: `${status} image still has a file in the datadir (${fileSizeText(file)})`}
			: {verdict: 'no-data', note: `${status}: no file, nothing to check`};
	}
	return {verdict: 'unknown', note: `status "${status}" is not one this tool knows${file ? `; file of ${formatBytes(file.size)} present` : '; no file'}`};
}

/** The bytes a row stands for in totals and the size sort: what its file takes on disk, else Glance's count. */
function rowBytes(row: InventoryRow): number {
	return row.file ? allocatedBytes(row.file) : (row.image?.size ?? 0);
}

function displayName(row: InventoryRow): string {
	return row.image?.name ?? row.id;
}

/** A snapshot's listings joined, with what lies under the mount point: the one join every view of a snapshot uses. */
export function inventoryOfSnapshot(snapshot: Pick<Snapshot, 'glance' | 'files' | 'underMount'>, checks: ReadonlyMap<string, ChecksumOutcome> = new Map()): Inventory {
	return buildInventory(snapshot.glance, snapshot.files, checks, {underMount: snapshot.underMount ?? null});
}

/**
 * Join Glance's images with the datadir's files by id. Pure: the listings and finished checks come in, rows
 * with verdicts go out. A side that is unavailable yields `unknown` rows rather than an empty table.
 */
export function buildInventory(
	glance: GlanceListing | null,
	files: DatadirListing | null,
	checks: ReadonlyMap<string, ChecksumOutcome>,
	options: InventoryOptions = {},
): Inventory {
	const fileBackends = new Set(options.fileBackends ?? ['file']);
	const hiddenUnderMount = hiddenFiles(options.underMount);
	const imageFiles = new Map<string, DatadirFile>();
	const others: DatadirFile[] = [];
	const othersByName = new Map<string, DatadirFile>();
	// A failed datadir listing is judged from its last good one: a hang must not turn a CRITICAL into "unknown".
	const knownFiles = filesBasis(files);
	const knownImages = glanceBasis(glance);
	if (knownFiles) {
		for (const file of knownFiles.files) {
			if (file.kind === 'file' && isImageFileName(file.name)) {
				imageFiles.set(file.name, file);
			} else {
				others.push(file);
				othersByName.set(file.name, file);
			}
		}
	}

	const glanceUnavailable = glance === null ? 'Glance not listed yet' : glance.state === 'unavailable' ? glance.reason : null;
	const glanceHint = glance?.state === 'unavailable' ? glance.hint : null;
	const glanceProblem = glance?.state === 'unavailable' ? glance.problem : null;
	const filesUnavailable = files === null ? 'datadir not listed yet' : files.state === 'failed' ? `${files.directory}: ${describeHealth(files.health)}` : null;

	const rows: InventoryRow[] = [];
	const seen = new Set<string>();
	if (knownImages) {
		for (const image of knownImages.images) {
			// Pages fetched while images come and go can repeat one.
			if (seen.has(image.id)) continue;
			seen.add(image.id);
			const file = imageFiles.get(image.id) ?? null;
			const check = checks.get(image.id);
			const fileBacked = isFileBacked(image, fileBackends);
			let judgement: Judgement;
			const dependsOnFile = fileBacked && image.status !== 'queued' && !goneStatuses.has(image.status);
			if (knownFiles === null && dependsOnFile) {
				judgement = {verdict: 'unknown', note: `datadir unavailable: ${filesUnavailable}`};
			} else {
				judgement = judgeImage(image, file, fileBacked, othersByName.get(image.id));
			}
			const finished = finishedCheck(check, file);
			if (finished?.state === 'checksum-mismatch') {
				const which = finished.expected === finished.actual && finished.md5Matches === false ? 'md5' : finished.algorithm;
				judgement = {verdict: 'checksum-mismatch', note: `${which} of the file does not match Glance's: the data is corrupt`};
			} else {
				judgement = {verdict: judgement.verdict, note: judgement.note + checkSuffix(check)};
			}
			// Users' data first: a missing file may lie hidden under the share's mount point.
			const hidden = judgement.verdict === 'missing-file' ? hiddenUnderMount?.get(image.id) : undefined;
			if (hidden) judgement = judgeShadowed(image, hidden);
			rows.push({id: image.id, image, file, verdict: judgement.verdict, note: judgement.note, ...(hidden ? {hidden} : {})});
		}
	}
	const incomplete = knownImages ? listingIncompleteReason(knownImages) : null;
	for (const [id, file] of imageFiles) {
		if (seen.has(id)) continue;
		if (knownImages === null) {
			rows.push({id, image: null, file, verdict: 'unknown', note: `Glance unavailable: ${glanceUnavailable}`});
		} else if (incomplete) {
			rows.push({id, image: null, file, verdict: 'unlisted', note: `file of ${fileSizeText(file)} that no listed image owns, but ${incomplete}`});
		} else {
			rows.push({id, image: null, file, verdict: 'orphan-file', note: `file of ${fileSizeText(file)} that no listed image owns. ${orphanExplanation}`});
		}
	}

	const totals = emptyTotals();
	for (const row of rows) {
		const total = totals[row.verdict];
		total.count++;
		total.bytes += rowBytes(row);
	}

	return {rows: sortRows(rows, 'verdict'), others, totals, glanceUnavailable, glanceHint, glanceProblem, filesUnavailable, ...(incomplete ? {listingIncomplete: incomplete} : {})};
}

function createdMs(row: InventoryRow): number {
	const created = row.image?.createdAt ? Date.parse(row.image.createdAt) : Number.NaN;
	return Number.isNaN(created) ? (row.file?.mtimeMs ?? Number.NaN) : created;
}

/** A new array sorted by `key`, ties broken by name then id; rows with no creation time always come last. */
export function sortRows(rows: readonly InventoryRow[], key: InventorySortKey, descending = false): InventoryRow[] {
	// Keys computed once: 50,000 rows are sorted on every keypress.
	const keyed = rows.map(row => ({
		row,
		name: displayName(row).toLowerCase(),
		primary: key === 'verdict' ? (verdictRank.get(row.verdict) ?? verdictOrder.length) : key === 'size' ? rowBytes(row) : key === 'created' ? createdMs(row) : 0,
	}));
	const direction = descending ? -1 : 1;
	keyed.sort((a, b) => {
		if (key !== 'name') {
			const aMissing = Number.isNaN(a.primary);
			const bMissing = Number.isNaN(b.primary);
			if (aMissing !== bMissing) return aMissing ? 1 : -1;
			if (!aMissing && a.primary !== b.primary) return (a.primary - b.primary) * direction;
		}
		if (a.name !== b.name) return (a.name < b.name ? -1 : 1) * (key === 'name' ? direction : 1);
		return a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0;
	});
	return keyed.map(entry => entry.row);
}

// Lower-cased once per row: a filter typed over 100,000 rows compares, never re-lowers.
const searchTexts = new WeakMap<InventoryRow, string>();

function searchText(row: InventoryRow): string {
	let text = searchTexts.get(row);
	if (text === undefined) {
		text = `${row.id}\n${row.image?.name ?? ''}\n${row.image?.owner ?? ''}`.toLowerCase();
		searchTexts.set(row, text);
	}
	return text;
}

/** Rows whose name, id or owner contains `text` (case-insensitive) and whose verdict is `verdict`, when given. */
export function filterRows(rows: readonly InventoryRow[], filter: InventoryFilter): InventoryRow[] {
	const text = filter.text?.trim().toLowerCase() ?? '';
	const verdict = filter.verdict ?? null;
	return rows.filter(row => (verdict === null || row.verdict === verdict) && (text === '' || searchText(row).includes(text)));
}

const sortedCache = new WeakMap<Inventory, Map<string, InventoryRow[]>>();

/** The inventory's rows in one order, sorted once per inventory and order: a key press never sorts again. */
export function sortedRows(inventory: Inventory, key: InventorySortKey, descending: boolean): readonly InventoryRow[] {
	// buildInventory already sorted by verdict.
	if (key === 'verdict' && !descending) return inventory.rows;
	let orders = sortedCache.get(inventory);
	if (!orders) {
		orders = new Map();
		sortedCache.set(inventory, orders);
	}
	const name = `${key}${descending ? '-desc' : ''}`;
	let rows = orders.get(name);
	if (!rows) {
		rows = sortRows(inventory.rows, key, descending);
		orders.set(name, rows);
	}
	return rows;
}

/** How old the facts behind the inventory are, and why, when a side is judged from an older listing. */
export type InventoryAge = {asOf: number | null; stale: string | null};

export function inventoryAge(glance: GlanceListing | null, files: DatadirListing | null): InventoryAge {
	const images = glanceBasis(glance);
	const known = filesBasis(files);
	const times = [images?.at, known?.at].filter((at): at is number => at !== undefined);
	const stale = files?.state === 'failed' && known ? `the datadir could not be listed since (${describeHealth(files.health)})` : null;
	return {asOf: times.length > 0 ? Math.min(...times) : null, stale};
}

function examples(rows: readonly InventoryRow[], describe: (row: InventoryRow) => string = row => (row.image?.name ? `${row.image.name} (${row.id})` : row.id)): string {
	const shown = rows.slice(0, 3).map(describe).join(', ');
	return rows.length > 3 ? `${shown} and ${rows.length - 3} more` : shown;
}

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

function lastChangeMs(row: InventoryRow): number | null {
	if (row.file) return row.file.mtimeMs;
	const updated = row.image?.updatedAt ? Date.parse(row.image.updatedAt) : Number.NaN;
	return Number.isNaN(updated) ? null : updated;
}

export type InventoryFindingOptions = {
	/** Decides when an upload counts as stuck, and the findings' age. */
	now?: number;
	age?: InventoryAge;
	/** Older than this, a finding says how old it is even when every listing worked. */
	freshForMs?: number;
};

/** Each finding carries its age; one judged from an old listing (a hang, a round overdue) says so in its evidence. */
function withAge(findings: Finding[], now: number, age: InventoryAge, freshForMs: number): Finding[] {
	const asOf = age.asOf;
	if (asOf === null) return findings;
	const old = now - asOf > freshForMs;
	const note = age.stale || old ? `as of the inventory of ${formatDuration(Math.max(0, now - asOf))} ago${age.stale ? `: ${age.stale}` : ''}` : null;
	return findings.map(finding => (finding.id === 'glance-unavailable' ? finding : {...finding, asOf, evidence: note ? [...finding.evidence, note] : finding.evidence}));
}

/** What is wrong with the images and what to do next. */
export function inventoryFindings(inventory: Inventory, options: InventoryFindingOptions = {}): Finding[] {
	const now = options.now ?? Date.now();
	return withAge(judgeInventory(inventory, now), now, options.age ?? {asOf: null, stale: null}, options.freshForMs ?? 60_000);
}

// Grouped once per inventory: the findings are judged again on every probe round, the rows change only with it.
const rowsByVerdict = new WeakMap<Inventory, Map<ImageVerdict, InventoryRow[]>>();

function groupedByVerdict(inventory: Inventory): Map<ImageVerdict, InventoryRow[]> {
	let byVerdict = rowsByVerdict.get(inventory);
	if (byVerdict) return byVerdict;
	byVerdict = new Map();
	for (const row of inventory.rows) {
		const list = byVerdict.get(row.verdict);
		if (list) list.push(row);
		else byVerdict.set(row.verdict, [row]);
	}
	rowsByVerdict.set(inventory, byVerdict);
	return byVerdict;
}

function judgeInventory(inventory: Inventory, now: number): Finding[] {
	const byVerdict = groupedByVerdict(inventory);
	const rowsOf = (verdict: ImageVerdict): InventoryRow[] => byVerdict.get(verdict) ?? [];
	const findings: Finding[] = [];

	if (inventory.glanceUnavailable !== null) {
		findings.push({
			id: 'glance-unavailable',
			// No credentials is a set-up choice (the mount checks still stand); a refusal or an outage is not.
			severity: inventory.glanceProblem === 'glance-not-configured' ? 'info' : 'unknown',
			title: 'Glance could not be asked which images exist: files cannot be matched to images',
			evidence: [inventory.glanceUnavailable, `${plural(inventory.totals.unknown.count, 'file', 'files')} listed without a verdict (${formatBytes(inventory.totals.unknown.bytes)})`],
			action: inventory.glanceHint ?? 'Check the Glance endpoint and credentials (OS_* variables or /etc/kolla/admin-openrc.sh)',
		});
	}

	const checksumMismatches = rowsOf('checksum-mismatch');
	if (checksumMismatches.length > 0) {
		findings.push({
			id: 'checksum-mismatch',
			severity: 'critical',
			title: `${plural(checksumMismatches.length, 'image file does', 'image files do')} not match Glance's checksum`,
			evidence: [`${plural(checksumMismatches.length, 'image', 'images')}, ${formatBytes(inventory.totals['checksum-mismatch'].bytes)}`, `e.g. ${examples(checksumMismatches)}`],
			action: `The data is corrupt: instances booting from it get bad disks. Deactivate it (openstack image set --deactivate ${checksumMismatches[0]?.id}) and restore the file from backup or re-upload the image`,
		});
	}

	const missing = rowsOf('missing-file');
	if (missing.length > 0) {
		findings.push({
			id: 'image-missing-file',
			severity: 'critical',
			title: `${plural(missing.length, 'image has', 'images have')} no file in the datadir: instances cannot boot from ${missing.length === 1 ? 'it' : 'them'}`,
			evidence: [`${plural(missing.length, 'image', 'images')}, ${formatBytes(inventory.totals['missing-file'].bytes)} by Glance's count`, `e.g. ${examples(missing)}`],
			action: `Check with openstack image show ${missing[0]?.id}; make sure the mounted share is the right one (the datadir may be on the local disk or another export); restore the files from backup`,
		});
	}

	const empty = rowsOf('empty-file');
	if (empty.length > 0) {
		findings.push({
			id: 'image-empty-file',
			severity: 'critical',
			title: `${plural(empty.length, 'image file is', 'image files are')} empty (0 bytes) where Glance expects data`,
			evidence: [`${plural(empty.length, 'image', 'images')}; Glance expects ${formatBytes(empty.reduce((sum, row) => sum + (row.image?.size ?? 0), 0))}`, `e.g. ${examples(empty)}`],
			action: `Glance serves these as 0 bytes. Check openstack image show ${empty[0]?.id} and that the share is the right one; restore the files from backup`,
		});
	}

	const sizeMismatches = rowsOf('size-mismatch');
	if (sizeMismatches.length > 0) {
		findings.push({
			id: 'size-mismatch',
			severity: 'warning',
			title: `${plural(sizeMismatches.length, 'image file has', 'image files have')} a different size than Glance recorded`,
			evidence: [
				`${plural(sizeMismatches.length, 'image', 'images')}, ${formatBytes(inventory.totals['size-mismatch'].bytes)} on disk`,
				`e.g. ${examples(sizeMismatches, row => `${row.id}: ${row.note}`)}`,
			],
			action: `A truncated or rewritten file (a write cut off by a flapping share?). Verify its checksum, check openstack image show ${sizeMismatches[0]?.id}, and restore from backup if it is corrupt`,
		});
	}

	const partial = rowsOf('partial');
	if (partial.length > 0) {
		const stuck = partial.filter(row => {
			const changed = lastChangeMs(row);
			return changed !== null && now - changed > stuckUploadMs;
		});
		findings.push({
			id: 'partial-uploads',
			severity: stuck.length > 0 ? 'warning' : 'info',
			title:
				stuck.length > 0
					? `${plural(stuck.length, 'upload has', 'uploads have')} not moved for over ${formatDuration(stuckUploadMs)}: stuck`
					: `${plural(partial.length, 'upload is', 'uploads are')} in progress`,
			evidence: [
				`${plural(partial.length, 'image', 'images')} saving/uploading/importing, ${formatBytes(inventory.totals.partial.bytes)} written so far`,
				`e.g. ${examples(stuck.length > 0 ? stuck : partial)}`,
			],
			action:
				stuck.length > 0
					? `An upload cut off (by a flap or a killed client) leaves the image ${stuck[0]?.image?.status ?? 'saving'}: check openstack image show ${stuck[0]?.id} and the glance_api log; upload it again once the share answers`
					: 'Nothing to do yet; if the size stops growing, the upload is stuck',
		});
	}

	const unlisted = rowsOf('unlisted');
	if (unlisted.length > 0) {
		findings.push({
			id: 'unlisted-files',
			severity: 'info',
			title: `${plural(unlisted.length, 'file is', 'files are')} in the datadir with no image these credentials can see`,
			evidence: [`${plural(unlisted.length, 'file', 'files')}, ${formatBytes(inventory.totals.unlisted.bytes)} in all`, `e.g. ${examples(unlisted)}`, `not called orphans: ${inventory.listingIncomplete ?? 'the listing may be incomplete'}`],
			action: 'Run with admin credentials (/etc/kolla/admin-openrc.sh) to tell orphans from other projects\' images',
		});
	}

	const orphans = rowsOf('orphan-file');
	if (orphans.length > 0) {
		findings.push({
			id: 'orphan-files',
			severity: 'warning',
			title: `${plural(orphans.length, 'file is', 'files are')} in the datadir with no listed image`,
			evidence: [`${plural(orphans.length, 'file', 'files')}, ${formatBytes(inventory.totals['orphan-file'].bytes)} in all`, `e.g. ${examples(orphans)}`, orphanExplanation],
			action: `Check each with openstack image show ${orphans[0]?.id} (as admin); a pending_delete image is removed by glance-scrubber. Compare with the database and backups before anything is removed`,
		});
	}

	return findings;
}
