import {appendSample} from '../model/capacity.js';
import {reassessContainerView} from '../model/mount.js';
import type {Snapshot} from '../model/types.js';
import type {WorldView} from './world.js';

const historyMaxAgeMs = 60 * 60_000;
const historyMaxCount = 1800;

export const emptySnapshot: Snapshot = {datadir: null, container: null, host: null, history: [], lastEvent: null, glance: null, files: null};

/**
 * Keeps a Snapshot of the World fresh: every `refreshMs`, on demand, and at once on a Docker event.
 * One round at a time: a hung share makes rounds slow, never piles them up.
 */
export class SnapshotPoller {
	private current: Snapshot = emptySnapshot;
	private readonly listeners = new Set<(snapshot: Snapshot) => void>();
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private again = false;
	private unwatch: (() => void) | null = null;
	private stopped = false;

	private inventoryTimer: NodeJS.Timeout | null = null;
	private inventoryRunning: Promise<void> | null = null;

	constructor(
		private readonly world: WorldView,
		private readonly refreshMs: number,
		private readonly now: () => number = Date.now,
		/** Listing Glance and the datadir costs more than a statfs: done less often. */
		private readonly inventoryRefreshMs = 30_000,
	) {}

	get snapshot(): Snapshot {
		return this.current;
	}

	subscribe(listener: (snapshot: Snapshot) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	start(): void {
		this.stopped = false;
		this.unwatch = this.world.watch(event => {
			this.update({lastEvent: {at: event.at, text: event.text}});
			this.refreshNow();
		});
		this.schedule(0);
		this.scheduleInventory(0);
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		if (this.inventoryTimer) clearTimeout(this.inventoryTimer);
		this.timer = null;
		this.inventoryTimer = null;
		this.unwatch?.();
		this.unwatch = null;
	}

	/** Start a round now, or right after the one under way. */
	refreshNow(): void {
		if (!this.inventoryRunning) this.scheduleInventory(0);
		if (this.running) {
			this.again = true;
			return;
		}
		this.schedule(0);
	}

	/** One full round, for --once and --json; resolves when every probe has answered or timed out. */
	async collect(): Promise<Snapshot> {
		await Promise.all([this.round(), this.inventoryRound()]);
		return this.current;
	}

	private scheduleInventory(delayMs: number): void {
		if (this.stopped) return;
		if (this.inventoryTimer) clearTimeout(this.inventoryTimer);
		this.inventoryTimer = setTimeout(() => {
			this.inventoryTimer = null;
			void this.inventoryRound().finally(() => this.scheduleInventory(this.inventoryRefreshMs));
		}, delayMs);
	}

	private inventoryRound(): Promise<void> {
		this.inventoryRunning ??= (async () => {
			await Promise.all([
				this.world.listGlanceImages().then(glance => this.update({glance})),
				this.world.listDatadir().then(files => this.update({files})),
			]);
		})().finally(() => {
			this.inventoryRunning = null;
		});
		return this.inventoryRunning;
	}

	private schedule(delayMs: number): void {
		if (this.stopped) return;
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.round().finally(() => {
				if (this.again) {
					this.again = false;
					this.schedule(0);
				} else {
					this.schedule(this.refreshMs);
				}
			});
		}, delayMs);
	}

	private round(): Promise<void> {
		this.running ??= (async () => {
			const hostProbe = this.world.probeHost().then(host => this.update({host}));
			const datadirProbe = this.world.probeDatadir().then(datadir => {
				const history = datadir.stats
					? appendSample(
							this.current.history,
							{at: this.now(), bytesUsed: datadir.stats.bytesUsed, inodesUsed: datadir.stats.inodesUsed, filesystem: datadir.mount ? `${datadir.mount.source} ${datadir.mount.fsType} ${datadir.mount.mountPoint}` : datadir.datadir},
							historyMaxAgeMs,
							historyMaxCount,
						)
					: this.current.history;
				this.update({datadir, history});
				return datadir;
			});
			// The container is probed beside the datadir, against the host's last known mount, so a hung share
			// delays neither; update() judges the view again once this round's datadir probe is in.
			const previous = this.current.datadir;
			const container = await this.world.probeContainer(previous?.mount ?? null, previous?.health ?? null);
			this.update({container});
			await Promise.all([datadirProbe, hostProbe]);
		})().finally(() => {
			this.running = null;
		});
		return this.running;
	}

	private update(patch: Partial<Snapshot>): void {
		const next = {...this.current, ...patch};
		const {datadir, container} = next;
		if (datadir && container?.state === 'present' && (patch.datadir || patch.container)) {
			next.container = {...container, view: reassessContainerView(container.view, datadir.mount, datadir.health)};
		}
		this.current = next;
		for (const listener of this.listeners) listener(this.current);
	}
}
