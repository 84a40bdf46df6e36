import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {activeBindings, barItems, bindingFor, keymap, keysOf, offInReadOnly, type Scope, type Where, type WizardMoment} from '../../source/ui/keymap.js';

const noKey = keysOf('x', {} as Key)[0]![1];
const moments: WizardMoment[] = ['working', 'begin', 'blocked', 'confirm', 'dry-run', 'recover', 'recover-busy', 'type-word', 'ended'];
const places: Where[] = [
	...(['dashboard', 'images', 'image', 'filter', 'confirm', 'help'] as Scope[]).flatMap(scope => [false, true].map(readOnly => ({scope, readOnly}))),
	...moments.map((moment): Where => ({scope: 'wizard', moment, readOnly: false})),
];

const barText = (where: Where, width: number) =>
	barItems(where, width)
		.map(item => `${item.key} ${item.word}`)
		.join('  ');

describe('the key bar', () => {
	it('fits 80 columns in every scope and moment, keeps ? wherever it works, and drops whole keys, never parts', () => {
		for (const where of places) {
			for (const width of [80, 60, 30]) {
				const items = barItems(where, width);
				const text = barText(where, width);
				if (items.length > 1) expect([...text].length, `${JSON.stringify(where)} at ${width}`).toBeLessThanOrEqual(width);
				const all = activeBindings(where).filter(binding => binding.bar);
				// Every item shown is a whole binding's key and word.
				for (const item of items) expect(all.some(binding => binding.bar!.key === item.key && binding.bar!.word === item.word)).toBe(true);
				if (all.some(binding => binding.bar!.key === '?')) expect(items[0]?.key).toBe('?');
			}
		}
	});

	it('names exactly what the wizard accepts: no y while it works or after a failure, would-run in a dry run', () => {
		const wizard = (moment: WizardMoment) => barText({scope: 'wizard', moment, readOnly: false}, 200);
		expect(wizard('working')).toBe('? help  q abandon  j/k scroll');
		expect(wizard('confirm')).toBe('? help  y run the step  n no  a abort  q abandon  j/k scroll');
		expect(wizard('dry-run')).toBe('? help  y mark would-run  n no  a abort  q abandon  j/k scroll');
		expect(wizard('recover')).toBe('? help  r retry  n no  a abort  q abandon  j/k scroll');
		expect(wizard('recover-busy')).toBe('? help  r retry  l lazy unmount  n no  a abort  q abandon  j/k scroll');
		expect(wizard('type-word')).toBe('? help  Enter submit  Esc back');
		expect(wizard('blocked')).toBe('? help  a abort  q abandon  j/k scroll');
		expect(wizard('ended')).toBe('? help  Esc close  j/k scroll');
	});

	it('shows the remount key only where changes are allowed', () => {
		expect(barText({scope: 'dashboard', readOnly: false}, 80)).toContain('R remount');
		expect(barText({scope: 'dashboard', readOnly: true}, 80)).not.toContain('remount');
		expect(offInReadOnly('R', {...noKey, shift: true}, {scope: 'dashboard', readOnly: true})?.dangerous?.offInReadOnly).toMatch(/restart without --read-only/);
	});
});

describe('keys of one chunk', () => {
	it('splits a run of text into single keys, Enter and Tab included', () => {
		const keys = keysOf('jj/ab\rG', noKey);
		expect(keys.map(([input]) => input)).toEqual(['j', 'j', '/', 'a', 'b', '\r', 'G']);
		expect(keys[5]![1].return).toBe(true);
		expect(keys[6]![1].shift).toBe(true);
		expect(keysOf('j'.repeat(50), noKey).filter(([input, key]) => bindingFor(input, key, {scope: 'images', readOnly: false})?.command === 'down')).toHaveLength(50);
	});

	it('leaves a single key as Ink gave it', () => {
		const down = {...noKey, downArrow: true};
		expect(keysOf('', down)).toEqual([['', down]]);
	});
});

describe('the table', () => {
	it('gives each key one meaning per scope and moment', () => {
		for (const where of places) {
			const active = activeBindings(where);
			for (const binding of active) {
				// The first binding that matches wins: a second one with the same label here would never act.
				const rivals = active.filter(other => other !== binding && other.keys === binding.keys && other.command !== binding.command);
				expect(rivals, `${binding.keys} in ${JSON.stringify(where)}`).toEqual([]);
			}
		}
		expect(keymap.every(binding => binding.description.length <= 60)).toBe(true);
	});
});
