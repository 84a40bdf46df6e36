import {Box} from 'ink';
import type {Finding, Snapshot} from '../../model/types.js';
import {severityMark} from '../theme.js';
import {Line} from './panel.js';

/** Below this the four panels cannot be drawn legibly; a one-column summary is shown instead. */
export const minimumSize = {columns: 60, rows: 20};

/** A narrow or short terminal still gets every verdict, one line each. */
export function CompactView(props: {snapshot: Snapshot; findings: readonly Finding[]; columns: number; rows: number}) {
	const {datadir, container} = props.snapshot;
	return (
		<Box flexDirection="column" width={props.columns}>
			<Line tone="warn">
				{props.columns}×{props.rows} is small: enlarge to {minimumSize.columns}×{minimumSize.rows}+ for panels, or use --once
			</Line>
			<Line>mount: {datadir ? datadir.verdict : 'probing…'}</Line>
			<Line>container: {container ? (container.state === 'present' ? `${container.status}, view ${container.view.state}` : container.state) : 'probing…'}</Line>
			{props.findings.slice(0, Math.max(0, props.rows - 4)).map(finding => (
				<Line key={finding.id} tone={finding.severity === 'critical' ? 'crit' : 'warn'}>
					{severityMark[finding.severity]} {finding.id}
				</Line>
			))}
		</Box>
	);
}
