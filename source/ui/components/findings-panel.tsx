import {Box, Text} from 'ink';
import type {Finding} from '../../model/types.js';
import {severityLabel, severityMark, severityTone, useTheme} from '../theme.js';
import {Line, Panel} from './panel.js';

export function FindingsPanel(props: {findings: readonly Finding[]; selected: number; focused: boolean; height: number; ready: boolean}) {
	const theme = useTheme();
	const {findings} = props;
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
				<Line tone="ok">✔ nothing wrong: share mounted and answering, container sees the same mount</Line>
			</Panel>
		);
	}
	const selected = Math.min(props.selected, findings.length - 1);
	const current = findings[selected]!;
	// Every finding gets one line (scrolled when there are many); the selected one's advice follows.
	const available = Math.max(1, props.height - 3);
	const listRows = Math.min(findings.length, Math.max(1, Math.floor(available / 2)));
	const first = Math.max(0, Math.min(selected - listRows + 1, findings.length - listRows));
	return (
		<Panel title={title} focused={props.focused} height={props.height} flexGrow={1}>
			{findings.slice(first, first + listRows).map((finding, offset) => {
				const index = first + offset;
				return (
					<Text key={finding.id} wrap="truncate-end" inverse={index === selected && props.focused}>
						<Text color={theme.color(severityTone(finding.severity))} bold>
							{index === selected ? '›' : ' '}
							{severityMark[finding.severity]} {severityLabel[finding.severity]}
						</Text>
						<Text color={theme.color('dim')}> {finding.id}</Text>
						<Text> {finding.title}</Text>
					</Text>
				);
			})}
			{findings.length > listRows ? <Line tone="dim">  {findings.length - listRows} more: j/k to scroll</Line> : null}
			<Box flexDirection="column" paddingLeft={2}>
				<Text wrap="wrap" color={theme.color('accent')}>
					→ {current.action}
				</Text>
				{current.evidence.map(line => (
					<Line key={line} tone="dim">
						{line}
					</Line>
				))}
			</Box>
		</Panel>
	);
}
