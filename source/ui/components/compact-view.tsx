import {Box, Text} from 'ink';
import {overallStatus} from '../../model/findings.js';
import type {Finding, Snapshot} from '../../model/types.js';
import {severityMark, severityTone, useTheme} from '../theme.js';
import {terminalText} from '../../model/terminal-text.js';
import {Line} from './panel.js';

/** Below this the four panels cannot be drawn legibly; a one-column summary is shown instead. */
export const minimumSize = {columns: 60, rows: 20};

const statusWords = {ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN'} as const;

/**
 * A terminal too small to show what a key would do: the status, the worst finding and the size to reach.
 * It takes no key but quit, so nothing (no wizard step above all) can be confirmed unseen.
 */
export function CompactView(props: {snapshot: Snapshot; findings: readonly Finding[]; columns: number; rows: number; wizardOpen: boolean}) {
	const theme = useTheme();
	const probed = props.snapshot.datadir !== null && props.snapshot.container !== null;
	const {status} = overallStatus(props.findings);
	const worst = props.findings[0];
	return (
		<Box flexDirection="column" width={props.columns} height={props.rows} overflow="hidden">
			<Line bold tone={status === 'ok' ? 'ok' : status === 'critical' ? 'crit' : status === 'warning' ? 'warn' : 'unknown'}>
				{probed ? statusWords[status] : 'probing…'}
			</Line>
			{worst ? (
				<Text wrap="wrap" color={theme.color(severityTone(worst.severity))}>
					{severityMark[worst.severity]} {worst.id}: {terminalText(worst.title)}
				</Text>
			) : null}
			<Text wrap="wrap" color={theme.color('warn')}>
				enlarge to {minimumSize.columns}×{minimumSize.rows} (now {props.columns}×{props.rows}); until then keys do nothing but q and Ctrl+C quit
			</Text>
			{props.wizardOpen ? (
				<Text wrap="wrap" color={theme.color('accent')}>
					The remount waits: no step can be confirmed on a screen that cannot show it.
				</Text>
			) : null}
		</Box>
	);
}
