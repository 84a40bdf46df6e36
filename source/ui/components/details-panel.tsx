import {Line, Panel} from './panel.js';

export type DetailRow = {label: string; value: string};

/** The full facts behind a panel, scrolled with j/k: what did not fit on the dashboard line. */
export function DetailsPanel(props: {title: string; rows: readonly DetailRow[]; offset: number; height: number; focused: boolean}) {
	const visible = Math.max(1, props.height - 3);
	const first = Math.max(0, Math.min(props.offset, props.rows.length - visible));
	const labelWidth = Math.min(22, Math.max(...props.rows.map(row => row.label.length), 4) + 1);
	return (
		<Panel title={props.title} focused={props.focused} height={props.height} flexGrow={1}>
			{props.rows.slice(first, first + visible).map((row, index) => (
				<Line key={`${first + index}`}>
					{row.label.padEnd(labelWidth)}
					{row.value}
				</Line>
			))}
		</Panel>
	);
}
