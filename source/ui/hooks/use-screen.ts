import {useReducer, useState} from 'react';
import type {RemountRunner} from '../../runbook/runner.js';
import {imagesReducer, initialImagesState} from '../images-state.js';
import type {Scope} from '../keymap.js';

/** The dashboard's panels, in Tab order; the findings panel is where Esc returns. */
export const panels = ['findings', 'capacity', 'mount', 'container'] as const;
export type PanelName = (typeof panels)[number];

export type View = 'dashboard' | 'images' | 'remount';

/** Everything about what is on screen: the view on top, the help over it, the dashboard's focus, the image table. */
export function useScreen() {
	const [showHelp, setShowHelp] = useState(false);
	const [helpOffset, setHelpOffset] = useState(0);
	const [view, setView] = useState<View>('dashboard');
	const [remount, setRemount] = useState<RemountRunner | null>(null);
	const [focus, setFocus] = useState<PanelName>('findings');
	// How far j/k scrolled: down presses minus up presses; each view moves by its changes, within its ends.
	const [detailOffset, setDetailOffset] = useState(0);
	const [images, dispatch] = useReducer(imagesReducer, initialImagesState);
	const scope: Scope = view === 'dashboard' || view === 'remount' ? 'dashboard' : images.mode === 'detail' ? 'image' : 'images';
	return {
		showHelp,
		setShowHelp,
		helpOffset,
		setHelpOffset,
		view,
		setView,
		remount,
		setRemount,
		focus,
		setFocus,
		detailOffset,
		setDetailOffset,
		images,
		dispatch,
		scope,
	};
}

export type Screen = ReturnType<typeof useScreen>;
