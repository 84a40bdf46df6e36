import {useEffect, useState} from 'react';
import type {ChecksumVerifier, VerifierState} from '../../world/verifier.js';

/** The checksum outcomes and the queue, as the verifier reports them. */
export function useVerifier(verifier: ChecksumVerifier): VerifierState {
	const [state, setState] = useState(verifier.state);
	useEffect(() => verifier.subscribe(setState), [verifier]);
	return state;
}
