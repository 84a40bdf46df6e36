// The probe worker on the real sshfs share: frozen, it is reported hung within the timeout, its stuck worker
// is replaced, and repeated probes never pile up more processes than the supervisor's bound.
import {afterAll, describe, expect, it} from 'vitest';
import {probePath} from '../../source/world/real/path-probe.js';
import {maxStuckPerTarget, stuckChildren} from '../../source/world/real/supervisor.js';
import {lab, labScript} from '../support/lab.js';
import {processesMentioning} from '../support/processes.js';

const timeoutMs = 1500;

afterAll(async () => {
	await labScript('thaw');
});

describe('the probe worker on a share that hangs', () => {
	it('reports the frozen share unresponsive in time, replaces its stuck worker without pile-up, and answers after thaw', async () => {
		const target = lab.LAB_DATADIR ?? '';
		expect((await probePath(target, {timeoutMs})).health.state).toBe('responsive');
		const [healthyWorker] = await processesMentioning(target);
		expect(healthyWorker).toBeDefined();

		await labScript('freeze');
		try {
			const started = Date.now();
			const hung = await probePath(target, {timeoutMs});
			expect(hung.health.state).toBe('unresponsive');
			expect(Date.now() - started).toBeLessThan(timeoutMs + 1000);

			for (let round = 0; round < 6; round++) {
				const probing = probePath(target, {timeoutMs});
				// Counted while the probe waits and after it gave up: stuck ones up to the bound, one fresh worker beside them.
				expect((await processesMentioning(target)).length).toBeLessThanOrEqual(maxStuckPerTarget + 1);
				expect((await probing).health.state).toBe('unresponsive');
				expect((await processesMentioning(target)).length).toBeLessThanOrEqual(maxStuckPerTarget + 1);
				expect(stuckChildren.list().filter(entry => entry.target === target).length).toBeLessThanOrEqual(maxStuckPerTarget);
			}
			// The worker that hung is never asked again.
			expect(await processesMentioning(target)).not.toContain(healthyWorker);
		} finally {
			await labScript('thaw');
		}

		await expect.poll(async () => (await probePath(target, {timeoutMs})).health.state, {timeout: 20_000, interval: 200}).toBe('responsive');
		// Once the share answers, the stuck ones die and one worker serves the path again.
		await expect.poll(() => processesMentioning(target), {timeout: 10_000}).toHaveLength(1);
	});
});
