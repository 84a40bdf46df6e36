import type Docker from 'dockerode';
import type {ContainerHealth, ContainerProbe} from '../../model/types.js';
import {fail, ok, type Problem, type Result} from '../../model/result.js';
import {splitLines} from './child-io.js';
import {http} from './node-http.js';
import type {ActionProblem, ActionResult} from '../world.js';

/** What docker inspect says of the container: the probe's fields before the view is judged. */
export type ContainerFacts = Omit<Extract<ContainerProbe, {state: 'present'}>, 'at' | 'state' | 'glanceSource' | 'view'>;

/** Docker answered that there is no such container, or could not be asked at all. */
export type DockerProblem = (Problem & {kind: 'missing'}) | (Problem & {kind: 'unreachable'; hint: string});

const zeroTime = '0001-01-01T00:00:00Z';

/** Turn a failed Docker call into words an operator can act on. */
export function explainDockerError(error: unknown, socketPath: string, timeoutMs: number): {reason: string; hint: string} {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EACCES' || code === 'EPERM') {
		return {reason: `docker socket ${socketPath}: permission denied`, hint: 'Run as root (sudo) or add your user to the docker group'};
	}
	if (code === 'ENOENT') {
		return {reason: `docker socket ${socketPath} does not exist`, hint: 'Is dockerd running? systemctl status docker — or pass DOCKER_HOST=unix:///path'};
	}
	if (code === 'ECONNREFUSED') {
		return {reason: `docker socket ${socketPath}: connection refused`, hint: 'dockerd is not listening: systemctl restart docker'};
	}
	if (code === 'ETIMEDOUT' || (error as Error).name === 'AbortError') {
		return {reason: `docker did not answer within ${Math.round(timeoutMs / 1000)} s`, hint: 'dockerd is overloaded or stuck: journalctl -u docker'};
	}
	const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
	return {reason: `docker: ${message}`, hint: 'Check dockerd: systemctl status docker'};
}

function cleanTime(value: string | undefined): string | null {
	return !value || value === zeroTime ? null : value;
}

function healthOf(state: Docker.ContainerInspectInfo['State']): {health: ContainerHealth; output: string | null} {
	const health = state.Health;
	if (!health) return {health: 'none', output: null};
	const status = health.Status;
	const last = health.Log.at(-1);
	const output = last ? `exit ${last.ExitCode}: ${last.Output.trim().split('\n').at(-1) ?? ''}`.trim() : null;
	if (status === 'healthy' || status === 'unhealthy' || status === 'starting') return {health: status, output};
	return {health: 'none', output};
}

export class DockerClient {
	private docker: Promise<Docker> | null = null;
	/** One connection to the Engine kept between probes. */
	private readonly agent = new http.Agent({keepAlive: true, maxSockets: 4});

	constructor(
		readonly socketPath: string,
		private readonly timeoutMs: number,
	) {}

	/** dockerode, for the actions, the logs and the event stream: loaded on first use (its module graph costs ~80 ms of CPU). */
	private client(): Promise<Docker> {
		this.docker ??= import('dockerode').then(({default: Dockerode}) => new Dockerode({socketPath: this.socketPath}));
		return this.docker;
	}

	private async withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), timeoutMs);
		try {
			return await Promise.race([
				work(controller.signal),
				new Promise<never>((_, reject) =>
					controller.signal.addEventListener('abort', () => reject(Object.assign(new Error('timeout'), {code: 'ETIMEDOUT'}))),
				),
			]);
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * One GET to the Engine API on its socket (what `docker inspect` asks), under the probe's deadline and a cap on
	 * the answer: the probe every round, without dockerode's module graph.
	 */
	private engineGet(path: string): Promise<{status: number; body: string}> {
		return new Promise((resolve, reject) => {
			const request = http.request({socketPath: this.socketPath, path, method: 'GET', agent: this.agent, headers: {Host: 'docker'}}, response => {
				const chunks: Buffer[] = [];
				let bytes = 0;
				response.on('data', (chunk: Buffer) => {
					bytes += chunk.length;
					if (bytes > engineAnswerMaxBytes) request.destroy(Object.assign(new Error(`the Engine answered more than ${engineAnswerMaxBytes} bytes for ${path}`), {code: 'EFBIG'}));
					else chunks.push(chunk);
				});
				response.on('end', () => resolve({status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}));
				response.on('error', reject);
			});
			const timer = setTimeout(() => request.destroy(Object.assign(new Error('timeout'), {code: 'ETIMEDOUT'})), this.timeoutMs);
			request.on('error', reject);
			request.on('close', () => clearTimeout(timer));
			request.end();
		});
	}

	/** Let the kept connection go. */
	close(): void {
		this.agent.destroy();
	}

	async inspect(name: string): Promise<Result<ContainerFacts, DockerProblem>> {
		try {
			const answer = await this.engineGet(`/containers/${encodeURIComponent(name)}/json`);
			if (answer.status === 404) return fail({kind: 'missing', reason: `there is no container named ${name}`});
			if (answer.status !== 200) throw Object.assign(new Error(`(HTTP code ${answer.status}) - ${engineMessage(answer.body)}`), {statusCode: answer.status});
			const info = JSON.parse(answer.body) as Docker.ContainerInspectInfo;
			const {health, output} = healthOf(info.State);
			return ok({
					id: info.Id,
					name: info.Name.replace(/^\//, ''),
					image: info.Config.Image,
					status: info.State.Status,
					running: info.State.Running,
					health,
					healthOutput: output,
					startedAt: cleanTime(info.State.StartedAt),
					finishedAt: info.State.Running ? null : cleanTime(info.State.FinishedAt),
					exitCode: info.State.Running ? null : info.State.ExitCode,
					restartCount: info.RestartCount,
					restartPolicy: info.HostConfig.RestartPolicy?.Name || 'no',
					pid: info.State.Pid,
					// The Engine lists mounts in no fixed order (a Go map): sorted, two inspects of the same container match.
					mounts: info.Mounts.map(mount => ({
						type: mount.Type,
						source: mount.Source,
						destination: mount.Destination,
						rw: mount.RW,
						propagation: mount.Propagation,
						...(mount.Name ? {name: mount.Name} : {}),
					})).sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0)),
				});
		} catch (error) {
			if ((error as {statusCode?: number}).statusCode === 404) return fail({kind: 'missing', reason: `there is no container named ${name}`});
			return fail({kind: 'unreachable', ...explainDockerError(error, this.socketPath, this.timeoutMs)});
		}
	}

	/**
	 * docker stop (with a grace period in seconds) or docker start, told in the docker CLI's words: the container's
	 * name when it worked (also when it already was stopped or running), the daemon's error when not.
	 */
	async act(name: string, verb: 'stop' | 'start', options: {graceSeconds?: number; timeoutMs: number; onOutput?: (line: string) => void}): Promise<ActionResult> {
		const started = Date.now();
		const output: string[] = [];
		const say = (line: string): void => {
			output.push(line);
			options.onOutput?.(line);
		};
		try {
			const container = (await this.client()).getContainer(name);
			await this.withTimeout(
				signal => (verb === 'stop' ? container.stop({t: options.graceSeconds ?? 10, abortSignal: signal}) : container.start({abortSignal: signal})),
				options.timeoutMs,
			);
		} catch (error) {
			const status = (error as {statusCode?: number}).statusCode;
			// 304: already stopped (or already running): the state asked for is there.
			if (status !== 304) return fail<ActionProblem>({...this.actionFailure(error, name, verb, options.timeoutMs, say), tookMs: Date.now() - started, output});
		}
		say(name);
		return ok({tookMs: Date.now() - started, output});
	}

	private actionFailure(error: unknown, name: string, verb: 'stop' | 'start', timeoutMs: number, say: (line: string) => void): Problem {
		const status = (error as {statusCode?: number}).statusCode;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ETIMEDOUT' || (error as Error).name === 'AbortError') {
			const still = verb === 'stop' ? 'it may still be stopping' : 'it may still be starting';
			return {errno: 'ETIMEDOUT', reason: `docker ${verb} ${name} did not return within ${Math.round(timeoutMs / 1000)} s; ${still}: docker ps -a --filter name=${name}; journalctl -u docker`};
		}
		if (status === undefined) {
			const {reason, hint} = explainDockerError(error, this.socketPath, timeoutMs);
			say(reason);
			return {reason: `${reason} — ${hint}`, ...(code ? {errno: code} : {})};
		}
		const message = daemonMessage(error);
		say(`Error response from daemon: ${message}`);
		if (status === 404) return {errno: 'ENOENT', reason: `there is no container named ${name}: docker ps -a (kolla names it glance_api), or pass --container`};
		if (/transport endpoint is not connected/i.test(message)) {
			return {errno: 'ENOTCONN', reason: `docker could not bind the share into ${name}: it is dead on the host (Transport endpoint is not connected) — remount it, then start again`};
		}
		// Seen on a dead sshfs mount: dockerd's stat of the source fails, then its mkdir finds the path there.
		const source = /error while creating mount source path '([^']+)'.*file exists/i.exec(message)?.[1];
		if (source) {
			return {errno: 'ENOTCONN', reason: `docker could not bind ${source} into ${name}: the path exists but cannot be read — most likely a dead mount (ls ${source}); remount it, then start again`};
		}
		return {reason: `docker ${verb} ${name} failed: ${message} — see docker logs ${name} and journalctl -u docker`};
	}

	/** The last `lines` lines of the container's stdout and stderr, in order. */
	async logs(name: string, lines: number, timeoutMs: number): Promise<Result<string[]>> {
		const tail = Math.max(0, Math.floor(lines));
		try {
			const docker = await this.client();
			const raw: unknown = await this.withTimeout(signal => docker.getContainer(name).logs({stdout: true, stderr: true, tail, follow: false, abortSignal: signal}), timeoutMs);
			// docker-modem hands over a Buffer, or a parsed value when the whole log happened to be JSON.
			const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
			return ok(demultiplexLog(buffer).slice(-tail || undefined));
		} catch (error) {
			if ((error as {statusCode?: number}).statusCode === 404) return fail({reason: `there is no container named ${name}`});
			return fail(explainDockerError(error, this.socketPath, timeoutMs));
		}
	}

	/** Follow Docker's event stream for one container; reconnects after errors until stopped. */
	watch(name: string, onEvent: (text: string) => void, onTrouble: (reason: string) => void): () => void {
		let stopped = false;
		let stream: NodeJS.ReadableStream | null = null;
		let retry: NodeJS.Timeout | null = null;
		const connect = async (): Promise<void> => {
			try {
				stream = await (await this.client()).getEvents({filters: {container: [name], type: ['container']}});
				if (stopped) {
					(stream as unknown as {destroy(): void}).destroy();
					return;
				}
				const events = splitLines(line => {
					if (line.trim()) onEvent(describeEvent(line.trim()));
				});
				stream.on('data', (chunk: Buffer) => events.push(chunk.toString('utf8')));
				const again = (): void => {
					if (!stopped) retry = setTimeout(() => void connect(), 2000);
				};
				stream.on('end', again);
				stream.on('error', again);
			} catch (error) {
				onTrouble(explainDockerError(error, this.socketPath, this.timeoutMs).reason);
				if (!stopped) retry = setTimeout(() => void connect(), 5000);
			}
		};
		void connect();
		return () => {
			stopped = true;
			if (retry) clearTimeout(retry);
			(stream as unknown as {destroy?: () => void} | null)?.destroy?.();
		};
	}
}

function describeEvent(line: string): string {
	try {
		const event = JSON.parse(line) as {Action?: string; status?: string; Actor?: {Attributes?: Record<string, string>}};
		return event.Action ?? event.status ?? 'event';
	} catch {
		return 'event';
	}
}

/** Far beyond any container's inspect (kolla's are ~15 KB): an Engine that streams without end is cut there. */
const engineAnswerMaxBytes = 4 * 1024 * 1024;

/** The Engine's `{"message": "..."}` of an error answer, else its first line. */
function engineMessage(body: string): string {
	try {
		const message = (JSON.parse(body) as {message?: unknown}).message;
		if (typeof message === 'string' && message.trim()) return message.trim();
	} catch {
		// Not JSON: its first line says it.
	}
	return body.split('\n')[0]?.slice(0, 200) ?? '';
}

/** The daemon's own message from a docker-modem error: `{"message": "..."}` in the body, else the error text. */
function daemonMessage(error: unknown): string {
	const json = (error as {json?: unknown}).json;
	const fromJson = typeof json === 'object' && json !== null ? (json as {message?: unknown}).message : undefined;
	if (typeof fromJson === 'string' && fromJson.trim()) return fromJson.trim();
	const text = error instanceof Error ? error.message : String(error);
	return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/**
 * Printable lines of a `docker logs` answer. Without a TTY, Docker multiplexes stdout and stderr in frames: an 8-byte
 * header (stream 0/1/2, three zero bytes, big-endian length) then the payload. With a TTY it is raw text.
 */
export function demultiplexLog(buffer: Buffer): string[] {
	const partial = new Map<number, string>();
	const lines: string[] = [];
	const framed = buffer.length >= 8 && (buffer[0] ?? 9) <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
	const take = (stream: number, text: string): void => {
		const pieces = ((partial.get(stream) ?? '') + text).split('\n');
		partial.set(stream, pieces.pop() ?? '');
		for (const piece of pieces) lines.push(printable(piece));
	};
	if (!framed) {
		take(1, buffer.toString('utf8'));
	} else {
		let offset = 0;
		while (offset + 8 <= buffer.length) {
			const stream = buffer[offset] ?? 1;
			const length = buffer.readUInt32BE(offset + 4);
			take(stream, buffer.subarray(offset + 8, offset + 8 + length).toString('utf8'));
			offset += 8 + length;
		}
	}
	for (const rest of partial.values()) if (rest !== '') lines.push(printable(rest));
	return lines;
}

// oslo.log colours its levels: escape sequences and other control characters would garble a terminal UI.
const escapeSequence = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
const controlCharacter = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

function printable(line: string): string {
	return line.replace(/\r$/, '').replace(escapeSequence, '').replace(controlCharacter, '');
}
