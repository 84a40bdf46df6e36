import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {expandHostPattern, fleetHosts, groupsOfHost, hostsFromList, hostsOfGroup, parseInventory, type FleetHost} from '../../source/model/fleet-inventory.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/fleet/${name}`, import.meta.url), 'utf8');

function hostsOf(name: string, group = 'control'): FleetHost[] {
	const inventory = parseInventory(fixture(name), name);
	if (!inventory.ok) throw new Error(inventory.problem.reason);
	const hosts = fleetHosts(inventory.value, group, name);
	if (!hosts.ok) throw new Error(hosts.problem.reason);
	return hosts.value;
}

describe("an inventory in kolla-ansible's multinode form", () => {
	const parsed = parseInventory(fixture('kolla-style-multinode'), 'multinode');
	if (!parsed.ok) throw new Error(parsed.problem.reason);
	const inventory = parsed.value;

	it('gives the three controllers of [control], reached by their names', () => {
		expect(hostsOf('kolla-style-multinode')).toEqual(['control01', 'control02', 'control03'].map(name => expect.objectContaining({name, address: name, port: null, user: null, become: false})));
	});

	it('puts the controllers in glance-api through glance:children and control', () => {
		expect(hostsOfGroup(inventory, 'glance-api')).toEqual(['control01', 'control02', 'control03']);
		expect(groupsOfHost(inventory, 'control02')).toEqual(expect.arrayContaining(['glance', 'glance-api', 'baremetal', 'common']));
		expect(groupsOfHost(inventory, 'compute01')).not.toContain('glance-api');
	});

	it('keeps the deployment host with its host var', () => {
		expect(hostsOf('kolla-style-multinode', 'deployment')).toEqual([expect.objectContaining({name: 'localhost'})]);
	});

	it('names the groups it has when asked for one it lacks', () => {
		const hosts = fleetHosts(inventory, 'controllers', 'multinode');
		expect(hosts.ok).toBe(false);
		if (!hosts.ok) expect(`${hosts.problem.reason} ${hosts.problem.hint}`).toMatch(/no group "controllers".*--fleet-group.*control/);
	});
});

describe('inventories of a site', () => {
	const expected = [
		{name: 'ctrl1', address: '127.0.0.1', port: 2231, user: 'kolla', become: false},
		{name: 'ctrl2', address: '127.0.0.1', port: 2232, user: 'kolla', become: true},
		{name: 'ctrl3', address: '127.0.0.1', port: 2233, user: 'kolla', become: false},
	];

	it('reads host vars, a group var over all:vars, and become from the INI form', () => {
		expect(hostsOf('site.ini')).toEqual(expected.map(host => expect.objectContaining(host)));
	});

	it('reads the same from the YAML form', () => {
		expect(hostsOf('site.yml')).toEqual(expected.map(host => expect.objectContaining(host)));
		expect(hostsOf('site.yml')[0]!.groups).toEqual(expect.arrayContaining(['control', 'glance', 'glance-api']));
	});

	it('expands a range and takes a quoted value whole', () => {
		expect(hostsOf('site.ini', 'storage')).toEqual(['stor01', 'stor02', 'stor03'].map(name => expect.objectContaining({name, user: 'ceph admin'})));
	});
});

describe('inventory text that is wrong', () => {
	it('says which line of an INI file is not a host or a header', () => {
		const parsed = parseInventory('[control]\nctrl1 ansible_port\n', 'hosts.ini');
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.problem.reason).toBe("hosts.ini line 2: expected key=value after the host name, got 'ansible_port'");
	});

	it('refuses a port that is not one', () => {
		const parsed = parseInventory('[control]\nctrl1 ansible_port=ssh\n', 'hosts.ini');
		if (!parsed.ok) throw new Error(parsed.problem.reason);
		const hosts = fleetHosts(parsed.value, 'control', 'hosts.ini');
		expect(hosts.ok ? null : hosts.problem.reason).toBe('hosts.ini: ctrl1 has ansible_port=ssh, not a port number');
	});

	it('refuses a range of more than a thousand hosts', () => {
		const expanded = expandHostPattern('node[0000:9999]');
		expect(expanded.ok).toBe(false);
	});

	it('reads a YAML alias bomb as a problem, not a hang', () => {
		const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({length: 8}, (_, index) => `${'b'.repeat(index + 1)}: &${'b'.repeat(index + 1)} [${Array(9).fill(index === 0 ? '*a' : `*${'b'.repeat(index)}`).join(', ')}]`).join('\n')}\n`;
		expect(parseInventory(bomb, 'bomb.yml').ok).toBe(false);
	});
});

describe('--hosts', () => {
	it('takes names, users and ports', () => {
		const hosts = hostsFromList('ctrl1, kolla@ctrl2,ctrl3:2222');
		expect(hosts.ok && hosts.value.map(host => [host.name, host.user, host.port, host.groups])).toEqual([
			['ctrl1', null, null, null],
			['ctrl2', 'kolla', null, null],
			['ctrl3:2222', null, 2222, null],
		]);
	});

	it('refuses a host named twice and an empty list', () => {
		expect(hostsFromList('a,b,a')).toEqual({ok: false, problem: {reason: '--hosts: a is listed twice'}});
		expect(hostsFromList(' , ')).toEqual({ok: false, problem: {reason: '--hosts: expected a comma-separated list of hosts, got none'}});
	});
});
