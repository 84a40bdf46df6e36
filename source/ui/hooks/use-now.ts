import {useEffect, useState} from 'react';

/** The clock, ticking every `intervalMs`, for "updated 3 s ago" and uptimes. */
export function useNow(intervalMs = 1000): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), intervalMs);
		return () => clearInterval(timer);
	}, [intervalMs]);
	return now;
}
