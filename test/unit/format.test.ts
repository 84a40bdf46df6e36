import {describe, expect, it} from 'vitest';
import {formatBytes, formatCount, formatDuration, formatRate, sparkline, truncateMiddle} from '../../source/model/format.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

describe('formatBytes', () => {
	it('shows bytes below 1 KiB as whole bytes', () => {
		expect(formatBytes(0)).toBe('0 B');
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(1023)).toBe('1023 B');
	});

	it('uses IEC units with one decimal below 100', () => {
		expect(formatBytes(1.5 * KiB)).toBe('1.5 KiB');
		expect(formatBytes(45.2 * GiB)).toBe('45.2 GiB');
		expect(formatBytes(1.1 * TiB)).toBe('1.1 TiB');
		expect(formatBytes(13_958_643_712)).toBe('13 GiB');
	});

	it('drops the decimal from 100 up', () => {
		expect(formatBytes(300 * MiB)).toBe('300 MiB');
		expect(formatBytes(812.6 * GiB)).toBe('813 GiB');
	});

	it('moves to the next unit when rounding reaches 1024', () => {
		expect(formatBytes(1023.7)).toBe('1 KiB');
		expect(formatBytes(MiB - 1)).toBe('1 MiB');
	});

	it('keeps the sign of a negative size', () => {
		expect(formatBytes(-1.5 * GiB)).toBe('-1.5 GiB');
	});
});

describe('formatCount', () => {
	it('shows small counts as they are', () => {
		expect(formatCount(950)).toBe('950');
		expect(formatCount(0)).toBe('0');
	});

	it('uses k and M with one decimal', () => {
		expect(formatCount(1234)).toBe('1.2k');
		expect(formatCount(6_500_000)).toBe('6.5M');
		expect(formatCount(6_553_600)).toBe('6.6M');
	});

	it('moves to the next unit when rounding reaches 1000', () => {
		expect(formatCount(999_960)).toBe('1M');
	});
});

describe('formatDuration', () => {
	it('uses the largest unit, rounded down', () => {
		expect(formatDuration(850)).toBe('850 ms');
		expect(formatDuration(12_900)).toBe('12 s');
		expect(formatDuration(4 * 60_000 + 59_000)).toBe('4 min');
	});

	it('adds the next unit for hours and days', () => {
		expect(formatDuration((3 * 60 + 20) * 60_000)).toBe('3 h 20 min');
		expect(formatDuration((2 * 24 + 4) * 3_600_000 + 59 * 60_000)).toBe('2 d 4 h');
	});

	it('leaves out a zero second unit', () => {
		expect(formatDuration(3_600_000)).toBe('1 h');
		expect(formatDuration(3 * 86_400_000)).toBe('3 d');
	});

	it('switches units at the boundaries', () => {
		expect(formatDuration(999)).toBe('999 ms');
		expect(formatDuration(1000)).toBe('1 s');
		expect(formatDuration(59_999)).toBe('59 s');
		expect(formatDuration(60_000)).toBe('1 min');
		expect(formatDuration(86_400_000 - 1)).toBe('23 h 59 min');
	});

	it('shows a negative duration (clock skew) as zero', () => {
		expect(formatDuration(-5000)).toBe('0 ms');
	});
});

describe('formatRate', () => {
	it('signs growth and shrinkage', () => {
		expect(formatRate(1.2 * GiB)).toBe('+1.2 GiB/h');
		expect(formatRate(-300 * MiB)).toBe('-300 MiB/h');
	});

	it('shows no sign for no change, including rates that round to nothing', () => {
		expect(formatRate(0)).toBe('0 B/h');
		expect(formatRate(-0.3)).toBe('0 B/h');
	});
});

describe('sparkline', () => {
	it('scales between the minimum and maximum', () => {
		expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
		expect(sparkline([40 * GiB, 45 * GiB, 50 * GiB], 3)).toBe('▁▅█');
	});

	it('draws a flat series as all ▁', () => {
		expect(sparkline([7, 7, 7, 7], 4)).toBe('▁▁▁▁');
	});

	it('takes only the last width values, scaled among themselves', () => {
		expect(sparkline([1000, 0, 1, 2], 3)).toBe('▁▅█');
	});

	it('is as long as the values when there are fewer than width', () => {
		expect(sparkline([1, 2], 10)).toBe('▁█');
		expect(sparkline([], 10)).toBe('');
		expect(sparkline([1, 2, 3], 0)).toBe('');
	});
});

describe('truncateMiddle', () => {
	const datadir = '/var/lib/docker/volumes/glance/_data/4f7d3a1e-9b2c-4d5e-8f6a-0b1c2d3e4f5a';

	it('leaves text that fits alone', () => {
		expect(truncateMiddle('/var/lib/glance', 15)).toBe('/var/lib/glance');
	});

	it('cuts the middle to exactly width, keeping both ends', () => {
		const shown = truncateMiddle(datadir, 30);
		expect(Array.from(shown)).toHaveLength(30);
		expect(shown).toBe('/var/lib/docke…6a-0b1c2d3e4f5a');
	});

	it('handles the narrowest widths', () => {
		expect(truncateMiddle(datadir, 2)).toBe('…a');
		expect(truncateMiddle(datadir, 1)).toBe('…');
		expect(truncateMiddle(datadir, 0)).toBe('');
	});

	it('counts characters, not UTF-16 units', () => {
		expect(truncateMiddle('/srv/glänce/🐳images', 9)).toBe('/srv…ages');
	});
});
