// The lab's real Keystone and Glance, spoken to directly: independent of the client under test.
import {readFileSync} from 'node:fs';
import {parseOpenrc} from '../../source/model/openstack/openrc.js';
import {lab} from './lab.js';

export const openrcPath = lab.LAB_OPENRC!;
export const openrc = parseOpenrc(readFileSync(openrcPath, 'utf8')).variables;
export const keystoneUrl = lab.LAB_KEYSTONE_URL!;
export const glanceUrl = lab.LAB_GLANCE_URL!;

export type Token = {value: string; userId: string};

export async function adminToken(password = openrc['OS_PASSWORD']!): Promise<Token> {
	const response = await fetch(`${keystoneUrl}/auth/tokens`, {
		method: 'POST',
		headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({
			auth: {
				identity: {methods: ['password'], password: {user: {name: openrc['OS_USERNAME'], domain: {name: openrc['OS_USER_DOMAIN_NAME']}, password}}},
				scope: {project: {name: openrc['OS_PROJECT_NAME'], domain: {name: openrc['OS_PROJECT_DOMAIN_NAME']}}},
			},
		}),
	});
	if (response.status !== 201) throw new Error(`Keystone answered ${response.status} to the admin openrc`);
	const body = (await response.json()) as {token: {user: {id: string}}};
	return {value: response.headers.get('x-subject-token')!, userId: body.token.user.id};
}

/** POST /v2/images; the image stays queued until data is uploaded. */
export async function createImage(token: Token, name: string, options: {hidden?: boolean} = {}): Promise<string> {
	const created = await fetch(`${glanceUrl}/v2/images`, {
		method: 'POST',
		headers: {'Content-Type': 'application/json', 'X-Auth-Token': token.value},
		body: JSON.stringify({name, disk_format: 'raw', container_format: 'bare', os_hidden: options.hidden ?? false}),
	});
	if (created.status !== 201) throw new Error(`POST /v2/images answered ${created.status}: ${await created.text()}`);
	return ((await created.json()) as {id: string}).id;
}

export type Uploaded = {id: string; data: Buffer; hidden: boolean};

/** POST then PUT: the file lands in the datadir as <id>. */
export async function upload(token: Token, name: string, data: Buffer, hidden = false): Promise<Uploaded> {
	const id = await createImage(token, name, {hidden});
	const put = await fetch(`${glanceUrl}/v2/images/${id}/file`, {method: 'PUT', headers: {'Content-Type': 'application/octet-stream', 'X-Auth-Token': token.value}, body: data});
	if (put.status !== 204) throw new Error(`PUT /v2/images/${id}/file answered ${put.status}: ${await put.text()}`);
	return {id, data, hidden};
}

export async function deleteImages(ids: readonly string[]): Promise<void> {
	const token = await adminToken();
	for (const id of ids) await fetch(`${glanceUrl}/v2/images/${id}`, {method: 'DELETE', headers: {'X-Auth-Token': token.value}});
}
