import type {ImageVerdict, InventoryRow} from '../model/types.js';

export type SortKey = 'verdict' | 'size' | 'created' | 'name';
export const sortKeys: readonly SortKey[] = ['verdict', 'size', 'created', 'name'];

/** The image table's state: what is shown, in which order, what is selected, and what is being typed. */
export type ImagesState = {
	mode: 'table' | 'filtering' | 'detail' | 'confirm-verify-all';
	text: string;
	verdict: ImageVerdict | null;
	sort: SortKey;
	descending: boolean;
	/** The selected image: the cursor follows it when rows are sorted, filtered, verified or refreshed. */
	selectedId: string | null;
	/** Where the cursor goes when the selected image is not among the rows (yet, or any more). */
	index: number;
};

export const initialImagesState: ImagesState = {mode: 'table', text: '', verdict: null, sort: 'verdict', descending: false, selectedId: null, index: 0};

/** The rows as the table shows them, in order: only their ids matter here. */
type Rows = ReadonlyArray<Pick<InventoryRow, 'id'>>;

export type ImagesAction =
	| {type: 'move'; delta: number; rows: Rows}
	| {type: 'jump'; to: 'top' | 'bottom'; rows: Rows}
	/** Keep the image under the cursor selected whatever happens to the rows next (a verify, a refresh). */
	| {type: 'pin'; rows: Rows}
	| {type: 'startFilter'}
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'endFilter'}
	| {type: 'clearFilter'}
	| {type: 'cycleVerdict'; available: readonly ImageVerdict[]}
	| {type: 'cycleSort'; rows: Rows}
	| {type: 'reverseSort'; rows: Rows}
	| {type: 'open'}
	| {type: 'confirmVerifyAll'}
	| {type: 'back'};

function clamp(index: number, rowCount: number): number {
	return Math.max(0, Math.min(index, rowCount - 1));
}

/** The cursor's row: the selected image's, else the remembered row number, kept inside the table. */
export function selectedPosition(state: Pick<ImagesState, 'selectedId' | 'index'>, rows: Rows): number {
	const position = state.selectedId === null ? -1 : rows.findIndex(row => row.id === state.selectedId);
	return position >= 0 ? position : clamp(state.index, rows.length);
}

function selectAt(state: ImagesState, position: number, rows: Rows): ImagesState {
	const index = clamp(position, rows.length);
	return {...state, index, selectedId: rows[index]?.id ?? state.selectedId};
}

/** The order `s` goes to next. Big and new first is what an operator looks for; names read best A to Z. */
export function nextSort(state: Pick<ImagesState, 'sort'>): Pick<ImagesState, 'sort' | 'descending'> {
	const sort = sortKeys[(sortKeys.indexOf(state.sort) + 1) % sortKeys.length]!;
	return {sort, descending: sort === 'size' || sort === 'created'};
}

export function imagesReducer(state: ImagesState, action: ImagesAction): ImagesState {
	switch (action.type) {
		case 'move': {
			return selectAt(state, selectedPosition(state, action.rows) + action.delta, action.rows);
		}
		case 'jump': {
			return selectAt(state, action.to === 'top' ? 0 : action.rows.length - 1, action.rows);
		}
		case 'pin': {
			return selectAt(state, selectedPosition(state, action.rows), action.rows);
		}
		case 'startFilter': {
			return {...state, mode: 'filtering'};
		}
		case 'type': {
			return {...state, text: state.text + action.text, index: 0};
		}
		case 'erase': {
			return {...state, text: state.text.slice(0, -1), index: 0};
		}
		case 'endFilter': {
			return {...state, mode: 'table'};
		}
		case 'clearFilter': {
			return {...state, mode: 'table', text: '', index: 0};
		}
		case 'cycleVerdict': {
			// All, then each verdict that has rows, then all again.
			const position = state.verdict === null ? -1 : action.available.indexOf(state.verdict);
			const next = action.available[position + 1] ?? null;
			return {...state, verdict: next, index: 0};
		}
		case 'cycleSort': {
			return {...selectAt(state, selectedPosition(state, action.rows), action.rows), ...nextSort(state)};
		}
		case 'reverseSort': {
			return {...selectAt(state, selectedPosition(state, action.rows), action.rows), descending: !state.descending};
		}
		case 'open': {
			return {...state, mode: 'detail'};
		}
		case 'confirmVerifyAll': {
			return {...state, mode: 'confirm-verify-all'};
		}
		case 'back': {
			return {...state, mode: 'table'};
		}
	}
}
