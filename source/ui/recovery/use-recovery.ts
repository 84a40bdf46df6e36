import {useEffect, useState} from 'react';
import type {RecoveryRunner, RecoveryState} from '../../runbook/recovery/runner.js';

/** The recovery on screen (null: none) and its state, followed while it is open. */
export function useRecovery() {
	const [runner, setRunner] = useState<RecoveryRunner | null>(null);
	const [state, setState] = useState<RecoveryState | null>(null);
	useEffect(() => {
		setState(runner?.state ?? null);
		return runner?.subscribe(setState);
	}, [runner]);
	return {runner, state, open: setRunner, close: () => setRunner(null)};
}

export type RecoveryScreenState = ReturnType<typeof useRecovery>;
