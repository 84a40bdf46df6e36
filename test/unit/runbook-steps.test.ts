// Each step's check and diagnosis, on hand-built answers of the World: what counts as done, and what the
// operator is told when it is not.
import {describe, expect, it} from 'vitest';
import {fail, ok} from '../../source/model/result.js';
import type {ContainerProbe, DatadirProbe} from '../../source/model/types.js';
import {buildPlan} from '../../source/runbook/plan.js';
import {buildPreflight} from '../../source/runbook/preflight.js';
import {checkMounted, mountStep} from '../../source/runbook/steps/mount.js';
import {checkProof} from '../../source/runbook/steps/prove.js';
import {checkStarted, mayStillTurnHealthy, startStep} from '../../source/runbook/steps/start.js';
import type {Ran, RemountStep, StepContext} from '../../source/runbook/steps/step.js';
import {checkStopped, stopStep} from '../../source/runbook/steps/stop.js';
import {checkUnmounted, unmountStep} from '../../source/runbook/steps/unmount.js';
import type {ActionProblem, Holder, World} from '../../source/world/world.js';
import {containerProbe, datadir, datadirProbe, flappedSnapshot, preflightFacts, stoppedContainer, unmountedProbe} from './runbook-fixtures.js';

const expected = {mountpoint: '/srv/glance', source: 'nfs01:/export/glance', filesBefore: 7};
const listing = (count: number) => ({at: 1, state: 'ok' as const, directory: datadir, files: Array.from({length: count}, (_, index) => ({name: `f${index}`, size: 1, mtimeMs: 1, kind: 'file' as const})), tookMs: 1});

describe('postconditions', () => {
	it('stop holds once the container is not running', () => {
		expect(checkStopped(containerProbe()).holds).toBe(false);
		const stopped = checkStopped(stoppedContainer());
		expect(stopped.holds).toBe(true);
		expect(stopped.checks[0]?.evidence).toMatch(/exited, exit code 0/);
		expect(checkStopped({at: 1, state: 'docker-unreachable', name: 'glance_api', reason: 'permission denied', hint: ''}).checks[0]).toMatchObject({ok: false, evidence: 'docker: permission denied'});
	});

	it('unmount holds once the mount point is no longer one', () => {
		expect(checkUnmounted(datadirProbe(), '/srv/glance').checks[0]).toMatchObject({ok: false, evidence: expect.stringMatching(/still mounted: nfs01/)});
		expect(checkUnmounted(unmountedProbe(), '/srv/glance').holds).toBe(true);
	});

	it('mount holds when mounted from the expected source, answering, with the image files back; and keeps its device', () => {
		const notMounted = checkMounted(unmountedProbe(), null, expected);
		expect(notMounted.holds).toBe(false);
		expect(notMounted.checks.filter(check => !check.ok).map(check => check.label)).toContain('/srv/glance is a mount point');
		const mounted = checkMounted(datadirProbe(), listing(7), expected);
		expect(mounted).toMatchObject({holds: true, record: {device: '0:53', mountpoint: '/srv/glance'}});
		expect(mounted.checks.find(check => check.label.startsWith('statfs'))?.evidence).toBe('answers in 1 ms (7 entries)');
		expect(checkMounted(datadirProbe(), listing(7), {...expected, source: 'nfs02:/export/glance'}).holds).toBe(false);
		const empty = checkMounted(datadirProbe(), listing(0), expected);
		expect(empty.checks.find(check => check.label.startsWith('the image files'))?.ok).toBe(false);
		expect(empty.record).toBeUndefined();
	});

	it('start wants the container healthy and on the host mount; the proof wants bytes', () => {
		const stale = checkStarted(containerProbe(), '/srv/glance');
		expect(stale.holds).toBe(false);
		expect(stale.checks.find(check => !check.ok)?.evidence).toMatch(/holds dev 0:52, the host has dev 0:53/);
		expect(mayStillTurnHealthy(containerProbe({health: 'starting'}))).toBe(true);
		expect(mayStillTurnHealthy(containerProbe())).toBe(false);

		expect(checkProof(fail({status: 204, bytes: 0, imageId: 'x', reason: 'no bytes'}))).toMatchObject({holds: false, checks: [{evidence: 'HTTP 204, 0 bytes: no bytes'}]});
		expect(checkProof(ok({status: 200, bytes: 0, imageId: 'x', tookMs: 3})).holds).toBe(false);
		expect(checkProof(ok({status: 200, bytes: 65536, imageId: 'x', tookMs: 3}))).toMatchObject({holds: true, checks: [{evidence: 'HTTP 200, 64 KiB in 3 ms'}]});
	});
});

/** A step's context on a World that answers only what the diagnosis asks. */
function contextFor(step: RemountStep, world: Partial<World>, lastContainer: ContainerProbe | null = null): StepContext {
	const snapshot = flappedSnapshot();
	const preflight = buildPreflight(snapshot, preflightFacts(snapshot));
	const plan = buildPlan(preflight, {graceSeconds: 60, probeTimeoutMs: 3000, healthWaitMs: 1000});
	const unasked = () => Promise.reject(new Error('not asked'));
	return {
		world: world as World,
		plan,
		preflight,
		planned: plan.steps.find(each => each.id === step.id)!,
		settings: {graceSeconds: 60, healthWaitMs: 1000, pollIntervalMs: 1, logLines: 20},
		now: () => 0,
		sleep: async () => {},
		output: () => {},
		probeDatadir: unasked as () => Promise<DatadirProbe>,
		probeContainer: unasked as () => Promise<ContainerProbe>,
		lastContainer: () => lastContainer,
	};
}

const failed = (problem: Omit<ActionProblem, 'tookMs' | 'output'>, output: string[] = []): Ran => ({result: fail({...problem, tookMs: 5, output})});
const unmet = {holds: false, checks: [{label: 'x', ok: false, evidence: 'not yet'}]};

describe('diagnoses', () => {
	it('a busy unmount names who holds the mount, or says the share itself is hung', async () => {
		const holder: Holder = {pid: 4242, command: 'rsync', user: 'root', how: 'cwd', path: '/srv/glance/images'};
		const busy = failed({errno: 'EBUSY', reason: 'umount: /srv/glance: target is busy.'});
		const held = await unmountStep.diagnose(contextFor(unmountStep, {mountHolders: async () => [holder]}), {ran: busy, verdict: unmet, lazy: false});
		expect(held).toEqual({kind: 'busy', reason: 'umount: /srv/glance: target is busy.', holders: [holder]});
		const hung = await unmountStep.diagnose(contextFor(unmountStep, {mountHolders: async () => []}), {ran: busy, verdict: unmet, lazy: true});
		expect(hung).toMatchObject({kind: 'busy', holders: []});
		expect(hung.reason).toMatch(/^even the lazy unmount failed: .*no process holds it: the share itself is stuck/);
		const other = await unmountStep.diagnose(contextFor(unmountStep, {}), {ran: failed({errno: 'EPERM', reason: 'only root'}), verdict: unmet, lazy: false});
		expect(other).toEqual({kind: 'failed', reason: 'only root'});
	});

	it('a failed mount shows the fstab line and what mount said', async () => {
		const ran = failed({errno: 'ECONNREFUSED', reason: 'the server refused the connection'}, ['mount.nfs4: Connection refused']);
		expect(await mountStep.diagnose(contextFor(mountStep, {}), {ran, verdict: unmet, lazy: false})).toEqual({
			kind: 'mount-failed',
			reason: 'the server refused the connection',
			fstabLine: 'nfs01:/export/glance /srv/glance nfs4 rw,hard,vers=4.2,_netdev 0 0',
			output: ['mount.nfs4: Connection refused'],
		});
	});

	it("a failed start shows the container's logs and health output; a command that worked names the unmet checks", async () => {
		const unhealthy = containerProbe({health: 'unhealthy', healthOutput: 'exit 1: connection refused'});
		const ran: Ran = {result: ok({tookMs: 5, output: ['glance_api']})};
		const context = contextFor(startStep, {containerLogs: async () => ok(['ERROR oslo_db: Database server has gone away'])}, unhealthy);
		expect(await startStep.diagnose(context, {ran, verdict: unmet, lazy: false})).toEqual({
			kind: 'start-failed',
			reason: 'the command succeeded but the world is not as it should be: x (not yet)',
			logs: ['ERROR oslo_db: Database server has gone away'],
			health: 'unhealthy',
			healthOutput: 'exit 1: connection refused',
		});
		const noLogs = contextFor(startStep, {containerLogs: async () => fail({reason: 'docker did not answer within 10 s', hint: 'journalctl -u docker'})}, unhealthy);
		expect(await startStep.diagnose(noLogs, {ran, verdict: unmet, lazy: false})).toMatchObject({
			kind: 'start-failed',
			logs: ['(the logs could not be read: docker did not answer within 10 s — journalctl -u docker)'],
		});
	});
});

describe('step texts follow the world', () => {
	const whyOf = (step: RemountStep, snapshot: ReturnType<typeof flappedSnapshot>) => step.describe(buildPreflight(snapshot, preflightFacts(snapshot)), {graceSeconds: 60, probeTimeoutMs: 3000, healthWaitMs: 1000}).why;

	it('the unmount says the host already remounted when its mount answers and the container holds the old one', () => {
		const why = whyOf(unmountStep, flappedSnapshot());
		expect(why).toContain('The host already remounted the share (dev 0:53, answering); the container still holds the old one (dev 0:52).');
		expect(why).not.toMatch(/stale or dead|is dead/);
	});

	it('the unmount calls the host mount dead or hung only when it is', () => {
		const dead = datadirProbe({verdict: 'dead', health: {state: 'dead', errno: 'ENOTCONN', message: 'ENOTCONN: socket is not connected'}});
		expect(whyOf(unmountStep, flappedSnapshot({datadir: dead}))).toMatch(/^The host's mount of \/srv\/glance \(dev 0:53\) is dead/);
		const hung = datadirProbe({verdict: 'unresponsive', health: {state: 'unresponsive', afterMs: 3000}});
		expect(whyOf(unmountStep, flappedSnapshot({datadir: hung}))).toMatch(/does not answer: .* the lazy unmount is the way out/);
	});

	it('the unmount and the stop say so when their work is already done', () => {
		const unmounted = flappedSnapshot({datadir: unmountedProbe(), container: stoppedContainer()});
		expect(whyOf(unmountStep, unmounted)).toMatch(/^Nothing is mounted at \/srv\/glance now: there is nothing to unmount/);
		expect(whyOf(stopStep, unmounted)).toContain('glance_api is already stopped: this step finds it done and runs nothing.');
		expect(whyOf(stopStep, flappedSnapshot())).not.toContain('already stopped');
	});
});
