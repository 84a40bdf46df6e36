import {describe, expect, it} from 'vitest';
import {imagesReducer, initialImagesState, selectedPosition, type ImagesAction, type ImagesState} from '../../source/ui/images-state.js';

const rows = (...ids: string[]) => ids.map(id => ({id}));

function after(state: ImagesState, ...actions: ImagesAction[]): ImagesState {
	return actions.reduce(imagesReducer, state);
}

describe('the image table keeps the selected image, not the row number', () => {
	const shown = rows('a', 'b', 'c', 'd');

	it('moves by rows and remembers which image it landed on', () => {
		const state = after(initialImagesState, {type: 'move', delta: 2, rows: shown});
		expect(state).toMatchObject({selectedId: 'c', index: 2});
		expect(after(state, {type: 'move', delta: 10, rows: shown})).toMatchObject({selectedId: 'd', index: 3});
		expect(after(state, {type: 'jump', to: 'top', rows: shown})).toMatchObject({selectedId: 'a', index: 0});
		expect(after(state, {type: 'jump', to: 'bottom', rows: shown})).toMatchObject({selectedId: 'd', index: 3});
	});

	it('follows the image when the rows are re-sorted, reversed or reordered by a refresh', () => {
		const onC = after(initialImagesState, {type: 'move', delta: 2, rows: shown});
		const sorted = after(onC, {type: 'cycleSort', rows: shown});
		expect(sorted.sort).toBe('size');
		expect(selectedPosition(sorted, rows('d', 'c', 'b', 'a'))).toBe(1);
		expect(selectedPosition(after(onC, {type: 'reverseSort', rows: shown}), rows('d', 'c', 'b', 'a'))).toBe(1);
		// A verify changed c's verdict and a refresh moved it to the top.
		expect(selectedPosition(onC, rows('c', 'a', 'b', 'd'))).toBe(0);
		// The next move goes from where the image is now, not from its old row.
		expect(after(onC, {type: 'move', delta: 1, rows: rows('c', 'a', 'b', 'd')})).toMatchObject({selectedId: 'a'});
	});

	it('pins the image under a cursor that never moved, before a sort or a verify reorders the rows', () => {
		const sorted = after(initialImagesState, {type: 'cycleSort', rows: shown});
		expect(sorted.selectedId).toBe('a');
		const pinned = after(initialImagesState, {type: 'pin', rows: shown});
		expect(selectedPosition(pinned, rows('b', 'c', 'a', 'd'))).toBe(2);
		// Nothing pinned: the row number is all there is.
		expect(selectedPosition(initialImagesState, rows('b', 'c', 'a', 'd'))).toBe(0);
	});

	it('keeps the image through a filter that still shows it, and falls back to the top when the filter hides it', () => {
		const onC = after(initialImagesState, {type: 'move', delta: 2, rows: shown});
		const typed = after(onC, {type: 'startFilter'}, {type: 'type', text: 'x'});
		expect(selectedPosition(typed, rows('b', 'c'))).toBe(1);
		expect(selectedPosition(typed, rows('a', 'b'))).toBe(0);
		expect(selectedPosition(after(onC, {type: 'cycleVerdict', available: ['ok']}), rows('d', 'c'))).toBe(1);
	});

	it('stays on the same row, inside the table, when its image is gone', () => {
		const onD = after(initialImagesState, {type: 'jump', to: 'bottom', rows: shown});
		expect(selectedPosition(onD, rows('a', 'b', 'c', 'e'))).toBe(3);
		expect(selectedPosition(onD, rows('a', 'b'))).toBe(1);
		expect(selectedPosition(onD, [])).toBe(0);
	});
});
