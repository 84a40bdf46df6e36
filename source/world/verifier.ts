import type {ChecksumOutcome, GlanceImage} from '../model/types.js';
import type {WorldView} from './world.js';

export type VerifierState = {outcomes: ReadonlyMap<string, ChecksumOutcome>; queued: readonly string[]};

/**
 * Runs checksum verifications one at a time (several parallel reads would only slow a share down),
 * keeps their outcomes, and lets the operator cancel. Reading image data happens only through here.
 */
export class ChecksumVerifier {
	private readonly outcomes = new Map<string, ChecksumOutcome>();
	private queue: GlanceImage[] = [];
	private active: {id: string; abort: AbortController} | null = null;
	private readonly listeners = new Set<(state: VerifierState) => void>();

	constructor(private readonly world: WorldView) {}

	get state(): VerifierState {
		return {outcomes: new Map(this.outcomes), queued: this.queue.map(image => image.id)};
	}

	subscribe(listener: (state: VerifierState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Queue images for a verify; those already queued or running are left where they are. */
	enqueue(images: readonly GlanceImage[]): number {
		const waiting = new Set([...this.queue.map(image => image.id), this.active?.id]);
		const added = images.filter(image => !waiting.has(image.id));
		this.queue.push(...added);
		this.emit();
		void this.pump();
		return added.length;
	}

	/** Cancel one image's verify (queued or running), or everything when no id is given. */
	cancel(id?: string): void {
		const cancelled = id === undefined ? this.queue.map(image => image.id) : this.queue.filter(image => image.id === id).map(image => image.id);
		this.queue = id === undefined ? [] : this.queue.filter(image => image.id !== id);
		for (const each of cancelled) this.outcomes.set(each, {state: 'cancelled', at: Date.now()});
		if (this.active && (id === undefined || this.active.id === id)) this.active.abort.abort();
		this.emit();
	}

	isBusy(): boolean {
		return this.active !== null || this.queue.length > 0;
	}

	private emit(): void {
		const state = this.state;
		for (const listener of this.listeners) listener(state);
	}

	private async pump(): Promise<void> {
		if (this.active) return;
		const next = this.queue.shift();
		if (!next) return;
		const abort = new AbortController();
		this.active = {id: next.id, abort};
		const outcome = await this.world.verifyChecksum(
			next,
			progress => {
				this.outcomes.set(next.id, progress);
				this.emit();
			},
			abort.signal,
		);
		this.outcomes.set(next.id, outcome);
		this.active = null;
		this.emit();
		void this.pump();
	}
}
