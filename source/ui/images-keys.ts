import type {Key} from 'ink';
import type {Dispatch} from 'react';
import type {ImagesAction, ImagesState} from './images-state.js';

/**
 * The keys the image table takes before the keymap sees them: a filter being typed, a pasted "/text",
 * the answer to "verify every row shown?". True when the key was taken.
 */
export function takeImagesKey(input: string, key: Key, mode: ImagesState['mode'], dispatch: Dispatch<ImagesAction>, verifyAll: () => void): boolean {
	// Typing a filter takes every key but Enter, Escape and Backspace.
	if (mode === 'filtering') {
		if (key.return) dispatch({type: 'endFilter'});
		else if (key.escape) dispatch({type: 'clearFilter'});
		else if (key.backspace || key.delete) dispatch({type: 'erase'});
		else if (input && !key.ctrl && !key.meta) {
			// Text and Enter can arrive in one chunk: keep the text, then end the filter.
			const end = input.search(/[\r\n]/);
			if (end !== 0) dispatch({type: 'type', text: end < 0 ? input : input.slice(0, end)});
			if (end >= 0) dispatch({type: 'endFilter'});
		}
		return true;
	}
	// A fast typist or a paste delivers "/text" as one chunk: start the filter with the rest as its text.
	if (input.length > 1 && input.startsWith('/') && mode === 'table') {
		dispatch({type: 'startFilter'});
		dispatch({type: 'type', text: input.slice(1)});
		return true;
	}
	if (mode === 'confirm-verify-all') {
		// Only y runs it; n, Enter and Escape do not.
		if (input === 'y') verifyAll();
		dispatch({type: 'back'});
		return true;
	}
	return false;
}
