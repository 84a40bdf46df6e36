// The image table's commands: moving, filtering, sorting, opening, verifying. Keys reach here through the
// keymap (hooks/use-app-keys.ts); a command that cannot act returns the notice saying why.
import type {Dispatch} from 'react';
import {verdictOrder} from '../model/inventory.js';
import type {GlanceImage, Inventory, InventoryRow} from '../model/types.js';
import type {ChecksumVerifier, VerifierState} from '../world/verifier.js';
import type {ImagesAction, ImagesState} from './images-state.js';
import type {Command} from './keymap.js';
import {cannotVerify, nothingToOpen, nothingVerifiable} from './key-notices.js';

export type ImagesKeys = {
	images: ImagesState;
	dispatch: Dispatch<ImagesAction>;
	inventory: Inventory;
	rows: readonly InventoryRow[];
	current: InventoryRow | undefined;
	verifier: ChecksumVerifier;
	verification: VerifierState;
	/** How many rows a page key moves. */
	page: number;
	leave(): void;
};

/** The rows `V` would verify: those with a file and a checksum to compare with. */
export function verifiableRows(rows: readonly InventoryRow[]): Array<InventoryRow & {image: GlanceImage}> {
	return rows.filter((row): row is InventoryRow & {image: GlanceImage} => cannotVerify(row) === null);
}

/** Commands that are one table action, whatever the rows. */
const tableActions: Partial<Record<Command, (input: string, context: ImagesKeys) => ImagesAction>> = {
	filter: () => ({type: 'startFilter'}),
	typeText: input => ({type: 'type', text: input}),
	erase: () => ({type: 'erase'}),
	endFilter: () => ({type: 'endFilter'}),
	clearFilter: () => ({type: 'clearFilter'}),
	cycleVerdict: (_input, context) => ({type: 'cycleVerdict', available: verdictOrder.filter(verdict => context.inventory.totals[verdict].count > 0)}),
	cycleSort: (_input, context) => ({type: 'cycleSort', rows: context.rows}),
	reverseSort: (_input, context) => ({type: 'reverseSort', rows: context.rows}),
	no: () => ({type: 'back'}),
};

/** Runs one image-table command; returns a notice when it could not act, else null. */
export function runImagesCommand(command: Command, input: string, context: ImagesKeys): string | null {
	const {images, dispatch, rows, current, verifier, verification} = context;
	const filtered = images.text !== '' || images.verdict !== null;
	const action = tableActions[command];
	if (action) {
		dispatch(action(input, context));
		return null;
	}
	switch (command) {
		case 'up':
		case 'down': {
			dispatch({type: 'move', delta: command === 'down' ? 1 : -1, rows});
			return null;
		}
		case 'pageUp':
		case 'pageDown': {
			dispatch({type: 'move', delta: command === 'pageDown' ? context.page : -context.page, rows});
			return null;
		}
		case 'top':
		case 'bottom': {
			dispatch({type: 'jump', to: command, rows});
			return null;
		}
		case 'open': {
			if (!current) return nothingToOpen(filtered);
			// The detail, a verify and its result follow this image, wherever a refresh or a sort puts its row.
			dispatch({type: 'pin', rows});
			dispatch({type: 'open'});
			return null;
		}
		case 'verify': {
			const why = cannotVerify(current);
			if (why) return why;
			dispatch({type: 'pin', rows});
			verifier.enqueue([current!.image!]);
			return null;
		}
		case 'verifyAll': {
			if (verifiableRows(rows).length === 0) return nothingVerifiable(filtered);
			dispatch({type: 'pin', rows});
			dispatch({type: 'confirmVerifyAll'});
			return null;
		}
		case 'yes': {
			verifier.enqueue(verifiableRows(rows).map(row => row.image));
			dispatch({type: 'back'});
			return null;
		}
		case 'close': {
			// Esc undoes the nearest thing: a verify of this row, the detail, the verify queue, then the table.
			if (current && verification.outcomes.get(current.id)?.state === 'running') verifier.cancel(current.id);
			else if (images.mode === 'detail') dispatch({type: 'back'});
			else if (verifier.isBusy()) verifier.cancel();
			else context.leave();
			return null;
		}
		default: {
			return null;
		}
	}
}
