// The Engine probe against hostile sockets: a daemon that never answers, one that streams without end, a 404.
import {createServer, type RequestListener, type Server} from 'node:http';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DockerClient} from '../../source/world/real/docker.js';

let directory = '';
const servers: Server[] = [];

function serve(name: string, handler: RequestListener): Promise<string> {
	const socketPath = path.join(directory, name);
	const server = createServer(handler);
	servers.push(server);
	return new Promise(resolve => server.listen(socketPath, () => resolve(socketPath)));
}

beforeAll(() => {
	directory = mkdtempSync(path.join(os.tmpdir(), 'docker-engine-'));
});

afterAll(async () => {
	for (const server of servers) {
		server.closeAllConnections();
		await new Promise(resolve => server.close(resolve));
	}
	rmSync(directory, {recursive: true, force: true});
});

describe('the container probe over the Engine socket', () => {
	it('says there is no such container on a 404, and keeps the Engine words of another error', async () => {
		const socket = await serve('engine.sock', (request, response) => {
			if (request.url === '/containers/glance_api/json') {
				response.writeHead(404, {'Content-Type': 'application/json'}).end('{"message":"No such container: glance_api"}');
			} else response.writeHead(500, {'Content-Type': 'application/json'}).end('{"message":"layer store is locked"}');
		});
		const client = new DockerClient(socket, 2000);
		expect(await client.inspect('glance_api')).toMatchObject({ok: false, problem: {kind: 'missing', reason: 'there is no container named glance_api'}});
		const other = await client.inspect('other');
		expect(other).toMatchObject({ok: false, problem: {kind: 'unreachable'}});
		expect(!other.ok && other.problem.reason).toContain('layer store is locked');
		client.close();
	});

	it('gives up on a daemon that never answers, at the probe deadline', async () => {
		const socket = await serve('hung.sock', () => {
			// Accepts and says nothing, as a stuck dockerd does.
		});
		const client = new DockerClient(socket, 1000);
		const answer = await client.inspect('glance_api');
		expect(answer).toMatchObject({ok: false, problem: {kind: 'unreachable', reason: 'docker did not answer within 1 s'}});
		client.close();
	});

	it('stops reading a daemon that streams without end', async () => {
		const socket = await serve('endless.sock', (_request, response) => {
			response.writeHead(200, {'Content-Type': 'application/json'});
			const chunk = Buffer.alloc(64 * 1024, 0x20);
			const push = (): void => {
				while (response.write(chunk)) {
					// Until the socket pushes back.
				}
				response.once('drain', push);
			};
			push();
		});
		const client = new DockerClient(socket, 10_000);
		const answer = await client.inspect('glance_api');
		expect(answer).toMatchObject({ok: false, problem: {kind: 'unreachable'}});
		expect(!answer.ok && answer.problem.reason).toContain('more than 4194304 bytes');
		client.close();
	});
});
