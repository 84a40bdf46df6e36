import {describe, expect, it} from 'vitest';
import {splitLines} from '../../source/world/real/child-io.js';

describe('splitLines', () => {
	it('hands over whole lines however the chunks fall, and the unterminated last one on flush', () => {
		const lines: string[] = [];
		const splitter = splitLines(line => lines.push(line));
		splitter.push('{"a":');
		splitter.push('1}\n{"b"');
		expect(lines).toEqual(['{"a":1}']);
		splitter.push(':2}\n\nlast');
		expect(lines).toEqual(['{"a":1}', '{"b":2}', '']);
		splitter.flush();
		expect(lines).toEqual(['{"a":1}', '{"b":2}', '', 'last']);
		splitter.flush();
		expect(lines).toHaveLength(4);
	});
});
