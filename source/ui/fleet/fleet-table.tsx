import {Box, Text} from 'ink';
import type {Status} from '../../model/findings.js';
import {fleetRow, type FleetHostState} from '../../model/fleet.js';
import {useTheme, type Tone} from '../theme.js';
import {fitCell} from '../wrap.js';

export const statusTone: Record<Status, Tone> = {ok: 'ok', warning: 'warn', critical: 'crit', unknown: 'unknown'};

/** The columns at 80: the worst finding takes what the fixed ones leave. */
const columns = {marker: 1, name: 10, reach: 11, mount: 12, container: 10, capacity: 4, images: 7, age: 4};
const fixedWidth = Object.values(columns).reduce((sum, width) => sum + width, 0) + 8;

/** An age in at most five columns: 4s, 12m, 3h. */
export function shortAge(ms: number | null): string {
	if (ms === null) return '—';
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
	return `${Math.floor(seconds / 3600)}h`;
}

/** The verdict counts as a row shows them: 12✔ 3✖. */
function compactVerdicts(text: string): string {
	const match = /^(\d+) ok (\d+) bad$/.exec(text);
	return match ? `${match[1]}✔ ${match[2]}✖` : text;
}

/** One row a controller, the selected one marked; each row's tone is that host's own status. At most `height` rows, the selected one always among them. */
export function FleetTable(props: {states: readonly FleetHostState[]; selected: number; now: number; width: number; height: number}) {
	const theme = useTheme();
	const worstWidth = Math.max(6, props.width - fixedWidth);
	const more = props.states.length > props.height;
	// With more hosts than rows, the last row says how many are out of sight.
	const shown = more ? Math.max(1, props.height - 1) : props.states.length;
	const first = Math.min(Math.max(0, props.selected - shown + 1), props.states.length - shown);
	const header = [
		' '.repeat(columns.marker),
		fitCell('HOST', columns.name),
		fitCell('REACH', columns.reach),
		fitCell('MOUNT', columns.mount),
		fitCell('CONTAINER', columns.container),
		fitCell('CAP', columns.capacity, 'right'),
		fitCell('IMAGES', columns.images),
		fitCell('WORST', worstWidth),
		fitCell('AGE', columns.age, 'right'),
	].join(' ');
	return (
		<Box flexDirection="column" flexShrink={0}>
			<Text bold color={theme.color('dim')} wrap="truncate-end">
				{header}
			</Text>
			{props.states.slice(first, first + shown).map((state, at) => {
				const index = first + at;
				const row = fleetRow(state, props.now);
				const selected = index === props.selected;
				const cells = [
					selected ? '›' : ' ',
					fitCell(row.name, columns.name),
					fitCell(row.reach, columns.reach),
					fitCell(row.mount, columns.mount),
					fitCell(row.container, columns.container),
					fitCell(row.capacity, columns.capacity, 'right'),
					fitCell(compactVerdicts(row.verdicts), columns.images),
					fitCell(row.worst, worstWidth),
					fitCell(shortAge(row.ageMs), columns.age, 'right'),
				].join(' ');
				return (
					<Text key={state.host.name} wrap="truncate-end" inverse={selected} bold={selected} color={theme.color(row.status ? statusTone[row.status] : 'dim')}>
						{cells}
					</Text>
				);
			})}
			{more ? <Text color={theme.color('dim')}>{`  ${props.states.length - shown} more hosts (j/k)`}</Text> : null}
		</Box>
	);
}
