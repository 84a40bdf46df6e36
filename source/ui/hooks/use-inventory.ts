import {useEffect, useMemo, useRef} from 'react';
import {deriveFindings} from '../../model/findings.js';
import {inventoryOfSnapshot, filesBasis, filterRows, glanceBasis, sortedRows} from '../../model/inventory.js';
import {underMountKey} from '../../model/shadowed.js';
import type {DatadirListing, Finding, GlanceImage, GlanceListing, Inventory, InventoryRow, Snapshot} from '../../model/types.js';
import {findingContext, type Settings} from '../../settings.js';
import type {VerifierState} from '../../world/verifier.js';
import {nextSort, selectedPosition, type ImagesState} from '../images-state.js';

/** A row whose file can be read and checked against its Glance image. */
export type VerifiableRow = InventoryRow & {image: GlanceImage};

export function isVerifiable(row: InventoryRow | undefined): row is VerifiableRow {
	return row !== undefined && row.image !== null && row.file !== null;
}

export type InventoryView = {
	inventory: Inventory;
	findings: readonly Finding[];
	/** The image table's rows: filtered and sorted as the table state says. */
	rows: readonly InventoryRow[];
	/** The selected row, if the table has any. */
	current: InventoryRow | undefined;
	/** Where the selected row is among `rows`: the cursor. */
	position: number;
};

/** What the join reads of a listing: a round that confirmed the same images or files keeps the same key. */
function listingKey(listing: GlanceListing | DatadirListing | null, basis: object | null): [string | null, object | null, string | null] {
	const why = listing?.state === 'unavailable' ? listing.reason : listing?.state === 'failed' ? JSON.stringify(listing.health) : null;
	return [listing?.state ?? null, basis, why];
}

// After the frame that showed the table or the new order, not inside it.
const sortAheadDelayMs = 100;

type Filtered = {sorted: readonly InventoryRow[]; text: string; verdict: ImagesState['verdict']; rows: readonly InventoryRow[]};

/** Files joined with Glance images, the findings on the whole snapshot, and the image table's rows. */
export function useInventory(snapshot: Snapshot, verification: VerifierState, settings: Settings, images: ImagesState, tableOpen: boolean): InventoryView {
	const {glance, files} = snapshot;
	const knownImages = glanceBasis(glance)?.images ?? null;
	const knownFiles = filesBasis(files)?.files ?? null;
	// Rebuilt when the images, the files or a check changed, not on every round that found nothing new.
	const inventory = useMemo(
		() => inventoryOfSnapshot(snapshot, verification.outcomes),
		[...listingKey(glance, knownImages), ...listingKey(files, knownFiles), verification.outcomes, underMountKey(snapshot.underMount)],
	);
	const findings = useMemo(
		() =>
			deriveFindings(snapshot, findingContext(settings, {now: snapshot.datadir?.at ?? Date.now(), inventory})),
		[snapshot, settings, inventory],
	);
	const sorted = useMemo(() => sortedRows(inventory, images.sort, images.descending), [inventory, images.sort, images.descending]);
	// The order `s` goes to next is sorted while the table idles, so the key press finds it ready.
	useEffect(() => {
		if (!tableOpen) return;
		const next = nextSort(images);
		const timer = setTimeout(() => sortedRows(inventory, next.sort, next.descending), sortAheadDelayMs);
		return () => clearTimeout(timer);
	}, [tableOpen, inventory, images.sort]);
	// Typing a filter narrows the last result instead of scanning every row again.
	const last = useRef<Filtered | null>(null);
	const rows = useMemo(() => {
		const previous = last.current;
		const narrowing = previous !== null && previous.sorted === sorted && previous.verdict === images.verdict && images.text.startsWith(previous.text);
		const next = filterRows(narrowing ? previous.rows : sorted, {text: images.text, verdict: images.verdict});
		last.current = {sorted, text: images.text, verdict: images.verdict, rows: next};
		return next;
	}, [sorted, images.text, images.verdict]);
	const position = selectedPosition(images, rows);
	return {inventory, findings, rows, current: rows[position], position};
}
