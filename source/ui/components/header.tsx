import {Box, Text} from 'ink';
import type {Status} from '../../model/findings.js';
import {formatDuration, truncateMiddle} from '../../model/format.js';
import {terminalText} from '../../model/terminal-text.js';
import type {SnapshotPoller} from '../../world/poller.js';
import {useTheme, type Tone} from '../theme.js';
import {useFreshness, type Freshness} from '../hooks/use-freshness.js';

const statusTone: Record<Status, Tone> = {ok: 'ok', warning: 'warn', critical: 'crit', unknown: 'unknown'};

/** The one wording of freshness: "live" while rounds come in time, the age (loudly) once they stop. */
export function freshnessText(freshness: Freshness): {text: string; tone: Tone} {
	if (freshness.state === 'probing') return {text: 'probing…', tone: 'dim'};
	if (freshness.state === 'live') return {text: 'live', tone: 'dim'};
	const ageMs = Math.max(0, freshness.now - freshness.since);
	return {text: `${ageMs < 60_000 ? `${Math.floor(ageMs / 1000)}s` : formatDuration(ageMs)} ago`, tone: 'warn'};
}

const readOnlyMark = ' READ-ONLY ';

/** The top line: what is watched, whether changes are off, the overall status, and how fresh it is. */
// Freshness is kept here, not in the App: stale data counting its seconds redraws the age, not the dashboard below it.
export function Header(props: {label: string; datadir: string; readOnly: boolean; status: Status | null; poller: SnapshotPoller; refreshMs: number; width: number}) {
	const freshness = freshnessText(useFreshness(props.poller, props.refreshMs));
	const theme = useTheme();
	const status = props.status ? props.status.toUpperCase() : 'PROBING';
	const age = freshness.text;
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
			<Text bold={freshness.tone === 'warn'} color={theme.color(freshness.tone)}>
				{' '}
				{age}
			</Text>
		</Box>
	);
}
