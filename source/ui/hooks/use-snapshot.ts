import {useEffect, useState} from 'react';
import type {Snapshot} from '../../model/types.js';
import type {SnapshotPoller} from '../../world/poller.js';

/** The poller's latest Snapshot; the poller runs for as long as the component is mounted. */
export function useSnapshot(poller: SnapshotPoller): Snapshot {
	const [snapshot, setSnapshot] = useState(poller.snapshot);
	useEffect(() => {
		const unsubscribe = poller.subscribe(setSnapshot);
		poller.start();
		return () => {
			unsubscribe();
			poller.stop();
		};
	}, [poller]);
	return snapshot;
}
