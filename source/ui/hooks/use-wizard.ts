import {useEffect, useState} from 'react';
import type {RemountRunner} from '../../runbook/runner.js';
import type {WizardState} from '../../runbook/state.js';

/** The guided remount's state, followed for as long as `runner` is the one on screen. */
export function useWizard(runner: RemountRunner | null): WizardState | null {
	const [state, setState] = useState<WizardState | null>(runner?.state ?? null);
	useEffect(() => {
		setState(runner?.state ?? null);
		return runner?.subscribe(setState);
	}, [runner]);
	return state;
}

/** A wizard that has finished or was aborted only waits to be closed. */
export function hasEnded(wizard: WizardState | null): boolean {
	return wizard?.phase === 'finished' || wizard?.phase === 'aborted';
}
