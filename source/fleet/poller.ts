// Keeps every row of the fleet fresh: one loop per host, so a host that hangs until its deadline holds up
// only its own row; the others go on refreshing at their pace.
import {EventEmitter} from 'node:events';
import {initialStates, withAttempt, type FleetHostState} from '../model/fleet.js';
import type {FleetSource} from './source.js';

export class FleetPoller extends EventEmitter {
	private states: FleetHostState[];
	private readonly timers = new Set<NodeJS.Timeout>();
	private stopped = false;

	constructor(
		readonly source: FleetSource,
		private readonly refreshMs: number,
	) {
		super();
		this.states = initialStates(source.hosts);
	}

	current(): readonly FleetHostState[] {
		return this.states;
	}

	/** Every host once, together: what --once and --json report. */
	async collect(): Promise<readonly FleetHostState[]> {
		await Promise.all(this.source.hosts.map((_, index) => this.refreshHost(index)));
		return this.states;
	}

	/** Starts each host's loop; `change` is emitted whenever a row has news. */
	start(): void {
		this.source.hosts.forEach((_, index) => void this.loop(index));
	}

	/** Asks every host again now (a host still answering its last request is left to finish). */
	refreshNow(): void {
		this.emit('refresh-now');
	}

	stop(): void {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	private async refreshHost(index: number): Promise<void> {
		const host = this.source.hosts[index]!;
		const attempt = await this.source.fetch(host);
		if (this.stopped) return;
		this.states = this.states.map((state, at) => (at === index ? withAttempt(state, attempt) : state));
		this.emit('change', this.states);
	}

	private async loop(index: number): Promise<void> {
		while (!this.stopped) {
			await this.refreshHost(index);
			if (!this.stopped) await this.pause();
		}
	}

	/** Until the next round: the refresh interval, or a refresh asked for now. */
	private pause(): Promise<void> {
		return new Promise(resolve => {
			const done = () => {
				clearTimeout(timer);
				this.timers.delete(timer);
				this.off('refresh-now', done);
				resolve();
			};
			const timer = setTimeout(done, this.refreshMs);
			this.timers.add(timer);
			this.once('refresh-now', done);
		});
	}
}
