// The controllers to watch, from an inventory file: `ansible-inventory --list` when Ansible is installed (its
// own reading of vars, plugins and ranges), else this tool's reader of the INI and YAML forms.
import {execFile} from 'node:child_process';
import {fleetHosts, parseAnsibleInventoryList, parseInventory, type AnsibleInventory, type FleetHost} from '../model/fleet-inventory.js';
import {fail, ok, type Result} from '../model/result.js';
import {fileLimits, readBoundedText} from '../world/real/bounded-file.js';

/** Who read the inventory, said beside the fleet so the operator knows whose reading it is. */
export type InventoryReader = 'ansible-inventory' | 'glance-inspector';

const ansibleInventoryTimeoutMs = 30_000;

/** `ansible-inventory -i FILE --list`, or why it could not be had (not installed: `errno` ENOENT). */
export function runAnsibleInventory(file: string, command = 'ansible-inventory'): Promise<Result<AnsibleInventory>> {
	return new Promise(resolve => {
		execFile(command, ['-i', file, '--list'], {timeout: ansibleInventoryTimeoutMs, maxBuffer: 64 * 1024 * 1024, env: {...process.env, ANSIBLE_NOCOLOR: '1'}}, (error, stdout, stderr) => {
			if (error) {
				const errno = (error as NodeJS.ErrnoException).code;
				const reason = typeof errno === 'string' && errno === 'ENOENT' ? `${command} is not installed` : `${command} -i ${file} --list failed: ${stderr.trim().split('\n').pop() ?? error.message}`;
				resolve(fail({reason, ...(typeof errno === 'string' ? {errno} : {})}));
				return;
			}
			// Ansible warns on stderr and still prints the inventory; an inventory it could not parse is empty.
			const parsed = parseAnsibleInventoryList(stdout);
			if (parsed.ok && parsed.value.hostVars.size === 0 && /Unable to parse|Failed to parse/i.test(stderr)) {
				resolve(fail({reason: `${command} could not parse ${file}: ${stderr.trim().split('\n').find(line => /parse/i.test(line)) ?? ''}`}));
				return;
			}
			resolve(parsed);
		});
	});
}

/** The hosts of `group` in the inventory at `file`, and whose reading it is. */
export async function readFleetInventory(file: string, group: string): Promise<Result<{hosts: FleetHost[]; reader: InventoryReader; note: string | null}>> {
	const ansible = await runAnsibleInventory(file);
	if (ansible.ok) {
		const hosts = fleetHosts(ansible.value, group, file);
		return hosts.ok ? ok({hosts: hosts.value, reader: 'ansible-inventory', note: null}) : hosts;
	}
	const read = await readBoundedText(file, {what: 'the inventory', maxBytes: fileLimits.config});
	if (!read.ok) return read;
	const parsed = parseInventory(read.value, file);
	if (!parsed.ok) return parsed;
	const hosts = fleetHosts(parsed.value, group, file);
	if (!hosts.ok) return hosts;
	return ok({hosts: hosts.value, reader: 'glance-inspector', note: ansible.problem.errno === 'ENOENT' ? null : `${ansible.problem.reason}; read by glance-inspector instead`});
}
