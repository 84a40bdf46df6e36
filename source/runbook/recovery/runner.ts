// Putting shadowed images back, guided: one confirmation that names every image, then per image its hash
// checked against Glance, a copy onto the share through a temporary name (never over a file that is there),
// the copy's hash read back, and Glance serving its first bytes. An audit record per image. The copy under
// the mount point is never deleted: the end says where it is and how to remove it.
import {randomUUID} from 'node:crypto';
import os from 'node:os';
import {formatBytes} from '../../model/format.js';
import {underMountCommand} from '../../model/shadowed.js';
import type {DatadirFile, GlanceImage} from '../../model/types.js';
import type {RecoveryOutcome, RecoveryProgress, World} from '../../world/world.js';
import {AuditLog, auditIdentity, type AuditEntry, type AuditSimulation} from '../audit.js';

/** One image to put back: Glance's record and its file as it lies under the mount point. */
export type RecoveryTarget = {image: GlanceImage; hidden: DatadirFile};

export type RecoveryItemStatus = 'pending' | 'hashing' | 'copying' | 'verifying' | 'proving' | 'recovered' | 'exists' | 'mismatch' | 'failed' | 'not-run';

export type RecoveryItem = {id: string; name: string; bytes: number; status: RecoveryItemStatus; lines: string[]};

export type RecoveryState = {
	phase: 'confirm' | 'running' | 'finished';
	/** The question on screen; an answer names it, so a key typed for another screen answers nothing. */
	prompt: {id: string; blockers: string[]} | null;
	items: RecoveryItem[];
	/** Work counted as bytes read: each image is read three times (hash, copy, read back). */
	work: {done: number; total: number; bytesPerSecond: number | null; etaMs: number | null};
	/** s was pressed: the image under way finishes, the rest are not started. */
	stopping: boolean;
	declined: boolean;
	audit: {path: string; problem: string | null};
	datadir: string;
	parentMountpoint: string;
	/** At the end: where the copies under the mount point are and how to remove them. */
	summary: string[];
};

export type RecoveryAnswer = {type: 'confirm' | 'decline'; prompt: string} | {type: 'stop'};

export type RecoveryRunnerOptions = {
	world: Pick<World, 'recoverShadowed' | 'proveGlance'>;
	targets: readonly RecoveryTarget[];
	datadir: string;
	parentMountpoint: string;
	auditLog: string;
	simulation?: AuditSimulation;
	env?: NodeJS.ProcessEnv;
	hostname?: string;
	now?: () => number;
};

const phaseIndex: Record<RecoveryProgress['phase'], number> = {hash: 0, copy: 1, verify: 2};
const phaseStatus: Record<RecoveryProgress['phase'], RecoveryItemStatus> = {hash: 'hashing', copy: 'copying', verify: 'verifying'};
const passes = 3;

/** The outcome in one line for the screen and the audit log. */
function describeOutcome(outcome: RecoveryOutcome): string {
	switch (outcome.state) {
		case 'recovered':
			return `put back as ${outcome.file} (${formatBytes(outcome.bytes)}, ${outcome.algorithm} read back from the share matches Glance; owner ${outcome.uid}:${outcome.gid} mode ${outcome.mode.toString(8).padStart(4, '0')} like ${outcome.likeFrom})`;
		case 'exists':
			return `${outcome.file} is on the share already: nothing was written (never an overwrite)`;
		case 'mismatch':
			return `its ${outcome.algorithm} is not Glance's (${outcome.actual.slice(0, 16)}… against ${outcome.expected.slice(0, 16)}…, ${formatBytes(outcome.bytes)}): not copied`;
		case 'failed':
			return outcome.reason;
	}
}

export class RecoveryRunner {
	private current: RecoveryState;
	private readonly listeners = new Set<(state: RecoveryState) => void>();
	private readonly audit: AuditLog | null;
	private readonly now: () => number;
	private startedAt = 0;

	constructor(private readonly options: RecoveryRunnerOptions) {
		this.now = options.now ?? Date.now;
		const identity = auditIdentity(options.env ?? process.env, options.hostname ?? os.hostname());
		const opened = AuditLog.open(options.auditLog, {identity, run: randomUUID(), dryRun: false, now: this.now, simulation: options.simulation ?? null});
		this.audit = opened.ok ? opened.value : null;
		const auditProblem = opened.ok ? null : opened.problem.reason;
		const blockers = [
			...(options.targets.length === 0 ? ['no shadowed image with Glance\'s size is there to put back'] : []),
			...(auditProblem ? [`the audit log cannot be written (${auditProblem}): nothing runs unrecorded`] : []),
		];
		this.current = {
			phase: 'confirm',
			prompt: {id: randomUUID(), blockers},
			items: options.targets.map(({image, hidden}) => ({id: image.id, name: image.name ?? image.id, bytes: hidden.size, status: 'pending', lines: []})),
			work: {done: 0, total: options.targets.reduce((sum, target) => sum + passes * target.hidden.size, 0), bytesPerSecond: null, etaMs: null},
			stopping: false,
			declined: false,
			audit: {path: options.auditLog, problem: auditProblem},
			datadir: options.datadir,
			parentMountpoint: options.parentMountpoint,
			summary: [],
		};
	}

	get state(): RecoveryState {
		return this.current;
	}

	subscribe(listener: (state: RecoveryState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The operator's answer: y runs only for the prompt on screen, with nothing blocking it. */
	send(answer: RecoveryAnswer): void {
		if (answer.type === 'stop') {
			if (this.current.phase === 'running') this.update({stopping: true});
			return;
		}
		const prompt = this.current.prompt;
		if (!prompt || prompt.id !== answer.prompt) return;
		if (answer.type === 'decline' || prompt.blockers.length > 0) {
			this.record({event: 'declined', outcome: 'declined', detail: {reason: prompt.blockers.join('; ') || 'the operator answered no', evidence: this.current.items.map(item => item.id)}});
			this.update({phase: 'finished', prompt: null, declined: true, items: this.current.items.map(item => ({...item, status: 'not-run'}))});
			return;
		}
		this.update({phase: 'running', prompt: null});
		void this.run();
	}

	private async run(): Promise<void> {
		this.startedAt = this.now();
		this.record({event: 'confirmed', command: 'recover shadowed images', outcome: 'confirmed', detail: {evidence: this.options.targets.map(target => `${target.image.id} ${target.hidden.size} bytes`)}});
		let workBefore = 0;
		for (const [index, target] of this.options.targets.entries()) {
			if (this.current.stopping) {
				this.setItem(index, {status: 'not-run', lines: ['not started: stopped with s']});
				continue;
			}
			const {image, hidden} = target;
			const command = `copy ${this.options.datadir}/${image.id} from under the mount point onto the share`;
			this.record({event: 'command', command, outcome: null, detail: {imageId: image.id, bytes: hidden.size}});
			let read = 0;
			const outcome = await this.options.world.recoverShadowed(image, {
				onProgress: progress => {
					read = phaseIndex[progress.phase] * hidden.size + progress.done;
					this.setItem(index, {status: phaseStatus[progress.phase]});
					this.advance(workBefore + read);
				},
			});
			// An image that stopped early (a mismatch, a file already there) leaves the passes it never read out of the total.
			const planned = passes * hidden.size;
			const spent = outcome.state === 'recovered' ? planned : read;
			this.current = {...this.current, work: {...this.current.work, total: this.current.work.total - (planned - spent)}};
			workBefore += spent;
			this.advance(workBefore);
			const lines = [describeOutcome(outcome)];
			let status: RecoveryItemStatus = outcome.state === 'recovered' ? 'recovered' : outcome.state;
			let served: {status: number | null; bytes: number} | null = null;
			if (outcome.state === 'recovered') {
				this.setItem(index, {status: 'proving', lines});
				const proof = await this.options.world.proveGlance(image);
				served = proof.ok ? {status: proof.value.status, bytes: proof.value.bytes} : {status: proof.problem.status, bytes: proof.problem.bytes};
				if (proof.ok) lines.push(`Glance serves it: ${proof.value.status}, first ${formatBytes(proof.value.bytes)}`);
				else {
					status = 'failed';
					lines.push(`the file is back on the share, but Glance does not serve it yet: ${proof.problem.reason}`);
				}
			}
			this.record({
				event: 'result',
				command,
				outcome: status,
				detail: {imageId: image.id, bytes: hidden.size, reason: lines.join('; '), ...(served ? {status: served.status} : {}), evidence: [`${this.options.datadir}/${image.id} under the mount point stays where it is`]},
			});
			this.setItem(index, {status, lines});
		}
		const summary = this.summaryLines();
		this.record({event: 'finished', outcome: this.current.items.every(item => item.status === 'recovered') ? 'recovered' : 'partly', detail: {done: this.doneIds('recovered'), notDone: this.current.items.filter(item => item.status !== 'recovered').map(item => item.id), evidence: summary}});
		this.update({phase: 'finished', summary});
	}

	private doneIds(status: RecoveryItemStatus): string[] {
		return this.current.items.filter(item => item.status === status).map(item => item.id);
	}

	/** Where the copies under the mount point are, and the command to remove each once the operator is satisfied. */
	private summaryLines(): string[] {
		const {datadir, parentMountpoint} = this.options;
		const kept = this.current.items.filter(item => item.status === 'recovered');
		const lines = [
			`The copies under the mount point are untouched: ${datadir}/<id> on the parent filesystem (${parentMountpoint}), hidden by the share.`,
			...(kept.length > 0 ? ['Once you are satisfied (boot an instance from each image), remove each with:'] : []),
			...kept.map(item => underMountCommand(parentMountpoint, datadir, 'rm -i', item.id)),
		];
		const mismatched = this.current.items.filter(item => item.status === 'mismatch');
		if (mismatched.length > 0) lines.push(`Not copied, the bytes are not Glance's: ${mismatched.map(item => item.id).join(', ')} — keep them; compare with a backup or ask the image's owner`);
		return lines;
	}

	private advance(done: number): void {
		const elapsedMs = this.now() - this.startedAt;
		const bytesPerSecond = elapsedMs > 500 ? (done / elapsedMs) * 1000 : null;
		const left = this.current.work.total - done;
		this.update({work: {...this.current.work, done, bytesPerSecond, etaMs: bytesPerSecond ? (left / bytesPerSecond) * 1000 : null}});
	}

	private setItem(index: number, patch: Partial<RecoveryItem>): void {
		const items = this.current.items.map((item, at) => (at === index ? {...item, ...patch} : item));
		this.update({items});
	}

	private record(entry: AuditEntry): void {
		if (!this.audit) return;
		const written = this.audit.write(entry);
		if (!written.ok) this.update({audit: {...this.current.audit, problem: written.problem.reason}});
	}

	private update(patch: Partial<RecoveryState>): void {
		this.current = {...this.current, ...patch};
		for (const listener of this.listeners) listener(this.current);
	}
}
