import type {ImageVerdict} from '../model/types.js';

export type SortKey = 'verdict' | 'size' | 'created' | 'name';
export const sortKeys: readonly SortKey[] = ['verdict', 'size', 'created', 'name'];

/** The image table's state: what is shown, in which order, what is selected, and what is being typed. */
export type ImagesState = {
	mode: 'table' | 'filtering' | 'detail' | 'confirm-verify-all';
	text: string;
	verdict: ImageVerdict | null;
	sort: SortKey;
	descending: boolean;
	index: number;
};

export const initialImagesState: ImagesState = {mode: 'table', text: '', verdict: null, sort: 'verdict', descending: false, index: 0};

export type ImagesAction =
	| {type: 'move'; delta: number; rowCount: number}
	| {type: 'jump'; to: 'top' | 'bottom'; rowCount: number}
	| {type: 'startFilter'}
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'endFilter'}
	| {type: 'clearFilter'}
	| {type: 'cycleVerdict'; available: readonly ImageVerdict[]}
	| {type: 'cycleSort'}
	| {type: 'reverseSort'}
	| {type: 'open'}
	| {type: 'confirmVerifyAll'}
	| {type: 'back'};

function clamp(index: number, rowCount: number): number {
	return Math.max(0, Math.min(index, rowCount - 1));
}

export function imagesReducer(state: ImagesState, action: ImagesAction): ImagesState {
	switch (action.type) {
		case 'move': {
			return {...state, index: clamp(state.index + action.delta, action.rowCount)};
		}
		case 'jump': {
			return {...state, index: action.to === 'top' ? 0 : Math.max(0, action.rowCount - 1)};
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
			const next = sortKeys[(sortKeys.indexOf(state.sort) + 1) % sortKeys.length]!;
			// Big and new first is what an operator looks for; names read best A to Z.
			return {...state, sort: next, descending: next === 'size' || next === 'created', index: 0};
		}
		case 'reverseSort': {
			return {...state, descending: !state.descending, index: 0};
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
