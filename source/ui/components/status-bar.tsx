import {Box, Text} from 'ink';
import {barItems, type BarItem, type Where} from '../keymap.js';
import {useTheme} from '../theme.js';

const gap = '  ';
const readOnlyMark = 'read-only';

/** `text` in at most `width` columns, cut after a whole word with an ellipsis when it is longer. */
function wholeWords(text: string, width: number): string {
	if ([...text].length <= width) return text;
	const cut = [...text].slice(0, Math.max(0, width - 1)).join('');
	const space = cut.lastIndexOf(' ');
	return `${space > 0 ? cut.slice(0, space) : cut}…`;
}

function Keys(props: {items: readonly BarItem[]}) {
	const theme = useTheme();
	return (
		<Text>
			{props.items.map((item, index) => (
				<Text key={`${item.key}-${item.word}`}>
					{index > 0 ? gap : ''}
					<Text bold color={theme.color('accent')}>
						{item.key}
					</Text>{' '}
					{item.word}
				</Text>
			))}
		</Text>
	);
}

function widthOf(items: readonly BarItem[]): number {
	return items.reduce((sum, item, index) => sum + (index > 0 ? gap.length : 0) + [...`${item.key} ${item.word}`].length, 0);
}

/**
 * The bottom line, one row, never cut mid-word: the keys that act here in rank order (`?` always), the
 * read-only mark, and where the focus is when there is room. A notice (why a key did nothing) takes the
 * keys' place until the next key.
 */
export function StatusBar(props: {where: Where; width: number; readOnlyMark: boolean; place: string | null; notice: string | null}) {
	const theme = useTheme();
	const mark = props.readOnlyMark ? readOnlyMark : '';
	const room = props.width - (mark ? mark.length + gap.length : 0);
	const help = barItems(props.where, 0);
	const items = props.notice ? help : barItems(props.where, room);
	const noticeWidth = room - widthOf(items) - gap.length;
	const used = widthOf(items) + (props.notice ? gap.length + Math.min([...props.notice].length, noticeWidth) : 0);
	const place = props.place && !props.notice && used + gap.length + props.place.length <= room ? props.place : null;
	return (
		<Box width={props.width} height={1} flexShrink={0}>
			{props.notice ? (
				<Text color={theme.color('warn')}>
					{wholeWords(props.notice, noticeWidth)}
					{gap}
				</Text>
			) : null}
			<Keys items={items} />
			<Box flexGrow={1} />
			{place ? <Text color={theme.color('dim')}>{place}</Text> : null}
			{mark ? (
				<Text bold color={theme.color('warn')}>
					{place ? gap : ''}
					{mark}
				</Text>
			) : null}
		</Box>
	);
}
