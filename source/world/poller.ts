import {inventoryCadence, type InventoryCadence} from '../model/cadence.js';
import {appendSample} from '../model/capacity.js';
import {filesBasis, glanceBasis, isUploading} from '../model/inventory.js';
import {mountpointToRemount, reassessContainerView} from '../model/mount.js';
import {changesMarker, mergeGlanceChanges} from '../model/openstack/glance.js';
import type {DatadirFiles, DatadirListing, Snapshot} from '../model/types.js';
import type {ListGlanceOptions, WorldView} from './world.js';

const historyMaxAgeMs = 60 * 60_000;
const historyMaxCount = 1800;
/** A round's probes answer within ms of each other: told as one change, unless one is slow (a hung share). */
const roundNewsHoldMs = 200;
/**
 * How long a one-shot round (--once, --json) lets Glance's first page go alone, at most, before the local probes
 * start: past it, a slow or frozen Glance no longer holds them back (its answer deadline is 5 s). A quarter
 * second did as well as waiting for the whole first page (1.11× the floor both, 14 interleaved rounds) and
 * bounds what a hung share's --once pays for it.
 */
export const glanceHeadStartMs = 250;

/** The listing to keep: a failed one remembers the last that worked, so its findings stand (with their age). */
function keepingPrevious(next: DatadirListing, previous: DatadirFiles | null): DatadirListing {
	return next.state === 'ok' || !previous ? next : {...next, previous};
}

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
	/** Between start() and stop(): rounds schedule themselves (collect() alone runs just one). */
	private started = false;

	private inventoryTimer: NodeJS.Timeout | null = null;
	private inventoryRunning: Promise<void> | null = null;
	/** The holders scan (a /proc walk in a child): only while a remount is advised, once an inventory refresh. */
	private holdersRunning = false;
	/** Between inventory rounds, Glance's changes on their own shorter cadence. */
	private glanceTimer: NodeJS.Timeout | null = null;
	private glanceRunning: Promise<void> | null = null;
	private inventoryAgain = false;
	private lastFullGlanceAt = Number.NEGATIVE_INFINITY;
	private lastFullFilesAt = Number.NEGATIVE_INFINITY;
	/** The mount the last look under the mount point was taken on: looked again when it changes (a remount, a drop), else at full rounds. */
	private underMountLookedOn: string | null = null;
	private readonly cadence: InventoryCadence;
	/** While a round runs, listeners hear of its changes once (at its end, or after roundNewsHoldMs). */
	private holdingNews = false;
	private newsTimer: NodeJS.Timeout | null = null;
	private untold = false;

	constructor(
		private readonly world: WorldView,
		private readonly refreshMs: number,
		private readonly now: () => number = Date.now,
		/** Listing Glance and the datadir costs more than a statfs: done less often. */
		private readonly inventoryRefreshMs = 30_000,
	) {
		this.cadence = inventoryCadence(inventoryRefreshMs);
	}

	get snapshot(): Snapshot {
		return this.current;
	}

	subscribe(listener: (snapshot: Snapshot) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	start(): void {
		this.stopped = false;
		this.started = true;
		this.unwatch = this.world.watch(event => {
			this.update({lastEvent: {at: event.at, text: event.text}});
			this.refreshNow();
		});
		this.schedule(0);
		this.scheduleInventory(0);
	}

	stop(): void {
		this.stopped = true;
		this.started = false;
		if (this.timer) clearTimeout(this.timer);
		if (this.inventoryTimer) clearTimeout(this.inventoryTimer);
		if (this.glanceTimer) clearTimeout(this.glanceTimer);
		this.glanceTimer = null;
		if (this.newsTimer) clearTimeout(this.newsTimer);
		this.newsTimer = null;
		this.timer = null;
		this.inventoryTimer = null;
		this.unwatch?.();
		this.unwatch = null;
	}

	/** Start a round now, or right after the one under way (a full listing of the datadir, when `fullFiles`). */
	refreshNow(options: {fullFiles?: boolean} = {}): void {
		if (options.fullFiles) this.lastFullFilesAt = Number.NEGATIVE_INFINITY;
		this.inventoryNow();
		if (this.running) {
			this.again = true;
			return;
		}
		this.schedule(0);
	}

	/**
	 * One full round, for --once and --json; resolves when every probe has answered or timed out. Glance's pages
	 * come one after another and take longest: its round is started first, the rest after its head start.
	 */
	async collect(): Promise<Snapshot> {
		// Glance goes first, alone, until its first page has answered (at most glanceHeadStartMs): started beside
		// it, the local probes' processes (five Node children, the datadir's lstats through the share) slowed that
		// page by ~0.25 s at 10,000 images; started after it, they cost the pages that follow less, and they still
		// end long before the last one. Measured, 14 interleaved pairs: --json against the floor 1.11×, was 1.15×.
		let firstPage = () => {};
		const answered = new Promise<void>(resolve => (firstPage = resolve));
		const glance = this.glanceRound({onFirstPage: firstPage});
		let headStart: NodeJS.Timeout | undefined;
		await Promise.race([answered, glance, new Promise(resolve => (headStart = setTimeout(resolve, glanceHeadStartMs)))]);
		clearTimeout(headStart);
		await Promise.all([this.inventoryRound(glance), this.round()]);
		return this.current;
	}

	/** An inventory round now, or right after the one under way. */
	private inventoryNow(): void {
		if (this.inventoryRunning) this.inventoryAgain = true;
		else this.scheduleInventory(0);
	}

	private scheduleInventory(delayMs: number): void {
		if (this.stopped) return;
		if (this.inventoryTimer) clearTimeout(this.inventoryTimer);
		this.inventoryTimer = setTimeout(() => {
			this.inventoryTimer = null;
			void this.inventoryRound().finally(() => {
				const again = this.inventoryAgain;
				this.inventoryAgain = false;
				this.scheduleInventory(again ? 0 : this.inventoryRefreshMs);
			});
		}, delayMs);
	}

	/** `glance`: a Glance round already under way or just ended (collect's), so that it is not asked again. */
	private inventoryRound(glance?: Promise<void>): Promise<void> {
		this.inventoryRunning ??= Promise.all([glance ?? this.glanceRound(), this.refreshFiles()])
			.then(() => {})
			.finally(() => {
				this.inventoryRunning = null;
			});
		return this.inventoryRunning;
	}

	/** One Glance refresh at a time, whoever asks; the watch restarts after each. */
	private glanceRound(options: Pick<ListGlanceOptions, 'onFirstPage'> = {}): Promise<void> {
		this.glanceRunning ??= this.refreshGlance(options).finally(() => {
			this.glanceRunning = null;
			this.scheduleGlanceWatch();
		});
		return this.glanceRunning;
	}

	/** Glance's changes every glanceChangesMs while started (never for collect()), when that is sooner than the inventory. */
	private scheduleGlanceWatch(): void {
		if (!this.started || this.cadence.glanceChangesMs >= this.inventoryRefreshMs) return;
		if (this.glanceTimer) clearTimeout(this.glanceTimer);
		this.glanceTimer = setTimeout(() => {
			this.glanceTimer = null;
			void this.glanceRound();
		}, this.cadence.glanceChangesMs);
	}

	/** What Glance changed since the last listing; every page at the slower cadence, when deletions show. */
	private async refreshGlance(options: Pick<ListGlanceOptions, 'onFirstPage'>): Promise<void> {
		const previous = glanceBasis(this.current.glance);
		const startedAt = this.now();
		const marker = previous && startedAt - this.lastFullGlanceAt < this.cadence.fullMs ? changesMarker(previous) : null;
		if (previous && marker) {
			const changes = await this.world.listGlanceImages({changedSince: marker, ...options});
			this.update({glance: changes.state === 'ok' ? mergeGlanceChanges(previous, changes) : changes});
			return;
		}
		const listing = await this.world.listGlanceImages(options);
		if (listing.state === 'ok') this.lastFullGlanceAt = startedAt;
		this.update({glance: listing});
	}

	/** The datadir again only when its mtime moved (and the files of uploads in progress); all of it at the slower cadence. */
	private async refreshFiles(): Promise<void> {
		const previous = filesBasis(this.current.files);
		const startedAt = this.now();
		const full = previous === null || startedAt - this.lastFullFilesAt >= this.cadence.fullMs;
		const uploading = (glanceBasis(this.current.glance)?.images ?? []).filter(isUploading).map(image => image.id);
		// Under the mount point beside the files, told together: a shadowed image never shows as missing first.
		// Each look is a child process: under the mount point when the mount changed or at a full round;
		// backups (hours old) and Glance's working directories at full rounds only.
		const lookUnder = full || mountKeyOf(this.current.datadir) !== this.underMountLookedOn;
		const [listing, underMount, backups, glanceDirs] = await Promise.all([
			this.world.listDatadir(full || !previous ? undefined : {previous, watch: uploading}),
			lookUnder ? this.world.lookUnderMount?.() : undefined,
			full ? this.world.probeBackups?.() : undefined,
			full ? this.world.probeGlanceDirs?.() : undefined,
		]);
		// The mount as the probe saw it by the look's end (the first round's probe runs beside it).
		if (lookUnder && underMount) this.underMountLookedOn = mountKeyOf(this.current.datadir);
		if (full && listing.state === 'ok') this.lastFullFilesAt = startedAt;
		this.update({files: keepingPrevious(listing, previous), ...(underMount ? {underMount} : {}), ...(backups ? {backups} : {}), ...(glanceDirs ? {glanceDirs} : {})});
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
			this.holdingNews = true;
			const hostProbe = this.world.probeHost().then(host => this.update({host}));
			const wasResponsive = this.current.datadir?.health.state === 'responsive';
			const datadirProbe = this.world.probeDatadir().then(datadir => {
				// The share answers again: what the hang hid is listed now, not a whole inventory round later.
				const backAgain = this.current.datadir !== null && !wasResponsive && datadir.health.state === 'responsive';
				const history = datadir.stats
					? appendSample(
							this.current.history,
							{at: this.now(), bytesUsed: datadir.stats.bytesUsed, inodesUsed: datadir.stats.inodesUsed, filesystem: datadir.mount ? `${datadir.mount.source} ${datadir.mount.fsType} ${datadir.mount.mountPoint}` : datadir.datadir},
							historyMaxAgeMs,
							historyMaxCount,
						)
					: this.current.history;
				this.update({datadir, history});
				// The share answers again: what the hang hid is listed now, not a whole inventory round later.
				if (backAgain) {
					this.lastFullFilesAt = Number.NEGATIVE_INFINITY;
					if (this.started) this.inventoryNow();
				}
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
			this.holdingNews = false;
			this.tell();
			if (this.started) this.refreshHolders();
		});
		return this.running;
	}

	/** Who holds the share a remount would unmount, so the dashboard says before the wizard does that umount will be busy. */
	private refreshHolders(): void {
		const mountpoint = mountpointToRemount(this.current);
		const known = this.current.holders ?? null;
		if (!mountpoint) {
			if (known) this.update({holders: null});
			return;
		}
		if (this.holdersRunning || (known?.mountpoint === mountpoint && this.now() - known.at < this.inventoryRefreshMs)) return;
		this.holdersRunning = true;
		void this.world
			.mountHolders(mountpoint)
			.then(holders => {
				if (!this.stopped) this.update({holders: {at: this.now(), mountpoint, holders}});
			})
			.finally(() => {
				this.holdersRunning = false;
			});
	}

	private update(patch: Partial<Snapshot>): void {
		const next = {...this.current, ...patch};
		const {datadir, container} = next;
		if (datadir && container?.state === 'present' && (patch.datadir || patch.container)) {
			next.container = {...container, view: reassessContainerView(container.view, datadir.mount, datadir.health)};
		}
		this.current = next;
		this.untold = true;
		if (!this.holdingNews) this.tell();
		else this.newsTimer ??= setTimeout(() => this.tell(), roundNewsHoldMs);
	}

	private tell(): void {
		if (this.newsTimer) clearTimeout(this.newsTimer);
		this.newsTimer = null;
		if (!this.untold) return;
		this.untold = false;
		for (const listener of this.listeners) listener(this.current);
	}
}

/** Which mount the datadir is on (a remount gets a new id and device), or 'none'. */
function mountKeyOf(datadir: Snapshot['datadir']): string {
	return datadir?.mount ? `${datadir.mount.mountId} ${datadir.mount.majorMinor}` : 'none';
}
