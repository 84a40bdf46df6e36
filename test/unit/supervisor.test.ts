import {execFileSync, spawn} from 'node:child_process';
import {EventEmitter} from 'node:events';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {probePath} from '../../source/world/real/path-probe.js';
import {healthEntriesBound} from '../../source/model/health.js';
import {maxStuckPerTarget, roleCommand, runChild, StuckLedger, stuckChildren, type Abandoned} from '../../source/world/real/supervisor.js';
import {processesMentioning} from '../support/processes.js';

let directory = '';

beforeAll(async () => {
	directory = await mkdtemp(path.join(os.tmpdir(), 'supervisor-'));
});

afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

/** A child killed but still alive, as one stuck in the kernel on a hung share is, until `die()`. */
function stuckChild(pid: number): Abandoned & {die(): void} {
	const events = new EventEmitter();
	const child = {
		pid,
		exitCode: null as number | null,
		signalCode: null,
		once: (event: string, listener: () => void) => events.once(event, listener),
		die() {
			child.exitCode = 137;
			events.emit('exit');
		},
	};
	return child as unknown as Abandoned & {die(): void};
}

describe('the stuck-child ledger', () => {
	it('counts killed children until they exit, and is full for a target only at the bound', () => {
		const ledger = new StuckLedger(2);
		const first = stuckChild(101);
		const second = stuckChild(102);
		ledger.add('/share', 'probe-worker', first, 1000);
		expect(ledger.fullSince('/share')).toBeNull();
		ledger.add('/share', 'probe-worker', second, 2000);
		expect(ledger.fullSince('/share')).toBe(1000);
		// Another target is not held up by the first one's hang.
		expect(ledger.fullSince('/elsewhere')).toBeNull();
		expect(ledger.list().map(entry => entry.pid)).toEqual([101, 102]);
		first.die();
		expect(ledger.fullSince('/share')).toBeNull();
		second.die();
		expect(ledger.list()).toEqual([]);
	});

	it('does not count a child that had already exited', () => {
		const ledger = new StuckLedger(1);
		const dead = stuckChild(103);
		dead.die();
		ledger.add('/share', 'checksum', dead, 0);
		expect(ledger.list()).toEqual([]);
	});

	it('starts no child for a target that has the bound of stuck ones, and says for how long it has been hung', async () => {
		const target = path.join(directory, 'hung');
		const stuck = Array.from({length: maxStuckPerTarget}, (_, index) => stuckChild(900_000 + index));
		for (const child of stuck) stuckChildren.add(target, 'probe-worker', child, Date.now() - 5000);
		try {
			const probed = await probePath(target, {timeoutMs: 2000});
			expect(probed.health).toMatchObject({state: 'unresponsive', afterMs: expect.any(Number)});
			expect(probed.health.state === 'unresponsive' && probed.health.afterMs).toBeGreaterThanOrEqual(5000);
			expect(await processesMentioning(target)).toEqual([]);
			const listed = await runChild({role: 'datadir-list', target, request: {directory: target}, timeoutMs: 2000, onLine: () => {}});
			expect(listed.how).toBe('refused');
		} finally {
			for (const child of stuck) child.die();
		}
		expect((await probePath(target, {timeoutMs: 5000})).health).toMatchObject({state: 'missing', errno: 'ENOENT'});
	});
});

describe('runChild', () => {
	it('kills a child that misses its deadline and reports the timeout, not an exception', async () => {
		// Opening a FIFO nobody writes to blocks, as a read on a hung share does.
		const fifo = path.join(directory, 'never-written');
		execFileSync('mkfifo', [fifo]);
		const outcome = await runChild({role: 'checksum', target: fifo, request: {path: fifo, algorithms: ['sha512'], progressIntervalMs: 0}, timeoutMs: 300, onLine: () => {}});
		expect(outcome).toMatchObject({how: 'timed-out'});
		await expect.poll(() => processesMentioning(fifo), {timeout: 5000}).toEqual([]);
		expect(stuckChildren.list().filter(entry => entry.target === fifo)).toEqual([]);
	});

	it('reports a child that crashed with its last stderr line', async () => {
		const file = path.join(directory, 'crash-input');
		execFileSync('touch', [file]);
		const outcome = await runChild({role: 'checksum', target: file, request: {path: file, algorithms: ['no-such-digest'], progressIntervalMs: 0}, timeoutMs: 10_000, onLine: () => {}});
		expect(outcome).toMatchObject({how: 'exited', code: 1, stderrTail: expect.stringMatching(/Digest method not supported/)});
	});
});

describe('the probe worker', () => {
	it('serves repeated probes of a path from one process', async () => {
		const target = await mkdtemp(path.join(directory, 'served-'));
		for (let round = 0; round < 5; round++) expect((await probePath(target, {timeoutMs: 5000})).health.state).toBe('responsive');
		expect(await processesMentioning(target)).toHaveLength(1);
	});

	it('replaces a worker that died: the next probe answers', async () => {
		const target = await mkdtemp(path.join(directory, 'crashed-'));
		expect((await probePath(target, {timeoutMs: 5000})).health.state).toBe('responsive');
		const [worker] = await processesMentioning(target);
		process.kill(worker ?? 0, 'SIGKILL');
		await expect.poll(() => processesMentioning(target), {timeout: 5000}).toEqual([]);
		expect((await probePath(target, {timeoutMs: 5000})).health.state).toBe('responsive');
		const [replacement] = await processesMentioning(target);
		expect(replacement).not.toBe(worker);
	});

	it('ends when the process that started it dies', async () => {
		const target = await mkdtemp(path.join(directory, 'orphaned-'));
		const {command, args} = roleCommand('probe-worker', {path: target});
		// A stand-in parent that starts the worker as the supervisor does (requests on its stdin), then is killed.
		const parent = spawn(process.execPath, ['-e', `require('node:child_process').spawn(${JSON.stringify(command)}, ${JSON.stringify(args)}, {stdio: ['pipe', 'ignore', 'ignore']}); setInterval(() => {}, 60_000);`], {stdio: 'ignore'});
		await expect.poll(() => processesMentioning(target), {timeout: 5000}).toHaveLength(1);
		parent.kill('SIGKILL');
		await expect.poll(() => processesMentioning(target), {timeout: 5000}).toEqual([]);
	});

	it('judges a directory of 100,000 entries responsive, having read only the first few names', async () => {
		const big = await mkdtemp(path.join(directory, 'hundred-thousand-'));
		execFileSync('bash', ['-c', 'seq -f "%06g" 1 100000 | xargs touch'], {cwd: big});
		const probed = await probePath(big, {timeoutMs: 3000});
		expect(probed.health).toMatchObject({state: 'responsive', entries: healthEntriesBound});
	}, 60_000);
});
