import {Box, Text} from 'ink';
import {helpBindings, scopeTitles, type Where} from '../keymap.js';
import {useTheme} from '../theme.js';
import {terminalText} from '../../model/terminal-text.js';
import {Line} from './panel.js';

/** The key column: as wide as the widest key, so descriptions line up. */
const keyColumn = 17;

/** The keys of the view under the help (the wizard's, in the wizard), then every setting with its source. */
export function HelpOverlay(props: {where: Where; settings: ReadonlyArray<{name: string; value: string; source: string}>; lesson: string | null; offset: number; width: number; height: number}) {
	const theme = useTheme();
	const bindings = helpBindings(props.where);
	const readOnly = props.where.readOnly;
	// Keys first, then settings; the whole list scrolls with j/k when the terminal is short.
	const lesson = props.lesson ? `Training: ${props.lesson}` : null;
	// The lesson stays on top, wrapped; the keys and settings below it scroll.
	const lessonRows = lesson ? Math.ceil(lesson.length / Math.max(1, props.width - 4)) + 1 : 0;
	const lines = [
		...bindings.map(binding => (
			<Text key={`key-${binding.keys}-${binding.description}`} wrap="truncate-end">
				<Text bold>{binding.keys.padEnd(keyColumn)}</Text>
				<Text>{binding.description}</Text>
			</Text>
		)),
		<Text key="gap"> </Text>,
		<Line key="settings" bold tone="accent">
			Settings — value and where it came from
		</Line>,
		...props.settings.map(row => (
			<Text key={`setting-${row.name}`} wrap="truncate-end">
				<Text bold>{row.name.padEnd(18)}</Text>
				<Text>{terminalText(row.value)}</Text>
				<Text color={theme.color('dim')}> ({terminalText(row.source)})</Text>
			</Text>
		)),
	];
	const visible = Math.max(1, props.height - 3 - lessonRows);
	const first = Math.max(0, Math.min(props.offset, lines.length - visible));
	const more = lines.length > visible;
	return (
		<Box flexDirection="column" borderStyle="double" borderColor={theme.color('accent')} paddingX={1} width={props.width} height={props.height} overflow="hidden" flexShrink={0}>
			<Box flexShrink={0} flexDirection="column">
				<Line bold tone="accent">
					Help — keys of {scopeTitles[props.where.scope]}{readOnly ? ' · read-only' : ''} · Esc closes{more ? ' · j/k scroll' : ''}
				</Line>
				{lesson ? (
					<Box flexDirection="column" marginBottom={1}>
						<Text wrap="wrap" color={theme.color('accent')}>
							{lesson}
						</Text>
					</Box>
				) : null}
			</Box>
			{/* Natural height, clipped at the border: a wrapped lesson must not squeeze the title away. */}
			<Box flexDirection="column" flexShrink={0}>
				{lines.slice(first, first + visible)}
			</Box>
		</Box>
	);
}
