import {formatDuration, truncateMiddle} from '../../model/format.js';
import {containerVerdict, describeContainerVerdict, type ContainerVerdict} from '../../model/mount.js';
import {terminalText} from '../../model/terminal-text.js';
import type {ContainerProbe, DatadirProbe} from '../../model/types.js';
import type {Tone} from '../theme.js';
import {Line, Panel} from './panel.js';

const verdictTone: Record<ContainerVerdict['state'], Tone> = {
	'not-running': 'dim',
	elsewhere: 'unknown',
	stale: 'crit',
	dead: 'crit',
	'share-down': 'crit',
	same: 'ok',
	unknown: 'unknown',
};

/** The badge when the verdict outranks docker's health: "healthy" only means the API answered. */
const verdictBadge: Partial<Record<ContainerVerdict['state'], string>> = {elsewhere: 'OTHER DATADIR', stale: 'STALE MOUNT', dead: 'DEAD VIEW', 'share-down': 'SHARE DOWN'};

export function ContainerPanel(props: {probe: ContainerProbe | null; datadir: DatadirProbe | null; containerDatadir: string; focused: boolean; width: number}) {
	const probe = props.probe;
	const inner = Math.max(10, props.width - 4);
	if (!probe) {
		return (
			<Panel title="Container" focused={props.focused} width={props.width}>
				<Line tone="dim">asking docker…</Line>
				<Line> </Line>
			</Panel>
		);
	}
	if (probe.state === 'docker-unreachable') {
		return (
			<Panel title={`Container ${probe.name}`} badge={{text: 'UNKNOWN', tone: 'unknown'}} focused={props.focused} width={props.width}>
				<Line tone="unknown">{probe.reason}</Line>
				<Line tone="dim">{probe.hint}</Line>
			</Panel>
		);
	}
	if (probe.state === 'missing') {
		return (
			<Panel title={`Container ${probe.name}`} badge={{text: 'MISSING', tone: 'crit'}} focused={props.focused} width={props.width}>
				<Line tone="crit">no container named {probe.name}</Line>
				<Line tone="dim">check --container; kolla names it glance_api</Line>
			</Panel>
		);
	}
	const uptime = probe.running && probe.startedAt ? `up ${formatDuration(Math.max(0, probe.at - Date.parse(probe.startedAt)))}` : probe.finishedAt ? `exited ${probe.exitCode ?? ''}` : '';
	const healthTone: Tone = probe.health === 'healthy' ? 'ok' : probe.health === 'unhealthy' ? 'crit' : probe.health === 'starting' ? 'warn' : 'dim';
	const verdict = containerVerdict(probe, props.datadir, props.containerDatadir);
	const outranking = verdictBadge[verdict.state];
	const badge: {text: string; tone: Tone} = !probe.running
		? {text: probe.status.toUpperCase(), tone: 'crit'}
		: outranking
			? {text: outranking, tone: verdictTone[verdict.state]}
			: {text: probe.health === 'none' ? 'RUNNING' : probe.health.toUpperCase(), tone: healthTone};
	const facts = `${probe.status} · docker health: ${probe.health} · ${uptime} · restarts ${probe.restartCount} · pid ${probe.pid || '-'}`;
	return (
		<Panel title={`Container ${probe.name}`} badge={badge} focused={props.focused} width={props.width}>
			<Line>
				{facts}
				{inner - facts.length >= 18 ? ` · ${truncateMiddle(terminalText(probe.image), inner - facts.length - 3)}` : ''}
			</Line>
			<Line tone={verdictTone[verdict.state]}>{verdict.state === 'not-running' ? `${describeContainerVerdict(verdict)} (restart policy ${probe.restartPolicy})` : describeContainerVerdict(verdict)}</Line>
		</Panel>
	);
}
