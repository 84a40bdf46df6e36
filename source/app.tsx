import {Box} from 'ink';
import {overallStatus} from './model/findings.js';
import type {RemountRunner} from './runbook/runner.js';
import type {Settings} from './settings.js';
import {settingRows, thresholdsOf} from './settings.js';
import {CompactView, minimumSize} from './ui/components/compact-view.js';
import {capacityInnerWidth} from './ui/components/capacity-panel.js';
import {capacityPanelWidth, Dashboard} from './ui/components/dashboard.js';
import {Header} from './ui/components/header.js';
import {HelpOverlay} from './ui/components/help-overlay.js';
import {ImageDetail} from './ui/components/image-detail.js';
import {ConfirmVerifyAll, ImagesTable} from './ui/components/images-view.js';
import {RemountWizard} from './ui/components/remount-wizard.js';
import {StatusBar} from './ui/components/status-bar.js';
import {useAppKeys} from './ui/hooks/use-app-keys.js';
import {useInventory} from './ui/hooks/use-inventory.js';
import {underHelp, useScreen, whereOf} from './ui/hooks/use-screen.js';
import {useSnapshot} from './ui/hooks/use-snapshot.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {useVerifier} from './ui/hooks/use-verifier.js';
import {useWizard} from './ui/hooks/use-wizard.js';
import {verifiableRows} from './ui/images-keys.js';
import {recoveryWhere, type RecoveryFactory} from './ui/recovery/recovery-keys.js';
import {RecoveryScreen} from './ui/recovery/recovery-screen.js';
import {useRecovery} from './ui/recovery/use-recovery.js';
import {Line} from './ui/components/panel.js';
import type {SnapshotPoller} from './world/poller.js';
import type {ChecksumVerifier} from './world/verifier.js';

export type AppProps = {
	poller: SnapshotPoller;
	verifier: ChecksumVerifier;
	label: string;
	settings: Settings;
	/** A new guided remount on this World; null where nothing may change the machine (--read-only). */
	createRemount: (() => RemountRunner) | null;
	/** Putting shadowed images back on this World; null or absent where nothing may change the machine. */
	createRecovery?: RecoveryFactory | null;
	/** On the training simulator: what the scenario teaches, shown at the top of the help. */
	lesson?: string;
};

/** The root: which view is on top, with the header above it and the key bar below. */
export function App({poller, verifier, label, settings, createRemount, createRecovery = null, lesson}: AppProps) {
	const {columns, rows} = useTerminalSize();
	const screen = useScreen();
	const [snapshot, drawNextRound] = useSnapshot(poller, {host: screen.view === 'dashboard' && screen.focus === 'capacity', trendWidth: capacityInnerWidth(capacityPanelWidth(columns)), thresholds: thresholdsOf(settings)});
	const verification = useVerifier(verifier);
	const wizard = useWizard(screen.remount);
	const table = useInventory(snapshot, verification, settings, screen.images, screen.view === 'images');
	// Two guards: the setting removes the dangerous keys, and in read-only mode the CLI gives no remount at all.
	const readOnly = settings.readOnly.value || createRemount === null;
	const tableHeight = Math.max(6, rows - 2);
	const tooSmall = columns < minimumSize.columns || rows < minimumSize.rows;
	const recovery = useRecovery();
	useAppKeys({screen, table, wizard, readOnly, tooSmall, poller, drawNextRound, verifier, verification, createRemount, page: Math.max(1, tableHeight - 8), recovery, createRecovery: readOnly ? null : createRecovery});

	const {view, images} = screen;
	const {inventory, findings, current} = table;
	if (tooSmall) {
		return <CompactView snapshot={snapshot} findings={findings} columns={columns} rows={rows} wizardOpen={view === 'remount'} />;
	}

	let body;
	if (recovery.state) {
		body = <RecoveryScreen state={recovery.state} scroll={screen.detailOffset} width={columns} height={rows - 2} />;
	} else if (screen.showHelp) {
		body = <HelpOverlay where={underHelp(screen, wizard, readOnly)} settings={settingRows(settings)} lesson={lesson ?? null} offset={screen.helpOffset} width={columns} height={rows - 2} />;
	} else if (view === 'remount' && wizard && screen.abandoning) {
		body = (
			<>
				<RemountWizard state={wizard} scroll={screen.detailOffset} width={columns} height={rows - 3} />
				<Line bold tone="warn">
					Abandon the remount? y/N — what already ran stays as it is
				</Line>
			</>
		);
	} else if (view === 'remount' && wizard) {
		body = <RemountWizard state={wizard} scroll={screen.detailOffset} width={columns} height={rows - 2} />;
	} else if (view === 'images') {
		const paths = {datadir: snapshot.files?.directory ?? snapshot.datadir?.datadir ?? settings.datadir.value, containerDatadir: settings.containerDatadir.value};
		if (images.mode === 'detail' && current) {
			body = <ImageDetail row={current} outcome={verification.outcomes.get(current.id)} queued={verification.queued.includes(current.id)} paths={paths} scroll={screen.detailOffset} width={columns} height={tableHeight} />;
		} else if (images.mode === 'confirm-verify-all') {
			const targets = verifiableRows(table.rows);
			body = <ConfirmVerifyAll count={targets.length} bytes={targets.reduce((sum, row) => sum + (row.file?.size ?? 0), 0)} width={columns} />;
		} else {
			body = <ImagesTable inventory={inventory} rows={table.rows} state={{...images, index: table.position}} outcomes={verification.outcomes} queued={verification.queued} width={columns} height={tableHeight} />;
		}
	} else {
		const ready = snapshot.datadir !== null || snapshot.container !== null;
		body = <Dashboard snapshot={snapshot} findings={findings} settings={settings} focus={screen.focus} scroll={screen.detailOffset} ready={ready} columns={columns} rows={rows} />;
	}

	const status = snapshot.datadir !== null && snapshot.container !== null ? overallStatus(findings).status : null;
	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Header label={label} datadir={snapshot.datadir?.datadir ?? settings.datadir.value} readOnly={settings.readOnly.value} status={status} poller={poller} refreshMs={settings.refreshSeconds.value * 1000} width={columns} />
			{body}
			<StatusBar
				where={recoveryWhere(recovery.state, readOnly) ?? whereOf(screen, wizard, readOnly)}
				width={columns}
				readOnlyMark={settings.readOnly.value}
				place={recovery.state ? null : view === 'images' ? `images: ${images.mode}` : view === 'dashboard' ? `focus: ${screen.focus}` : null}
				notice={screen.notice}
			/>
		</Box>
	);
}
