import {useApp, useInput, type Key} from 'ink';
import type {RemountRunner} from '../../runbook/runner.js';
import type {AbandonedBy, WizardState} from '../../runbook/state.js';
import type {SnapshotPoller} from '../../world/poller.js';
import type {ChecksumVerifier, VerifierState} from '../../world/verifier.js';
import {exitSummary} from '../exit-summary.js';
import {recoveryWhere, runRecoveryCommand, type RecoveryFactory} from '../recovery/recovery-keys.js';
import type {RecoveryScreenState} from '../recovery/use-recovery.js';
import {runImagesCommand} from '../images-keys.js';
import {keysWaitForTheStep, readOnlyRefusal, unknownKey} from '../key-notices.js';
import {bindingFor, keysOf, offInReadOnly, wizardAnswer, type Binding, type Where} from '../keymap.js';
import type {InventoryView} from './use-inventory.js';
import {panels, whereOf, type Screen} from './use-screen.js';
import {hasEnded} from './use-wizard.js';

export type AppKeys = {
	screen: Screen;
	table: InventoryView;
	wizard: WizardState | null;
	readOnly: boolean;
	/** Below the minimum size nothing that matters can be shown, so only quitting is taken. */
	tooSmall: boolean;
	poller: SnapshotPoller;
	/** Draws the next round whatever it holds: the operator who pressed r sees it drawn. */
	drawNextRound: () => void;
	verifier: ChecksumVerifier;
	verification: VerifierState;
	createRemount: (() => RemountRunner) | null;
	/** How many rows a page key moves in the image table. */
	page: number;
	/** The recovery of shadowed images on screen, and how to start one (null in --read-only). */
	recovery: RecoveryScreenState;
	createRecovery: RecoveryFactory | null;
};

/** Where j/k scroll the view rather than move a cursor (the image table) or the help (its own offset). */
const scrollingScopes = new Set<Where['scope']>(['dashboard', 'image', 'wizard']);

/** After a key: where the next key of the same chunk is read, or `stop` when the screen changed under it. */
type Next = Where | 'stop';

/**
 * The one keypress handler. A chunk of keys (a held j, a paste) is taken key by key through the keymap; a key
 * that changes what is on screen ends the chunk, since the keys after it were typed for a screen not yet drawn.
 */
export function useAppKeys(props: AppKeys): void {
	const {exit} = useApp();
	const {screen, table, wizard, readOnly, poller, verifier, verification, createRemount, page} = props;
	const {view, dispatch, remount} = screen;

	/** Ctrl+C, or q where q quits: an open wizard is abandoned first, and its summary stays on the terminal. */
	const leave = (by: AbandonedBy) => {
		if (view === 'remount' && remount && !hasEnded(remount.state)) {
			remount.send({type: 'abandon', by});
			exit(exitSummary(remount.state, remount.auditPath));
			return;
		}
		exit();
	};


	const closeWizard = () => {
		remount?.dispose();
		screen.setRemount(null);
		screen.setView('dashboard');
		poller.refreshNow();
	};

	const wizardKey = (binding: Binding, input: string, where: Where): Next => {
		switch (binding.command) {
			case 'abandon': {
				screen.setAbandoning(true);
				return 'stop';
			}
			case 'closeWizard': {
				closeWizard();
				return 'stop';
			}
			default: {
				const answer = wizard && remount ? wizardAnswer(binding, input, wizard) : null;
				if (!answer) return where;
				remount!.send(answer);
				// A new prompt (or none) is not on screen yet: the rest of the chunk must not answer it.
				return remount!.state.prompt?.id === answer.prompt ? where : 'stop';
			}
		}
	};

	const dashboardKey = (binding: Binding): Next => {
		switch (binding.command) {
			case 'images': {
				screen.setView('images');
				return 'stop';
			}
			case 'remount': {
				if (!createRemount) return 'stop';
				const runner = createRemount();
				screen.setRemount(runner);
				screen.setView('remount');
				void runner.start();
				return 'stop';
			}
			case 'close': {
				screen.setFocus('findings');
				return 'stop';
			}
			case 'nextPanel':
			case 'previousPanel': {
				const step = binding.command === 'nextPanel' ? 1 : panels.length - 1;
				screen.setFocus(focus => panels[(panels.indexOf(focus) + step) % panels.length]!);
				screen.setDetailOffset(0);
				return 'stop';
			}
			default: {
				return 'stop';
			}
		}
	};

	const imagesContext = {
		images: screen.images,
		dispatch,
		inventory: table.inventory,
		rows: table.rows,
		current: table.current,
		verifier,
		verification,
		page,
		leave: () => screen.setView('dashboard'),
	};

	const oneKey = (input: string, key: Key, where: Where): Next => {
		const binding = bindingFor(input, key, where);
		if (!binding) {
			const refused = offInReadOnly(input, key, where);
			if (refused) screen.setNotice(readOnlyRefusal(refused));
			else if (where.scope === 'wizard' && where.moment === 'working') screen.setNotice(keysWaitForTheStep);
			else screen.setNotice(unknownKey(input));
			return 'stop';
		}
		switch (binding.command) {
			case 'quit': {
				leave(key.ctrl ? 'ctrl-c' : 'q');
				return 'stop';
			}
			case 'help': {
				screen.setShowHelp(true);
				screen.setHelpOffset(0);
				return 'stop';
			}
			case 'refresh': {
				props.drawNextRound();
				poller.refreshNow();
				return where;
			}
			default: {
				break;
			}
		}
		// The recovery of shadowed images takes its own keys (recovery/recovery-keys.ts).
		if (binding.command === 'recover' || where.scope.startsWith('recovery')) {
			if (binding.command === 'up' || binding.command === 'down') {
				screen.setDetailOffset(offset => offset + (binding.command === 'down' ? 1 : -1));
				return where;
			}
			if (binding.command === 'recover') screen.setDetailOffset(0);
			const notice = runRecoveryCommand(binding.command, {recovery: props.recovery, create: props.createRecovery, inventory: table.inventory, selected: view === 'images' ? table.current : undefined, onClose: () => poller.refreshNow()});
			if (notice) screen.setNotice(notice);
			return 'stop';
		}
		// The findings, a panel's details, one image and the wizard scroll themselves by the count's changes, within their ends.
		if ((binding.command === 'up' || binding.command === 'down') && scrollingScopes.has(where.scope)) {
			screen.setDetailOffset(offset => offset + (binding.command === 'down' ? 1 : -1));
			return where;
		}
		switch (where.scope) {
			case 'help': {
				if (binding.command === 'close') screen.setShowHelp(false);
				else screen.setHelpOffset(offset => Math.max(0, offset + (binding.command === 'down' ? 1 : -1)));
				return binding.command === 'close' ? 'stop' : where;
			}
			case 'wizard': {
				return wizardKey(binding, input, where);
			}
			case 'confirm': {
				if (view === 'remount') {
					screen.setAbandoning(false);
					if (binding.command === 'yes') remount?.send({type: 'abandon', by: 'q'});
				} else {
					runImagesCommand(binding.command, input, imagesContext);
				}
				return 'stop';
			}
			case 'dashboard': {
				return dashboardKey(binding);
			}
		}
		const notice = runImagesCommand(binding.command, input, imagesContext);
		if (notice) screen.setNotice(notice);
		if (binding.command === 'filter') return {...where, scope: 'filter'};
		const staysPut = ['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom', 'typeText', 'erase'].includes(binding.command);
		return staysPut && !notice ? where : 'stop';
	};

	useInput((input, key) => {
		screen.setNotice(null);
		if (props.tooSmall) {
			// Nothing can be read at this size: only quitting is taken, never an answer to the wizard.
			if (key.ctrl && input === 'c') leave('ctrl-c');
			else if (input === 'q' && !key.ctrl && !key.meta) leave('q');
			return;
		}
		let where: Where = recoveryWhere(props.recovery.state, readOnly) ?? whereOf(screen, wizard, readOnly);
		for (const [one, oneKeyFlags] of keysOf(input, key)) {
			const next = oneKey(one, oneKeyFlags, where);
			if (next === 'stop') break;
			where = next;
		}
	});
}
