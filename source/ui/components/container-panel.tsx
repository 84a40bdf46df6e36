import {formatDuration, truncateMiddle} from '../../model/format.js';
import {healthWord} from '../../model/health.js';
import type {ContainerProbe, ContainerView} from '../../model/types.js';
import type {Tone} from '../theme.js';
import {Line, Panel} from './panel.js';

function viewLine(view: ContainerView): {text: string; tone: Tone} {
	switch (view.state) {
		case 'same': {
			return {text: `view of ${view.mount.mountPoint}: same mount as the host (dev ${view.mount.majorMinor}) ✔`, tone: 'ok'};
		}
		case 'stale': {
			return {text: `✖ STALE view: container dev ${view.mount.majorMinor}, host dev ${view.hostMajorMinor} (inside: ${healthWord(view.health)})`, tone: 'crit'};
		}
		case 'dead': {
			return {text: `✖ DEAD view inside the container (${healthWord(view.health)}) while the host is fine`, tone: 'crit'};
		}
		case 'unknown': {
			return {text: `view: unknown — ${view.reason}`, tone: 'unknown'};
		}
	}
}

export function ContainerPanel(props: {probe: ContainerProbe | null; now: number; focused: boolean; width: number}) {
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
	const uptime = probe.running && probe.startedAt ? `up ${formatDuration(Math.max(0, props.now - Date.parse(probe.startedAt)))}` : probe.finishedAt ? `exited ${probe.exitCode ?? ''}` : '';
	const healthTone: Tone = probe.health === 'healthy' ? 'ok' : probe.health === 'unhealthy' ? 'crit' : probe.health === 'starting' ? 'warn' : 'dim';
	// Docker's "healthy" only means the API answered: a stale or dead view outranks it.
	const viewBroken = probe.running && (probe.view.state === 'stale' || probe.view.state === 'dead');
	const badge: {text: string; tone: Tone} = !probe.running
		? {text: probe.status.toUpperCase(), tone: 'crit'}
		: viewBroken
			? {text: probe.view.state === 'stale' ? 'STALE MOUNT' : 'DEAD VIEW', tone: 'crit'}
			: {text: probe.health === 'none' ? 'RUNNING' : probe.health.toUpperCase(), tone: healthTone};
	const view = viewLine(probe.view);
	const facts = `${probe.status} · docker health: ${probe.health} · ${uptime} · restarts ${probe.restartCount} · pid ${probe.pid || '-'}`;
	return (
		<Panel title={`Container ${probe.name}`} badge={badge} focused={props.focused} width={props.width}>
			<Line>
				{facts}
				{inner - facts.length >= 18 ? ` · ${truncateMiddle(probe.image, inner - facts.length - 3)}` : ''}
			</Line>
			<Line tone={probe.running ? view.tone : 'dim'}>{probe.running ? view.text : `not running: Glance is down (restart policy ${probe.restartPolicy})`}</Line>
		</Panel>
	);
}
