import {Box, Text} from 'ink';
import type {FleetFinding} from '../../model/fleet.js';
import {terminalText} from '../../model/terminal-text.js';
import {severityLabel, severityMark, severityTone, useTheme} from '../theme.js';
import {wrapText} from '../wrap.js';

/** The cross-host findings, wrapped with a hanging indent, in `height` lines; "↓ N more" says what did not fit. */
export function FleetFindings(props: {findings: readonly FleetFinding[]; width: number; height: number}) {
	const theme = useTheme();
	const inner = props.width - 2;
	const lines: Array<{text: string; tone: ReturnType<typeof severityTone> | 'dim'; bold?: boolean}> = [];
	for (const finding of props.findings) {
		const tone = severityTone(finding.severity);
		for (const text of wrapText(`${severityMark[finding.severity]} ${severityLabel[finding.severity]} ${terminalText(finding.title)}`, inner, {hang: 2})) lines.push({text, tone, bold: true});
		for (const evidence of finding.evidence) for (const text of wrapText(`  · ${terminalText(evidence)}`, inner, {hang: 4})) lines.push({text, tone: 'dim'});
		if (finding.action) for (const text of wrapText(`  → ${terminalText(finding.action)}`, inner, {hang: 4})) lines.push({text, tone: 'plain' as const});
	}
	const room = Math.max(1, props.height - 1);
	const cut = lines.length > room;
	const shown = cut ? lines.slice(0, room - 1) : lines;
	return (
		<Box flexDirection="column" flexShrink={0} height={props.height} overflow="hidden">
			<Text bold color={theme.color('accent')}>
				{props.findings.length === 0 ? 'Across hosts: nothing stands out' : `Across hosts (${props.findings.length})`}
			</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate-end" bold={line.bold} color={theme.color(line.tone)}>
					{line.text}
				</Text>
			))}
			{cut ? <Text color={theme.color('dim')}>{`↓ ${lines.length - shown.length} more lines (--once prints them all)`}</Text> : null}
		</Box>
	);
}
