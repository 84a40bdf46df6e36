import {describe, expect, it} from 'vitest';
import {dashboardFlags, runtimeFlags, runtimeFlagsFor} from '../../source/runtime-flags.js';

describe('the V8 flags of a run', () => {
	it('gives a report the GC flags alone and the dashboard V8 memory-over-speed trade besides', () => {
		for (const report of [['--json'], ['--once', '--datadir', '/x'], ['--fleet', 'inv', '--json']]) expect(runtimeFlagsFor(report)).toEqual(runtimeFlags);
		expect(runtimeFlags).not.toContain('--optimize-for-size');
		expect(runtimeFlagsFor([])).toEqual(dashboardFlags);
		expect(runtimeFlagsFor(['--demo', 'flapped'])).toContain('--optimize-for-size');
		expect(dashboardFlags.slice(0, runtimeFlags.length)).toEqual(runtimeFlags);
	});
});
