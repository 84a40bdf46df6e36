import {formatBytes} from '../../model/format.js';
import {allocatedBytes, sizesDiffer} from '../../model/inventory.js';
import type {ChecksumOutcome, InventoryRow} from '../../model/types.js';
import {checksumText, verdictTone} from './images-view.js';
import {labelledRows, wrapSpans} from '../wrap.js';
import {Line, Panel} from './panel.js';
import {ScrolledRows} from './scroll-view.js';

const labelWidth = 18;

export function imageDetailRows(row: InventoryRow, paths: {datadir: string; containerDatadir: string}): Array<[string, string]> {
	const image = row.image;
	const file = row.file;
	const rows: Array<[string, string]> = [
		['verdict', `${row.verdict} — ${row.note}`],
		['id', row.id],
		['name', image?.name ?? '(no image in Glance)'],
		['file on host', `${paths.datadir}/${row.id}`],
		['file in container', `${paths.containerDatadir}/${row.id}`],
		['size on disk', file ? `${formatBytes(allocatedBytes(file))} (${allocatedBytes(file)} bytes in allocated blocks)` : 'no file'],
		['apparent size', file ? `${formatBytes(file.size)} (${file.size} bytes)${sizesDiffer(file) ? ': differs from what is allocated (a sparse file?); this is the size compared with Glance' : ''}` : '-'],
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

/** One image in full, every value wrapped under its label and scrolled with j/k when it is longer than the screen. */
export function ImageDetail(props: {row: InventoryRow; outcome: ChecksumOutcome | undefined; queued: boolean; paths: {datadir: string; containerDatadir: string}; scroll: number; width: number; height: number}) {
	const width = Math.max(20, props.width - 4);
	const check = checksumText(props.outcome, props.queued);
	const rows = [
		...wrapSpans([{text: check.text, tone: check.tone}], width, {hang: 2}),
		...imageDetailRows(props.row, props.paths).flatMap(([label, value]) => labelledRows(label, value, labelWidth, width)),
	];
	return (
		<Panel title={`Image ${props.row.image?.name ?? props.row.id}`} badge={{text: props.row.verdict.toUpperCase(), tone: verdictTone[props.row.verdict]}} focused width={props.width} height={props.height} flexGrow={1}>
			<ScrolledRows rows={rows} height={Math.max(1, props.height - 4)} scroll={props.scroll} />
			<Line tone="dim">v verify checksum · j/k scroll · Esc back to the table</Line>
		</Panel>
	);
}
