import {useEffect, useState} from 'react';

/** The clock, ticking every `intervalMs`, for a running step's elapsed time. */
export function useNow(intervalMs = 1000): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), intervalMs);
		return () => clearInterval(timer);
	}, [intervalMs]);
	return now;
}

// A tick this long after the whole second: the next probe round, due on the second, usually lands first and
// draws the new age itself, so an idle dashboard draws once a second and not half as often again.
const secondsLateMs = 250;

/** The clock for "N s ago" since `since`: ticks only when the whole seconds since it change; still while it is null. */
export function useSecondsSince(since: number | null): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		if (since === null) return;
		let timer: NodeJS.Timeout;
		const arm = () => {
			timer = setTimeout(
				() => {
					setNow(Date.now());
					arm();
				},
				1000 - (Math.max(0, Date.now() - since) % 1000) + secondsLateMs,
			);
		};
		arm();
		return () => clearTimeout(timer);
	}, [since]);
	return Math.max(now, since ?? now);
}
