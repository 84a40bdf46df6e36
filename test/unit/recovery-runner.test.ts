import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ok, fail} from '../../source/model/result.js';
import {RecoveryRunner, type RecoveryState, type RecoveryTarget} from '../../source/runbook/recovery/runner.js';
import type {GlanceImage} from '../../source/model/types.js';
import type {GlanceProof, RecoveryOutcome, RecoveryProgress} from '../../source/world/world.js';
import {readAudit} from '../support/audit.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';
import {scratchDir} from '../support/scratch.js';

const MiB = 1024 ** 2;
const datadir = '/srv/share/images';

function target(n: number, size = 4 * MiB): RecoveryTarget {
	return {image: glanceImage({id: imageUuid(n), name: `snapshot-${n}`, size}), hidden: {name: imageUuid(n), size, mtimeMs: 0, kind: 'file'}};
}

/** A World that answers each image as told, reporting progress through the three passes. */
function fakeWorld(outcomes: Record<string, RecoveryOutcome['state']>) {
	const asked: string[] = [];
	const proved: string[] = [];
	return {
		asked,
		proved,
		async recoverShadowed(image: GlanceImage, options: {onProgress?: (progress: RecoveryProgress) => void}): Promise<RecoveryOutcome> {
			asked.push(image.id);
			const size = image.size ?? 0;
			const state = outcomes[image.id] ?? 'recovered';
			// A name already on the share is refused before anything is read.
			if (state === 'exists') return {state, file: `${datadir}/${image.id}`};
			options.onProgress?.({phase: 'hash', done: size, total: size});
			if (state === 'mismatch') return {state, algorithm: 'sha512', expected: 'ab'.repeat(64), actual: 'cd'.repeat(64), bytes: size};
			if (state === 'failed') return {state, reason: 'EIO: input/output error'};
			options.onProgress?.({phase: 'copy', done: size, total: size});
			options.onProgress?.({phase: 'verify', done: size, total: size});
			return {state, file: `${datadir}/${image.id}`, bytes: size, algorithm: 'sha512', digestOnShare: 'ab'.repeat(64), uid: 42415, gid: 42415, mode: 0o640, likeFrom: imageUuid(99), tookMs: 5};
		},
		async proveGlance(image: GlanceImage): Promise<GlanceProof> {
			proved.push(image.id);
			return ok({status: 200, bytes: 65536, imageId: image.id, tookMs: 3});
		},
	};
}

function runner(targets: RecoveryTarget[], world: ReturnType<typeof fakeWorld>, auditLog = path.join(scratchDir('gi-recovery-'), 'audit.jsonl')) {
	return {auditLog, runner: new RecoveryRunner({world, targets, datadir, parentMountpoint: '/', auditLog, env: {USER: 'operator'}, hostname: 'ctl01'})};
}

async function finished(recovery: RecoveryRunner): Promise<RecoveryState> {
	if (recovery.state.phase === 'finished') return recovery.state;
	return new Promise(resolve => {
		const stop = recovery.subscribe(state => {
			if (state.phase !== 'finished') return;
			stop();
			resolve(state);
		});
	});
}

describe('the recovery of shadowed images', () => {
	it('runs nothing until y answers its own prompt; an answer to another prompt does nothing', async () => {
		const world = fakeWorld({});
		const {runner: recovery} = runner([target(1)], world);
		expect(recovery.state).toMatchObject({phase: 'confirm', prompt: {blockers: []}});
		recovery.send({type: 'confirm', prompt: 'some-other-prompt'});
		expect(recovery.state.phase).toBe('confirm');
		expect(world.asked).toEqual([]);
	});

	it('declined: nothing runs, every image is not run, and the refusal is recorded', async () => {
		const world = fakeWorld({});
		const {runner: recovery, auditLog} = runner([target(1), target(2)], world);
		recovery.send({type: 'decline', prompt: recovery.state.prompt!.id});
		expect(recovery.state.items.map(item => item.status)).toEqual(['not-run', 'not-run']);
		expect(world.asked).toEqual([]);
		expect(readAudit(auditLog).map(line => line.event)).toEqual(['declined']);
	});

	it('each image: put back and proved by Glance, or reported (a mismatch is not copied, a file on the share is not overwritten); an audit record per image', async () => {
		const world = fakeWorld({[imageUuid(2)]: 'mismatch', [imageUuid(3)]: 'exists'});
		const {runner: recovery, auditLog} = runner([target(1), target(2), target(3)], world);
		recovery.send({type: 'confirm', prompt: recovery.state.prompt!.id});
		const state = await finished(recovery);
		expect(state.items.map(item => item.status)).toEqual(['recovered', 'mismatch', 'exists']);
		expect(state.items[0]?.lines).toEqual([
			`put back as ${datadir}/${imageUuid(1)} (4 MiB, sha512 read back from the share matches Glance; owner 42415:42415 mode 0640 like ${imageUuid(99)})`,
			'Glance serves it: 200, first 64 KiB',
		]);
		expect(state.items[2]?.lines[0]).toBe(`${datadir}/${imageUuid(3)} is on the share already: nothing was written (never an overwrite)`);
		expect(world.proved).toEqual([imageUuid(1)]);
		// Only what was read counts: the mismatch and the existing file left their other passes out.
		expect(state.work).toMatchObject({done: 3 * 4 * MiB + 4 * MiB, total: 3 * 4 * MiB + 4 * MiB});
		const results = readAudit(auditLog).filter(line => line.event === 'result') as unknown as Array<{outcome: string; operator: string; detail: {imageId: string}}>;
		expect(results.map(line => [line.detail.imageId, line.outcome])).toEqual([
			[imageUuid(1), 'recovered'],
			[imageUuid(2), 'mismatch'],
			[imageUuid(3), 'exists'],
		]);
		expect(results.every(line => line.operator === 'operator')).toBe(true);
		expect(state.summary.join('\n')).toContain(`rm -i "$d"/srv/share/images/${imageUuid(1)}`);
		expect(state.summary.join('\n')).toContain(`Not copied, the bytes are not Glance's: ${imageUuid(2)}`);
	});

	it('a Glance that does not serve the image back makes it failed, with the file said to be on the share', async () => {
		const world = {...fakeWorld({}), proveGlance: async (image: GlanceImage): Promise<GlanceProof> => fail({status: 500, bytes: 0, imageId: image.id, reason: 'Glance answered 500'})};
		const {runner: recovery} = runner([target(1)], world as ReturnType<typeof fakeWorld>);
		recovery.send({type: 'confirm', prompt: recovery.state.prompt!.id});
		const state = await finished(recovery);
		expect(state.items[0]).toMatchObject({status: 'failed', lines: [expect.stringContaining('put back as'), 'the file is back on the share, but Glance does not serve it yet: Glance answered 500']});
	});

	it('s stops after the image under way', async () => {
		const world = fakeWorld({});
		const {runner: recovery} = runner([target(1), target(2)], world);
		const stop = recovery.subscribe(state => {
			if (state.items[0]?.status !== 'copying') return;
			stop();
			recovery.send({type: 'stop'});
		});
		recovery.send({type: 'confirm', prompt: recovery.state.prompt!.id});
		const state = await finished(recovery);
		expect(state.items.map(item => item.status)).toEqual(['recovered', 'not-run']);
		expect(world.asked).toEqual([imageUuid(1)]);
	});

	it('cannot begin without an audit log it can write: y then runs nothing', () => {
		// As root a read-only directory is still writable: a path through a regular file is not.
		const file = path.join(scratchDir('gi-recovery-locked-'), 'file');
		writeFileSync(file, '');
		const world = fakeWorld({});
		const {runner: recovery} = runner([target(1)], world, path.join(file, 'audit.jsonl'));
		expect(recovery.state.prompt?.blockers[0]).toMatch(/^the audit log cannot be written/);
		recovery.send({type: 'confirm', prompt: recovery.state.prompt!.id});
		expect(world.asked).toEqual([]);
		expect(recovery.state).toMatchObject({phase: 'finished', declined: true});
	});
});
