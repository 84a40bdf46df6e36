import {Box, Text, useApp, useInput} from 'ink';
import {useMemo, useState} from 'react';
import {deriveFindings, overallStatus, type Status} from './model/findings.js';
import {formatDuration, truncateMiddle} from './model/format.js';
import type {Finding, Snapshot} from './model/types.js';
import type {Settings} from './settings.js';
import {settingRows} from './settings.js';
import {CapacityPanel} from './ui/components/capacity-panel.js';
import {ContainerPanel} from './ui/components/container-panel.js';
import {DetailsPanel} from './ui/components/details-panel.js';
import {FindingsPanel} from './ui/components/findings-panel.js';
import {HelpOverlay} from './ui/components/help-overlay.js';
import {MountPanel} from './ui/components/mount-panel.js';
import {Line} from './ui/components/panel.js';
import {capacityDetails, containerDetails, mountDetails} from './ui/details.js';
import {useNow} from './ui/hooks/use-now.js';
import {useSnapshot} from './ui/hooks/use-snapshot.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {activeBindings, commandFor} from './ui/keymap.js';
import {severityMark, useTheme, type Tone} from './ui/theme.js';
import type {SnapshotPoller} from './world/poller.js';

const panels = ['findings', 'capacity', 'mount', 'container'] as const;
type PanelName = (typeof panels)[number];

const statusTone: Record<Status, Tone> = {ok: 'ok', warning: 'warn', critical: 'crit', unknown: 'unknown'};

/** Below this the four panels cannot be drawn legibly; a one-column summary is shown instead. */
const minimum = {columns: 60, rows: 20};

export type AppProps = {poller: SnapshotPoller; label: string; settings: Settings};

function lastUpdate(snapshot: Snapshot): number | null {
	const times = [snapshot.datadir?.at, snapshot.container?.at].filter((at): at is number => at !== undefined);
	return times.length > 0 ? Math.max(...times) : null;
}

function ageText(updated: number | null, now: number): string {
	if (updated === null) return 'probing…';
	const seconds = Math.max(0, Math.floor((now - updated) / 1000));
	return seconds < 60 ? `${seconds}s ago` : `${formatDuration(now - updated)} ago`;
}

function Header(props: {label: string; datadir: string; status: Status | null; updated: number | null; now: number; width: number}) {
	const theme = useTheme();
	const status = props.status ? props.status.toUpperCase() : 'PROBING';
	const age = ageText(props.updated, props.now);
	const fixed = 'glance-inspector · '.length + props.label.length + ' · '.length + status.length + 2 + age.length + 2;
	return (
		<Box width={props.width}>
			<Box flexGrow={1}>
				<Text wrap="truncate-end">
					<Text bold color={theme.color('accent')}>
						glance-inspector
					</Text>
					<Text>
						{' '}
						· {props.label} · {truncateMiddle(props.datadir, Math.max(10, props.width - fixed))}
					</Text>
				</Text>
			</Box>
			<Text bold inverse color={theme.color(props.status ? statusTone[props.status] : 'dim')}>
				{' '}
				{status}{' '}
			</Text>
			<Text color={theme.color('dim')}> {age}</Text>
		</Box>
	);
}

function StatusBar(props: {readOnly: boolean; width: number; focus: PanelName}) {
	const theme = useTheme();
	const keys = activeBindings(props.readOnly).filter(binding => binding.inStatusBar);
	return (
		<Box width={props.width}>
			<Box flexGrow={1}>
				<Text wrap="truncate-end">
					{keys.map(binding => (
						<Text key={binding.command}>
							<Text bold color={theme.color('accent')}>
								{binding.label.split(' / ')[0]}
							</Text>
							<Text> {binding.command === 'nextPanel' ? 'panel' : binding.command === 'down' ? 'move' : binding.command}  </Text>
						</Text>
					))}
				</Text>
			</Box>
			<Text color={theme.color('dim')}>
				{props.readOnly ? 'read-only · ' : ''}focus: {props.focus}
			</Text>
		</Box>
	);
}

/** A narrow or short terminal still gets every verdict, one line each. */
function CompactView(props: {snapshot: Snapshot; findings: readonly Finding[]; columns: number; rows: number}) {
	const {datadir, container} = props.snapshot;
	return (
		<Box flexDirection="column" width={props.columns}>
			<Line tone="warn">
				{props.columns}×{props.rows} is small: enlarge to {minimum.columns}×{minimum.rows}+ for panels, or use --once
			</Line>
			<Line>mount: {datadir ? datadir.verdict : 'probing…'}</Line>
			<Line>container: {container ? (container.state === 'present' ? `${container.status}, view ${container.view.state}` : container.state) : 'probing…'}</Line>
			{props.findings.slice(0, Math.max(0, props.rows - 4)).map(finding => (
				<Line key={finding.id} tone={finding.severity === 'critical' ? 'crit' : 'warn'}>
					{severityMark[finding.severity]} {finding.id}
				</Line>
			))}
		</Box>
	);
}

export function App({poller, label, settings}: AppProps) {
	const {exit} = useApp();
	const snapshot = useSnapshot(poller);
	const {columns, rows} = useTerminalSize();
	const now = useNow();
	const [showHelp, setShowHelp] = useState(false);
	const [focus, setFocus] = useState<PanelName>('findings');
	const [selected, setSelected] = useState(0);
	const [detailOffset, setDetailOffset] = useState(0);
	const readOnly = settings.readOnly.value;

	const findings = useMemo(
		() =>
			deriveFindings(snapshot, {
				warnPercent: settings.warnPercent.value,
				critPercent: settings.critPercent.value,
				container: settings.container.value,
				now: snapshot.datadir?.at ?? Date.now(),
			}),
		[snapshot, settings],
	);
	const ready = snapshot.datadir !== null || snapshot.container !== null;
	const status = snapshot.datadir !== null && snapshot.container !== null ? overallStatus(findings).status : null;

	useInput((input, key) => {
		const command = commandFor(input, key, readOnly);
		switch (command) {
			case 'quit': {
				exit();
				break;
			}
			case 'help': {
				setShowHelp(shown => !shown);
				break;
			}
			case 'close': {
				if (showHelp) setShowHelp(false);
				else setFocus('findings');
				break;
			}
			case 'refresh': {
				poller.refreshNow();
				break;
			}
			case 'nextPanel':
			case 'previousPanel': {
				const step = command === 'nextPanel' ? 1 : panels.length - 1;
				setFocus(current => panels[(panels.indexOf(current) + step) % panels.length]!);
				setDetailOffset(0);
				break;
			}
			case 'up':
			case 'down': {
				const delta = command === 'down' ? 1 : -1;
				if (focus === 'findings') setSelected(current => Math.max(0, Math.min(findings.length - 1, current + delta)));
				else setDetailOffset(current => Math.max(0, current + delta));
				break;
			}
			case null: {
				break;
			}
		}
	});

	if (columns < minimum.columns || rows < minimum.rows) {
		return <CompactView snapshot={snapshot} findings={findings} columns={columns} rows={rows} />;
	}

	const topHeight = 8;
	const containerHeight = 5;
	const bottomHeight = Math.max(4, rows - 2 - topHeight - containerHeight);
	const half = Math.floor(columns / 2);
	let bottom;
	if (focus === 'findings') {
		bottom = <FindingsPanel findings={findings} selected={selected} focused height={bottomHeight} ready={ready} />;
	} else {
		const details = focus === 'mount' ? mountDetails(snapshot.datadir) : focus === 'capacity' ? capacityDetails(snapshot.datadir, snapshot.host) : containerDetails(snapshot.container);
		bottom = <DetailsPanel title={`${focus[0]!.toUpperCase()}${focus.slice(1)} details (j/k scroll, Esc back to findings)`} rows={details} offset={detailOffset} height={bottomHeight} focused />;
	}

	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Header label={label} datadir={snapshot.datadir?.datadir ?? settings.datadir.value} status={status} updated={lastUpdate(snapshot)} now={now} width={columns} />
			{showHelp ? (
				<HelpOverlay readOnly={readOnly} settings={settingRows(settings)} width={columns} height={rows - 2} />
			) : (
				<>
					<Box height={topHeight}>
						<CapacityPanel snapshot={snapshot} thresholds={{warnPercent: settings.warnPercent.value, critPercent: settings.critPercent.value}} focused={focus === 'capacity'} width={half} />
						<MountPanel probe={snapshot.datadir} focused={focus === 'mount'} width={columns - half} />
					</Box>
					<Box height={containerHeight}>
						<ContainerPanel probe={snapshot.container} now={now} focused={focus === 'container'} width={columns} />
					</Box>
					{bottom}
				</>
			)}
			<StatusBar readOnly={readOnly} width={columns} focus={focus} />
		</Box>
	);
}
