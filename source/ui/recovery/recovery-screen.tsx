import {Box, Text} from 'ink';
import {formatBytes, formatDuration} from '../../model/format.js';
import {terminalText} from '../../model/terminal-text.js';
import type {RecoveryItem, RecoveryItemStatus, RecoveryState} from '../../runbook/recovery/runner.js';
import {useTheme, type Tone} from '../theme.js';
import {wrapAfter, wrapSpans, type Row} from '../wrap.js';
import {ScrolledRows} from '../components/scroll-view.js';

const statusMark: Record<RecoveryItemStatus, {mark: string; tone: Tone; word: string}> = {
	pending: {mark: '·', tone: 'dim', word: 'waiting'},
	hashing: {mark: '⟳', tone: 'accent', word: 'checking its hash against Glance'},
	copying: {mark: '⟳', tone: 'accent', word: 'copying onto the share (temporary name)'},
	verifying: {mark: '⟳', tone: 'accent', word: 'reading the copy back from the share'},
	proving: {mark: '⟳', tone: 'accent', word: 'asking Glance for its first bytes'},
	recovered: {mark: '✔', tone: 'ok', word: 'put back'},
	exists: {mark: '–', tone: 'warn', word: 'on the share already, not touched'},
	mismatch: {mark: '✖', tone: 'crit', word: 'hash is not Glance\'s, not copied'},
	failed: {mark: '✖', tone: 'crit', word: 'failed'},
	'not-run': {mark: '○', tone: 'dim', word: 'not run'},
};

function paragraph(text: string, width: number, tone?: Tone, bold?: boolean): Row[] {
	return wrapSpans([{text: terminalText(text), tone, bold}], width, {hang: 2});
}

function itemRows(item: RecoveryItem, width: number): Row[] {
	const {mark, tone, word} = statusMark[item.status];
	const rows = wrapAfter({text: `${mark} `, tone}, [{text: terminalText(`${item.name} (${item.id}), ${formatBytes(item.bytes)}: ${word}`), tone}], width);
	for (const line of item.lines) rows.push(...wrapAfter({text: '  · ', tone: 'dim'}, [{text: terminalText(line), tone: 'dim'}], width));
	return rows;
}

/** What the recovery will do, said on the screen where it asks (the wizard's way: the confirmation names exactly what runs). */
function planRows(state: RecoveryState, width: number): Row[] {
	return [
		...paragraph(`For each image below, from ${state.datadir} as it lies under the mount point (parent filesystem ${state.parentMountpoint}):`, width),
		...paragraph('1. its hash is checked against Glance\'s os_hash_value — a mismatch is reported and not copied', width, 'dim'),
		...paragraph(`2. it is copied onto the share as ${state.datadir}/.<id>.recovering, fsync'ed, read back and checked again`, width, 'dim'),
		...paragraph('3. it gets the owner and mode of its neighbours and takes its name without overwriting (a file already there is left alone)', width, 'dim'),
		...paragraph('4. Glance is asked for its first bytes', width, 'dim'),
		...paragraph('Nothing under the mount point is deleted. Every image gets an audit record.', width, 'dim'),
	];
}

function progressRows(state: RecoveryState, width: number): Row[] {
	const {work} = state;
	if (state.phase !== 'running' || work.total === 0) return [];
	const percent = Math.floor((work.done / work.total) * 100);
	const rate = work.bytesPerSecond ? `${formatBytes(work.bytesPerSecond)}/s` : 'measuring';
	const eta = work.etaMs === null ? '' : ` · ETA ${formatDuration(work.etaMs)}`;
	return paragraph(`${percent}% · ${formatBytes(work.done)} of ${formatBytes(work.total)} read (each image three times: hash, copy, read back) · ${rate}${eta}${state.stopping ? ' · stopping after this image' : ''}`, width, 'accent');
}

function promptText(state: RecoveryState): {text: string; tone: Tone} {
	if (state.phase === 'finished') return {text: 'Esc closes · j/k scroll', tone: 'dim'};
	if (state.phase === 'running') return {text: 's stops after this image · j/k scroll', tone: 'dim'};
	const blockers = state.prompt?.blockers ?? [];
	if (blockers.length > 0) return {text: 'The recovery cannot begin (see above) · Esc closes', tone: 'crit'};
	const bytes = state.items.reduce((sum, item) => sum + item.bytes, 0);
	return {text: `Put back ${state.items.length} image${state.items.length === 1 ? '' : 's'} (${formatBytes(bytes)}) onto the share? [y/N]`, tone: 'accent'};
}

/** The guided recovery of shadowed images: what it does, each image with its outcome, progress with ETA, and where the hidden copies stay. */
export function RecoveryScreen(props: {state: RecoveryState; scroll: number; width: number; height: number}) {
	const theme = useTheme();
	const {state} = props;
	const width = Math.max(20, props.width - 4);
	const rows: Row[] = [];
	if (state.phase === 'confirm') rows.push(...planRows(state, width));
	for (const blocker of state.prompt?.blockers ?? []) rows.push(...wrapAfter({text: '✖ ', tone: 'crit'}, [{text: `cannot begin: ${terminalText(blocker)}`, tone: 'crit'}], width));
	rows.push(...progressRows(state, width));
	for (const item of state.items) rows.push(...itemRows(item, width));
	for (const line of state.summary) rows.push(...wrapAfter({text: '→ ', tone: 'accent'}, [{text: terminalText(line)}], width));
	rows.push(...paragraph(`audit log: ${state.audit.path}${state.audit.problem ? ` — ${state.audit.problem}` : ''}`, width, state.audit.problem ? 'crit' : 'dim'));
	const prompt = promptText(state);
	const promptLines = paragraph(prompt.text, width, prompt.tone, true);
	const bodyHeight = Math.max(1, props.height - 3 - promptLines.length);
	const title = state.phase === 'finished' ? (state.declined ? 'not run' : 'finished') : state.phase === 'running' ? 'running' : 'waiting for y';
	return (
		<Box flexDirection="column" borderStyle="double" borderColor={theme.color('accent')} paddingX={1} width={props.width} height={props.height} flexShrink={0}>
			<Box flexShrink={0}>
				<Text bold wrap="truncate-end" color={theme.color('accent')}>
					Put shadowed images back onto the share · {title}
				</Text>
			</Box>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				<ScrolledRows key={state.phase} rows={rows} height={bodyHeight} scroll={props.scroll} />
			</Box>
			<Box flexDirection="column" flexShrink={0}>
				<ScrolledRows rows={promptLines} height={promptLines.length} scroll={0} />
			</Box>
		</Box>
	);
}
