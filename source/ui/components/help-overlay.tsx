import {Box, Text} from 'ink';
import {activeBindings, type Scope} from '../keymap.js';
import {useTheme} from '../theme.js';
import {Line} from './panel.js';

/** Exactly `width` columns: padded, or cut with an ellipsis and a space so columns never run together. */
function fit(text: string, width: number): string {
	return text.length < width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 2))}… `;
}

// Two key bindings a line, so keys and settings fit an 80×24 screen together.
function pairs<T>(items: readonly T[]): Array<[T, ...T[]]> {
	const rows: Array<[T, ...T[]]> = [];
	for (let index = 0; index < items.length; index += 2) rows.push(items.slice(index, index + 2) as [T, ...T[]]);
	return rows;
}

export function HelpOverlay(props: {readOnly: boolean; scope: Scope; settings: ReadonlyArray<{name: string; value: string; source: string}>; lesson: string | null; offset: number; width: number; height: number}) {
	const theme = useTheme();
	const bindings = activeBindings(props.readOnly, props.scope);
	const columnWidth = Math.floor((props.width - 4) / 2);
	// Keys first, then settings; the whole list scrolls with j/k when the terminal is short.
	const lesson = props.lesson ? `Training: ${props.lesson}` : null;
	// The lesson stays on top, wrapped; the keys and settings below it scroll.
	const lessonRows = lesson ? Math.ceil(lesson.length / Math.max(1, props.width - 4)) + 1 : 0;
	const lines = [
		...pairs(bindings).map(pair => (
			<Text key={`key-${pair[0].command}`} wrap="truncate-end">
				{pair.map(binding => (
					<Text key={binding.command}>
						<Text bold>{binding.label.padEnd(11)}</Text>
						<Text>{fit(binding.description, columnWidth - 11)}</Text>
					</Text>
				))}
			</Text>
		)),
		<Text key="gap"> </Text>,
		<Line key="settings" bold tone="accent">
			Settings — value and where it came from
		</Line>,
		...props.settings.map(row => (
			<Text key={`setting-${row.name}`} wrap="truncate-end">
				<Text bold>{row.name.padEnd(18)}</Text>
				<Text>{row.value}</Text>
				<Text color={theme.color('dim')}> ({row.source})</Text>
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
					Help — keys{props.readOnly ? ' (read-only: no actions)' : ''} · Esc or ? closes{more ? ' · j/k scroll' : ''}
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
