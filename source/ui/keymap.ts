// The one table of keys. Input handling (hooks/use-app-keys.ts), the `?` overlay and the bottom key bar all
// read it: to learn or change a key, this is the place.
import type {Key} from 'ink';
import type {WizardAnswer, WizardState} from '../runbook/state.js';

/** Where a key is read: the view on top, or the prompt that takes every key until it is answered. */
export type Scope = 'dashboard' | 'images' | 'image' | 'filter' | 'confirm' | 'wizard' | 'help' | 'fleet' | 'fleet-help' | RecoveryScope;

/** The recovery of shadowed images: asking for y, putting them back, or ended. */
export type RecoveryScope = 'recovery-confirm' | 'recovery-running' | 'recovery-ended';

/** What the wizard waits for; its keys differ by moment (no `y` while a step runs, `r`/`l` after a failure). */
export type WizardMoment = 'working' | 'begin' | 'blocked' | 'confirm' | 'dry-run' | 'recover' | 'recover-busy' | 'type-word' | 'ended';

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
	| 'endFilter'
	| 'clearFilter'
	| 'cycleVerdict'
	| 'cycleSort'
	| 'reverseSort'
	| 'open'
	| 'verify'
	| 'verifyAll'
	| 'remount'
	// A yes/no confirmation (verify every row, abandon the remount).
	| 'yes'
	| 'no'
	// Text: a filter, or the word the wizard asks for.
	| 'typeText'
	| 'erase'
	// The wizard.
	| 'begin'
	| 'run'
	| 'decline'
	| 'abort'
	| 'retry'
	| 'lazy'
	| 'submitWord'
	| 'cancelWord'
	| 'abandon'
	| 'closeWizard'
	// The recovery of shadowed images.
	| 'recover'
	| 'runRecovery'
	| 'declineRecovery'
	| 'stopRecovery'
	| 'closeRecovery'
	// The fleet.
	| 'openHost';

export type Binding = {
	command: Command;
	/** How the keys are written in the help overlay. */
	keys: string;
	description: string;
	scopes: readonly Scope[];
	/** In the wizard: the moments it acts in; absent, every moment. */
	moments?: readonly WizardMoment[];
	/** Changes the machine: removed from the bar and help in read-only mode, where pressing it says why. */
	dangerous?: {offInReadOnly: string};
	/** On the bottom bar as `key word`; lower rank keeps its place first when the bar is short. */
	bar?: {key: string; word: string; rank: number};
	matches(input: string, key: Key): boolean;
};

export type Where = {scope: Scope; moment?: WizardMoment; readOnly: boolean};

/** How the help names each scope. */
export const scopeTitles: Record<Scope, string> = {
	dashboard: 'the dashboard',
	images: 'the image table',
	image: 'one image',
	filter: 'typing a filter',
	confirm: 'a yes/no question',
	wizard: 'the guided remount',
	help: 'the help',
	'recovery-confirm': 'the recovery, asking',
	'recovery-running': 'the recovery, running',
	'recovery-ended': 'the recovery, ended',
	fleet: 'the fleet',
	'fleet-help': 'the help',
};

const plainKey = (key: Key) => !key.ctrl && !key.meta;
const letter =
	(...letters: string[]) =>
	(input: string, key: Key) =>
		plainKey(key) && letters.includes(input);
const ctrlC = (input: string, key: Key) => key.ctrl && input === 'c';
const printable = (input: string, key: Key) => plainKey(key) && /^[\x20-\x7e]$/.test(input);

const views: Scope[] = ['dashboard', 'images', 'image'];
const everywhere: Scope[] = ['dashboard', 'images', 'image', 'filter', 'confirm', 'wizard', 'help', 'recovery-confirm', 'recovery-running', 'recovery-ended'];
const recoveryScopes: Scope[] = ['recovery-confirm', 'recovery-running', 'recovery-ended'];
const recoveryOff = {offInReadOnly: 'putting images back is off; restart without --read-only'};
/** Wizard moments where a prompt waits for an answer. */
const asking: WizardMoment[] = ['begin', 'blocked', 'confirm', 'dry-run', 'recover', 'recover-busy'];
const notTyping: WizardMoment[] = ['working', ...asking, 'ended'];

export const keymap: readonly Binding[] = [
	// Everywhere.
	{command: 'quit', keys: 'Ctrl+C', description: 'quit (in the remount: abandon it, with its summary)', scopes: everywhere, matches: ctrlC},
	{command: 'help', keys: '?', description: 'this help', scopes: [...views, 'wizard'], bar: {key: '?', word: 'help', rank: 0}, matches: letter('?')},
	{command: 'quit', keys: 'q', description: 'quit', scopes: [...views, 'help'], bar: {key: 'q', word: 'quit', rank: 90}, matches: letter('q')},
	{command: 'refresh', keys: 'r', description: 'probe everything now', scopes: views, bar: {key: 'r', word: 'refresh', rank: 80}, matches: letter('r')},

	// The dashboard.
	{command: 'remount', keys: 'R', description: 'guided remount of the share', scopes: ['dashboard'], dangerous: {offInReadOnly: 'the remount is off; restart without --read-only'}, bar: {key: 'R', word: 'remount', rank: 10}, matches: letter('R')},
	{command: 'images', keys: 'i', description: 'image inventory', scopes: ['dashboard'], bar: {key: 'i', word: 'images', rank: 20}, matches: letter('i')},
	{command: 'nextPanel', keys: 'Tab', description: 'focus the next panel', scopes: ['dashboard'], bar: {key: 'Tab', word: 'panel', rank: 30}, matches: (_input, key) => key.tab && !key.shift},
	{command: 'previousPanel', keys: 'Shift+Tab', description: 'focus the previous panel', scopes: ['dashboard'], matches: (_input, key) => key.tab && key.shift},

	// Lists: findings, panel details, the image table, the help.
	{command: 'down', keys: 'j / ↓', description: 'move down (scroll)', scopes: ['dashboard', 'images', 'image', 'help'], bar: {key: 'j/k', word: 'move', rank: 40}, matches: (input, key) => key.downArrow || letter('j')(input, key)},
	{command: 'up', keys: 'k / ↑', description: 'move up (scroll)', scopes: ['dashboard', 'images', 'image', 'help'], matches: (input, key) => key.upArrow || letter('k')(input, key)},
	{command: 'pageDown', keys: 'PgDn / Space', description: 'page down', scopes: ['images'], matches: (input, key) => key.pageDown || letter(' ')(input, key)},
	{command: 'pageUp', keys: 'PgUp / b', description: 'page up', scopes: ['images'], matches: (input, key) => key.pageUp || letter('b')(input, key)},
	{command: 'top', keys: 'g / Home', description: 'first row', scopes: ['images'], matches: (input, key) => key.home || letter('g')(input, key)},
	{command: 'bottom', keys: 'G / End', description: 'last row', scopes: ['images'], matches: (input, key) => key.end || letter('G')(input, key)},

	// The image table and one image.
	{command: 'open', keys: 'Enter', description: 'open the image', scopes: ['images'], bar: {key: 'Enter', word: 'open', rank: 11}, matches: (_input, key) => key.return},
	{command: 'verify', keys: 'v', description: 'verify the checksum (reads the file)', scopes: ['images', 'image'], bar: {key: 'v', word: 'verify', rank: 12}, matches: letter('v')},
	{command: 'verifyAll', keys: 'V', description: 'verify every row shown', scopes: ['images'], matches: letter('V')},
	{command: 'filter', keys: '/', description: 'filter by name, id, owner', scopes: ['images'], bar: {key: '/', word: 'filter', rank: 21}, matches: letter('/')},
	{command: 'cycleVerdict', keys: 'f', description: 'cycle the verdict filter', scopes: ['images'], bar: {key: 'f', word: 'verdict', rank: 22}, matches: letter('f')},
	{command: 'cycleSort', keys: 's', description: 'sort: verdict, size, created, name', scopes: ['images'], bar: {key: 's', word: 'sort', rank: 23}, matches: letter('s')},
	{command: 'reverseSort', keys: 'o', description: 'reverse the sort order', scopes: ['images'], matches: letter('o')},
	{command: 'close', keys: 'Esc', description: 'back / close / cancel a verify', scopes: [...views, 'help'], bar: {key: 'Esc', word: 'back', rank: 45}, matches: (_input, key) => key.escape},
	{command: 'close', keys: '?', description: 'close this help', scopes: ['help'], bar: {key: '?', word: 'close', rank: 0}, matches: letter('?')},

	// Typing a filter: every printable key is text.
	{command: 'endFilter', keys: 'Enter', description: 'keep the filter', scopes: ['filter'], bar: {key: 'Enter', word: 'keep filter', rank: 1}, matches: (_input, key) => key.return},
	{command: 'clearFilter', keys: 'Esc', description: 'clear the filter', scopes: ['filter'], bar: {key: 'Esc', word: 'clear', rank: 2}, matches: (_input, key) => key.escape},
	{command: 'erase', keys: 'Backspace', description: 'erase a letter', scopes: ['filter'], matches: (_input, key) => key.backspace || key.delete},
	{command: 'typeText', keys: 'letters', description: 'the filter text', scopes: ['filter'], matches: printable},

	// A yes/no question: only y says yes.
	{command: 'yes', keys: 'y', description: 'yes', scopes: ['confirm'], bar: {key: 'y', word: 'yes', rank: 1}, matches: letter('y', 'Y')},
	{command: 'no', keys: 'n / Enter / Esc', description: 'no (any other key too)', scopes: ['confirm'], bar: {key: 'n', word: 'no', rank: 2}, matches: () => true},

	// The guided remount: only y runs a step, and only for the prompt on screen.
	{command: 'begin', keys: 'y', description: 'begin the remount', scopes: ['wizard'], moments: ['begin'], bar: {key: 'y', word: 'begin', rank: 1}, matches: letter('y', 'Y')},
	{command: 'run', keys: 'y', description: 'run the step shown', scopes: ['wizard'], moments: ['confirm'], bar: {key: 'y', word: 'run the step', rank: 1}, matches: letter('y', 'Y')},
	{command: 'run', keys: 'y', description: 'dry run: mark the step would-run', scopes: ['wizard'], moments: ['dry-run'], bar: {key: 'y', word: 'mark would-run', rank: 1}, matches: letter('y', 'Y')},
	// Escape never runs anything, nor a modified key (Escape then y arrives as meta+y).
	{
		command: 'decline',
		keys: 'n / Enter / Esc',
		description: 'no: nothing runs',
		scopes: ['wizard'],
		moments: ['begin', 'confirm', 'dry-run', 'recover', 'recover-busy'],
		bar: {key: 'n', word: 'no', rank: 2},
		matches: (input, key) => key.escape || key.return || key.ctrl || key.meta || letter('n', 'N')(input, key),
	},
	{command: 'abort', keys: 'a', description: 'abort, with a summary', scopes: ['wizard'], moments: asking, bar: {key: 'a', word: 'abort', rank: 3}, matches: letter('a', 'A')},
	{command: 'abandon', keys: 'q', description: 'abandon the remount (asks first)', scopes: ['wizard'], moments: notTyping.filter(moment => moment !== 'ended'), bar: {key: 'q', word: 'abandon', rank: 4}, matches: letter('q')},
	{command: 'retry', keys: 'r', description: 'retry the failed step (asks again)', scopes: ['wizard'], moments: ['recover', 'recover-busy'], bar: {key: 'r', word: 'retry', rank: 1}, matches: letter('r', 'R')},
	{command: 'lazy', keys: 'l', description: 'lazy unmount (you type lazy)', scopes: ['wizard'], moments: ['recover-busy'], bar: {key: 'l', word: 'lazy unmount', rank: 1}, matches: letter('l', 'L')},
	{command: 'submitWord', keys: 'Enter', description: 'after l: run it if the word typed is lazy', scopes: ['wizard'], moments: ['type-word'], bar: {key: 'Enter', word: 'submit', rank: 1}, matches: (_input, key) => key.return},
	{command: 'cancelWord', keys: 'Esc', description: 'after l: back, nothing runs', scopes: ['wizard'], moments: ['type-word'], bar: {key: 'Esc', word: 'back', rank: 2}, matches: (_input, key) => key.escape},
	{command: 'erase', keys: 'Backspace', description: 'after l: erase a letter', scopes: ['wizard'], moments: ['type-word'], matches: (_input, key) => key.backspace || key.delete},
	{command: 'typeText', keys: 'letters', description: 'after l: the word lazy', scopes: ['wizard'], moments: ['type-word'], matches: (input, key) => plainKey(key) && /^[a-zA-Z]$/.test(input)},
	{command: 'down', keys: 'j / ↓', description: 'scroll the steps and their evidence', scopes: ['wizard'], moments: notTyping, bar: {key: 'j/k', word: 'scroll', rank: 40}, matches: (input, key) => key.downArrow || letter('j')(input, key)},
	{command: 'up', keys: 'k / ↑', description: 'scroll back', scopes: ['wizard'], moments: notTyping, matches: (input, key) => key.upArrow || letter('k')(input, key)},
	{command: 'closeWizard', keys: 'Esc / q', description: 'close the wizard', scopes: ['wizard'], moments: ['ended'], bar: {key: 'Esc', word: 'close', rank: 1}, matches: (input, key) => key.escape || letter('q')(input, key)},
	{command: 'begin', keys: 'y', description: 'when blocked: says what blocks the remount', scopes: ['wizard'], moments: ['blocked'], matches: letter('y', 'Y')},

	// Putting back images hidden under the mount point: opened from the finding or the table, y to its own question.
	{command: 'recover', keys: 'Enter', description: 'put back the images of a shadowed-files finding (asks)', scopes: ['dashboard'], dangerous: recoveryOff, matches: (_input, key) => key.return},
	{command: 'recover', keys: 'P', description: 'put back the shadowed image (elsewhere: all of them; asks)', scopes: ['images', 'image'], dangerous: recoveryOff, matches: letter('P')},
	{command: 'runRecovery', keys: 'y', description: 'put the images shown back', scopes: ['recovery-confirm'], dangerous: recoveryOff, bar: {key: 'y', word: 'put back', rank: 1}, matches: letter('y', 'Y')},
	{command: 'declineRecovery', keys: 'n / Enter / Esc', description: 'no: nothing runs (any other key too)', scopes: ['recovery-confirm'], bar: {key: 'n', word: 'no', rank: 2}, matches: (input, key) => !(key.ctrl && input === 'c') && !(key.downArrow || key.upArrow || letter('j', 'k')(input, key))},
	{command: 'stopRecovery', keys: 's', description: 'stop after the image under way', scopes: ['recovery-running'], bar: {key: 's', word: 'stop after this', rank: 1}, matches: letter('s')},
	{command: 'closeRecovery', keys: 'Esc / q', description: 'close the recovery', scopes: ['recovery-ended'], bar: {key: 'Esc', word: 'close', rank: 1}, matches: (input, key) => key.escape || letter('q')(input, key)},
	{command: 'down', keys: 'j / ↓', description: 'scroll', scopes: recoveryScopes, bar: {key: 'j/k', word: 'scroll', rank: 40}, matches: (input, key) => key.downArrow || letter('j')(input, key)},
	{command: 'up', keys: 'k / ↑', description: 'scroll back', scopes: recoveryScopes, matches: (input, key) => key.upArrow || letter('k')(input, key)},
	// The fleet: one row a controller; Enter hands the terminal to that host's own dashboard (ssh -t).
	{command: 'quit', keys: 'Ctrl+C', description: 'quit', scopes: ['fleet', 'fleet-help'], matches: ctrlC},
	{command: 'openHost', keys: 'Enter', description: "the host's own dashboard (ssh -t); quit it to come back", scopes: ['fleet'], bar: {key: 'Enter', word: 'open host', rank: 10}, matches: (_input, key) => key.return},
	{command: 'down', keys: 'j / ↓', description: 'next host', scopes: ['fleet'], bar: {key: 'j/k', word: 'move', rank: 40}, matches: (input, key) => key.downArrow || letter('j')(input, key)},
	{command: 'up', keys: 'k / ↑', description: 'previous host', scopes: ['fleet'], matches: (input, key) => key.upArrow || letter('k')(input, key)},
	{command: 'refresh', keys: 'r', description: 'ask every host now', scopes: ['fleet'], bar: {key: 'r', word: 'refresh', rank: 80}, matches: letter('r')},
	{command: 'help', keys: '?', description: 'this help', scopes: ['fleet'], bar: {key: '?', word: 'help', rank: 0}, matches: letter('?')},
	{command: 'quit', keys: 'q', description: 'quit', scopes: ['fleet', 'fleet-help'], bar: {key: 'q', word: 'quit', rank: 90}, matches: letter('q')},
	{command: 'close', keys: 'Esc / ?', description: 'close this help', scopes: ['fleet-help'], bar: {key: 'Esc', word: 'close', rank: 1}, matches: (input, key) => key.escape || letter('?')(input, key)},
];

function applies(binding: Binding, where: Where): boolean {
	if (!binding.scopes.includes(where.scope)) return false;
	return !binding.moments || (where.moment !== undefined && binding.moments.includes(where.moment));
}

/** The bindings that act here; read-only mode removes the dangerous ones. */
export function activeBindings(where: Where): readonly Binding[] {
	return keymap.filter(binding => applies(binding, where) && !(where.readOnly && binding.dangerous));
}

/** What the help lists for a scope: every key of it, in any of its moments (the wizard's r and l too). */
export function helpBindings(where: Where): readonly Binding[] {
	const listed = keymap.filter(binding => binding.scopes.includes(where.scope) && !(where.readOnly && binding.dangerous));
	return listed.filter((binding, index) => listed.findIndex(other => other.keys === binding.keys && other.description === binding.description) === index);
}

/** The binding a key triggers here, or null. */
export function bindingFor(input: string, key: Key, where: Where): Binding | null {
	return activeBindings(where).find(binding => binding.matches(input, key)) ?? null;
}

/** A dangerous key pressed in read-only mode: the binding, so the UI can say why nothing happens. */
export function offInReadOnly(input: string, key: Key, where: Where): Binding | null {
	if (!where.readOnly) return null;
	return keymap.find(binding => binding.dangerous && applies(binding, where) && binding.matches(input, key)) ?? null;
}

/** What the wizard waits for, as the keymap sees it. */
export function wizardMoment(state: WizardState | null): WizardMoment {
	if (!state || state.phase === 'preparing') return 'working';
	if (state.phase === 'finished' || state.phase === 'aborted') return 'ended';
	const prompt = state.prompt;
	if (!prompt) return 'working';
	switch (prompt.kind) {
		case 'begin':
			return prompt.blockers.length > 0 ? 'blocked' : 'begin';
		case 'confirm':
			return prompt.dryRun ? 'dry-run' : 'confirm';
		case 'recover':
			return prompt.choices.includes('lazy') ? 'recover-busy' : 'recover';
		case 'type-word':
			return 'type-word';
	}
}

const noFlags: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** The keymap's wizard commands as the runner's answers. */
const answers: Partial<Record<Command, WizardAnswer['type']>> = {
	begin: 'begin',
	run: 'confirm',
	decline: 'decline',
	abort: 'abort',
	retry: 'retry',
	lazy: 'choose-lazy',
	typeText: 'type',
	erase: 'erase',
	submitWord: 'submit-word',
	cancelWord: 'cancel-word',
};

/** The answer a binding gives to the prompt on screen (stamped with its id), or null when it answers nothing. */
export function wizardAnswer(binding: Binding, input: string, state: WizardState): WizardAnswer | null {
	const type = answers[binding.command];
	const prompt = state.prompt;
	if (!type || !prompt) return null;
	return type === 'type' ? {type, text: input, prompt: prompt.id} : {type, prompt: prompt.id};
}

/** What one key answers in the wizard, as the UI sends it (only the key flags that are set need be given). */
export function wizardAnswerFor(state: WizardState, input: string, flags: Partial<Key> = {}): WizardAnswer | null {
	const key = {...noFlags, ...flags};
	const binding = bindingFor(input, key, {scope: 'wizard', moment: wizardMoment(state), readOnly: false});
	return binding ? wizardAnswer(binding, input, state) : null;
}


/**
 * One input chunk as single keys. Ink splits escape sequences, Ctrl+C and Backspace into their own chunks but
 * delivers a run of plain text (a held `j`, a paste, fast typing over SSH) as one string: each character is a key.
 */
export function keysOf(input: string, key: Key): Array<[string, Key]> {
	const characters = [...input];
	if (characters.length <= 1) return [[input, key]];
	return characters.map(character => [
		character,
		{...noFlags, meta: key.meta, return: character === '\r' || character === '\n', tab: character === '\t', shift: /[A-Z]/.test(character)},
	]);
}

/** What the bar shows for one binding. */
export type BarItem = {key: string; word: string};

const barGap = 2;

function itemWidth(item: BarItem): number {
	return [...`${item.key} ${item.word}`].length;
}

/**
 * The keys that fit in `width` columns, in rank order, `?` always kept: a key that does not fit is dropped
 * whole, never cut. Two bindings with the same key and word (j and k both "move") show once.
 */
export function barItems(where: Where, width: number): BarItem[] {
	const ranked = activeBindings(where)
		.filter(binding => binding.bar)
		.map(binding => binding.bar!)
		.sort((left, right) => left.rank - right.rank);
	const unique = ranked.filter((item, index) => ranked.findIndex(other => other.key === item.key && other.word === item.word) === index);
	const help = unique.find(item => item.key === '?');
	let used = help ? itemWidth(help) : 0;
	const kept = new Set<BarItem>(help ? [help] : []);
	for (const item of unique) {
		if (item === help) continue;
		const needed = itemWidth(item) + barGap;
		if (used + needed > width) continue;
		used += needed;
		kept.add(item);
	}
	return unique.filter(item => kept.has(item)).map(item => ({key: item.key, word: item.word}));
}
