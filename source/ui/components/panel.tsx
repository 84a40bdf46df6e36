import {Box, Text} from 'ink';
import {Children, type ReactNode} from 'react';
import {terminalText} from '../../model/terminal-text.js';
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
					{terminalText(props.title)}
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

/** Children with every string made terminal-safe: what a line draws may have come from outside. */
export function safeChildren(children: ReactNode): ReactNode {
	return Children.map(children, child => (typeof child === 'string' ? terminalText(child) : child));
}

/** One line that never wraps: an 80-column layout stays put whatever the data. */
export function Line(props: {tone?: Tone; bold?: boolean; children: ReactNode}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" color={theme.color(props.tone ?? 'plain')} bold={props.bold}>
			{safeChildren(props.children)}
		</Text>
	);
}
