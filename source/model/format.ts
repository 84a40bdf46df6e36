const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;
const countUnits = ['', 'k', 'M', 'G', 'T'] as const;
const sparkBlocks = '▁▂▃▄▅▆▇█';

/** The figure as shown: whole numbers in the base unit and from 100 up, otherwise one decimal (`1.5`, `45.2`). */
function displayed(value: number, unitIndex: number): number {
	return unitIndex === 0 || value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** Scale by `base` until the figure as shown is below it, so `1023.96 KiB` reads `1 MiB`, not `1024 KiB`. */
function scaled(n: number, base: number, units: readonly string[]): {text: string; unit: string} {
	let value = Math.abs(n);
	let index = 0;
	while (index < units.length - 1 && displayed(value, index) >= base) {
		value /= base;
		index++;
	}
	const figure = displayed(value, index);
	return {text: (n < 0 && figure !== 0 ? '-' : '') + String(figure), unit: units[index] ?? ''};
}

/** IEC sizes as df -h shows them: `0 B`, `512 B`, `1.5 KiB`, `45.2 GiB`. */
export function formatBytes(n: number): string {
	const {text, unit} = scaled(n, 1024, byteUnits);
	return `${text} ${unit}`;
}

/** Counts such as inodes: `950`, `1.2k`, `6.5M`. */
export function formatCount(n: number): string {
	const {text, unit} = scaled(n, 1000, countUnits);
	return text + unit;
}

/** A duration in its two largest units, rounded down: `850 ms`, `12 s`, `4 min`, `3 h 20 min`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
	const whole = Math.max(0, Math.floor(ms));
	if (whole < 1000) return `${whole} ms`;
	const seconds = Math.floor(whole / 1000);
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
	const days = Math.floor(hours / 24);
	return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** A signed growth rate: `+1.2 GiB/h`, `-300 MiB/h`, `0 B/h`. */
export function formatRate(bytesPerHour: number): string {
	const magnitude = formatBytes(Math.abs(bytesPerHour));
	if (magnitude === '0 B') return '0 B/h';
	return `${bytesPerHour < 0 ? '-' : '+'}${magnitude}/h`;
}

/** The last `width` values as block characters scaled between their min and max; a flat series is all `▁`. */
export function sparkline(values: readonly number[], width: number): string {
	if (width <= 0) return '';
	const shown = values.slice(-width);
	if (shown.length === 0) return '';
	const min = Math.min(...shown);
	const range = Math.max(...shown) - min;
	const top = sparkBlocks.length - 1;
	return shown.map(value => sparkBlocks[range === 0 ? 0 : Math.round(((value - min) / range) * top)]).join('');
}

/** Shorten `text` to `width` characters with `…` in the middle, keeping the end (a path's file name) slightly longer. */
export function truncateMiddle(text: string, width: number): string {
	const characters = Array.from(text);
	if (characters.length <= width) return text;
	if (width <= 0) return '';
	const kept = width - 1;
	const head = Math.floor(kept / 2);
	const tail = kept - head;
	return characters.slice(0, head).join('') + '…' + (tail > 0 ? characters.slice(-tail).join('') : '');
}
