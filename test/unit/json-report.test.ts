import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {jsonPieces, writePieces} from '../../source/json-report.js';

const rows = Array.from({length: 300}, (_, index) => ({
	id: `id-${index}`,
	image: index % 3 === 0 ? null : {name: `image "${index}"\n`, size: index * 1000, tags: [], stores: ['file'], skipped: undefined},
	file: index % 5 === 0 ? undefined : {size: index, kind: 'file'},
	nested: {deep: Array.from({length: 70}, (_, n) => (n % 7 === 0 ? undefined : n))},
}));
const report = {tool: 'glance-inspector', empty: {}, none: null, status: 'ok', inventory: {rows, others: []}, at: new Date(0)};

describe('the --json report in pieces', () => {
	it('is the same text as JSON.stringify with two-space indentation', () => {
		expect([...jsonPieces(report)].join('')).toBe(JSON.stringify(report, null, 2));
	});

	it('reaches the stream whole, in more than one write', async () => {
		const stream = new PassThrough({highWaterMark: 1024});
		const received: string[] = [];
		stream.on('data', (chunk: Buffer) => received.push(chunk.toString('utf8')));
		const big = {rows: Array.from({length: 20_000}, (_, index) => ({id: index, note: 'x'.repeat(40)}))};
		await writePieces(stream, jsonPieces(big));
		expect(received.length).toBeGreaterThan(1);
		expect(JSON.parse(received.join(''))).toEqual(big);
	});
});
