import {Text} from 'ink';
import {assessCapacity} from '../../model/capacity.js';
import {formatBytes, formatCount, formatDuration, formatRate, sparkline} from '../../model/format.js';
import {healthWord} from '../../model/health.js';
import type {DatadirProbe, Snapshot, Thresholds} from '../../model/types.js';
import {useTheme, type Tone} from '../theme.js';
import {wrapSpans} from '../wrap.js';
import {Line, Panel} from './panel.js';
import {RowLine} from './scroll-view.js';

const levelTone = {ok: 'ok', warning: 'warn', critical: 'crit'} as const satisfies Record<string, Tone>;

function bar(percent: number, width: number): string {
	const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
	return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** The panel's width inside its border: the graph's width, in samples. */
export const capacityInnerWidth = (width: number) => Math.max(10, width - 4);

/** What the panel draws from the history: the graph of the last `width` samples and the growth line. */
export function capacityTrend(snapshot: Snapshot, thresholds: Thresholds, width: number): {graph: string; growth: string; fillingSoon: boolean} {
	const graph = sparkline(snapshot.history.map(sample => sample.bytesUsed), width);
	const probe = snapshot.datadir;
	if (!probe?.stats) return {graph, growth: '', fillingSoon: false};
	const {growth: rate, timeToFullMs: eta, fillingSoon} = assessCapacity(probe.stats, snapshot.history, thresholds, probe.at);
	return {graph, growth: rate ? `growth ${formatRate(rate.bytesPerHour)}${eta === null ? '' : ` · full in ${formatDuration(eta)}`}` : 'growth: measuring…', fillingSoon};
}

export function CapacityPanel(props: {snapshot: Snapshot; thresholds: Thresholds; focused: boolean; width: number}) {
	const theme = useTheme();
	const probe: DatadirProbe | null = props.snapshot.datadir;
	const inner = capacityInnerWidth(props.width);
	const trend = capacityTrend(props.snapshot, props.thresholds, inner);
	if (!probe) {
		return (
			<Panel title="Capacity" focused={props.focused} width={props.width}>
				<Line tone="dim">probing…</Line>
			</Panel>
		);
	}
	if (!probe.stats) {
		return (
			<Panel title="Capacity" badge={{text: 'UNKNOWN', tone: 'unknown'}} focused={props.focused} width={props.width}>
				{[...wrapSpans([{text: `no figures: ${healthWord(probe.health)}`, tone: 'unknown'}], inner, {hang: 2}), ...wrapSpans([{text: 'last known figures stay in the graph below', tone: 'dim'}], inner, {hang: 2})].map((row, index) => (
					<RowLine key={index} row={row} />
				))}
				<Line tone="dim">{trend.graph}</Line>
			</Panel>
		);
	}
	const stats = probe.stats;
	const {percent, level, inodeLevel} = assessCapacity(stats, props.snapshot.history, props.thresholds, probe.at);
	const percentText = `${percent.bytes.toFixed(0)}%`;
	return (
		<Panel title="Capacity" badge={{text: percentText, tone: levelTone[level]}} focused={props.focused} width={props.width}>
			<Line>
				{formatBytes(stats.bytesUsed)} / {formatBytes(stats.bytesTotal)} · {formatBytes(stats.bytesAvailable)} free
			</Line>
			<Text wrap="truncate-end">
				<Text color={theme.color(levelTone[level])}>{bar(percent.bytes, Math.max(4, inner - 6))}</Text>
				<Text> {percentText}</Text>
			</Text>
			<Line tone={inodeLevel !== null && inodeLevel !== 'ok' ? 'warn' : 'plain'}>
				{percent.inodes === null ? 'inodes: not reported by this filesystem' : `inodes ${formatCount(stats.inodesUsed)} of ${formatCount(stats.inodesTotal)} (${percent.inodes.toFixed(0)}%)`}
			</Line>
			<Line tone={trend.fillingSoon ? 'warn' : 'plain'}>{trend.growth}</Line>
			<Line tone="accent">{trend.graph}</Line>
		</Panel>
	);
}
