import {describe, expect, it} from 'vitest';
import {cpuPercentBetween, defaultRouteInterface, memUsedPercentOf, netCountersOf, parseProcStat} from '../../source/model/host-facts.js';

// Captured on a 2-core Debian 12 controller.
const procStat = 'cpu  336917 0 183144 471851 2646 0 1540 297 0 0\ncpu0 168000 0 91000 236000 1300 0 800 150 0 0\n';
const meminfo = 'MemTotal:        8000000 kB\nMemFree:          500000 kB\nMemAvailable:    6000000 kB\nBuffers:           10000 kB\n';
const route = [
	'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
	'eth1\t00000000\t010A0A0A\t0003\t0\t0\t200\t00000000\t0\t0\t0',
	'eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
	'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
].join('\n');
const netDev = [
	'Inter-|   Receive                                                |  Transmit',
	' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
	'    lo: 5000 50 0 0 0 0 0 0 5000 50 0 0 0 0 0 0',
	'  eth0: 123456789 1000 0 0 0 0 0 0 987654 900 0 0 0 0 0 0',
].join('\n');

describe('host facts from /proc', () => {
	it('counts iowait as idle and takes the busy share between two samples', () => {
		const first = parseProcStat(procStat);
		expect(first).toEqual({busy: 336917 + 183144 + 1540 + 297, total: 336917 + 183144 + 471851 + 2646 + 1540 + 297});
		const later = {busy: first!.busy + 30, total: first!.total + 200};
		expect(cpuPercentBetween(first, later)).toBeCloseTo(15);
		expect(cpuPercentBetween(later, later)).toBeNull();
		expect(parseProcStat('intr 1 2 3\n')).toBeNull();
	});

	it('counts used memory as all but MemAvailable', () => {
		expect(memUsedPercentOf(meminfo)).toBeCloseTo(25);
		expect(memUsedPercentOf('MemTotal: 8000000 kB\n')).toBeNull();
	});

	it('finds the default route with the lowest metric and its byte counters', () => {
		expect(defaultRouteInterface(route)).toBe('eth0');
		expect(defaultRouteInterface(route.split('\n').slice(0, 1).join('\n'))).toBeNull();
		expect(netCountersOf(netDev, 'eth0')).toEqual({rxBytes: 123456789, txBytes: 987654});
		expect(netCountersOf(netDev, 'eth9')).toBeNull();
	});
});
