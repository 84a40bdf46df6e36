import {Box, Text, useApp, useInput, type Key} from 'ink';
import {useEffect, useMemo, useReducer, useState} from 'react';
import {deriveFindings, overallStatus, type Status} from './model/findings.js';
import {formatDuration, truncateMiddle} from './model/format.js';
import type {Finding, InventoryRow, Snapshot} from './model/types.js';
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
import {activeBindings, commandFor, type Scope} from './ui/keymap.js';
import {imagesReducer, initialImagesState} from './ui/images-state.js';
import {ImageDetail} from './ui/components/image-detail.js';
import {ConfirmVerifyAll, ImagesTable} from './ui/components/images-view.js';
import {buildInventory, filterRows, sortRows, verdictOrder} from './model/inventory.js';
import type {ChecksumVerifier, VerifierState} from './world/verifier.js';
import type {RemountRunner} from './runbook/runner.js';
import type {WizardState} from './runbook/state.js';
import {RemountWizard} from './ui/components/remount-wizard.js';
import {severityMark, useTheme, type Tone} from './ui/theme.js';
import type {SnapshotPoller} from './world/poller.js';

const panels = ['findings', 'capacity', 'mount', 'container'] as const;
type PanelName = (typeof panels)[number];

const statusTone: Record<Status, Tone> = {ok: 'ok', warning: 'warn', critical: 'crit', unknown: 'unknown'};

/** Below this the four panels cannot be drawn legibly; a one-column summary is shown instead. */
const minimum = {columns: 60, rows: 20};

export type AppProps = {
	poller: SnapshotPoller;
	verifier: ChecksumVerifier;
	label: string;
	settings: Settings;
	/** A new guided remount on this World; absent where nothing may change the machine. */
	createRemount?: () => RemountRunner;
	/** On the training simulator: what the scenario teaches, shown at the top of the help. */
	lesson?: string;
};

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
		<Box width={props.width} flexShrink={0}>
			<Box flexGrow={1} flexShrink={1} overflow="hidden">
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

function StatusBar(props: {readOnly: boolean; scope: Scope; width: number; place: string}) {
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

function useWizard(runner: RemountRunner | null): WizardState | null {
	const [state, setState] = useState<WizardState | null>(runner?.state ?? null);
	useEffect(() => {
		setState(runner?.state ?? null);
		return runner?.subscribe(setState);
	}, [runner]);
	return state;
}

function useVerifier(verifier: ChecksumVerifier): VerifierState {
	const [state, setState] = useState(verifier.state);
	useEffect(() => verifier.subscribe(setState), [verifier]);
	return state;
}

export function App({poller, verifier, label, settings, createRemount, lesson}: AppProps) {
	const {exit} = useApp();
	const snapshot = useSnapshot(poller);
	const verification = useVerifier(verifier);
	const {columns, rows} = useTerminalSize();
	const now = useNow();
	const [showHelp, setShowHelp] = useState(false);
	const [helpOffset, setHelpOffset] = useState(0);
	const [view, setView] = useState<'dashboard' | 'images' | 'remount'>('dashboard');
	const [remount, setRemount] = useState<RemountRunner | null>(null);
	const wizard = useWizard(remount);
	const [focus, setFocus] = useState<PanelName>('findings');
	const [selected, setSelected] = useState(0);
	const [detailOffset, setDetailOffset] = useState(0);
	const [images, dispatch] = useReducer(imagesReducer, initialImagesState);
	// Without a way to remount, the dangerous keys are removed, exactly as in read-only mode.
	const readOnly = settings.readOnly.value || !createRemount;

	const inventory = useMemo(() => buildInventory(snapshot.glance, snapshot.files, verification.outcomes), [snapshot.glance, snapshot.files, verification.outcomes]);
	const findings = useMemo(
		() =>
			deriveFindings(snapshot, {
				warnPercent: settings.warnPercent.value,
				critPercent: settings.critPercent.value,
				container: settings.container.value,
				now: snapshot.datadir?.at ?? Date.now(),
				inventory,
			}),
		[snapshot, settings, inventory],
	);
	const imageRows = useMemo(
		() => sortRows(filterRows(inventory.rows, {text: images.text, verdict: images.verdict}), images.sort, images.descending),
		[inventory, images.text, images.verdict, images.sort, images.descending],
	);
	const current = imageRows[Math.min(images.index, imageRows.length - 1)];
	const ready = snapshot.datadir !== null || snapshot.container !== null;
	const status = snapshot.datadir !== null && snapshot.container !== null ? overallStatus(findings).status : null;
	const scope: Scope = view === 'dashboard' || view === 'remount' ? 'dashboard' : images.mode === 'detail' ? 'image' : 'images';
	const tableHeight = Math.max(6, rows - 2);
	const page = Math.max(1, tableHeight - 8);
	const verifiable = (row: InventoryRow | undefined) => row?.image !== null && row?.image !== undefined && row.file !== null;

	const imageKeys = (input: string, key: Key): boolean => {
		// Typing a filter takes every key but Enter, Escape and Backspace.
		if (images.mode === 'filtering') {
			if (key.return) dispatch({type: 'endFilter'});
			else if (key.escape) dispatch({type: 'clearFilter'});
			else if (key.backspace || key.delete) dispatch({type: 'erase'});
			else if (input && !key.ctrl && !key.meta) {
				// Text and Enter can arrive in one chunk: keep the text, then end the filter.
				const end = input.search(/[\r\n]/);
				if (end !== 0) dispatch({type: 'type', text: end < 0 ? input : input.slice(0, end)});
				if (end >= 0) dispatch({type: 'endFilter'});
			}
			return true;
		}
		// A fast typist or a paste delivers "/text" as one chunk: start the filter with the rest as its text.
		if (input.length > 1 && input.startsWith('/') && images.mode === 'table') {
			dispatch({type: 'startFilter'});
			dispatch({type: 'type', text: input.slice(1)});
			return true;
		}
		if (images.mode === 'confirm-verify-all') {
			// Only y runs it; n, Enter and Escape do not.
			if (input === 'y') verifier.enqueue(imageRows.filter(verifiable).map(row => row.image!));
			dispatch({type: 'back'});
			return true;
		}
		return false;
	};

	useInput((input, key) => {
		if (showHelp) {
			if (key.escape || input === '?') setShowHelp(false);
			else if (input === 'q' || (key.ctrl && input === 'c')) exit();
			else if (input === 'j' || key.downArrow) setHelpOffset(offset => offset + 1);
			else if (input === 'k' || key.upArrow) setHelpOffset(offset => Math.max(0, offset - 1));
			return;
		}
		if (view === 'remount' && remount) {
			// The wizard takes its keys first: y, n, a, r, l, the typed word. What it leaves: closing once it has ended.
			if (remount.handleKey(input, key)) return;
			const ended = wizard?.phase === 'finished' || wizard?.phase === 'aborted';
			if (ended && (key.escape || input === 'q')) {
				remount.dispose();
				setRemount(null);
				setView('dashboard');
				poller.refreshNow();
			}
			return;
		}
		if (view === 'images' && imageKeys(input, key)) return;
		const command = commandFor(input, key, readOnly, scope);
		const rowCount = imageRows.length;
		switch (command) {
			case 'quit': {
				exit();
				break;
			}
			case 'help': {
				setShowHelp(true);
				setHelpOffset(0);
				break;
			}
			case 'refresh': {
				poller.refreshNow();
				break;
			}
			case 'images': {
				setView('images');
				break;
			}
			case 'remount': {
				if (!createRemount) break;
				const runner = createRemount();
				setRemount(runner);
				setView('remount');
				void runner.start();
				break;
			}
			case 'close': {
				if (view === 'images') {
					if (current && verification.outcomes.get(current.id)?.state === 'running') verifier.cancel(current.id);
					else if (images.mode === 'detail') dispatch({type: 'back'});
					else if (verifier.isBusy()) verifier.cancel();
					else setView('dashboard');
				} else {
					setFocus('findings');
				}
				break;
			}
			case 'nextPanel':
			case 'previousPanel': {
				const step = command === 'nextPanel' ? 1 : panels.length - 1;
				setFocus(currentPanel => panels[(panels.indexOf(currentPanel) + step) % panels.length]!);
				setDetailOffset(0);
				break;
			}
			case 'up':
			case 'down': {
				const delta = command === 'down' ? 1 : -1;
				if (view === 'images') dispatch({type: 'move', delta, rowCount});
				else if (focus === 'findings') setSelected(index => Math.max(0, Math.min(findings.length - 1, index + delta)));
				else setDetailOffset(offset => Math.max(0, offset + delta));
				break;
			}
			case 'pageUp':
			case 'pageDown': {
				dispatch({type: 'move', delta: command === 'pageDown' ? page : -page, rowCount});
				break;
			}
			case 'top':
			case 'bottom': {
				dispatch({type: 'jump', to: command, rowCount});
				break;
			}
			case 'filter': {
				dispatch({type: 'startFilter'});
				break;
			}
			case 'cycleVerdict': {
				dispatch({type: 'cycleVerdict', available: verdictOrder.filter(verdict => inventory.totals[verdict].count > 0)});
				break;
			}
			case 'cycleSort': {
				dispatch({type: 'cycleSort'});
				break;
			}
			case 'reverseSort': {
				dispatch({type: 'reverseSort'});
				break;
			}
			case 'open': {
				if (current) dispatch({type: 'open'});
				break;
			}
			case 'verify': {
				if (verifiable(current)) verifier.enqueue([current!.image!]);
				break;
			}
			case 'verifyAll': {
				if (imageRows.some(verifiable)) dispatch({type: 'confirmVerifyAll'});
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

	let body;
	if (showHelp) {
		body = <HelpOverlay readOnly={readOnly} scope={scope} settings={settingRows(settings)} lesson={lesson ?? null} offset={helpOffset} width={columns} height={rows - 2} />;
	} else if (view === 'remount' && wizard) {
		body = <RemountWizard state={wizard} width={columns} height={rows - 2} />;
	} else if (view === 'images') {
		const paths = {datadir: snapshot.files?.directory ?? snapshot.datadir?.datadir ?? settings.datadir.value, containerDatadir: settings.containerDatadir.value};
		if (images.mode === 'detail' && current) {
			body = <ImageDetail row={current} outcome={verification.outcomes.get(current.id)} queued={verification.queued.includes(current.id)} paths={paths} width={columns} height={tableHeight} />;
		} else if (images.mode === 'confirm-verify-all') {
			const targets = imageRows.filter(verifiable);
			body = <ConfirmVerifyAll count={targets.length} bytes={targets.reduce((sum, row) => sum + (row.file?.size ?? 0), 0)} width={columns} />;
		} else {
			body = <ImagesTable inventory={inventory} rows={imageRows} state={images} outcomes={verification.outcomes} queued={verification.queued} width={columns} height={tableHeight} />;
		}
	} else {
		body = <Dashboard snapshot={snapshot} findings={findings} settings={settings} focus={focus} selected={selected} detailOffset={detailOffset} ready={ready} now={now} columns={columns} rows={rows} />;
	}

	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Header label={label} datadir={snapshot.datadir?.datadir ?? settings.datadir.value} status={status} updated={lastUpdate(snapshot)} now={now} width={columns} />
			{body}
			{view === 'remount' ? (
				<Line tone="dim">{wizard?.phase === 'finished' || wizard?.phase === 'aborted' ? 'Esc or q closes the wizard' : 'y runs the step · n, Enter or Esc says no · a aborts · nothing runs without y'}</Line>
			) : (
				<StatusBar readOnly={readOnly} scope={scope} width={columns} place={view === 'images' ? `images: ${images.mode}` : `focus: ${focus}`} />
			)}
		</Box>
	);
}

function Dashboard(props: {snapshot: Snapshot; findings: readonly Finding[]; settings: Settings; focus: PanelName; selected: number; detailOffset: number; ready: boolean; now: number; columns: number; rows: number}) {
	const {snapshot, focus, columns, rows, settings} = props;
	const topHeight = 8;
	const containerHeight = 5;
	const bottomHeight = Math.max(4, rows - 2 - topHeight - containerHeight);
	const half = Math.floor(columns / 2);
	let bottom;
	if (focus === 'findings') {
		bottom = <FindingsPanel findings={props.findings} selected={props.selected} focused height={bottomHeight} ready={props.ready} />;
	} else {
		const details = focus === 'mount' ? mountDetails(snapshot.datadir) : focus === 'capacity' ? capacityDetails(snapshot.datadir, snapshot.host) : containerDetails(snapshot.container);
		bottom = <DetailsPanel title={`${focus[0]!.toUpperCase()}${focus.slice(1)} details (j/k scroll, Esc back to findings)`} rows={details} offset={props.detailOffset} height={bottomHeight} focused />;
	}
	return (
		<>
			<Box height={topHeight} flexShrink={0}>
				<CapacityPanel snapshot={snapshot} thresholds={{warnPercent: settings.warnPercent.value, critPercent: settings.critPercent.value}} focused={focus === 'capacity'} width={half} />
				<MountPanel probe={snapshot.datadir} focused={focus === 'mount'} width={columns - half} />
			</Box>
			<Box height={containerHeight} flexShrink={0}>
				<ContainerPanel probe={snapshot.container} now={props.now} focused={focus === 'container'} width={columns} />
			</Box>
			{bottom}
		</>
	);
}
