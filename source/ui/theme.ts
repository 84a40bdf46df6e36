import {createContext, useContext} from 'react';
import type {Severity} from '../model/types.js';

export type Tone = 'ok' | 'warn' | 'crit' | 'unknown' | 'dim' | 'accent' | 'plain';

export type Theme = {
	/** An Ink color for a tone, or undefined when colors are off (NO_COLOR). */
	color(tone: Tone): string | undefined;
	dim: boolean;
};

const palette: Record<Tone, string | undefined> = {
	ok: 'green',
	warn: 'yellow',
	crit: 'red',
	unknown: 'magenta',
	dim: 'gray',
	accent: 'cyan',
	plain: undefined,
};

// chalk ignores NO_COLOR, so the theme decides: https://no-color.org says any non-empty value turns color off.
export function createTheme(env: NodeJS.ProcessEnv): Theme {
	const colorless = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
	return {color: tone => (colorless ? undefined : palette[tone]), dim: !colorless};
}

export const ThemeContext = createContext<Theme>(createTheme({}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}

export function severityTone(severity: Severity): Tone {
	return severity === 'critical' ? 'crit' : severity === 'warning' ? 'warn' : severity === 'unknown' ? 'unknown' : 'dim';
}

/** Symbols carry the meaning too, so a colorless terminal loses nothing. */
export const severityMark: Record<Severity, string> = {critical: '✖', warning: '▲', unknown: '?', info: 'i'};

export const severityLabel: Record<Severity, string> = {critical: 'CRIT', warning: 'WARN', unknown: 'UNKN', info: 'INFO'};
