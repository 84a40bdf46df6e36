// Runs in its own process: which processes keep a mount point busy, found through /proc only. readlink of
// /proc/PID/{cwd,root,fd/N} never touches the mounted filesystem; /proc/PID/maps and cmdline take the target's
// mmap lock, which a process stuck in a page fault on a hung share can hold: they come last, and the parent
// abandons this process on timeout, keeping whatever lines it already wrote.
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';

type ScanRequest = {mountpoint: string; skip: number[]};
type How = 'cwd' | 'root' | 'open file' | 'mapped file';

const request = JSON.parse(process.argv[2] ?? '{}') as ScanRequest;
const mountpoint = request.mountpoint;
const skip = new Set([process.pid, ...request.skip]);

function write(line: object): void {
	process.stdout.write(JSON.stringify(line) + '\n');
}

function readlink(file: string): string | null {
	try {
		return readlinkSync(file);
	} catch {
		return null;
	}
}

function read(file: string): string | null {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return null;
	}
}

function within(target: string): boolean {
	const plain = target.endsWith(' (deleted)') ? target.slice(0, -' (deleted)'.length) : target;
	if (mountpoint === '/') return plain.startsWith('/');
	return plain === mountpoint || plain.startsWith(mountpoint + '/');
}

function userNames(): Map<number, string> {
	const names = new Map<number, string>();
	for (const line of (read('/etc/passwd') ?? '').split('\n')) {
		const [name, , uid] = line.split(':');
		if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
	}
	return names;
}

const users = userNames();
const found = new Set<string>();
const holders = new Set<number>();
const facts = new Map<number, {comm: string; user: string | null}>();

function factsOf(pid: number): {comm: string; user: string | null} {
	let known = facts.get(pid);
	if (!known) {
		const status = read(`/proc/${pid}/status`) ?? '';
		const comm = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? (read(`/proc/${pid}/comm`) ?? '?').trim();
		const uid = /^Uid:\s*(\d+)/m.exec(status)?.[1];
		known = {comm, user: uid === undefined ? null : (users.get(Number(uid)) ?? `uid ${uid}`)};
		facts.set(pid, known);
	}
	return known;
}

function hold(pid: number, how: How, target: string): void {
	const key = `${pid} ${how}`;
	if (found.has(key)) return;
	found.add(key);
	holders.add(pid);
	write({holder: {pid, how, path: target, ...factsOf(pid)}});
}

// Other mount namespaces (containers) hold their own copies of a mount, which never keep this one busy,
// and their paths are relative to their own root: a path that matches there would be a false alarm.
const ourNamespace = readlink('/proc/self/ns/mnt');
const pids: number[] = [];
for (const name of readdirSync('/proc')) {
	if (!/^\d+$/.test(name)) continue;
	const pid = Number(name);
	if (skip.has(pid)) continue;
	const namespace = readlink(`/proc/${pid}/ns/mnt`);
	if (namespace === null || namespace !== ourNamespace) continue;
	pids.push(pid);
}

for (const pid of pids) {
	const cwd = readlink(`/proc/${pid}/cwd`);
	if (cwd !== null && within(cwd)) hold(pid, 'cwd', cwd);
	const root = readlink(`/proc/${pid}/root`);
	if (root !== null && root !== '/' && within(root)) hold(pid, 'root', root);
	let descriptors: string[] = [];
	try {
		descriptors = readdirSync(`/proc/${pid}/fd`);
	} catch {
		continue;
	}
	for (const descriptor of descriptors) {
		const target = readlink(`/proc/${pid}/fd/${descriptor}`);
		if (target !== null && target.startsWith('/') && within(target)) {
			hold(pid, 'open file', target);
			break;
		}
	}
}

const mapped = /^\S+\s+\S+\s+\S+\s+\S+\s+\d+\s+(\/.*)$/;
for (const pid of pids) {
	const maps = read(`/proc/${pid}/maps`);
	if (maps === null || !maps.includes(mountpoint)) continue;
	for (const line of maps.split('\n')) {
		const target = mapped.exec(line)?.[1];
		if (target !== undefined && within(target)) {
			hold(pid, 'mapped file', target);
			break;
		}
	}
}

for (const pid of holders) {
	const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
	if (command) write({command: {pid, command}});
}
write({done: pids.length});
