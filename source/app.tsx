import {Box} from 'ink';
import {overallStatus} from './model/findings.js';
import type {RemountRunner} from './runbook/runner.js';
import type {Settings} from './settings.js';
import {settingRows} from './settings.js';
import {CompactView, minimumSize} from './ui/components/compact-view.js';
import {Dashboard} from './ui/components/dashboard.js';
import {Header, lastUpdate} from './ui/components/header.js';
import {HelpOverlay} from './ui/components/help-overlay.js';
import {ImageDetail} from './ui/components/image-detail.js';
import {ConfirmVerifyAll, ImagesTable} from './ui/components/images-view.js';
import {RemountStatusBar} from './ui/components/remount-status-bar.js';
import {RemountWizard} from './ui/components/remount-wizard.js';
import {StatusBar} from './ui/components/status-bar.js';
import {useAppKeys} from './ui/hooks/use-app-keys.js';
import {isVerifiable, useInventory} from './ui/hooks/use-inventory.js';
import {useNow} from './ui/hooks/use-now.js';
import {useScreen} from './ui/hooks/use-screen.js';
import {useSnapshot} from './ui/hooks/use-snapshot.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {useVerifier} from './ui/hooks/use-verifier.js';
import {hasEnded, useWizard} from './ui/hooks/use-wizard.js';
import type {SnapshotPoller} from './world/poller.js';
import type {ChecksumVerifier} from './world/verifier.js';

export type AppProps = {
	poller: SnapshotPoller;
	verifier: ChecksumVerifier;
	label: string;
	settings: Settings;
	/** A new guided remount on this World; null where nothing may change the machine (--read-only). */
	createRemount: (() => RemountRunner) | null;
	/** On the training simulator: what the scenario teaches, shown at the top of the help. */
	lesson?: string;
};

/** The root: which view is on top, with the header above it and the key bar below. */
export function App({poller, verifier, label, settings, createRemount, lesson}: AppProps) {
	const snapshot = useSnapshot(poller);
	const verification = useVerifier(verifier);
	const {columns, rows} = useTerminalSize();
	const now = useNow();
	const screen = useScreen();
	const wizard = useWizard(screen.remount);
	const table = useInventory(snapshot, verification, settings, screen.images);
	// Two guards: the setting removes the dangerous keys, and in read-only mode the CLI gives no remount at all.
	const readOnly = settings.readOnly.value || createRemount === null;
	const tableHeight = Math.max(6, rows - 2);
	useAppKeys({screen, table, wizard, readOnly, poller, verifier, verification, createRemount, page: Math.max(1, tableHeight - 8)});

	const {view, images, scope} = screen;
	const {inventory, findings, current} = table;
	if (columns < minimumSize.columns || rows < minimumSize.rows) {
		return <CompactView snapshot={snapshot} findings={findings} columns={columns} rows={rows} />;
	}

	let body;
	if (screen.showHelp) {
		body = <HelpOverlay readOnly={readOnly} scope={scope} settings={settingRows(settings)} lesson={lesson ?? null} offset={screen.helpOffset} width={columns} height={rows - 2} />;
	} else if (view === 'remount' && wizard) {
		body = <RemountWizard state={wizard} scroll={screen.detailOffset} width={columns} height={rows - 2} />;
	} else if (view === 'images') {
		const paths = {datadir: snapshot.files?.directory ?? snapshot.datadir?.datadir ?? settings.datadir.value, containerDatadir: settings.containerDatadir.value};
		if (images.mode === 'detail' && current) {
			body = <ImageDetail row={current} outcome={verification.outcomes.get(current.id)} queued={verification.queued.includes(current.id)} paths={paths} scroll={screen.detailOffset} width={columns} height={tableHeight} />;
		} else if (images.mode === 'confirm-verify-all') {
			const targets = table.rows.filter(isVerifiable);
			body = <ConfirmVerifyAll count={targets.length} bytes={targets.reduce((sum, row) => sum + (row.file?.size ?? 0), 0)} width={columns} />;
		} else {
			body = <ImagesTable inventory={inventory} rows={table.rows} state={{...images, index: table.position}} outcomes={verification.outcomes} queued={verification.queued} width={columns} height={tableHeight} />;
		}
	} else {
		const ready = snapshot.datadir !== null || snapshot.container !== null;
		body = <Dashboard snapshot={snapshot} findings={findings} settings={settings} focus={screen.focus} scroll={screen.detailOffset} ready={ready} now={now} columns={columns} rows={rows} />;
	}

	const status = snapshot.datadir !== null && snapshot.container !== null ? overallStatus(findings).status : null;
	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Header label={label} datadir={snapshot.datadir?.datadir ?? settings.datadir.value} readOnly={settings.readOnly.value} status={status} updated={lastUpdate(snapshot)} now={now} width={columns} />
			{body}
			{view === 'remount' ? (
				<RemountStatusBar ended={hasEnded(wizard)} />
			) : (
				<StatusBar readOnly={readOnly} readOnlyMark={settings.readOnly.value} scope={scope} width={columns} place={view === 'images' ? `images: ${images.mode}` : `focus: ${screen.focus}`} />
			)}
		</Box>
	);
}
