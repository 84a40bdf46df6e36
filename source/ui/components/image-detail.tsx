import {formatBytes} from '../../model/format.js';
import type {ChecksumOutcome, InventoryRow} from '../../model/types.js';
import {checksumText, verdictTone} from './images-view.js';
import {Line, Panel} from './panel.js';

export function imageDetailRows(row: InventoryRow, paths: {datadir: string; containerDatadir: string}): Array<[string, string]> {
	const image = row.image;
	const file = row.file;
	const rows: Array<[string, string]> = [
		['verdict', `${row.verdict} — ${row.note}`],
		['id', row.id],
		['name', image?.name ?? '(no image in Glance)'],
		['file on host', `${paths.datadir}/${row.id}`],
		['file in container', `${paths.containerDatadir}/${row.id}`],
		['file size', file ? `${formatBytes(file.size)} (${file.size} bytes)` : 'no file'],
		['file modified', file ? new Date(file.mtimeMs).toISOString() : '-'],
	];
	if (image) {
		rows.push(
			['status', image.status],
			['size in Glance', image.size === null ? 'unknown' : `${formatBytes(image.size)} (${image.size} bytes)`],
			['owner (project)', image.owner ?? '-'],
			['visibility', `${image.visibility}${image.hidden ? ', hidden (os_hidden)' : ''}${image.protected ? ', protected' : ''}`],
			['disk / container', `${image.diskFormat ?? '-'} / ${image.containerFormat ?? '-'}`],
			['created', image.createdAt ?? '-'],
			['updated', image.updatedAt ?? '-'],
			['checksum (md5)', image.checksum ?? 'none'],
			['os_hash', image.osHashAlgo ? `${image.osHashAlgo} ${image.osHashValue ?? ''}` : 'none'],
			['stores', image.stores?.join(', ') ?? '(not shown by Glance)'],
			['locations', image.locations.length > 0 ? image.locations.join(' ') : '(not shown by Glance)'],
		);
	}
	return rows;
}

export function ImageDetail(props: {row: InventoryRow; outcome: ChecksumOutcome | undefined; queued: boolean; paths: {datadir: string; containerDatadir: string}; width: number; height: number}) {
	const rows = imageDetailRows(props.row, props.paths);
	const check = checksumText(props.outcome, props.queued);
	const labelWidth = 18;
	return (
		<Panel title={`Image ${props.row.image?.name ?? props.row.id}`} badge={{text: props.row.verdict.toUpperCase(), tone: verdictTone[props.row.verdict]}} focused width={props.width} height={props.height} flexGrow={1}>
			<Line tone={check.tone}>{check.text}</Line>
			{rows.map(([label, value]) => (
				<Line key={label}>
					{label.padEnd(labelWidth)}
					{value}
				</Line>
			))}
			<Line tone="dim">v verify checksum · Esc back to the table</Line>
		</Panel>
	);
}
