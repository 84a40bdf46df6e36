// The inventory reader against Ansible's own (Debian's ansible-core): the same controllers, the same way to
// reach them, the same placement of glance-api, on an inventory in kolla's multinode form and on INI and YAML site files.
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {readFleetInventory, runAnsibleInventory} from '../../source/fleet/inventory-file.js';
import {fleetHosts, glanceApiGroup, hostsOfGroup, parseInventory, type AnsibleInventory, type FleetHost} from '../../source/model/fleet-inventory.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/fleet/${name}`, import.meta.url));

function ours(file: string): AnsibleInventory {
	const parsed = parseInventory(readFileSync(file, 'utf8'), file);
	if (!parsed.ok) throw new Error(parsed.problem.reason);
	return parsed.value;
}

async function ansibles(file: string): Promise<AnsibleInventory> {
	const listed = await runAnsibleInventory(file);
	if (!listed.ok) throw new Error(`${listed.problem.reason} (CI installs ansible-core: .ci/run)`);
	return listed.value;
}

/** What the fleet takes from a host, with only the glance-api membership of its groups (Ansible lists no empty group). */
function reach(inventory: AnsibleInventory, group: string, file: string) {
	const hosts = fleetHosts(inventory, group, file);
	if (!hosts.ok) throw new Error(hosts.problem.reason);
	return hosts.value.map((host: FleetHost) => ({...host, groups: host.groups?.includes(glanceApiGroup) ?? null}));
}

describe.each(['kolla-style-multinode', 'site.ini', 'site.yml'])('%s, read by glance-inspector and by ansible-inventory --list', name => {
	it('gives the same controllers, each reached the same way', async () => {
		const file = fixture(name);
		expect(reach(ours(file), 'control', file)).toEqual(reach(await ansibles(file), 'control', file));
	});

	it('puts the same hosts in glance-api', async () => {
		const file = fixture(name);
		expect(hostsOfGroup(ours(file), glanceApiGroup).sort()).toEqual(hostsOfGroup(await ansibles(file), glanceApiGroup).sort());
	});
});

describe('the fleet reading an inventory', () => {
	it("takes ansible-inventory's reading when Ansible is installed", async () => {
		const read = await readFleetInventory(fixture('kolla-style-multinode'), 'control');
		expect(read.ok && [read.value.reader, read.value.hosts.map(host => host.name)]).toEqual(['ansible-inventory', ['control01', 'control02', 'control03']]);
	});

	it('names the groups there are when the group asked for is not one of them', async () => {
		const read = await readFleetInventory(fixture('site.yml'), 'controllers');
		expect(read.ok ? null : `${read.problem.reason}; ${read.problem.hint}`).toMatch(/^.*site\.yml has no group "controllers"; pick one with --fleet-group NAME \(groups: .*control/);
	});
});
