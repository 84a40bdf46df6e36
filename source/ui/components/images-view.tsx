import {Box, Text} from 'ink';
import {allocatedBytes, sizesDiffer, verdictOrder} from '../../model/inventory.js';
import {formatBytes, formatDuration} from '../../model/format.js';
import type {ChecksumOutcome, ImageVerdict, Inventory, InventoryRow} from '../../model/types.js';
import type {ImagesState} from '../images-state.js';
import {useTheme, type Tone} from '../theme.js';
import {fitCell} from '../wrap.js';
import {Line, Panel} from './panel.js';

export const verdictTone: Record<ImageVerdict, Tone> = {
	ok: 'ok',
	'missing-file': 'crit',
	'checksum-mismatch': 'crit',
	'size-mismatch': 'warn',
	'empty-file': 'warn',
	'orphan-file': 'warn',
	'shadowed-file': 'crit',
	unlisted: 'dim',
	'leftover-file': 'warn',
	partial: 'accent',
	'not-file-backed': 'dim',
	'no-data': 'dim',
	unknown: 'unknown',
};

type Column = {title: string; width: number; right?: boolean; cell(row: InventoryRow): string};

function columnsFor(width: number): Column[] {
	const fixed: Column[] = [
		{title: 'VERDICT', width: 17, cell: row => row.verdict},
		{title: 'ID', width: 8, cell: row => row.id.slice(0, 8)},
		{title: 'STATUS', width: 8, cell: row => row.image?.status ?? '-'},
		// What the file takes (allocated blocks); `~` marks one whose apparent size reads differently (sparse).
		{title: 'ON DISK', width: 9, right: true, cell: row => (row.file ? `${sizesDiffer(row.file) ? '~' : ''}${formatBytes(allocatedBytes(row.file))}` : '-')},
		{title: 'GLANCE', width: 9, right: true, cell: row => (row.image?.size === null || row.image === null ? '-' : formatBytes(row.image.size))},
	];
	// Narrow terminals keep what tells images apart; the rest is one Enter away.
	if (width >= 96) fixed.push({title: 'CREATED', width: 10, cell: row => row.image?.createdAt?.slice(0, 10) ?? '-'});
	const wide: Column[] = width >= 120 ? [{title: 'OWNER', width: 10, cell: row => row.image?.owner?.slice(0, 10) ?? '-'}, {title: 'VISIBILITY', width: 10, cell: row => (row.image ? `${row.image.visibility}${row.image.hidden ? '*' : ''}` : '-')}] : [];
	const used = [...fixed, ...wide].reduce((sum, column) => sum + column.width + 1, 0);
	const name: Column = {title: 'NAME', width: Math.max(8, width - used - 2), cell: row => row.image?.name ?? (row.file ? '(no image)' : '-')};
	const [verdict, ...rest] = fixed;
	return [verdict!, name, ...rest, ...wide];
}

function renderCells(columns: readonly Column[], row: InventoryRow): string {
	return columns.map(column => fitCell(column.cell(row), column.width, column.right ? 'right' : 'left')).join(' ');
}

function CountsLine(props: {inventory: Inventory; filter: ImageVerdict | null}) {
	const theme = useTheme();
	const present = verdictOrder.filter(verdict => props.inventory.totals[verdict].count > 0);
	return (
		<Text wrap="wrap">
			{present.length === 0 ? <Text color={theme.color('dim')}>no images, no files</Text> : null}
			{present.map(verdict => (
				<Text key={verdict} color={theme.color(verdictTone[verdict])} bold={verdict !== 'ok'} underline={props.filter === verdict}>
					{verdict} {props.inventory.totals[verdict].count}
					<Text color={theme.color('dim')}> ({formatBytes(props.inventory.totals[verdict].bytes)})  </Text>
				</Text>
			))}
		</Text>
	);
}

export function checksumText(outcome: ChecksumOutcome | undefined, queued: boolean): {text: string; tone: Tone} {
	if (!outcome) return queued ? {text: 'checksum: queued', tone: 'dim'} : {text: 'checksum: not verified (v reads the file)', tone: 'dim'};
	switch (outcome.state) {
		case 'running': {
			const percent = outcome.bytesTotal > 0 ? (outcome.bytesDone / outcome.bytesTotal) * 100 : 100;
			const eta = outcome.bytesPerSecond > 0 ? ((outcome.bytesTotal - outcome.bytesDone) / outcome.bytesPerSecond) * 1000 : null;
			const width = 20;
			const filled = Math.round((percent / 100) * width);
			return {
				text: `verifying ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent.toFixed(0)}% ${formatBytes(outcome.bytesPerSecond)}/s${eta === null ? '' : ` ETA ${formatDuration(eta)}`} (Esc cancels)`,
				tone: 'accent',
			};
		}
		case 'ok': {
			return {text: `checksum ok: ${outcome.algorithm} matches${outcome.md5Matches === null ? '' : ', md5 matches'} (${formatBytes(outcome.bytes)} in ${formatDuration(outcome.tookMs)})`, tone: 'ok'};
		}
		case 'checksum-mismatch': {
			return {text: `CHECKSUM MISMATCH: ${outcome.algorithm} ${outcome.actual.slice(0, 16)}… expected ${outcome.expected.slice(0, 16)}…`, tone: 'crit'};
		}
		case 'failed': {
			return {text: `verify failed: ${outcome.reason}`, tone: 'crit'};
		}
		case 'cancelled': {
			return {text: 'verify cancelled', tone: 'dim'};
		}
	}
}

export function ImagesTable(props: {
	inventory: Inventory;
	rows: readonly InventoryRow[];
	state: ImagesState;
	outcomes: ReadonlyMap<string, ChecksumOutcome>;
	queued: readonly string[];
	width: number;
	height: number;
}) {
	const theme = useTheme();
	const {inventory, rows, state} = props;
	const columns = columnsFor(props.width - 4);
	const chrome = 6 + (inventory.glanceUnavailable ? 1 : 0) + (inventory.filesUnavailable ? 1 : 0);
	const visible = Math.max(1, props.height - chrome);
	// Only the rows on screen are drawn: tens of thousands scroll as fast as ten.
	const first = Math.max(0, Math.min(state.index - Math.floor(visible / 2), rows.length - visible));
	const shown = rows.slice(first, first + visible);
	const selected = rows[state.index];
	const filterText =
		state.mode === 'filtering'
			? `/${state.text}▏ (Enter keeps, Esc clears)`
			: `${state.text ? `text "${state.text}" · ` : ''}${state.verdict ? `verdict ${state.verdict} · ` : ''}sort ${state.sort} ${state.descending ? '↓' : '↑'}`;
	const selectedOutcome = selected ? props.outcomes.get(selected.id) : undefined;
	const check = selected ? checksumText(selectedOutcome, props.queued.includes(selected.id)) : null;
	return (
		<Panel title={`Images ${rows.length} of ${inventory.rows.length}`} focused width={props.width} height={props.height} flexGrow={1}>
			<CountsLine inventory={inventory} filter={state.verdict} />
			{inventory.glanceUnavailable ? <Line tone="unknown">Glance unavailable: {inventory.glanceUnavailable}</Line> : null}
			{inventory.filesUnavailable ? <Line tone="crit">datadir unreadable: {inventory.filesUnavailable}</Line> : null}
			<Line tone={state.mode === 'filtering' ? 'accent' : 'dim'}>{filterText}</Line>
			<Text bold wrap="truncate-end">
				{'  '}
				{columns.map(column => fitCell(column.title, column.width, column.right ? 'right' : 'left')).join(' ')}
			</Text>
			{shown.length === 0 ? <Line tone="dim">  no rows match</Line> : null}
			{shown.map((row, offset) => {
				const index = first + offset;
				const outcome = props.outcomes.get(row.id);
				const mark = outcome?.state === 'running' ? '⟳' : outcome?.state === 'ok' ? '✔' : index === state.index ? '›' : ' ';
				return (
					<Text key={row.id} wrap="truncate-end" inverse={index === state.index}>
						<Text color={theme.color(verdictTone[row.verdict])}>{mark} </Text>
						<Text color={theme.color(verdictTone[row.verdict])}>{renderCells(columns.slice(0, 1), row)}</Text>
						<Text> {renderCells(columns.slice(1), row)}</Text>
					</Text>
				);
			})}
			<Box flexGrow={1} />
			{selected ? (
				<Line tone={check && selectedOutcome ? check.tone : 'dim'}>
					{fitCell(selectedOutcome && check ? check.text : selected.note, props.width - 4).trimEnd()}
				</Line>
			) : null}
		</Panel>
	);
}

export function ConfirmVerifyAll(props: {count: number; bytes: number; width: number}) {
	return (
		<Box borderStyle="double" paddingX={1} flexDirection="column" width={props.width}>
			<Line bold>
				Verify {props.count} image{props.count === 1 ? '' : 's'} ({formatBytes(props.bytes)})?
			</Line>
			<Line>This reads every byte of those files from the share, one file at a time.</Line>
			<Line>Run it? [y/N] (Esc cancels a verify under way)</Line>
		</Box>
	);
}
