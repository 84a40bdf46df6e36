import {truncateMiddle} from '../../model/format.js';
import {describeHealth, healthTone} from '../../model/health.js';
import {terminalText} from '../../model/terminal-text.js';
import type {DatadirProbe, MountVerdict} from '../../model/types.js';
import type {Tone} from '../theme.js';
import {fitCell} from '../wrap.js';
import {Line, Panel} from './panel.js';

const verdictBadge: Record<MountVerdict, {text: string; tone: Tone}> = {
	responsive: {text: 'RESPONSIVE', tone: 'ok'},
	unresponsive: {text: 'HUNG', tone: 'crit'},
	dead: {text: 'DEAD', tone: 'crit'},
	'not-mounted': {text: 'NOT MOUNTED', tone: 'crit'},
	missing: {text: 'NO DATADIR', tone: 'crit'},
	error: {text: 'ERROR', tone: 'unknown'},
};

export function MountPanel(props: {probe: DatadirProbe | null; focused: boolean; width: number}) {
	const inner = Math.max(10, props.width - 4);
	const probe = props.probe;
	if (!probe) {
		return (
			<Panel title="Mount" focused={props.focused} width={props.width}>
				<Line tone="dim">probing…</Line>
			</Panel>
		);
	}
	const mount = probe.mount;
	const fstabText = probe.fstab
		? `fstab line ${probe.fstab.line}: ${probe.fstab.vfsType} ${probe.fstab.options.join(',')}`
		: probe.expectedFrom === 'flag'
			? 'no fstab line for --mountpoint'
			: probe.fstabProblem ?? 'no fstab line holds the datadir';
	return (
		<Panel title="Mount" badge={verdictBadge[probe.verdict]} focused={props.focused} width={props.width}>
			<Line tone={healthTone(probe.health)}>{describeHealth(probe.health)}</Line>
			<Line>
				{mount ? `${truncateMiddle(terminalText(mount.mountPoint), Math.max(8, inner - mount.fsType.length - 1))} ${mount.fsType}` : 'no mount found'}
			</Line>
			<Line tone="dim">from {mount ? truncateMiddle(terminalText(mount.source), inner - 5) : '?'}</Line>
			<Line tone="dim">{mount ? `dev ${mount.majorMinor} · id ${mount.mountId} · ${mount.mountOptions[0] ?? ''}` : ''}</Line>
			<Line tone={probe.verdict === 'not-mounted' ? 'crit' : 'dim'}>
				{probe.verdict === 'not-mounted' ? `${probe.expectedMountpoint} expected, not mounted` : fitCell(fstabText, inner).trimEnd()}
			</Line>
		</Panel>
	);
}
