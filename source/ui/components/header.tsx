import {Box, Text} from 'ink';
import type {Status} from '../../model/findings.js';
import {formatDuration, truncateMiddle} from '../../model/format.js';
import {terminalText} from '../../model/terminal-text.js';
import type {Snapshot} from '../../model/types.js';
import {useTheme, type Tone} from '../theme.js';
import {useSecondsSince} from '../hooks/use-now.js';

const statusTone: Record<Status, Tone> = {ok: 'ok', warning: 'warn', critical: 'crit', unknown: 'unknown'};

/** When the mount or the container was last probed; null before either answered. */
export function lastUpdate(snapshot: Snapshot): number | null {
	const times = [snapshot.datadir?.at, snapshot.container?.at].filter((at): at is number => at !== undefined);
	return times.length > 0 ? Math.max(...times) : null;
}

function ageText(updated: number | null, now: number): string {
	if (updated === null) return 'probing…';
	const seconds = Math.max(0, Math.floor((now - updated) / 1000));
	return seconds < 60 ? `${seconds}s ago` : `${formatDuration(now - updated)} ago`;
}

const readOnlyMark = ' READ-ONLY ';

/** The top line: what is watched, whether changes are off, the overall status, and how fresh it is. */
// The clock ticks here, not in the App: a second passing redraws the age, not the dashboard below it.
export function Header(props: {label: string; datadir: string; readOnly: boolean; status: Status | null; updated: number | null; width: number}) {
	const now = useSecondsSince(props.updated);
	const theme = useTheme();
	const status = props.status ? props.status.toUpperCase() : 'PROBING';
	const age = ageText(props.updated, now);
	const mark = props.readOnly ? readOnlyMark.length + 1 : 0;
	const label = terminalText(props.label);
	const fixed = 'glance-inspector · '.length + label.length + ' · '.length + mark + status.length + 2 + age.length + 2;
	return (
		<Box width={props.width} flexShrink={0}>
			<Box flexGrow={1} flexShrink={1} overflow="hidden">
				<Text wrap="truncate-end">
					<Text bold color={theme.color('accent')}>
						glance-inspector
					</Text>
					<Text>
						{' '}
						· {label} · {truncateMiddle(terminalText(props.datadir), Math.max(10, props.width - fixed))}
					</Text>
				</Text>
			</Box>
			{props.readOnly ? (
				// The path may be cut to fit; the mode that removed every action may not.
				<Box flexShrink={0} marginRight={1}>
					<Text bold inverse color={theme.color('warn')}>
						{readOnlyMark}
					</Text>
				</Box>
			) : null}
			<Text bold inverse color={theme.color(props.status ? statusTone[props.status] : 'dim')}>
				{' '}
				{status}{' '}
			</Text>
			<Text color={theme.color('dim')}> {age}</Text>
		</Box>
	);
}
