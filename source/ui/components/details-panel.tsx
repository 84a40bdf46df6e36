import {labelledRows} from '../wrap.js';
import {Panel} from './panel.js';
import {ScrolledRows} from './scroll-view.js';

export type DetailRow = {label: string; value: string};

/** The full facts behind a panel, wrapped and scrolled with j/k: what did not fit on the dashboard line. */
export function DetailsPanel(props: {title: string; rows: readonly DetailRow[]; scroll: number; width: number; height: number; focused: boolean}) {
	const width = Math.max(20, props.width - 4);
	const labelWidth = Math.min(22, Math.max(...props.rows.map(row => row.label.length), 4) + 1);
	const rows = props.rows.flatMap(row => labelledRows(row.label, row.value, labelWidth, width));
	return (
		<Panel title={props.title} focused={props.focused} height={props.height} flexGrow={1}>
			<ScrolledRows rows={rows} height={Math.max(1, props.height - 3)} scroll={props.scroll} />
		</Panel>
	);
}
