import type {Key} from 'ink';

export type Command =
	| 'help'
	| 'quit'
	| 'refresh'
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'top'
	| 'bottom'
	| 'nextPanel'
	| 'previousPanel'
	| 'close'
	| 'images'
	| 'filter'
	| 'cycleVerdict'
	| 'cycleSort'
	| 'reverseSort'
	| 'open'
	| 'verify'
	| 'verifyAll'
	| 'remount';

/** Where a binding works: everywhere, on the dashboard, in the image table, or on one image. */
export type Scope = 'global' | 'dashboard' | 'images' | 'image';

export type Binding = {
	command: Command;
	/** How the key is written in the help overlay and status bar. */
	label: string;
	description: string;
	scopes: readonly Scope[];
	/** Dangerous commands change the world; read-only mode removes them rather than greying them out. */
	dangerous: boolean;
	/** Shown in the one-line status bar (with `short` as its word), not only in the help overlay. */
	inStatusBar: boolean;
	short?: string;
	matches(input: string, key: Key): boolean;
};

const lists: Scope[] = ['dashboard', 'images'];

export const keymap: readonly Binding[] = [
	{command: 'help', short: 'help', label: '?', description: 'this help', scopes: ['global'], dangerous: false, inStatusBar: true, matches: input => input === '?'},
	{command: 'quit', short: 'quit', label: 'q / Ctrl+C', description: 'quit', scopes: ['global'], dangerous: false, inStatusBar: true, matches: (input, key) => input === 'q' || (key.ctrl && input === 'c')},
	{command: 'refresh', short: 'refresh', label: 'r', description: 'probe everything now', scopes: ['global'], dangerous: false, inStatusBar: true, matches: (input, key) => input === 'r' && !key.ctrl},
	{command: 'images', short: 'images', label: 'i', description: 'image inventory', scopes: ['dashboard'], dangerous: false, inStatusBar: true, matches: input => input === 'i'},
	{command: 'remount', short: 'remount', label: 'R', description: 'guided remount of the share', scopes: ['dashboard'], dangerous: true, inStatusBar: true, matches: input => input === 'R'},
	{command: 'nextPanel', short: 'panel', label: 'Tab', description: 'focus the next panel', scopes: ['dashboard'], dangerous: false, inStatusBar: true, matches: (_input, key) => key.tab && !key.shift},
	{command: 'previousPanel', label: 'Shift+Tab', description: 'focus the previous panel', scopes: ['dashboard'], dangerous: false, inStatusBar: false, matches: (_input, key) => key.tab && key.shift},
	{command: 'down', short: 'move', label: '↓ / j', description: 'move down / scroll', scopes: [...lists, 'image'], dangerous: false, inStatusBar: true, matches: (input, key) => key.downArrow || input === 'j'},
	{command: 'up', label: '↑ / k', description: 'move up / scroll', scopes: [...lists, 'image'], dangerous: false, inStatusBar: false, matches: (input, key) => key.upArrow || input === 'k'},
	{command: 'pageDown', label: 'PgDn / Space', description: 'page down', scopes: ['images'], dangerous: false, inStatusBar: false, matches: (input, key) => key.pageDown || input === ' '},
	{command: 'pageUp', label: 'PgUp / b', description: 'page up', scopes: ['images'], dangerous: false, inStatusBar: false, matches: (input, key) => key.pageUp || input === 'b'},
	{command: 'top', label: 'g / Home', description: 'first row', scopes: ['images'], dangerous: false, inStatusBar: false, matches: (input, key) => key.home || input === 'g'},
	{command: 'bottom', label: 'G / End', description: 'last row', scopes: ['images'], dangerous: false, inStatusBar: false, matches: (input, key) => key.end || input === 'G'},
	{command: 'filter', short: 'filter', label: '/', description: 'filter by name, id, owner', scopes: ['images'], dangerous: false, inStatusBar: true, matches: input => input === '/'},
	{command: 'cycleVerdict', short: 'verdict', label: 'f', description: 'cycle the verdict filter', scopes: ['images'], dangerous: false, inStatusBar: true, matches: input => input === 'f'},
	{command: 'cycleSort', short: 'sort', label: 's', description: 'sort: verdict, size, created, name', scopes: ['images'], dangerous: false, inStatusBar: true, matches: input => input === 's'},
	{command: 'reverseSort', label: 'o', description: 'reverse the sort order', scopes: ['images'], dangerous: false, inStatusBar: false, matches: input => input === 'o'},
	{command: 'open', short: 'open', label: 'Enter', description: 'open the image', scopes: ['images'], dangerous: false, inStatusBar: true, matches: (_input, key) => key.return},
	{command: 'verify', short: 'verify', label: 'v', description: 'verify the checksum (reads the file)', scopes: ['images', 'image'], dangerous: false, inStatusBar: true, matches: input => input === 'v'},
	{command: 'verifyAll', label: 'V', description: 'verify every row shown', scopes: ['images'], dangerous: false, inStatusBar: false, matches: input => input === 'V'},
	{command: 'close', short: 'back', label: 'Esc', description: 'back / close / cancel a verify', scopes: ['global'], dangerous: false, inStatusBar: true, matches: (_input, key) => key.escape},
];

export function activeBindings(readOnly: boolean, scope?: Scope): readonly Binding[] {
	return keymap.filter(binding => !(readOnly && binding.dangerous) && (!scope || binding.scopes.includes('global') || binding.scopes.includes(scope)));
}

export function commandFor(input: string, key: Key, readOnly: boolean, scope: Scope = 'dashboard'): Command | null {
	return activeBindings(readOnly, scope).find(binding => binding.matches(input, key))?.command ?? null;
}
