import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {buildInventory, sortRows} from '../../source/model/inventory.js';
import type {GlanceImage, GlanceListing, DatadirListing} from '../../source/model/types.js';
import {ImagesTable} from '../../source/ui/components/images-view.js';
import {initialImagesState} from '../../source/ui/images-state.js';
import {plain} from './render-app.js';

function uuid(index: number): string {
	const hex = index.toString(16).padStart(12, '0');
	return `00000000-0000-4000-8000-${hex}`;
}

function bigInventory(count: number) {
	const images: GlanceImage[] = [];
	const files = [];
	for (let index = 0; index < count; index++) {
		images.push({
			id: uuid(index),
			name: `image-${String(index).padStart(5, '0')}`,
			status: 'active',
			owner: 'p',
			visibility: 'private',
			hidden: false,
			protected: false,
			size: 1000 + index,
			checksum: null,
			osHashAlgo: null,
			osHashValue: null,
			diskFormat: 'qcow2',
			containerFormat: 'bare',
			createdAt: '2026-01-01T00:00:00Z',
			updatedAt: null,
			stores: null,
			locations: [],
		});
		files.push({name: uuid(index), size: 1000 + index, mtimeMs: 0, kind: 'file' as const});
	}
	const glance: GlanceListing = {at: 0, state: 'ok', images, endpoint: 'http://127.0.0.1:9292', authSource: 'test', pages: 50, tookMs: 1};
	const listing: DatadirListing = {at: 0, state: 'ok', directory: '/srv/glance/images', files, tookMs: 1};
	return buildInventory(glance, listing, new Map());
}

describe('the image table with tens of thousands of rows', () => {
	const inventory = bigInventory(50_000);
	const rows = sortRows(inventory.rows, 'name');

	it('draws only the rows that fit, around the selected one', () => {
		const state = {...initialImagesState, sort: 'name' as const, index: 25_000};
		const {lastFrame, unmount} = render(<ImagesTable inventory={inventory} rows={rows} state={state} outcomes={new Map()} queued={[]} width={80} height={22} />);
		const frame = plain(lastFrame() ?? '');
		unmount();
		const drawnRows = frame.split('\n').filter(line => /image-\d{5}/.test(line));
		expect(drawnRows.length).toBeGreaterThan(5);
		expect(drawnRows.length).toBeLessThanOrEqual(22);
		expect(frame).toContain('Images 50000 of 50000');
		expect(frame).toContain('ok 50000');
		const selected = frame.split('\n').find(line => line.includes('›'));
		expect(selected).toContain('image-25000');
	});

	it('keeps the last row selectable at the end of the list', () => {
		const state = {...initialImagesState, sort: 'name' as const, index: rows.length - 1};
		const {lastFrame, unmount} = render(<ImagesTable inventory={inventory} rows={rows} state={state} outcomes={new Map()} queued={[]} width={80} height={22} />);
		const frame = plain(lastFrame() ?? '');
		unmount();
		expect(frame.split('\n').find(line => line.includes('›'))).toContain('image-49999');
	});
});
