// The host's load, memory and network, read straight from /proc: a few small reads per probe, no child process.
// Read synchronously: /proc never hangs, and a sync read costs a fraction of a promise's thread-pool round trips.
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {cpuPercentBetween, defaultRouteInterface, memUsedPercentOf, netCountersOf, parseProcStat, type CpuTimes, type NetCounters} from '../../model/host-facts.js';
import type {HostProbe} from '../../model/types.js';

type NetSample = {iface: string; at: number; counters: NetCounters};

/** Rates need the previous reading: one sampler per world keeps it between probes. */
export class HostFactsSampler {
	private lastCpu: CpuTimes | null = null;
	private lastNet: NetSample | null = null;

	/** `iface` null: the interface of the default route. */
	sample(iface: string | null): Promise<HostProbe> {
		return Promise.resolve(this.read(iface));
	}

	private read(iface: string | null): HostProbe {
		const at = Date.now();
		const hostname = os.hostname();
		const load1 = os.loadavg()[0] ?? null;
		try {
			const stat = readFileSync('/proc/stat', 'utf8');
			const meminfo = readFileSync('/proc/meminfo', 'utf8');
			const netDev = readFileSync('/proc/net/dev', 'utf8');
			const route = iface ? '' : readFileSync('/proc/net/route', 'utf8');
			const cpu = parseProcStat(stat);
			const cpuPercent = cpu ? cpuPercentBetween(this.lastCpu, cpu) : null;
			if (cpu) this.lastCpu = cpu;
			return {at, hostname, load1, cpuPercent, memUsedPercent: memUsedPercentOf(meminfo), network: this.network(iface ?? defaultRouteInterface(route), netDev, at), problem: null};
		} catch (error) {
			return {at, hostname, load1, cpuPercent: null, memUsedPercent: null, network: null, problem: (error as Error).message};
		}
	}

	private network(iface: string | null, netDev: string, at: number): HostProbe['network'] {
		const counters = iface ? netCountersOf(netDev, iface) : null;
		if (!iface || !counters) return null;
		const last = this.lastNet?.iface === iface ? this.lastNet : null;
		this.lastNet = {iface, at, counters};
		const seconds = last ? (at - last.at) / 1000 : 0;
		const rate = (now: number, before: number | undefined) => (before !== undefined && seconds > 0 ? Math.max(0, now - before) / seconds : null);
		return {iface, rxBytesPerSec: rate(counters.rxBytes, last?.counters.rxBytes), txBytesPerSec: rate(counters.txBytes, last?.counters.txBytes)};
	}
}
