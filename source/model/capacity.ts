import type {CapacitySample, FsStats, Thresholds} from './types.js';

const hourMs = 3_600_000;
const defaultGrowthWindowMs = 15 * 60_000;
/** Below this span a slope is mostly noise from a single write burst. */
const minimumGrowthSpanMs = 20_000;

export type CapacityLevel = 'ok' | 'warning' | 'critical';

export type Growth = {bytesPerHour: number; inodesPerHour: number; spanMs: number};

/** Percent used as df shows it; `inodes` is null where the filesystem reports none (sshfs, btrfs). */
export function percentUsed(stats: FsStats): {bytes: number; inodes: number | null} {
	// df divides by used + available, leaving out the blocks reserved for root.
	const bytesUsable = stats.bytesUsed + stats.bytesAvailable;
	const bytes = bytesUsable > 0 ? (stats.bytesUsed / bytesUsable) * 100 : 0;
	const inodes = stats.inodesTotal > 0 ? (stats.inodesUsed / stats.inodesTotal) * 100 : null;
	return {bytes, inodes};
}

type CentredSample = {time: number; bytesUsed: number; inodesUsed: number};

/** Least-squares slope of one measure against time, per millisecond; times are centred on their mean. */
function slopePerMs(samples: readonly CentredSample[], measure: (sample: CentredSample) => number): number {
	const mean = samples.reduce((sum, sample) => sum + measure(sample), 0) / samples.length;
	let covariance = 0;
	let variance = 0;
	for (const sample of samples) {
		covariance += sample.time * (measure(sample) - mean);
		variance += sample.time * sample.time;
	}
	return variance === 0 ? 0 : covariance / variance;
}

/** How fast bytes and inodes are being used, from the samples taken within the last `windowMs`. */
export function growth(history: readonly CapacitySample[], now: number, windowMs = defaultGrowthWindowMs): Growth | null {
	const recent = history.filter(sample => sample.at >= now - windowMs && sample.at <= now);
	if (recent.length < 2) return null;
	const times = recent.map(sample => sample.at);
	const spanMs = Math.max(...times) - Math.min(...times);
	if (spanMs < minimumGrowthSpanMs) return null;
	// Centre the timestamps: squaring epoch milliseconds would lose precision.
	const timeMean = times.reduce((sum, time) => sum + time, 0) / times.length;
	const centred = recent.map(sample => ({time: sample.at - timeMean, bytesUsed: sample.bytesUsed, inodesUsed: sample.inodesUsed}));
	return {
		bytesPerHour: slopePerMs(centred, sample => sample.bytesUsed) * hourMs,
		inodesPerHour: slopePerMs(centred, sample => sample.inodesUsed) * hourMs,
		spanMs,
	};
}

/** Milliseconds until the space available to Glance runs out at this rate; null when it is not growing. */
export function timeToFull(stats: FsStats, bytesPerHour: number): number | null {
	if (stats.bytesAvailable <= 0) return 0;
	if (!(bytesPerHour > 0) || !Number.isFinite(bytesPerHour)) return null;
	return (stats.bytesAvailable / bytesPerHour) * hourMs;
}

export function capacityLevel(percent: number, thresholds: Thresholds): CapacityLevel {
	if (percent >= thresholds.critPercent) return 'critical';
	if (percent >= thresholds.warnPercent) return 'warning';
	return 'ok';
}

/** A fill closer than this is worth a warning even below the thresholds. */
const fillingSoonMs = 24 * hourMs;

export type CapacityAssessment = {
	percent: {bytes: number; inodes: number | null};
	/** The fuller of bytes and inodes: the level is judged on it. */
	worstPercent: number;
	level: CapacityLevel;
	/** The inodes' own level, null where the filesystem reports none. */
	inodeLevel: CapacityLevel | null;
	growth: Growth | null;
	/** Milliseconds until full at the current rate; null when not growing or not yet measured. */
	timeToFullMs: number | null;
	/** Full within a day at the current rate. */
	fillingSoon: boolean;
};

/** How full the datadir's filesystem is, how fast it fills and when it will be full: the panel and the findings both say this. */
export function assessCapacity(stats: FsStats, history: readonly CapacitySample[], thresholds: Thresholds, now: number): CapacityAssessment {
	const percent = percentUsed(stats);
	const worstPercent = Math.max(percent.bytes, percent.inodes ?? 0);
	const rate = growth(history, now);
	const timeToFullMs = rate ? timeToFull(stats, rate.bytesPerHour) : null;
	return {
		percent,
		worstPercent,
		level: capacityLevel(worstPercent, thresholds),
		inodeLevel: percent.inodes === null ? null : capacityLevel(percent.inodes, thresholds),
		growth: rate,
		timeToFullMs,
		fillingSoon: timeToFullMs !== null && timeToFullMs < fillingSoonMs,
	};
}

/** A new history with `sample` appended, keeping at most `maxCount` samples no older than `maxAgeMs` before it. */
export function appendSample(
	history: readonly CapacitySample[],
	sample: CapacitySample,
	maxAgeMs: number,
	maxCount: number,
): CapacitySample[] {
	if (maxCount <= 0) return [];
	// Samples stamped after the new one (the clock stepped back) go too, so the history stays in time order;
	// so do samples of another filesystem (the share was unmounted, the datadir sat on the root disk).
	const kept = history.filter(previous => previous.at >= sample.at - maxAgeMs && previous.at <= sample.at && previous.filesystem === sample.filesystem);
	return [...kept, sample].slice(-maxCount);
}
