import {Box, Text} from 'ink';
import {activeBindings, type Scope} from '../keymap.js';
import {useTheme} from '../theme.js';

/** The bottom line: the keys that work here, then where the focus is. */
export function StatusBar(props: {readOnly: boolean; scope: Scope; width: number; place: string}) {
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
			<Text color={theme.color('dim')} wrap="truncate-start">
				{props.readOnly ? 'read-only · ' : ''}
				{props.place}
			</Text>
		</Box>
	);
}
