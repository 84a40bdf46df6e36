// The host's load, memory and network counters as Linux prints them in /proc: parsed here, sampled in world/real.

/** Jiffies spent busy and in all, summed over every CPU (the `cpu` line of /proc/stat). */
export type CpuTimes = {busy: number; total: number};

export function parseProcStat(text: string): CpuTimes | null {
	const line = text.split('\n', 1)[0] ?? '';
	if (!line.startsWith('cpu ')) return null;
	const fields = line.trim().split(/\s+/).slice(1).map(Number);
	if (fields.length < 4 || fields.some(value => !Number.isFinite(value))) return null;
	// user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
	const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
	const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
	return {busy: total - idle, total};
}

/** Busy share of the CPUs between two samples; since boot when there is no earlier one. */
export function cpuPercentBetween(earlier: CpuTimes | null, later: CpuTimes): number | null {
	const total = later.total - (earlier?.total ?? 0);
	const busy = later.busy - (earlier?.busy ?? 0);
	return total > 0 ? Math.min(100, Math.max(0, (busy / total) * 100)) : null;
}

/** Used memory as `free` counts it: everything but MemAvailable. */
export function memUsedPercentOf(meminfo: string): number | null {
	const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? Number.NaN);
	const total = kib('MemTotal');
	const available = kib('MemAvailable');
	return total > 0 && Number.isFinite(available) ? ((total - available) / total) * 100 : null;
}

/** The interface of the default route with the lowest metric (/proc/net/route), or null without one. */
export function defaultRouteInterface(route: string): string | null {
	let best: {iface: string; metric: number} | null = null;
	for (const line of route.split('\n').slice(1)) {
		const [iface, destination, , , , , metric] = line.trim().split(/\s+/);
		if (!iface || destination !== '00000000') continue;
		const value = Number(metric);
		if (!best || value < best.metric) best = {iface, metric: value};
	}
	return best?.iface ?? null;
}

export type NetCounters = {rxBytes: number; txBytes: number};

/** One interface's byte counters from /proc/net/dev. */
export function netCountersOf(netDev: string, iface: string): NetCounters | null {
	for (const line of netDev.split('\n').slice(2)) {
		const colon = line.indexOf(':');
		if (colon < 0 || line.slice(0, colon).trim() !== iface) continue;
		const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
		const rxBytes = fields[0];
		const txBytes = fields[8];
		return rxBytes !== undefined && txBytes !== undefined && Number.isFinite(rxBytes) && Number.isFinite(txBytes) ? {rxBytes, txBytes} : null;
	}
	return null;
}
