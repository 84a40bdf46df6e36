// The built binary's --once and --json against a Glance (on 127.0.0.1) that lists an image whose name carries
// escape sequences: the report shows them visibly and sends the terminal none; the JSON keeps the exact string.
import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const hostileName = 'ubuntu\u001b[31mRED\u001b]0;pwned\u0007';
const imageId = '0b4d6e2a-1c3f-4a5b-8d7e-9f0a1b2c3d4e';

let server: Server;
let glanceUrl = '';
let datadir = '';

beforeAll(async () => {
	server = createServer((request, response) => {
		if (!request.url?.startsWith('/v2/images')) {
			response.writeHead(404).end();
			return;
		}
		const image = {
			id: imageId, name: hostileName, status: 'active', owner: 'p\u001b[2Jroject', visibility: 'public', os_hidden: false, protected: false, size: 1024,
			checksum: null, os_hash_algo: null, os_hash_value: null, disk_format: 'qcow2', container_format: 'bare', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
		};
		response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({images: [image]}));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	glanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	// The image's file is absent: its name is in a finding's evidence too.
	datadir = path.join(mkdtempSync(path.join(tmpdir(), 'gi-terminal-')), 'images');
	mkdirSync(datadir);
	writeFileSync(path.join(datadir, 'unrelated.txt'), 'x');
});

afterAll(async () => {
	await new Promise(resolve => server.close(resolve));
});

function run(format: '--once' | '--json'): Promise<{code: number | null; stdout: string}> {
	const args = [cli, format, '--glance-url', glanceUrl, '--datadir', datadir, '--container', 'gi-terminal-test-no-such-container'];
	return new Promise(resolve => {
		execFile(process.execPath, args, {encoding: 'utf8', timeout: 60_000, env: {PATH: process.env['PATH'], NO_COLOR: '1', HOME: tmpdir()}}, (error, stdout) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout});
		});
	});
}

describe('the built binary with a hostile image name', () => {
	it('--once shows the escape sequences visibly and sends none', async () => {
		const {stdout} = await run('--once');
		expect(stdout).toContain('glance: 1 images from');
		expect(stdout).toContain('ubuntu\\x1b[31mRED\\x1b]0;pwned\\x07');
		// With NO_COLOR the report has no colour codes of its own: not one escape may reach the terminal.
		expect(stdout).not.toContain('\u001b');
		expect(stdout).not.toContain('\u0007');
	}, 70_000);

	it('--json keeps the exact name', async () => {
		const {stdout} = await run('--json');
		const report = JSON.parse(stdout) as {snapshot: {glance: {images: Array<{name: string; owner: string}>}}; findings: Array<{evidence: string[]}>};
		expect(report.snapshot.glance.images[0]?.name).toBe(hostileName);
		expect(report.snapshot.glance.images[0]?.owner).toBe('p\u001b[2Jroject');
		expect(report.findings.flatMap(finding => finding.evidence).join('\n')).toContain(hostileName);
	}, 70_000);
});
