import {useEffect, useRef, useState} from 'react';
import type {Snapshot} from '../../model/types.js';
import type {SnapshotPoller} from '../../world/poller.js';
import {sameOnScreen, type ScreenShows} from '../same-on-screen.js';

/**
 * The poller's latest Snapshot, as far as the screen shows it: a round that would draw the same screen keeps the
 * one shown (no render, no frame). The poller runs for as long as the component is mounted.
 */
export function useSnapshot(poller: SnapshotPoller, shows: ScreenShows): [snapshot: Snapshot, drawNextRound: () => void] {
	const [snapshot, setSnapshot] = useState(poller.snapshot);
	const showsNow = useRef(shows);
	showsNow.current = shows;
	const drawNext = useRef(false);
	useEffect(() => {
		const unsubscribe = poller.subscribe(next => {
			if (drawNext.current) {
				drawNext.current = false;
				setSnapshot(next);
			} else setSnapshot(shown => (sameOnScreen(shown, next, showsNow.current) ? shown : next));
		});
		poller.start();
		return () => {
			unsubscribe();
			poller.stop();
		};
	}, [poller]);
	// The host facts kept out of the comparison while hidden are the latest ones the moment they show.
	useEffect(() => {
		if (shows.host) setSnapshot(poller.snapshot);
	}, [poller, shows.host]);
	return [
		snapshot,
		() => {
			drawNext.current = true;
		},
	];
}
