// The recovery's keys, as the one key handler (hooks/use-app-keys.ts) hands them over: where they are read and
// what each command does. Opening needs the factory the CLI hands the App (none in --read-only).
import {recoverableRows} from '../../model/shadowed.js';
import type {Inventory, InventoryRow} from '../../model/types.js';
import type {RecoveryRunner, RecoveryState, RecoveryTarget} from '../../runbook/recovery/runner.js';
import type {Command, Where} from '../keymap.js';
import type {RecoveryScreenState} from './use-recovery.js';

/** A new recovery of `targets` on this World; null where nothing may change the machine (--read-only). */
export type RecoveryFactory = (targets: readonly RecoveryTarget[]) => RecoveryRunner;

/** Where keys are read while the recovery is open, or null when it is not. */
export function recoveryWhere(state: RecoveryState | null, readOnly: boolean): Where | null {
	if (!state) return null;
	const scope = state.phase === 'confirm' ? 'recovery-confirm' : state.phase === 'running' ? 'recovery-running' : 'recovery-ended';
	return {scope, readOnly};
}

/** The images to put back: the selected row when it is shadowed and recoverable, else every recoverable one. */
export function recoveryTargets(inventory: Inventory, selected?: InventoryRow): RecoveryTarget[] {
	const rows = recoverableRows(inventory);
	const chosen = rows.find(row => row.id === selected?.id);
	return (chosen ? [chosen] : rows).map(row => ({image: row.image, hidden: row.hidden}));
}

export type RecoveryKeyContext = {recovery: RecoveryScreenState; create: RecoveryFactory | null; inventory: Inventory; selected?: InventoryRow; onClose(): void};

/** Runs one recovery command; a notice when it did nothing the operator would see. */
export function runRecoveryCommand(command: Command, context: RecoveryKeyContext): string | null {
	const {recovery} = context;
	const prompt = recovery.state?.prompt;
	switch (command) {
		case 'recover': {
			if (!context.create) return null;
			const targets = recoveryTargets(context.inventory, context.selected);
			if (targets.length === 0) return 'no image is hidden under the mount point with Glance\'s size: nothing to put back';
			recovery.open(context.create(targets));
			return null;
		}
		case 'runRecovery':
		case 'declineRecovery': {
			if (prompt) recovery.runner?.send({type: command === 'runRecovery' ? 'confirm' : 'decline', prompt: prompt.id});
			return null;
		}
		case 'stopRecovery': {
			recovery.runner?.send({type: 'stop'});
			return null;
		}
		case 'closeRecovery': {
			recovery.close();
			context.onClose();
			return null;
		}
		default: {
			return null;
		}
	}
}
