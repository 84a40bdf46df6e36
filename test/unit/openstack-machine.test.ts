// The thin layer that reads credential files on this machine: which clouds.yaml counts, and an openrc's path.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {glanceAccessOnThisMachine} from '../../source/world/real/openstack/machine.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'glance-credentials-'));
const home = path.join(root, 'home');
const cwd = path.join(root, 'cwd');
afterAll(() => rmSync(root, {recursive: true, force: true}));

function write(file: string, text: string): string {
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, text);
	return file;
}

const cloud = (url: string) => `clouds:\n  c:\n    auth: {auth_url: '${url}', username: u, project_name: p}\n`;

function authUrl(env: Record<string, string>): string {
	const access = glanceAccessOnThisMachine({osCloud: 'c'}, env, {homeDir: home, cwd});
	if (!access.ok) throw new Error(access.problem.reason);
	if (access.value.kind !== 'keystone') throw new Error('expected keystone access');
	return access.value.credentials.authUrl;
}

describe('credential files on this machine', () => {
	it('takes $OS_CLIENT_CONFIG_FILE first, then ./clouds.yaml, then ~/.config/openstack, and merges the secure.yaml found beside', () => {
		write(path.join(home, '.config/openstack/clouds.yaml'), cloud('http://home:5000'));
		write(path.join(home, '.config/openstack/secure.yaml'), 'clouds:\n  c:\n    auth: {password: from-secure}\n');
		expect(authUrl({})).toBe('http://home:5000/v3');
		write(path.join(cwd, 'clouds.yaml'), cloud('http://cwd:5000'));
		expect(authUrl({})).toBe('http://cwd:5000/v3');
		const override = write(path.join(root, 'elsewhere/my.yaml'), cloud('http://env:5000'));
		expect(authUrl({OS_CLIENT_CONFIG_FILE: override})).toBe('http://env:5000/v3');
	});

	it('reads the openrc at --openrc, and says when it cannot', () => {
		const openrc = write(path.join(root, 'admin-openrc.sh'), "export OS_AUTH_URL='http://k:5000'\nexport OS_USERNAME=admin\nexport OS_PASSWORD=pw\n");
		const access = glanceAccessOnThisMachine({openrc}, {}, {homeDir: home, cwd});
		expect(access.ok && access.value.source).toBe(`openrc ${openrc} (user admin)`);
		const missing = glanceAccessOnThisMachine({openrc: path.join(root, 'nope')}, {}, {homeDir: home, cwd});
		expect(missing.ok ? null : missing.problem.reason).toBe(`openrc ${path.join(root, 'nope')} cannot be read (missing, or not readable by this user)`);
	});
});
