import {useApp, useInput} from 'ink';
import {verdictOrder} from '../../model/inventory.js';
import type {RemountRunner} from '../../runbook/runner.js';
import type {WizardState} from '../../runbook/state.js';
import type {SnapshotPoller} from '../../world/poller.js';
import type {ChecksumVerifier, VerifierState} from '../../world/verifier.js';
import {takeImagesKey} from '../images-keys.js';
import {commandFor} from '../keymap.js';
import {isVerifiable, type InventoryView} from './use-inventory.js';
import {panels, type Screen} from './use-screen.js';
import {hasEnded} from './use-wizard.js';

export type AppKeys = {
	screen: Screen;
	table: InventoryView;
	wizard: WizardState | null;
	readOnly: boolean;
	poller: SnapshotPoller;
	verifier: ChecksumVerifier;
	verification: VerifierState;
	createRemount: (() => RemountRunner) | null;
	/** How many rows a page key moves in the image table. */
	page: number;
};

/** The one keypress handler: the help overlay, then the wizard, then the image table's own keys, then the keymap's commands. */
export function useAppKeys({screen, table, wizard, readOnly, poller, verifier, verification, createRemount, page}: AppKeys): void {
	const {exit} = useApp();
	const {view, images, dispatch, remount} = screen;
	const {inventory, rows, current} = table;

	useInput((input, key) => {
		if (screen.showHelp) {
			if (key.escape || input === '?') screen.setShowHelp(false);
			else if (input === 'q' || (key.ctrl && input === 'c')) exit();
			else if (input === 'j' || key.downArrow) screen.setHelpOffset(offset => offset + 1);
			else if (input === 'k' || key.upArrow) screen.setHelpOffset(offset => Math.max(0, offset - 1));
			return;
		}
		if (view === 'remount' && remount) {
			// The wizard takes its keys first: y, n, a, r, l, the typed word. What it leaves: closing once it has ended.
			if (remount.handleKey(input, key)) return;
			const scroll = commandFor(input, key, readOnly, 'dashboard');
			if (scroll === 'up' || scroll === 'down') screen.setDetailOffset(offset => offset + (scroll === 'down' ? 1 : -1));
			if (hasEnded(wizard) && (key.escape || input === 'q')) {
				remount.dispose();
				screen.setRemount(null);
				screen.setView('dashboard');
				poller.refreshNow();
			}
			return;
		}
		if (view === 'images' && takeImagesKey(input, key, images.mode, dispatch, () => verifier.enqueue(rows.filter(isVerifiable).map(row => row.image)))) return;
		const command = commandFor(input, key, readOnly, screen.scope);
		switch (command) {
			case 'quit': {
				exit();
				break;
			}
			case 'help': {
				screen.setShowHelp(true);
				screen.setHelpOffset(0);
				break;
			}
			case 'refresh': {
				poller.refreshNow();
				break;
			}
			case 'images': {
				screen.setView('images');
				break;
			}
			case 'remount': {
				if (!createRemount) break;
				const runner = createRemount();
				screen.setRemount(runner);
				screen.setView('remount');
				void runner.start();
				break;
			}
			case 'close': {
				if (view === 'images') {
					if (current && verification.outcomes.get(current.id)?.state === 'running') verifier.cancel(current.id);
					else if (images.mode === 'detail') dispatch({type: 'back'});
					else if (verifier.isBusy()) verifier.cancel();
					else screen.setView('dashboard');
				} else {
					screen.setFocus('findings');
				}
				break;
			}
			case 'nextPanel':
			case 'previousPanel': {
				const step = command === 'nextPanel' ? 1 : panels.length - 1;
				screen.setFocus(focus => panels[(panels.indexOf(focus) + step) % panels.length]!);
				screen.setDetailOffset(0);
				break;
			}
			case 'up':
			case 'down': {
				const delta = command === 'down' ? 1 : -1;
				if (view === 'images' && images.mode !== 'detail') dispatch({type: 'move', delta, rows});
				// The findings, a panel's details and an image scroll themselves by the count's changes, within their ends.
				else screen.setDetailOffset(offset => offset + delta);
				break;
			}
			case 'pageUp':
			case 'pageDown': {
				dispatch({type: 'move', delta: command === 'pageDown' ? page : -page, rows});
				break;
			}
			case 'top':
			case 'bottom': {
				dispatch({type: 'jump', to: command, rows});
				break;
			}
			case 'filter': {
				dispatch({type: 'startFilter'});
				break;
			}
			case 'cycleVerdict': {
				dispatch({type: 'cycleVerdict', available: verdictOrder.filter(verdict => inventory.totals[verdict].count > 0)});
				break;
			}
			case 'cycleSort': {
				dispatch({type: 'cycleSort', rows});
				break;
			}
			case 'reverseSort': {
				dispatch({type: 'reverseSort', rows});
				break;
			}
			case 'open': {
				if (current) {
					dispatch({type: 'pin', rows});
					dispatch({type: 'open'});
				}
				break;
			}
			case 'verify': {
				if (isVerifiable(current)) {
					dispatch({type: 'pin', rows});
					verifier.enqueue([current.image]);
				}
				break;
			}
			case 'verifyAll': {
				if (rows.some(isVerifiable)) {
					dispatch({type: 'pin', rows});
					dispatch({type: 'confirmVerifyAll'});
				}
				break;
			}
			case null: {
				break;
			}
		}
	});
}
