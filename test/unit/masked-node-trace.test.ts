import {describe, expect, it} from 'vitest';
import {parseExecs} from '../support/masked-node.js';

describe("the release test's reading of strace", () => {
	it('keeps an execve that another process interleaved, joining its unfinished and resumed lines by PID', () => {
		const trace = [
			'100 execve("/r/gi", ["/r/gi", "--child-role", "probe-worker", "{}"], 0x7ffd /* 9 vars */) = 0',
			'101 execve("/r/gi", ["/r/gi", "--child-role", "holders", "{}"], 0x7ffe /* 9 vars */ <unfinished ...>',
			'102 execve("/r/gi", ["/r/gi", "--child-role", "under-mount", "{}"], 0x7fff /* 9 vars */) = 0',
			'101 <... execve resumed>) = 0',
			'103 execve("/usr/bin/node", ["node"], 0x7ff0 /* 9 vars */) = -1 ENOENT (No such file or directory)',
		].join('\n');
		const execs = parseExecs(trace);
		expect(execs.map(exec => exec.argv[2] ?? exec.argv[0])).toEqual(['probe-worker', 'under-mount', 'holders', 'node']);
		expect(execs.map(exec => exec.succeeded)).toEqual([true, true, true, false]);
	});
});
