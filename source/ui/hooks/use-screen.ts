import {useReducer, useState} from 'react';
import type {RemountRunner} from '../../runbook/runner.js';
import type {WizardState} from '../../runbook/state.js';
import {imagesReducer, initialImagesState, type ImagesState} from '../images-state.js';
import {wizardMoment, type Scope, type Where} from '../keymap.js';

/** The dashboard's panels, in Tab order; the findings panel is where Esc returns. */
export const panels = ['findings', 'capacity', 'mount', 'container'] as const;
export type PanelName = (typeof panels)[number];

export type View = 'dashboard' | 'images' | 'remount';

const imagesScopes: Record<ImagesState['mode'], Scope> = {table: 'images', filtering: 'filter', detail: 'image', 'confirm-verify-all': 'confirm'};

/** Everything about what is on screen: the view on top, the help over it, the dashboard's focus, the image table. */
export function useScreen() {
	const [showHelp, setShowHelp] = useState(false);
	const [helpOffset, setHelpOffset] = useState(0);
	const [view, setView] = useState<View>('dashboard');
	const [remount, setRemount] = useState<RemountRunner | null>(null);
	/** The wizard asks "Abandon the remount? y/N" after q. */
	const [abandoning, setAbandoning] = useState(false);
	const [focus, setFocus] = useState<PanelName>('findings');
	// How far j/k scrolled: down presses minus up presses; each view moves by its changes, within its ends.
	const [detailOffset, setDetailOffset] = useState(0);
	/** Why the last key did nothing; cleared by the next key. */
	const [notice, setNotice] = useState<string | null>(null);
	const [images, dispatch] = useReducer(imagesReducer, initialImagesState);
	return {
		showHelp,
		setShowHelp,
		helpOffset,
		setHelpOffset,
		view,
		setView,
		remount,
		setRemount,
		abandoning,
		setAbandoning,
		focus,
		setFocus,
		detailOffset,
		setDetailOffset,
		notice,
		setNotice,
		images,
		dispatch,
	};
}

export type Screen = ReturnType<typeof useScreen>;

/** Where keys are read now: the help over everything, then what is under it. */
export function whereOf(screen: Screen, wizard: WizardState | null, readOnly: boolean): Where {
	return screen.showHelp ? {scope: 'help', readOnly} : underHelp(screen, wizard, readOnly);
}

/** Where keys are read below the help: a question, else the view on top (what the help lists). */
export function underHelp(screen: Screen, wizard: WizardState | null, readOnly: boolean): Where {
	if (screen.view === 'remount') return screen.abandoning ? {scope: 'confirm', readOnly} : {scope: 'wizard', moment: wizardMoment(wizard), readOnly};
	if (screen.view === 'images') return {scope: imagesScopes[screen.images.mode], readOnly};
	return {scope: 'dashboard', readOnly};
}
