import {Box} from 'ink';
import type {Finding, Snapshot} from '../../model/types.js';
import {thresholdsOf, type Settings} from '../../settings.js';
import {capacityDetails, containerDetails, mountDetails} from '../details.js';
import type {PanelName} from '../hooks/use-screen.js';
import {CapacityPanel} from './capacity-panel.js';
import {ContainerPanel} from './container-panel.js';
import {DetailsPanel} from './details-panel.js';
import {FindingsPanel} from './findings-panel.js';
import {MountPanel} from './mount-panel.js';

/** The capacity panel's share of the width (the mount panel has the rest). */
export const capacityPanelWidth = (columns: number) => Math.floor(columns / 2);

/**
 * Capacity and mount side by side, the container below, and the findings or the focused panel's details at
 * the bottom, which take every row a taller terminal gives. `scroll` is the keys' scroll count (j minus k).
 */
export function Dashboard(props: {snapshot: Snapshot; findings: readonly Finding[]; settings: Settings; focus: PanelName; scroll: number; ready: boolean; columns: number; rows: number}) {
	const {snapshot, focus, columns, rows, settings} = props;
	const topHeight = 8;
	const containerHeight = 5;
	const bottomHeight = Math.max(4, rows - 2 - topHeight - containerHeight);
	const half = capacityPanelWidth(columns);
	const thresholds = thresholdsOf(settings);
	let bottom;
	if (focus === 'findings') {
		bottom = <FindingsPanel findings={props.findings} scroll={props.scroll} focused width={columns} height={bottomHeight} ready={props.ready} />;
	} else {
		const details = focus === 'mount' ? mountDetails(snapshot.datadir) : focus === 'capacity' ? capacityDetails(snapshot, thresholds) : containerDetails(snapshot.container, snapshot.datadir, settings.containerDatadir.value);
		bottom = <DetailsPanel title={`${focus[0]!.toUpperCase()}${focus.slice(1)} details (j/k scroll, Esc back to findings)`} rows={details} scroll={props.scroll} width={columns} height={bottomHeight} focused />;
	}
	return (
		<>
			<Box height={topHeight} flexShrink={0}>
				<CapacityPanel snapshot={snapshot} thresholds={thresholds} focused={focus === 'capacity'} width={half} />
				<MountPanel probe={snapshot.datadir} focused={focus === 'mount'} width={columns - half} />
			</Box>
			<Box height={containerHeight} flexShrink={0}>
				<ContainerPanel probe={snapshot.container} datadir={snapshot.datadir} containerDatadir={settings.containerDatadir.value} focused={focus === 'container'} width={columns} />
			</Box>
			{bottom}
		</>
	);
}
