import {useWindowSize, type WindowSize} from 'ink';
import {createContext, useContext} from 'react';

/** Set by tests (ink-testing-library's stdout has no rows); the real terminal's size otherwise. */
export const TerminalSizeContext = createContext<WindowSize | null>(null);

export function useTerminalSize(): WindowSize {
	const fixed = useContext(TerminalSizeContext);
	const live = useWindowSize();
	return fixed ?? live;
}
