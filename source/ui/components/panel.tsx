import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {useTheme, type Tone} from '../theme.js';

export function Panel(props: {title: string; badge?: {text: string; tone: Tone}; focused: boolean; width?: number | string; height?: number; flexGrow?: number; children: ReactNode}) {
	const theme = useTheme();
	return (
		<Box
			flexDirection="column"
			borderStyle={props.focused ? 'double' : 'round'}
			borderColor={theme.color(props.focused ? 'accent' : 'dim')}
			paddingX={1}
			width={props.width}
			height={props.height}
			flexGrow={props.flexGrow}
			overflow="hidden"
		>
			<Box flexShrink={0}>
				<Text bold color={theme.color(props.focused ? 'accent' : 'plain')} wrap="truncate-end">
					{props.title}
				</Text>
				{props.badge ? (
					<Text bold color={theme.color(props.badge.tone)}>
						{' '}
						{props.badge.text}
					</Text>
				) : null}
			</Box>
			{/* Content keeps its natural height and is clipped at the border, never squeezed into overlapping lines. */}
			<Box flexDirection="column" flexShrink={0}>
				{props.children}
			</Box>
		</Box>
	);
}

/** One line that never wraps: an 80-column layout stays put whatever the data. */
export function Line(props: {tone?: Tone; bold?: boolean; children: ReactNode}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" color={theme.color(props.tone ?? 'plain')} bold={props.bold}>
			{props.children}
		</Text>
	);
}
