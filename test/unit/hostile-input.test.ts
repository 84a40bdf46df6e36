// Bad input from the machine: files that are not what their name says, YAML built to exhaust a reader, and
// strings that would drive the terminal. Each is a clear problem naming its source; nothing throws or hangs.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {parseKollaGlobals} from '../../source/model/kolla.js';
import {cloudFields} from '../../source/model/openstack/clouds.js';
import {needsEscaping, terminalText} from '../../source/model/terminal-text.js';
import {readYaml, yamlLimits} from '../../source/model/yaml.js';
import {readBoundedText, readBoundedTextSync} from '../../source/world/real/bounded-file.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'glance-inspector-hostile-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

const limit = {what: 'globals.yml', maxBytes: 4096};

describe('reading a file someone else wrote', () => {
	it('reads a regular file whole when it is within its limit, sync or not', async () => {
		const file = path.join(scratch, 'globals.yml');
		writeFileSync(file, 'glance_file_datadir_volume: /srv/glance\n');
		expect(await readBoundedText(file, limit)).toEqual({ok: true, value: 'glance_file_datadir_volume: /srv/glance\n'});
		expect(readBoundedTextSync(file, limit)).toEqual({ok: true, value: 'glance_file_datadir_volume: /srv/glance\n'});
	});

	it('refuses an endless device and a symlink to it, naming the file and what it is', async () => {
		const link = path.join(scratch, 'zero-link.yml');
		symlinkSync('/dev/zero', link);
		for (const file of ['/dev/zero', link]) {
			const read = await readBoundedText(file, limit);
			expect(read.ok).toBe(false);
			if (!read.ok) expect(read.problem.reason).toBe(`globals.yml ${file} is a character device, not a regular file: not read`);
		}
		const sync = readBoundedTextSync('/dev/urandom', limit);
		expect(sync.ok ? null : sync.problem.reason).toContain('a character device');
	});

	it('does not wait on a FIFO that nobody writes to', async () => {
		const fifo = path.join(scratch, 'fifo.yml');
		execFileSync('mkfifo', [fifo]);
		const read = await readBoundedText(fifo, limit);
		expect(read.ok ? null : read.problem.reason).toBe(`globals.yml ${fifo} is a FIFO, not a regular file: not read`);
		const sync = readBoundedTextSync(fifo, limit);
		expect(sync.ok ? null : sync.problem.errno).toBe('EINVAL');
	});

	it('stops reading a file past its limit, and says how large a file may be', async () => {
		const file = path.join(scratch, 'huge.yml');
		writeFileSync(file, 'x'.repeat(limit.maxBytes + 1));
		const read = await readBoundedText(file, limit);
		expect(read.ok ? null : read.problem).toMatchObject({reason: `globals.yml ${file} is larger than 4 KiB: not read`, errno: 'EFBIG'});
		writeFileSync(file, 'x'.repeat(limit.maxBytes));
		expect((await readBoundedText(file, limit)).ok).toBe(true);
	});

	it('reads /proc files, whose size says 0, to their end', async () => {
		const read = await readBoundedText('/proc/self/mountinfo', {what: 'mountinfo', maxBytes: 16 * 1024 * 1024});
		expect(read.ok && read.value.split('\n').some(line => line.includes(' / / '))).toBe(true);
	});

	it('keeps ENOENT so a missing optional file can be told from a broken one, and refuses a directory', async () => {
		const missing = await readBoundedText(path.join(scratch, 'nope.yml'), limit);
		expect(missing.ok ? null : missing.problem.errno).toBe('ENOENT');
		const directory = await readBoundedText(scratch, limit);
		expect(directory.ok ? null : directory.problem.reason).toContain('is a directory, not a regular file');
	});
});

const aliasBomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`).join(', ')}]`)].join('\n');

describe('YAML built to exhaust its reader', () => {
	it('an alias bomb in globals.yml is a problem naming the file, not an exhausted process', () => {
		const parsed = parseKollaGlobals(aliasBomb);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.problem.reason).toMatch(/^globals\.yml cannot be read as data: Excessive alias count/);
	});

	it('an alias bomb in clouds.yaml is a problem naming its path', () => {
		const fields = cloudFields({path: '/etc/openstack/clouds.yaml', text: `clouds:\n  kolla:\n    auth: {}\n${aliasBomb.replaceAll(/^/gm, '    ')}`}, null, 'kolla');
		expect(fields.ok ? null : fields.problem.reason).toMatch(/^\/etc\/openstack\/clouds\.yaml cannot be read as data/);
	});

	it('deep nesting and an oversized file are problems too', () => {
		const deep = readYaml(`${'['.repeat(yamlLimits.maxDepth + 10)}${']'.repeat(yamlLimits.maxDepth + 10)}`, {what: 'clouds.yaml'});
		expect(deep.ok ? null : deep.problem.reason).toBe(`clouds.yaml nests deeper than ${yamlLimits.maxDepth} levels`);
		const pathological = readYaml(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, {what: 'clouds.yaml'});
		expect(pathological.ok).toBe(false);
		const large = readYaml(`# ${'x'.repeat(yamlLimits.maxBytes)}`, {what: 'globals.yml'});
		expect(large.ok ? null : large.problem.reason).toBe('globals.yml is larger than the 1 MiB a config can be');
	});
});

describe('strings on their way to the terminal', () => {
	it('shows an escape sequence in an image name instead of sending it', () => {
		const name = 'ubuntu\u001b[31mRED\u001b]0;pwned\u0007\u009b2J';
		expect(terminalText(name)).toBe('ubuntu\\x1b[31mRED\\x1b]0;pwned\\x07\\x9b2J');
		expect(needsEscaping(name)).toBe(true);
	});

	it('shows line breaks and bidirectional overrides, turns a tab into a space, keeps every other character', () => {
		expect(terminalText('a\nb\r\u202etxt.exe\tz')).toBe('a\\x0ab\\x0d\\u202etxt.exe z');
		expect(terminalText('cirros-0.6.2 · Überimage 镜像')).toBe('cirros-0.6.2 · Überimage 镜像');
		expect(needsEscaping('cirros-0.6.2 · Überimage 镜像')).toBe(false);
	});
});
