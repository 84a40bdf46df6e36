import {Text} from 'ink';
import {useState} from 'react';
import {useTheme} from '../theme.js';
import type {Row} from '../wrap.js';

/** One wrapped line; it already fits, the truncation only guards the border. */
export function RowLine(props: {row: Row; inverse?: boolean}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" inverse={props.inverse}>
			{props.row.map((span, index) => (
				<Text key={index} color={theme.color(span.tone ?? 'plain')} bold={span.bold}>
					{span.text}
				</Text>
			))}
		</Text>
	);
}

/**
 * Which rows a window of `height` lines shows from `position`. The "↑ more" and "↓ more" lines take a row
 * each when rows are hidden there, unless `marksElsewhere` (the panel says it in its title).
 */
export function scrollWindow(total: number, height: number, position: number, marksElsewhere = false): {first: number; count: number; above: number; below: number} {
	const rows = Math.max(1, height);
	if (total <= rows) return {first: 0, count: total, above: 0, below: 0};
	const first = Math.max(0, Math.min(position, maxPosition(total, rows, marksElsewhere)));
	const room = marksElsewhere ? rows : Math.max(1, rows - (first > 0 ? 1 : 0));
	const count = first + room >= total ? total - first : Math.max(1, marksElsewhere ? room : room - 1);
	return {first, count, above: first, below: total - first - count};
}

/** The last position worth scrolling to: the last row just shown (under the "↑ more" line when it takes one). */
export function maxPosition(total: number, height: number, marksElsewhere = false): number {
	return total <= height ? 0 : total - Math.max(1, marksElsewhere ? height : height - 1);
}

/** "↑ 2 more · ↓ 3 more", for a title that says where the hidden rows are; empty when none are. */
export function moreText(view: {above: number; below: number}): string {
	return [view.above > 0 ? `↑ ${view.above} more` : '', view.below > 0 ? `↓ ${view.below} more` : ''].filter(Boolean).join(' · ');
}

/**
 * State moved by the keys' scroll count (down presses minus up presses): each change of `scroll` is handed
 * to `move` as a delta, which keeps the state within its ends, so presses past an end are not stored up.
 */
export function useScrolled<S>(scroll: number, initial: S, move: (state: S, delta: number) => S): S {
	const [seen, setSeen] = useState(scroll);
	const [state, setState] = useState(initial);
	if (seen === scroll) return state;
	const next = move(state, scroll - seen);
	setSeen(scroll);
	setState(next);
	return next;
}

/** A scroll position within 0..max, moved by the keys' scroll count. */
export function useScrollPosition(scroll: number, max: number): number {
	const position = useScrolled(scroll, 0, (current, delta) => Math.max(0, Math.min(max, current + delta)));
	return Math.min(position, max);
}

/** Rows in a window of `height` lines from `position`, saying how many more there are above and below. */
export function ScrollView(props: {rows: readonly Row[]; height: number; position: number}) {
	const theme = useTheme();
	const view = scrollWindow(props.rows.length, props.height, props.position);
	return (
		<>
			{view.above > 0 ? <Text color={theme.color('dim')}>↑ {view.above} more (k scrolls up)</Text> : null}
			{props.rows.slice(view.first, view.first + view.count).map((row, index) => (
				<RowLine key={view.first + index} row={row} />
			))}
			{view.below > 0 ? <Text color={theme.color('dim')}>↓ {view.below} more (j scrolls down)</Text> : null}
		</>
	);
}

/** A scrolled list of rows driven by the keys' scroll count: the details of a panel, an image, the help. */
export function ScrolledRows(props: {rows: readonly Row[]; height: number; scroll: number}) {
	const position = useScrollPosition(props.scroll, maxPosition(props.rows.length, props.height));
	return <ScrollView rows={props.rows} height={props.height} position={position} />;
}
