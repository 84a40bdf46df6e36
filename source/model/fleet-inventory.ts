// Ansible inventories as kolla-ansible ships them (INI `multinode`), YAML inventories, and the JSON of
// `ansible-inventory --list`: each read into one shape, then one group resolved to the hosts to connect to.
import {readYaml} from './yaml.js';
import {fail, ok, type Result} from './result.js';

export type InventoryVars = Record<string, unknown>;

/** An inventory as Ansible models it: groups with hosts, child groups and vars; hosts with their own vars. */
export type AnsibleInventory = {
	groups: Map<string, {hosts: Set<string>; children: Set<string>; vars: InventoryVars}>;
	hostVars: Map<string, InventoryVars>;
};

/** A controller to reach: how to connect, and which groups name it (kolla's `glance-api` says where Glance runs). */
export type FleetHost = {
	name: string;
	address: string;
	port: number | null;
	user: string | null;
	become: boolean;
	/** Every group the host belongs to, through children too; null for `--hosts`, where no inventory says. */
	groups: string[] | null;
};

/** The kolla group whose hosts run glance_api. */
export const glanceApiGroup = 'glance-api';

function emptyInventory(): AnsibleInventory {
	const inventory: AnsibleInventory = {groups: new Map(), hostVars: new Map()};
	groupOf(inventory, 'all');
	groupOf(inventory, 'ungrouped');
	return inventory;
}

function groupOf(inventory: AnsibleInventory, name: string) {
	let group = inventory.groups.get(name);
	if (!group) {
		group = {hosts: new Set(), children: new Set(), vars: {}};
		inventory.groups.set(name, group);
	}
	return group;
}

function addHost(inventory: AnsibleInventory, group: string, host: string, vars: InventoryVars): void {
	groupOf(inventory, group).hosts.add(host);
	inventory.hostVars.set(host, {...inventory.hostVars.get(host), ...vars});
}

/** `control[01:03]` → control01, control02, control03 (Ansible's numeric and alphabetic ranges, with a stride). */
export function expandHostPattern(pattern: string): Result<string[]> {
	const match = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/i.exec(pattern);
	if (!match) return ok([pattern]);
	const [, head, from, to, strideText, tail] = match as unknown as [string, string, string, string, string | undefined, string];
	const stride = strideText ? Number(strideText) : 1;
	const rest = expandHostPattern(tail);
	if (!rest.ok) return rest;
	const names: string[] = [];
	if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
		const width = from.startsWith('0') ? from.length : 0;
		for (let n = Number(from); n <= Number(to); n += stride) for (const end of rest.value) names.push(`${head}${String(n).padStart(width, '0')}${end}`);
	} else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
		for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code += stride) for (const end of rest.value) names.push(`${head}${String.fromCharCode(code)}${end}`);
	} else return fail({reason: `host range ${pattern}: expected [01:03] or [a:c]`});
	return names.length > 1000 ? fail({reason: `host range ${pattern} names more than 1000 hosts`}) : ok(names);
}

/** A value as Ansible's INI reader takes it: quotes removed, numbers and booleans kept as text for the caller. */
function iniValue(raw: string): string {
	const quoted = /^(['"])(.*)\1$/.exec(raw);
	return quoted ? quoted[2]! : raw;
}

/** `name a=1 b="two words"`: the first word and its key=value pairs. */
function splitIniLine(line: string): string[] {
	return [...line.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map(each => each[0]);
}

function withoutComment(line: string): string {
	const trimmed = line.trim();
	if (trimmed.startsWith('#') || trimmed.startsWith(';')) return '';
	// An inline comment starts at ` #` outside quotes.
	const inline = /^((?:[^"'#]|"[^"]*"|'[^']*')*?)\s+#.*$/.exec(trimmed);
	return inline ? inline[1]!.trim() : trimmed;
}

/** Ansible's INI inventory: `[group]` hosts with vars, `[group:children]`, `[group:vars]`. */
export function parseIniInventory(text: string, what: string): Result<AnsibleInventory> {
	const inventory = emptyInventory();
	let section: {group: string; kind: 'hosts' | 'children' | 'vars'} = {group: 'ungrouped', kind: 'hosts'};
	const lines = text.split(/\r?\n/);
	for (const [index, raw] of lines.entries()) {
		const line = withoutComment(raw);
		if (!line) continue;
		const where = `${what} line ${index + 1}`;
		const header = /^\[([^\]:]+)(?::(children|vars))?\]$/.exec(line);
		if (header) {
			section = {group: header[1]!, kind: (header[2] as 'children' | 'vars' | undefined) ?? 'hosts'};
			groupOf(inventory, section.group);
			continue;
		}
		if (line.startsWith('[')) return fail({reason: `${where}: '${line}' is not a section header ([group], [group:children], [group:vars])`});
		if (section.kind === 'vars') {
			const equals = line.indexOf('=');
			if (equals <= 0) return fail({reason: `${where}: expected key=value in [${section.group}:vars], got '${line}'`});
			groupOf(inventory, section.group).vars[line.slice(0, equals).trim()] = iniValue(line.slice(equals + 1).trim());
			continue;
		}
		const [first, ...pairs] = splitIniLine(line);
		if (section.kind === 'children') {
			groupOf(inventory, section.group).children.add(first!);
			groupOf(inventory, first!);
			continue;
		}
		const vars: InventoryVars = {};
		for (const pair of pairs) {
			const equals = pair.indexOf('=');
			if (equals <= 0) return fail({reason: `${where}: expected key=value after the host name, got '${pair}'`});
			vars[pair.slice(0, equals)] = iniValue(pair.slice(equals + 1));
		}
		const names = expandHostPattern(first!);
		if (!names.ok) return fail({reason: `${where}: ${names.problem.reason}`});
		for (const name of names.value) addHost(inventory, section.group, name, vars);
	}
	return ok(inventory);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML inventory: `all: {hosts, vars, children: {group: {hosts, vars, children}}}`. */
export function parseYamlInventory(text: string, what: string): Result<AnsibleInventory> {
	const document = readYaml(text, {what, version: '1.1'});
	if (!document.ok) return document;
	if (!isRecord(document.value)) return fail({reason: `${what}: expected a mapping of groups (all: {children: ...})`});
	const inventory = emptyInventory();
	const readGroup = (name: string, body: unknown, path: string): Result<null> => {
		const group = groupOf(inventory, name);
		if (body === null || body === undefined) return ok(null);
		if (!isRecord(body)) return fail({reason: `${what}: ${path} should be a mapping (hosts, vars, children)`});
		if (isRecord(body['vars'])) Object.assign(group.vars, body['vars']);
		if (body['hosts'] !== undefined && body['hosts'] !== null) {
			if (!isRecord(body['hosts'])) return fail({reason: `${what}: ${path}.hosts should be a mapping of host names`});
			for (const [pattern, vars] of Object.entries(body['hosts'])) {
				const names = expandHostPattern(pattern);
				if (!names.ok) return fail({reason: `${what}: ${path}.hosts: ${names.problem.reason}`});
				for (const host of names.value) addHost(inventory, name, host, isRecord(vars) ? vars : {});
			}
		}
		if (body['children'] !== undefined && body['children'] !== null) {
			if (!isRecord(body['children'])) return fail({reason: `${what}: ${path}.children should be a mapping of groups`});
			for (const [child, childBody] of Object.entries(body['children'])) {
				group.children.add(child);
				const read = readGroup(child, childBody, `${path}.children.${child}`);
				if (!read.ok) return read;
			}
		}
		return ok(null);
	};
	for (const [name, body] of Object.entries(document.value)) {
		const read = readGroup(name, body, name);
		if (!read.ok) return read;
	}
	return ok(inventory);
}

/** The JSON `ansible-inventory -i FILE --list` prints: groups with hosts/children, every host's vars merged under `_meta`. */
export function parseAnsibleInventoryList(text: string): Result<AnsibleInventory> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return fail({reason: 'ansible-inventory --list did not print JSON'});
	}
	if (!isRecord(value)) return fail({reason: 'ansible-inventory --list printed JSON that is not an object'});
	const inventory = emptyInventory();
	const meta = isRecord(value['_meta']) && isRecord(value['_meta']['hostvars']) ? value['_meta']['hostvars'] : {};
	for (const [name, body] of Object.entries(value)) {
		if (name === '_meta' || !isRecord(body)) continue;
		const group = groupOf(inventory, name);
		for (const child of Array.isArray(body['children']) ? body['children'] : []) if (typeof child === 'string') group.children.add(child);
		for (const host of Array.isArray(body['hosts']) ? body['hosts'] : []) if (typeof host === 'string') group.hosts.add(host);
	}
	for (const group of inventory.groups.values()) {
		for (const host of group.hosts) inventory.hostVars.set(host, isRecord(meta[host]) ? meta[host] : {});
	}
	return ok(inventory);
}

/** The INI or the YAML reader, by what the text looks like (Ansible tries its plugins in turn too). */
export function parseInventory(text: string, what: string): Result<AnsibleInventory> {
	const firstLine = text.split(/\r?\n/).map(withoutComment).find(line => line !== '') ?? '';
	const looksIni = firstLine === '' || firstLine.startsWith('[') || !/^[^\s=]+:(\s|$)/.test(firstLine);
	return looksIni ? parseIniInventory(text, what) : parseYamlInventory(text, what);
}

/** The groups whose hosts include `group`'s: itself, its children, theirs. */
function descendants(inventory: AnsibleInventory, group: string, seen = new Set<string>()): Set<string> {
	if (seen.has(group)) return seen;
	seen.add(group);
	for (const child of inventory.groups.get(group)?.children ?? []) descendants(inventory, child, seen);
	return seen;
}

/** Every host of `group`, through its children, in the order the inventory names them. */
export function hostsOfGroup(inventory: AnsibleInventory, group: string): string[] {
	const hosts = new Set<string>();
	for (const each of descendants(inventory, group)) for (const host of inventory.groups.get(each)?.hosts ?? []) hosts.add(host);
	if (group === 'all') for (const host of inventory.hostVars.keys()) hosts.add(host);
	return [...hosts];
}

/** The groups a host is in, directly or through a parent group. */
export function groupsOfHost(inventory: AnsibleInventory, host: string): string[] {
	const groups = [...inventory.groups.keys()].filter(group => group === 'all' || hostsOfGroup(inventory, group).includes(host));
	return groups.sort();
}

/** How far below `all` a group sits: Ansible applies a parent's vars first, a child's over them. */
function depthOf(inventory: AnsibleInventory, group: string): number {
	if (group === 'all') return 0;
	const parents = [...inventory.groups].filter(([, body]) => body.children.has(group)).map(([name]) => name);
	return 1 + Math.max(0, ...parents.filter(parent => parent !== group).map(parent => depthOf(inventory, parent)));
}

/** A host's vars as Ansible resolves them: `all`, then groups by depth (then name), then the host's own. */
export function varsOfHost(inventory: AnsibleInventory, host: string): InventoryVars {
	const groups = groupsOfHost(inventory, host).sort((left, right) => depthOf(inventory, left) - depthOf(inventory, right) || left.localeCompare(right));
	const merged: InventoryVars = {};
	for (const group of groups) Object.assign(merged, inventory.groups.get(group)?.vars);
	return Object.assign(merged, inventory.hostVars.get(host));
}

function truthy(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	return typeof value === 'string' && ['true', 'yes', 'on', '1', 'y'].includes(value.toLowerCase());
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/** The controllers of `group`, each with how to reach it; a group the inventory lacks is the problem. */
export function fleetHosts(inventory: AnsibleInventory, group: string, what: string): Result<FleetHost[]> {
	if (!inventory.groups.has(group)) {
		const known = [...inventory.groups.keys()].filter(name => name !== 'all' && name !== 'ungrouped').slice(0, 12).join(', ');
		return fail({reason: `${what} has no group "${group}"`, hint: `pick one with --fleet-group NAME (groups: ${known || 'none'})`});
	}
	const names = hostsOfGroup(inventory, group);
	if (names.length === 0) return fail({reason: `the group "${group}" of ${what} has no hosts`, hint: 'list your controllers there, or pick another group with --fleet-group'});
	const hosts: FleetHost[] = [];
	for (const name of names) {
		const vars = varsOfHost(inventory, name);
		const portText = text(vars['ansible_port'] ?? vars['ansible_ssh_port']);
		const port = portText === null ? null : Number(portText);
		if (port !== null && !(Number.isInteger(port) && port > 0 && port < 65536)) return fail({reason: `${what}: ${name} has ansible_port=${portText}, not a port number`});
		hosts.push({
			name,
			address: text(vars['ansible_host'] ?? vars['ansible_ssh_host']) ?? name,
			port,
			user: text(vars['ansible_user'] ?? vars['ansible_ssh_user']),
			become: truthy(vars['ansible_become']),
			groups: groupsOfHost(inventory, name),
		});
	}
	return ok(hosts);
}

/** `--hosts a,b,user@c:2222`: a plain list, with no inventory to say where Glance should run. */
export function hostsFromList(list: string): Result<FleetHost[]> {
	const hosts: FleetHost[] = [];
	for (const entry of list.split(',').map(each => each.trim())) {
		if (entry === '') continue;
		const match = /^(?:([^@\s]+)@)?([^@:\s]+|\[[0-9a-f:]+\])(?::(\d+))?$/i.exec(entry);
		if (!match) return fail({reason: `--hosts: '${entry}' is not a host (HOST, USER@HOST or HOST:PORT)`});
		const port = match[3] ? Number(match[3]) : null;
		if (port !== null && !(port > 0 && port < 65536)) return fail({reason: `--hosts: '${entry}' has a port out of range`});
		const address = match[2]!.replace(/^\[|\]$/g, '');
		// Two hosts behind one address differ by port: the row's name keeps it.
		hosts.push({name: port === null ? address : `${address}:${port}`, address, port, user: match[1] ?? null, become: false, groups: null});
	}
	if (hosts.length === 0) return fail({reason: '--hosts: expected a comma-separated list of hosts, got none'});
	const names = hosts.map(host => host.name);
	const repeated = names.find((name, index) => names.indexOf(name) !== index);
	return repeated ? fail({reason: `--hosts: ${repeated} is listed twice`}) : ok(hosts);
}
