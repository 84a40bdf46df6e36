import {describe, expect, it} from 'vitest';
import {appendSample, assessCapacity, capacityLevel, growth, percentUsed, timeToFull} from '../../source/model/capacity.js';
import type {CapacitySample, FsStats} from '../../source/model/types.js';

const GiB = 1024 ** 3;
const minute = 60_000;
const hour = 60 * minute;
const now = Date.parse('2025-03-14T09:30:00Z');

// statfs of a 100 GiB ext4 share with 5% reserved for root: df shows 86% used for 81 GiB used, 13 GiB available.
const ext4Share: FsStats = {
	bytesTotal: 100 * GiB,
	bytesUsed: 81 * GiB,
	bytesAvailable: 13 * GiB,
	inodesTotal: 6_553_600,
	inodesUsed: 1_310_720,
	inodesFree: 5_242_880,
};

// statfs of an sshfs mount: the SFTP server reports no inode counts.
const sshfsShare: FsStats = {
	bytesTotal: 500 * GiB,
	bytesUsed: 120 * GiB,
	bytesAvailable: 380 * GiB,
	inodesTotal: 0,
	inodesUsed: 0,
	inodesFree: 0,
};

function samplesEvery(stepMs: number, count: number, bytesPerStep: number, inodesPerStep = 0): CapacitySample[] {
	return Array.from({length: count}, (_unused, index) => ({
		at: now - (count - 1 - index) * stepMs,
		bytesUsed: 50 * GiB + index * bytesPerStep,
		inodesUsed: 40_000 + index * inodesPerStep,
		filesystem: 'nfs',
	}));
}

describe('percentUsed', () => {
	it('divides by used + available like df, not by the total', () => {
		const {bytes} = percentUsed(ext4Share);
		expect(bytes).toBeCloseTo((81 / 94) * 100, 10);
		expect(bytes).not.toBeCloseTo(81, 1);
	});

	it('gives inodes used over total', () => {
		expect(percentUsed(ext4Share).inodes).toBeCloseTo(20, 10);
	});

	it('says inodes are not reported when the filesystem has none (sshfs, btrfs)', () => {
		expect(percentUsed(sshfsShare)).toEqual({bytes: 24, inodes: null});
	});

	it('gives 0% for an empty statfs instead of NaN', () => {
		expect(percentUsed({...sshfsShare, bytesTotal: 0, bytesUsed: 0, bytesAvailable: 0}).bytes).toBe(0);
	});

	it('gives 100% when nothing is available to Glance, even with root-reserved blocks left', () => {
		expect(percentUsed({...ext4Share, bytesUsed: 95 * GiB, bytesAvailable: 0}).bytes).toBe(100);
	});
});

describe('growth', () => {
	it('finds the slope of a steady upload in bytes and inodes per hour', () => {
		const history = samplesEvery(30_000, 21, 50 * 1024 ** 2, 10);
		const result = growth(history, now);
		expect(result?.bytesPerHour).toBeCloseTo(120 * 50 * 1024 ** 2, 0);
		expect(result?.inodesPerHour).toBeCloseTo(1200, 6);
		expect(result?.spanMs).toBe(10 * minute);
	});

	it('reports a shrinking share (images deleted) as a negative rate', () => {
		expect(growth(samplesEvery(minute, 6, -GiB), now)?.bytesPerHour).toBeCloseTo(-60 * GiB, 0);
	});

	it('is zero for a flat series', () => {
		expect(growth(samplesEvery(minute, 5, 0), now)?.bytesPerHour).toBe(0);
	});

	it('fits a least-squares line through noise rather than joining first and last', () => {
		// First and last alone would give 2 GiB in 4 minutes (30 GiB/h); the fit through all five gives 0.6 GiB a minute.
		const history: CapacitySample[] = [0, 1, 2, 3, 2].map((gib, index) => ({at: now - (4 - index) * minute, bytesUsed: gib * GiB, inodesUsed: 0, filesystem: 'nfs'}));
		expect(growth(history, now)?.bytesPerHour).toBeCloseTo(36 * GiB, 0);
	});

	it('only uses samples within the window (15 minutes by default)', () => {
		const old = {at: now - 40 * minute, bytesUsed: 0, inodesUsed: 0, filesystem: 'nfs'};
		const recent = samplesEvery(minute, 10, GiB);
		expect(growth([old, ...recent], now)?.bytesPerHour).toBeCloseTo(60 * GiB, 0);
		expect(growth([old, ...recent], now)?.spanMs).toBe(9 * minute);
		expect(growth([old, ...recent], now, hour)?.spanMs).toBe(40 * minute);
	});

	it('ignores samples stamped after now', () => {
		const future = {at: now + minute, bytesUsed: 900 * GiB, inodesUsed: 0, filesystem: 'nfs'};
		expect(growth([...samplesEvery(minute, 3, GiB), future], now)?.bytesPerHour).toBeCloseTo(60 * GiB, 0);
	});

	it('is null with fewer than two samples', () => {
		expect(growth([], now)).toBeNull();
		expect(growth(samplesEvery(minute, 1, GiB), now)).toBeNull();
	});

	it('is null when the samples span less than 20 seconds', () => {
		expect(growth(samplesEvery(4_000, 5, GiB), now)).toBeNull();
		expect(growth(samplesEvery(5_000, 5, GiB), now)).not.toBeNull();
	});

	it('keeps precision with real epoch timestamps and small changes', () => {
		expect(growth(samplesEvery(10_000, 7, 4096), now)?.bytesPerHour).toBeCloseTo(360 * 4096, 3);
	});
});

describe('timeToFull', () => {
	it('divides the available bytes by the hourly rate', () => {
		expect(timeToFull(ext4Share, 13 * GiB)).toBeCloseTo(hour, 3);
		expect(timeToFull(ext4Share, GiB)).toBeCloseTo(13 * hour, 3);
	});

	it('is null when the share is not growing', () => {
		expect(timeToFull(ext4Share, 0)).toBeNull();
		expect(timeToFull(ext4Share, -GiB)).toBeNull();
		expect(timeToFull(ext4Share, Number.NaN)).toBeNull();
	});

	it('is zero when nothing is available already', () => {
		expect(timeToFull({...ext4Share, bytesAvailable: 0}, GiB)).toBe(0);
	});
});

describe('capacityLevel', () => {
	const thresholds = {warnPercent: 80, critPercent: 90};

	it('is ok below the warning threshold', () => {
		expect(capacityLevel(79.9, thresholds)).toBe('ok');
	});

	it('warns at and above the warning threshold', () => {
		expect(capacityLevel(80, thresholds)).toBe('warning');
		expect(capacityLevel(89.99, thresholds)).toBe('warning');
	});

	it('is critical at and above the critical threshold', () => {
		expect(capacityLevel(90, thresholds)).toBe('critical');
		expect(capacityLevel(100, thresholds)).toBe('critical');
	});

	it('works on the df figure of a real share', () => {
		expect(capacityLevel(percentUsed(ext4Share).bytes, thresholds)).toBe('warning');
	});
});

describe('assessCapacity', () => {
	const thresholds = {warnPercent: 80, critPercent: 90};

	it('judges the level on the fuller of bytes and inodes, and keeps the inodes their own level', () => {
		const inodesFull = {...sshfsShare, inodesTotal: 1000, inodesUsed: 950, inodesFree: 50};
		const assessed = assessCapacity(inodesFull, [], thresholds, now);
		expect(assessed).toMatchObject({worstPercent: 95, level: 'critical', inodeLevel: 'critical'});
		expect(assessed.percent.bytes).toBe(24);
		expect(assessCapacity(sshfsShare, [], thresholds, now)).toMatchObject({level: 'ok', inodeLevel: null});
	});

	it('measures growth and time to full from the history, and calls a fill within a day soon', () => {
		const fast = assessCapacity(ext4Share, samplesEvery(minute, 11, (13 * GiB) / 600), thresholds, now);
		expect(fast.growth?.bytesPerHour).toBeCloseTo(1.3 * GiB, 0);
		expect(fast.timeToFullMs).toBeCloseTo(10 * hour, -3);
		expect(fast.fillingSoon).toBe(true);
		const slow = assessCapacity(ext4Share, samplesEvery(minute, 11, GiB / 600), thresholds, now);
		expect(slow.timeToFullMs).toBeCloseTo(130 * hour, -3);
		expect(slow.fillingSoon).toBe(false);
	});

	it('has no growth nor time to full until there is history', () => {
		expect(assessCapacity(ext4Share, [], thresholds, now)).toMatchObject({growth: null, timeToFullMs: null, fillingSoon: false, level: 'warning'});
	});
});

describe('appendSample', () => {
	const sample = (at: number, filesystem = 'nfs'): CapacitySample => ({at, bytesUsed: at - now, inodesUsed: 0, filesystem});

	it('appends without changing the history it was given', () => {
		const history = Object.freeze([sample(now - 2 * minute), sample(now - minute)]);
		const next = appendSample(history, sample(now), hour, 100);
		expect(next.map(entry => entry.at)).toEqual([now - 2 * minute, now - minute, now]);
		expect(history).toHaveLength(2);
		expect(next).not.toBe(history);
	});

	it('drops samples older than maxAgeMs before the new one', () => {
		const history = [sample(now - 20 * minute), sample(now - 10 * minute), sample(now - minute)];
		expect(appendSample(history, sample(now), 10 * minute, 100).map(entry => entry.at)).toEqual([now - 10 * minute, now - minute, now]);
	});

	it('keeps at most maxCount samples, the newest', () => {
		const history = [1, 2, 3, 4].map(step => sample(now - (5 - step) * minute));
		expect(appendSample(history, sample(now), hour, 3).map(entry => entry.at)).toEqual([now - 2 * minute, now - minute, now]);
	});

	it('starts over when another filesystem holds the datadir: growth is never measured across two', () => {
		const history = [sample(now - 2 * minute), sample(now - minute, '/dev/vda1 ext4 /')];
		expect(appendSample(history, sample(now, '/dev/vda1 ext4 /'), hour, 100).map(entry => entry.at)).toEqual([now - minute, now]);
		expect(appendSample(history, sample(now), hour, 100).map(entry => entry.at)).toEqual([now - 2 * minute, now]);
	});

	it('drops samples stamped after the new one, so a clock stepped back keeps the history in order', () => {
		const history = [sample(now - minute), sample(now + 5 * minute)];
		expect(appendSample(history, sample(now), hour, 100).map(entry => entry.at)).toEqual([now - minute, now]);
	});

	it('keeps nothing when maxCount is zero', () => {
		expect(appendSample([sample(now - minute)], sample(now), hour, 0)).toEqual([]);
	});
});
