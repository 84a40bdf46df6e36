import type {Finding} from '../../model/types.js';
import {severityLabel, severityMark, severityTone} from '../theme.js';
import {fitCell, wrapAfter, type Row} from '../wrap.js';
import {Line, Panel} from './panel.js';
import {moreText, RowLine, scrollWindow, useScrolled} from './scroll-view.js';

/** Every finding's title, and the selected one's next action and evidence under it, wrapped to `width`. */
export function findingsRows(findings: readonly Finding[], selected: number, width: number): {rows: Row[]; start: number; end: number; headerRows: number} {
	const rows: Row[] = [];
	let start = 0;
	let end = 0;
	let headerRows = 0;
	findings.forEach((finding, index) => {
		const isSelected = index === selected;
		const header = wrapAfter(
			{text: `${isSelected ? '›' : ' '}${severityMark[finding.severity]} ${severityLabel[finding.severity]} `, tone: severityTone(finding.severity), bold: true},
			[{text: finding.id, tone: 'dim'}, {text: finding.title}],
			width,
		);
		if (isSelected) {
			start = rows.length;
			headerRows = header.length;
		}
		rows.push(...header);
		if (!isSelected) return;
		rows.push(...wrapAfter({text: '  → ', tone: 'accent'}, finding.action, width));
		for (const line of finding.evidence) rows.push(...wrapAfter({text: '  · ', tone: 'dim'}, [{text: line, tone: 'dim'}], width));
		end = rows.length;
	});
	return {rows, start, end, headerRows};
}

type Place = {selected: number; top: number};

/** Rows for the findings' lines: one fewer when they outgrow the panel, for the line that names the other findings. */
function listHeight(rows: number, findings: number, height: number): number {
	return findings > 1 && rows > height ? Math.max(1, height - 1) : height;
}

/** The first row shown once the window moved to show rows start..end, as much of them as fits, their start first. */
function reveal(total: number, height: number, top: number, start: number, end: number): number {
	let position = Math.min(top, start);
	for (;;) {
		const view = scrollWindow(total, height, position, true);
		if (view.first >= start || view.first + view.count >= Math.min(end, total)) return view.first;
		position += 1;
	}
}

/**
 * One press of j (+1) or k (-1): it scrolls through the selected finding while part of it is hidden that
 * way, else selects the next (or previous) finding and brings it into view.
 */
function step(findings: readonly Finding[], place: Place, direction: 1 | -1, width: number, height: number): Place {
	const layout = findingsRows(findings, place.selected, width);
	const view = scrollWindow(layout.rows.length, listHeight(layout.rows.length, findings.length, height), place.top, true);
	if (direction > 0 && layout.end > view.first + view.count) return {...place, top: view.first + 1};
	if (direction < 0 && layout.start < view.first) return {...place, top: view.first - 1};
	const selected = place.selected + direction;
	if (selected < 0 || selected >= findings.length) return place;
	const next = findingsRows(findings, selected, width);
	return {selected, top: reveal(next.rows.length, listHeight(next.rows.length, findings.length, height), view.first, next.start, next.end)};
}

export function FindingsPanel(props: {findings: readonly Finding[]; scroll: number; focused: boolean; width: number; height: number; ready: boolean}) {
	const {findings} = props;
	const width = Math.max(20, props.width - 4);
	const rowsHeight = Math.max(1, props.height - 3);
	const place = useScrolled<Place>(props.scroll, {selected: 0, top: 0}, (current, delta) => {
		let moved = current;
		for (let count = 0; count < Math.abs(delta); count++) moved = step(findings, moved, delta > 0 ? 1 : -1, width, rowsHeight);
		return moved;
	});
	const title = `Findings (${findings.length})`;
	if (!props.ready) {
		return (
			<Panel title={title} focused={props.focused} height={props.height} flexGrow={1}>
				<Line tone="dim">probing…</Line>
			</Panel>
		);
	}
	if (findings.length === 0) {
		return (
			<Panel title={title} badge={{text: 'ALL CLEAR', tone: 'ok'}} focused={props.focused} height={props.height} flexGrow={1}>
				{wrapAfter({text: '✔ ', tone: 'ok'}, 'nothing wrong: share mounted and answering, container sees the same mount', width).map((row, index) => (
					<RowLine key={index} row={row} />
				))}
			</Panel>
		);
	}
	const selected = Math.min(place.selected, findings.length - 1);
	const layout = findingsRows(findings, selected, width);
	const height = listHeight(layout.rows.length, findings.length, rowsHeight);
	const view = scrollWindow(layout.rows.length, height, place.top, true);
	const others = findings.filter((_, index) => index !== selected).map(finding => `${severityMark[finding.severity]} ${finding.id}`);
	// At 80×24 every row counts: the title says where more is, and which finding is open.
	const more = moreText(view);
	const heading = [title, findings.length > 1 ? `${selected + 1} of ${findings.length} open` : '', more ? `${more} (j/k)` : ''].filter(Boolean).join(' · ');
	return (
		<Panel title={heading} focused={props.focused} height={props.height} flexGrow={1}>
			{layout.rows.slice(view.first, view.first + view.count).map((row, offset) => {
				const index = view.first + offset;
				return <RowLine key={index} row={row} inverse={props.focused && index >= layout.start && index < layout.start + layout.headerRows} />;
			})}
			{height < rowsHeight ? <Line tone="dim">{fitCell(`also: ${others.join(' · ')}`, width).trimEnd()}</Line> : null}
		</Panel>
	);
}
