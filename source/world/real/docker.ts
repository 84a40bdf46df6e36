import Docker from 'dockerode';
import type {ContainerHealth, ContainerProbe} from '../../model/types.js';

/** What docker inspect says of the container: the probe's fields before the view is judged. */
export type ContainerFacts = Omit<Extract<ContainerProbe, {state: 'present'}>, 'at' | 'state' | 'glanceSource' | 'view'>;

export type DockerAnswer<T> = {ok: true; value: T} | {ok: false; kind: 'missing'} | {ok: false; kind: 'unreachable'; reason: string; hint: string};

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
	private readonly docker: Docker;

	constructor(
		readonly socketPath: string,
		private readonly timeoutMs: number,
	) {
		this.docker = new Docker({socketPath});
	}

	private async withTimeout<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), this.timeoutMs);
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

	async inspect(name: string): Promise<DockerAnswer<ContainerFacts>> {
		try {
			const info = await this.withTimeout(signal => this.docker.getContainer(name).inspect({abortSignal: signal}));
			const {health, output} = healthOf(info.State);
			return {
				ok: true,
				value: {
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
					mounts: info.Mounts.map(mount => ({
						type: mount.Type,
						source: mount.Source,
						destination: mount.Destination,
						rw: mount.RW,
						propagation: mount.Propagation,
						...(mount.Name ? {name: mount.Name} : {}),
					})),
				},
			};
		} catch (error) {
			if ((error as {statusCode?: number}).statusCode === 404) return {ok: false, kind: 'missing'};
			return {ok: false, kind: 'unreachable', ...explainDockerError(error, this.socketPath, this.timeoutMs)};
		}
	}

	/** Follow Docker's event stream for one container; reconnects after errors until stopped. */
	watch(name: string, onEvent: (text: string) => void, onTrouble: (reason: string) => void): () => void {
		let stopped = false;
		let stream: NodeJS.ReadableStream | null = null;
		let retry: NodeJS.Timeout | null = null;
		const connect = async (): Promise<void> => {
			try {
				stream = await this.docker.getEvents({filters: {container: [name], type: ['container']}});
				if (stopped) {
					(stream as unknown as {destroy(): void}).destroy();
					return;
				}
				let buffered = '';
				stream.on('data', (chunk: Buffer) => {
					buffered += chunk.toString('utf8');
					let newline: number;
					while ((newline = buffered.indexOf('\n')) >= 0) {
						const line = buffered.slice(0, newline).trim();
						buffered = buffered.slice(newline + 1);
						if (line) onEvent(describeEvent(line));
					}
				});
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
