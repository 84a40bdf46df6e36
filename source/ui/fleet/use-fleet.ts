import {useEffect, useState} from 'react';
import type {FleetPoller} from '../../fleet/poller.js';
import type {FleetHostState} from '../../model/fleet.js';

/** The fleet's rows as the poller last had them, redrawn whenever a host has news. */
export function useFleet(poller: FleetPoller): readonly FleetHostState[] {
	const [states, setStates] = useState(() => poller.current());
	useEffect(() => {
		const onChange = (next: readonly FleetHostState[]) => setStates(next);
		poller.on('change', onChange);
		setStates(poller.current());
		return () => {
			poller.off('change', onChange);
		};
	}, [poller]);
	return states;
}
