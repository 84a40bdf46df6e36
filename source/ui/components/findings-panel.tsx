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
	// Scroll so the selected finding and its details stay in view: each other finding takes one line.
	const available = Math.max(1, props.height - 3);
	const expanded = 1 + current.evidence.length + 2;
	let first = 0;
	while (first < selected && selected - first + expanded > available) first++;
	const shown = findings.slice(first);
	return (
		<Panel title={title} focused={props.focused} height={props.height} flexGrow={1}>
			{first > 0 ? <Line tone="dim">↑ {first} more</Line> : null}
			{shown.map((finding, offset) => {
				const index = first + offset;
				return (
				<Box key={finding.id} flexDirection="column" flexShrink={0}>
					<Text wrap="truncate-end" inverse={index === selected && props.focused}>
						<Text color={theme.color(severityTone(finding.severity))} bold>
							{index === selected ? '›' : ' '}
							{severityMark[finding.severity]} {severityLabel[finding.severity]}
						</Text>
						<Text> {finding.title}</Text>
						<Text color={theme.color('dim')}> [{finding.id}]</Text>
					</Text>
					{finding === current ? (
						<Box flexDirection="column" paddingLeft={4}>
							{finding.evidence.map(line => (
								<Line key={line} tone="dim">
									{line}
								</Line>
							))}
							<Text wrap="wrap" color={theme.color('accent')}>
								→ {finding.action}
							</Text>
						</Box>
					) : null}
				</Box>
				);
			})}
		</Panel>
	);
}
