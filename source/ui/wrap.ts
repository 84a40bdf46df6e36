// The one way text is fitted to the screen: words wrap with a hanging indent, a word wider than the line
// (a path, an id) is broken with a visible mark, and only table cells are cut, with an ellipsis. Text is made
// terminal-safe here (terminalText) before it is measured, so a name from outside never reaches the screen raw.
import stringWidth from 'string-width';
import {terminalText} from '../model/terminal-text.js';
import type {Tone} from './theme.js';

/** A run of text in one style. */
export type Span = {text: string; tone?: Tone; bold?: boolean};

/** One screen line: spans that together fit the width they were wrapped to. */
export type Row = Span[];

/** Ends the part of a word broken because it is wider than the line. */
export const continuationMark = '↩';

/** Columns the text takes in a terminal: wide characters count two, combining marks none (as Ink counts). */
export function textWidth(text: string): number {
	return stringWidth(text);
}

/** The longest head of `text` that fits `width` columns, and the rest. */
function splitAtWidth(text: string, width: number): [string, string] {
	let used = 0;
	let index = 0;
	for (const character of text) {
		const size = textWidth(character);
		if (used + size > width) break;
		used += size;
		index += character.length;
	}
	return [text.slice(0, index), text.slice(index)];
}

/** The head of a word too wide for `width`, to end with the continuation mark; a path prefers to break after a slash. */
function wordHead(word: string, width: number): string {
	const [head] = splitAtWidth(word, Math.max(1, width - 1));
	const slash = head.lastIndexOf('/');
	return slash > head.length / 2 ? head.slice(0, slash + 1) : head || Array.from(word)[0]!;
}

type Word = {text: string; style: Omit<Span, 'text'>};

function wordsOf(spans: readonly Span[]): Word[] {
	const words: Word[] = [];
	for (const {text, ...style} of spans) for (const word of terminalText(text).split(/\s+/)) if (word) words.push({text: word, style});
	return words;
}

/** Joins adjacent words of one style into one span, with the spaces between them. */
function toRow(indent: number, words: readonly Word[]): Row {
	const row: Row = indent > 0 ? [{text: ' '.repeat(indent)}] : [];
	words.forEach((word, index) => {
		const last = row.at(-1);
		const separator = index === 0 ? '' : ' ';
		if (index > 0 && last && last.tone === word.style.tone && last.bold === word.style.bold) last.text += separator + word.text;
		else {
			if (separator) row.push({text: separator});
			row.push({...word.style, text: word.text});
		}
	});
	return row;
}

/**
 * Wraps styled text to `width` columns. Lines after the first start `hang` columns in, under the text
 * rather than under its prefix; no line starts with a stray space. Runs of spaces fold to one.
 */
export function wrapSpans(spans: readonly Span[], width: number, options: {hang?: number} = {}): Row[] {
	const hang = Math.max(0, Math.min(options.hang ?? 0, width - 8));
	const rows: Row[] = [];
	let line: Word[] = [];
	let used = 0;
	const room = () => (rows.length === 0 ? width : width - hang);
	const flush = () => {
		rows.push(toRow(rows.length === 0 ? 0 : hang, line));
		line = [];
		used = 0;
	};
	for (const word of wordsOf(spans)) {
		const size = textWidth(word.text);
		if (line.length > 0 && used + 1 + size <= room()) {
			line.push(word);
			used += 1 + size;
			continue;
		}
		if (line.length > 0) flush();
		if (size <= room()) {
			line.push(word);
			used = size;
			continue;
		}
		let rest = word.text;
		while (textWidth(rest) > room()) {
			const head = wordHead(rest, room());
			line.push({text: head + continuationMark, style: word.style});
			flush();
			rest = rest.slice(head.length);
		}
		line.push({text: rest, style: word.style});
		used = textWidth(rest);
	}
	if (line.length > 0 || rows.length === 0) flush();
	return rows;
}

/** A prefix such as "→ " or "✖ CRIT " and text wrapped after it, the continuation lines indented under the text. */
export function wrapAfter(prefix: Span, text: readonly Span[] | string, width: number): Row[] {
	const body: readonly Span[] = typeof text === 'string' ? [{text, tone: prefix.tone}] : text;
	const indent = textWidth(prefix.text);
	const rows = wrapSpans(body, width - indent);
	return rows.map((row, index) => (index === 0 ? [prefix, ...row] : [{text: ' '.repeat(indent)}, ...row]));
}

/** Plain text wrapped to lines of at most `width` columns, continuation lines `hang` columns in. */
export function wrapText(text: string, width: number, options: {hang?: number} = {}): string[] {
	return wrapSpans([{text}], width, options).map(rowText);
}

export function rowText(row: Row): string {
	return row.map(span => span.text).join('');
}

/** A table cell: cut to `width` columns with an ellipsis when longer (the full value is in the detail view), padded when shorter. */
export function fitCell(raw: string, width: number, align: 'left' | 'right' = 'left'): string {
	const text = terminalText(raw);
	const size = textWidth(text);
	if (size > width) return `${splitAtWidth(text, Math.max(0, width - 1))[0]}…`;
	const padding = ' '.repeat(width - size);
	return align === 'left' ? text + padding : padding + text;
}

/** A label column and its value wrapped beside it, the value's continuation lines under the value. */
export function labelledRows(label: string, value: string, labelWidth: number, width: number, tone?: Tone): Row[] {
	return wrapAfter({text: fitCell(label, labelWidth - 1) + ' ', tone: 'dim'}, [{text: value, tone}], width);
}
