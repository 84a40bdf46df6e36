// Scratch directories for one test file, removed when its tests are done: thousands of runs must not fill /tmp.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll} from 'vitest';

const made: string[] = [];

// Registered when a test file imports this module, so it runs after that file's tests.
afterAll(() => {
	for (const directory of made.splice(0)) rmSync(directory, {recursive: true, force: true});
});

export function scratchDir(prefix: string): string {
	const directory = mkdtempSync(path.join(tmpdir(), prefix));
	made.push(directory);
	return directory;
}
