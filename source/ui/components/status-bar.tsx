import {Box, Text} from 'ink';
import {activeBindings, type Scope} from '../keymap.js';
import {useTheme} from '../theme.js';

/** The bottom line: the keys that work here, then whether changes are off, then where the focus is. */
export function StatusBar(props: {readOnly: boolean; readOnlyMark: boolean; scope: Scope; width: number; place: string}) {
	const theme = useTheme();
	const keys = activeBindings(props.readOnly, props.scope).filter(binding => binding.inStatusBar);
	return (
		<Box width={props.width} flexShrink={0}>
			<Box flexGrow={1} flexShrink={1} overflow="hidden">
				<Text wrap="truncate-end">
					{keys.map(binding => (
						<Text key={binding.command}>
							<Text bold color={theme.color('accent')}>
								{binding.label.split(' / ')[0]}
							</Text>
							<Text> {binding.short ?? binding.command}  </Text>
						</Text>
					))}
				</Text>
			</Box>
			{props.readOnlyMark ? (
				// The keys and the place may be cut to fit; the mode that removed the remount key may not.
				<Box flexShrink={0}>
					<Text color={theme.color('dim')}>read-only · </Text>
				</Box>
			) : null}
			<Text color={theme.color('dim')} wrap="truncate-start">
				{props.place}
			</Text>
		</Box>
	);
}
