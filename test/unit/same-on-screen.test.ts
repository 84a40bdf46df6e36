import {describe, expect, it} from 'vitest';
import {freshnessText} from '../../source/ui/components/header.js';
import {sameOnScreen, type ScreenShows} from '../../source/ui/same-on-screen.js';
import type {CapacitySample, DatadirProbe, GlanceListing, HostProbe, Snapshot} from '../../source/model/types.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';

const datadir: DatadirProbe = {
	at: 1_000_000,
	datadir: '/srv/glance/images',
	mount: null,
	expectedMountpoint: null,
	expectedFrom: null,
	fstab: null,
	fstabProblem: null,
	health: {state: 'responsive', latencyMs: 3, entries: 4, device: '0:52'},
	verdict: 'responsive',
	stats: {bytesTotal: 100e9, bytesUsed: 40e9, bytesAvailable: 60e9, inodesTotal: 1e6, inodesUsed: 1e3, inodesFree: 999e3},
} as DatadirProbe;
const host: HostProbe = {at: 1_000_000, hostname: 'ctl1', load1: 0.5, cpuPercent: 12, memUsedPercent: 40, network: null, problem: null};
const shows: ScreenShows = {host: false, trendWidth: 36, thresholds: {warnPercent: 80, critPercent: 90}};

const samples = (count: number, bytesUsed = 40e9): CapacitySample[] => Array.from({length: count}, (_, index) => ({at: 1_000_000 + index * 2000, bytesUsed, inodesUsed: 1e3, filesystem: 'share'}));
const snapshot = (patch: Partial<Snapshot> = {}): Snapshot => ({datadir, container: null, host, history: samples(60), lastEvent: null, glance: null, files: null, ...patch});
/** The next probe round: every stamp later, one more sample of the same figures. */
const nextRound = (previous: Snapshot, patch: Partial<Snapshot> = {}): Snapshot => ({
	...previous,
	datadir: previous.datadir && {...previous.datadir, at: previous.datadir.at + 2000},
	host: previous.host && {...previous.host, at: previous.host.at + 2000},
	history: [...previous.history, {...previous.history.at(-1)!, at: previous.history.at(-1)!.at + 2000}],
	...patch,
});

describe('a probe round that changes nothing on screen', () => {
	it('keeps the screen when only the stamps moved and the graph was already full', () => {
		const shown = snapshot();
		expect(sameOnScreen(shown, nextRound(shown), shows)).toBe(true);
	});

	it('draws again a minute on, for the findings that age with the clock', () => {
		const shown = snapshot();
		expect(sameOnScreen(shown, nextRound(shown, {datadir: {...datadir, at: datadir.at + 60_000}}), shows)).toBe(false);
	});

	it('draws a quick latency that moved at most every 10 s, and a slow one at once', () => {
		const shown = snapshot();
		const latency = (latencyMs: number, after: number) => nextRound(shown, {datadir: {...datadir, at: datadir.at + after, health: {state: 'responsive', latencyMs, entries: 4, device: '0:52'}}});
		expect(sameOnScreen(shown, latency(40, 2000), shows)).toBe(true);
		expect(sameOnScreen(shown, latency(40, 10_000), shows)).toBe(false);
		expect(sameOnScreen(shown, latency(400, 2000), shows)).toBe(false);
	});

	it('draws again when the share stops answering', () => {
		const shown = snapshot();
		expect(sameOnScreen(shown, nextRound(shown, {datadir: {...datadir, at: datadir.at + 2000, health: {state: 'unresponsive', afterMs: 3000}, verdict: 'unresponsive'} as DatadirProbe}), shows)).toBe(false);
	});

	it('draws space used that moved at most every 10 s, and at once when it crosses a threshold', () => {
		const shown = snapshot();
		const used = (bytesUsed: number, after: number) => nextRound(shown, {datadir: {...datadir, at: datadir.at + after, stats: {...datadir.stats!, bytesUsed, bytesAvailable: 100e9 - bytesUsed}}});
		expect(sameOnScreen(shown, used(41e9, 2000), shows)).toBe(true);
		expect(sameOnScreen(shown, used(41e9, 10_000), shows)).toBe(false);
		expect(sameOnScreen(shown, used(85e9, 2000), shows)).toBe(false);
	});

	it('draws the capacity graph filling its width, every 10 s', () => {
		const shown = snapshot({history: samples(10)});
		expect(sameOnScreen(shown, nextRound(shown, {datadir: {...datadir, at: datadir.at + 10_000}}), shows)).toBe(false);
	});

	it('draws a new sample that moves the graph, every 10 s', () => {
		const shown = snapshot();
		expect(sameOnScreen(shown, {...nextRound(shown, {datadir: {...datadir, at: datadir.at + 10_000}}), history: [...shown.history, {...shown.history.at(-1)!, at: 2_000_000, bytesUsed: 45e9}]}, shows)).toBe(false);
	});

	it('keeps the screen when a listing took another time to answer (never drawn), and draws its images changing', () => {
		const images = [glanceImage({id: imageUuid(1)}), glanceImage({id: imageUuid(2)})];
		const glance: GlanceListing = {at: 1_000_000, state: 'ok', endpoint: 'http://glance:9292', authSource: 'openrc', pages: 1, tookMs: 30, images};
		const shown = snapshot({glance});
		expect(sameOnScreen(shown, nextRound(shown, {glance: {...glance, at: 1_008_000, tookMs: 24}}), shows)).toBe(true);
		expect(sameOnScreen(shown, nextRound(shown, {glance: {...glance, at: 1_008_000, tookMs: 24, images: [images[0]!, {...images[1]!, status: 'deactivated'}]}}), shows)).toBe(false);
	});

	it('ignores the host facts while they are hidden, and draws them while the capacity details show them', () => {
		const shown = snapshot();
		const busier = nextRound(shown, {host: {...host, at: 1_002_000, cpuPercent: 55}});
		expect(sameOnScreen(shown, busier, shows)).toBe(true);
		expect(sameOnScreen(shown, busier, {...shows, host: true})).toBe(false);
		expect(sameOnScreen(shown, nextRound(shown, {host: {...host, at: 1_002_000, cpuPercent: 12.3}}), {...shows, host: true})).toBe(true);
	});
});

describe('the header says how fresh the facts are', () => {
	it('says probing before the first round, live while rounds come in time, and the age as a warning once they stop', () => {
		expect(freshnessText({state: 'probing'})).toEqual({text: 'probing…', tone: 'dim'});
		expect(freshnessText({state: 'live'})).toEqual({text: 'live', tone: 'dim'});
		expect(freshnessText({state: 'stale', since: 1_000_000, now: 1_007_400})).toEqual({text: '7s ago', tone: 'warn'});
		expect(freshnessText({state: 'stale', since: 1_000_000, now: 1_000_000 + 3 * 60_000})).toEqual({text: '3 min ago', tone: 'warn'});
	});
});
