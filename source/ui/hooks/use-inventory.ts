import {useMemo} from 'react';
import {deriveFindings} from '../../model/findings.js';
import {buildInventory, filterRows, sortRows} from '../../model/inventory.js';
import type {Finding, GlanceImage, Inventory, InventoryRow, Snapshot} from '../../model/types.js';
import {findingContext, type Settings} from '../../settings.js';
import type {VerifierState} from '../../world/verifier.js';
import {selectedPosition, type ImagesState} from '../images-state.js';

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

/** Files joined with Glance images, the findings on the whole snapshot, and the image table's rows. */
export function useInventory(snapshot: Snapshot, verification: VerifierState, settings: Settings, images: ImagesState): InventoryView {
	const inventory = useMemo(() => buildInventory(snapshot.glance, snapshot.files, verification.outcomes), [snapshot.glance, snapshot.files, verification.outcomes]);
	const findings = useMemo(
		() =>
			deriveFindings(snapshot, findingContext(settings, {now: snapshot.datadir?.at ?? Date.now(), inventory})),
		[snapshot, settings, inventory],
	);
	const rows = useMemo(
		() => sortRows(filterRows(inventory.rows, {text: images.text, verdict: images.verdict}), images.sort, images.descending),
		[inventory, images.text, images.verdict, images.sort, images.descending],
	);
	const position = selectedPosition(images, rows);
	return {inventory, findings, rows, current: rows[position], position};
}
