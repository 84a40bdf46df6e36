import type {Key} from 'ink';

export type Command = 'help' | 'quit' | 'refresh' | 'up' | 'down' | 'nextPanel' | 'previousPanel' | 'close';

export type Binding = {
	command: Command;
	/** How the key is written in the help overlay and status bar. */
	label: string;
	description: string;
	/** Dangerous commands change the world; read-only mode removes them rather than greying them out. */
	dangerous: boolean;
	/** Shown in the one-line status bar, not only in the help overlay. */
	inStatusBar: boolean;
	matches(input: string, key: Key): boolean;
};

export const keymap: readonly Binding[] = [
	{command: 'help', label: '?', description: 'this help', dangerous: false, inStatusBar: true, matches: input => input === '?'},
	{command: 'quit', label: 'q / Ctrl+C', description: 'quit', dangerous: false, inStatusBar: true, matches: (input, key) => input === 'q' || (key.ctrl && input === 'c')},
	{command: 'refresh', label: 'r', description: 'probe everything now', dangerous: false, inStatusBar: true, matches: (input, key) => input === 'r' && !key.ctrl},
	{command: 'nextPanel', label: 'Tab', description: 'focus the next panel', dangerous: false, inStatusBar: true, matches: (_input, key) => key.tab && !key.shift},
	{command: 'previousPanel', label: 'Shift+Tab', description: 'focus the previous panel', dangerous: false, inStatusBar: false, matches: (_input, key) => key.tab && key.shift},
	{command: 'down', label: '↓ / j', description: 'next finding', dangerous: false, inStatusBar: true, matches: (input, key) => key.downArrow || input === 'j'},
	{command: 'up', label: '↑ / k', description: 'previous finding', dangerous: false, inStatusBar: false, matches: (input, key) => key.upArrow || input === 'k'},
	{command: 'close', label: 'Esc', description: 'close the overlay', dangerous: false, inStatusBar: false, matches: (_input, key) => key.escape},
];

export function activeBindings(readOnly: boolean): readonly Binding[] {
	return readOnly ? keymap.filter(binding => !binding.dangerous) : keymap;
}

export function commandFor(input: string, key: Key, readOnly: boolean): Command | null {
	return activeBindings(readOnly).find(binding => binding.matches(input, key))?.command ?? null;
}
