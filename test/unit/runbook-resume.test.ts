// Where a half-done remount continues: judged from hand-built probes of the container and the share, and
// vouched for by audit records of the last run.
import {describe, expect, it} from 'vitest';
import type {AuditRecord} from '../../source/runbook/audit.js';
import {resumePoint, type ResumeFacts} from '../../source/runbook/resume.js';
import {containerProbe, datadirProbe, shareMount, stoppedContainer, unmountedProbe} from './runbook-fixtures.js';

const time = '2026-11-24T09:00:00.000Z';
const record = (event: AuditRecord['event'], step: AuditRecord['step'], outcome: string | null, detail?: AuditRecord['detail']): AuditRecord => ({
	time,
	run: 'run-1',
	host: 'ctl01',
	operator: 'alice',
	ssh: null,
	event,
	step,
	command: null,
	dryRun: false,
	outcome,
	...(detail ? {detail} : {}),
});

function facts(overrides: Partial<ResumeFacts>): ResumeFacts {
	return {container: containerProbe(), datadir: datadirProbe(), containerName: 'glance_api', mountpoint: '/srv/glance', lastRun: null, ...overrides};
}

/** The share mounted afresh by an earlier run: dev 0:54, answering. */
const remounted = datadirProbe({mount: {...shareMount, majorMinor: '0:54', mountId: 1301}, health: {state: 'responsive', latencyMs: 1, entries: 7, device: '0:54'}});

describe('where a half-done remount resumes', () => {
	it('starts at the beginning while the container runs on a mounted share, or when its state is unknown', () => {
		expect(resumePoint(facts({}))).toMatchObject({from: 'stop', urgent: false, alreadyDone: []});
		expect(resumePoint(facts({container: null})).reason).toMatch(/not known/);
	});

	it('stops first, urgently, when the container runs with nothing mounted', () => {
		const point = resumePoint(facts({datadir: unmountedProbe()}));
		expect(point.from).toBe('stop');
		expect(point.urgent).toBe(true);
		expect(point.reason).toMatch(/root disk right now/);
	});

	it('continues with the mount when the container is stopped and the share unmounted', () => {
		const point = resumePoint(facts({container: stoppedContainer(), datadir: unmountedProbe()}));
		expect(point.from).toBe('mount');
		expect(point.alreadyDone.map(each => each.step)).toEqual(['stop', 'unmount']);
		expect(point.alreadyDone[0]?.evidence).toBe('glance_api is exited since 2026-11-24T09:58:00.000Z');
		expect(point.alreadyDone[1]?.evidence).toMatch(/not a mount point.*\/dev\/sda1/);
	});

	it('with the container stopped and the share mounted, starts only when the last run mounted this very mount', () => {
		const stopped = facts({container: stoppedContainer(), datadir: remounted});
		const mountedAfterUnmount = [record('postcondition', 'unmount', 'done'), record('postcondition', 'mount', 'done', {device: '0:54', mountpoint: '/srv/glance'})];
		const fresh = resumePoint({...stopped, lastRun: mountedAfterUnmount});
		expect(fresh.from).toBe('start');
		expect(fresh.reason).toMatch(/run of 2026-11-24T09:00:00.000Z by alice mounted it \(dev 0:54\)/);
		expect(fresh.alreadyDone.map(each => each.step)).toEqual(['stop', 'unmount', 'mount']);

		expect(resumePoint(stopped).from).toBe('unmount');
		// Unmounted again after that mount, or a different mount now: not vouched for.
		expect(resumePoint({...stopped, lastRun: [...mountedAfterUnmount, record('postcondition', 'unmount', 'done')]}).from).toBe('unmount');
		expect(resumePoint({...stopped, lastRun: [record('postcondition', 'mount', 'done', {device: '0:99'})]}).from).toBe('unmount');
		expect(resumePoint({...stopped, lastRun: [record('postcondition', 'mount', 'failed')]}).from).toBe('unmount');
	});

	it('unmounts first when the container is stopped and the mounted share is dead or does not answer', () => {
		const dead = datadirProbe({health: {state: 'dead', errno: 'ENOTCONN', message: 'ENOTCONN: socket is not connected'}, verdict: 'dead'});
		const point = resumePoint(facts({container: stoppedContainer(), datadir: dead, lastRun: [record('postcondition', 'mount', 'done')]}));
		expect(point.from).toBe('unmount');
		expect(point.reason).toMatch(/mounted but fails \(ENOTCONN\)/);
		const hung = datadirProbe({health: {state: 'unresponsive', afterMs: 3000}, verdict: 'unresponsive'});
		expect(resumePoint(facts({container: stoppedContainer(), datadir: hung})).reason).toMatch(/mounted but does not answer \(no answer after 3 s\)/);
	});

	it('goes straight to the proof when the last run started the container healthy and stopped there', () => {
		const onFreshMount = containerProbe({view: {state: 'same', mount: {...remounted.mount!, mountPoint: '/var/lib/glance'}, health: {state: 'responsive', latencyMs: 2, entries: 7, device: '0:54'}}});
		const started = facts({container: onFreshMount, datadir: remounted});
		const run = [record('postcondition', 'mount', 'done'), record('postcondition', 'start', 'done')];
		expect(resumePoint({...started, lastRun: run}).from).toBe('prove');
		expect(resumePoint({...started, lastRun: [...run, record('finished', null, 'finished')]}).from).toBe('stop');
		expect(resumePoint(started).from).toBe('stop');
		expect(resumePoint({...started, container: {...onFreshMount, health: 'starting'}, lastRun: run}).from).toBe('stop');
	});
});
