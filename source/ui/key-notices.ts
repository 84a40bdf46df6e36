// What a key that cannot act says instead of nothing: one line near the bar, gone at the next key.
import type {InventoryRow} from '../model/types.js';
import type {Binding} from './keymap.js';

/** Why `v` cannot check this row, or null when it can. */
export function cannotVerify(row: InventoryRow | undefined): string | null {
	if (!row) return 'v: nothing to verify, the table is empty';
	if (!row.file) return 'v: this image has no file in the datadir, nothing to read';
	if (!row.image) return 'v: no Glance image owns this file, no checksum to compare with';
	if (!row.image.osHashValue && !row.image.checksum) return 'v: Glance records no checksum for this image';
	return null;
}

export function nothingVerifiable(filtered: boolean): string {
	return `V: no row shown has a file and a checksum to verify${filtered ? ' (a filter is on)' : ''}`;
}

export function nothingToOpen(filtered: boolean): string {
	return filtered ? 'Enter: no image matches the filter (/ then Esc clears it)' : 'Enter: no image to open, the table is empty';
}

export function readOnlyRefusal(binding: Binding): string {
	return `read-only: ${binding.dangerous?.offInReadOnly ?? 'changes are off'}`;
}

/** A key with no binding here. */
export function unknownKey(input: string): string {
	const shown = input === ' ' ? 'Space' : /^[\x21-\x7e]$/.test(input) ? input : 'that key';
	return `${shown} does nothing here: ? lists the keys`;
}

export const keysWaitForTheStep = 'a step is running: keys wait until it asks again (q abandons)';
