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
	it('reads back as the same value, indented as JSON.stringify does, with each element of a long list on one line', () => {
		const text = [...jsonPieces(report)].join('');
		expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)));
		const lines = text.split('\n');
		// Every row is one line of its own, at the list's indentation, compact.
		const rowLines = lines.filter(line => line.startsWith('      {"id":"id-'));
		expect(rowLines).toHaveLength(rows.length);
		expect(rowLines[1]).toBe(`      ${JSON.stringify(rows[1])},`);
		// What is not a long list is indented as JSON.stringify(value, null, 2) would.
		const short = {tool: report.tool, empty: report.empty, none: report.none, status: report.status, at: report.at};
		expect([...jsonPieces(short)].join('')).toBe(JSON.stringify(short, null, 2));
		expect(text.startsWith('{\n  "tool": "glance-inspector",\n  "empty": {},\n  "none": null,')).toBe(true);
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
