// The remount's actions on real parts: docker stop/start of glance_api, umount/mount of the sshfs share,
// the processes that keep it busy, and Glance's own proof that it reads its datadir again.
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {chmodSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {parseMountinfo} from '../../source/model/mountinfo.js';
import type {ContainerProbe, GlanceImage, MountEntry} from '../../source/model/types.js';
import {resolveSettings, type Flags} from '../../source/settings.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import type {ActionResult, ActionRun} from '../../source/world/world.js';
import {adminToken, deleteImages, openrcPath, upload, type Uploaded} from '../support/glance-lab.js';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';

const share = lab.LAB_MOUNTPOINT!;
const container = lab.LAB_CONTAINER!;

function worldWith(flags: Flags = {}): RealWorld {
	const resolved = resolveSettings({
		flags: {datadir: lab.LAB_DATADIR, container, probeTimeout: 3, openrc: openrcPath, ...flags},
		env: {},
		globals: {path: '/nonexistent/globals.yml', text: null, readError: null},
		containerGlanceSource: null,
	});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	return new RealWorld(resolved.value);
}

function mountsAt(mountpoint: string): MountEntry[] {
	return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).filter(mount => mount.mountPoint === mountpoint);
}

async function containerProbe(world: RealWorld): Promise<Extract<ContainerProbe, {state: 'present'}>> {
	const datadir = await world.probeDatadir();
	const probe = await world.probeContainer(datadir.mount, datadir.health);
	if (probe.state !== 'present') throw new Error(`expected ${container} to be present, got ${JSON.stringify(probe)}`);
	return probe;
}

async function running(): Promise<boolean> {
	return (await sh(`docker inspect -f '{{.State.Running}}' ${container}`)).trim() === 'true';
}

/** Every action's live lines, to compare with what it returns and to read in the test log. */
function recorder(): {lines: string[]; onOutput: (line: string) => void} {
	const lines: string[] = [];
	return {lines, onOutput: line => lines.push(line)};
}

function expectOk(result: ActionResult, what: string): void {
	if (!result.ok) throw new Error(`${what} failed: ${result.problem.errno} ${result.problem.reason}\n${result.problem.output.join('\n')}`);
}

/** What the action printed and how long it took, whichever way it went. */
function said(result: ActionResult): ActionRun {
	return result.ok ? result.value : result.problem;
}

function report(what: string, result: ActionResult): void {
	const {tookMs, output} = said(result);
	console.log(`[actions] ${what}: ${result.ok ? 'ok' : `failed ${result.problem.errno}`} in ${tookMs} ms; output ${JSON.stringify(output)}${result.ok ? '' : `; reason: ${result.problem.reason}`}`);
}

// Processes that hold the share in a test; always killed before the lab is healed.
const holders: ChildProcess[] = [];

function holdShare(options: {cwd?: string; stdout?: number; program?: string} = {}): ChildProcess {
	const child = spawn(options.program ?? 'sleep', ['600'], {cwd: options.cwd ?? '/', stdio: ['ignore', options.stdout ?? 'ignore', 'ignore']});
	holders.push(child);
	return child;
}

async function releaseHolders(): Promise<void> {
	for (const child of holders.splice(0)) {
		if (child.exitCode !== null || child.signalCode !== null) continue;
		const exited = new Promise(resolve => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}
}

async function proveUntil(world: RealWorld, image: GlanceImage, ok: boolean, withinMs: number) {
	const deadline = Date.now() + withinMs;
	let proof = await world.proveGlance(image);
	// glance-api answers a few seconds after docker start; until then the request fails to connect.
	while (proof.ok !== ok && Date.now() < deadline) {
		await new Promise(resolve => setTimeout(resolve, 500));
		proof = await world.proveGlance(image);
	}
	return proof;
}

async function activeImage(world: RealWorld, id: string): Promise<GlanceImage> {
	const listing = await world.listGlanceImages();
	if (listing.state !== 'ok') throw new Error(`Glance did not list images: ${listing.reason}`);
	const image = listing.images.find(each => each.id === id);
	if (image?.status !== 'active') throw new Error(`image ${id} is not active in Glance: ${JSON.stringify(image)}`);
	return image;
}

let proofImage: Uploaded;

beforeAll(async () => {
	proofImage = await upload(await adminToken(), `actions-test-${randomBytes(3).toString('hex')}`, randomBytes(100_000));
}, 60_000);

afterAll(async () => {
	await deleteImages([proofImage.id]);
});

// Files a test leaves on the share, removed through the export (local disk), whatever state the share is in.
const litter: string[] = [];

afterEach(async () => {
	await releaseHolders();
	await labScript('heal');
	for (const name of litter.splice(0)) rmSync(path.join(lab.LAB_EXPORT!, name), {force: true});
});

describe('the documented remount on the real lab', () => {
	it('stop, unmount, mount, start: the flapped glance_api reads its datadir again, and Glance proves it', async () => {
		const world = worldWith();
		const image = await activeImage(world, proofImage.id);
		const healthy = await world.proveGlance(image);
		expect(healthy).toMatchObject({ok: true, value: {status: 200, bytes: 64 * 1024, imageId: image.id}});

		await labScript('flap');
		const stale = await world.proveGlance(image);
		console.log(`[actions] proveGlance on the stale container: ${JSON.stringify(stale)}`);
		expect(stale.ok).toBe(false);
		if (!stale.ok) {
			expect([204, 500]).toContain(stale.problem.status);
			expect(stale.problem.bytes).toBe(0);
			expect(stale.problem.reason).toMatch(new RegExp(`${stale.problem.status}`));
		}
		expect((await containerProbe(world)).view.state).toBe('stale');

		const stopOut = recorder();
		const stopped = await world.stopContainer({graceSeconds: 10, onOutput: stopOut.onOutput});
		report('stopContainer', stopped);
		expectOk(stopped, 'docker stop');
		expect(said(stopped).output).toEqual([container]);
		expect(stopOut.lines).toEqual(said(stopped).output);
		expect(await running()).toBe(false);
		// Stopping a stopped container is what the operator asked for: ok, as docker stop says.
		expectOk(await world.stopContainer({graceSeconds: 10}), 'second docker stop');

		const unmountOut = recorder();
		const unmounted = await world.unmount(share, {lazy: false, onOutput: unmountOut.onOutput});
		report('unmount', unmounted);
		expectOk(unmounted, 'umount');
		expect(mountsAt(share)).toEqual([]);
		expect(unmountOut.lines).toEqual(said(unmounted).output);

		const mountOut = recorder();
		const mounted = await world.mount(share, null, {onOutput: mountOut.onOutput});
		report('mount (fstab)', mounted);
		expectOk(mounted, 'mount');
		expect(mountsAt(share)).toHaveLength(1);
		expect(mountsAt(share)[0]).toMatchObject({fsType: 'fuse.sshfs', source: lab.LAB_SSHFS_SOURCE});
		expect((await world.probeDatadir()).verdict).toBe('responsive');

		const startOut = recorder();
		const started = await world.startContainer({onOutput: startOut.onOutput});
		report('startContainer', started);
		expectOk(started, 'docker start');
		expect(said(started).output).toEqual([container]);
		expect(await running()).toBe(true);
		const probe = await containerProbe(world);
		expect(probe.view.state).toBe('same');
		if (probe.view.state === 'same') expect(probe.view.mount.majorMinor).toBe(mountsAt(share)[0]!.majorMinor);
		// Independent evidence: the container's own mount table has the host's device again.
		const inside = parseMountinfo(readFileSync(`/proc/${probe.pid}/mountinfo`, 'utf8')).find(mount => mount.mountPoint === lab.LAB_CONTAINER_MOUNT);
		expect(inside?.majorMinor).toBe(mountsAt(share)[0]!.majorMinor);

		const proof = await proveUntil(world, image, true, 30_000);
		console.log(`[actions] proveGlance after the remount: ${JSON.stringify(proof)}`);
		expect(proof).toMatchObject({ok: true, value: {status: 200, bytes: 64 * 1024, imageId: image.id}});
		await world.close();
	});

	it('after the share died under a stopped container: start fails and says why; unmount, mount, start recover', async () => {
		const world = worldWith();
		expectOk(await world.stopContainer({graceSeconds: 10}), 'docker stop');
		const sshfsPid = /^sshfs_pid=(\d+)$/m.exec(await sh(`bash ${repoRoot}/lab/status.sh`, 30_000))?.[1];
		expect(sshfsPid).toBeDefined();
		process.kill(Number(sshfsPid), 'SIGKILL');
		await new Promise(resolve => setTimeout(resolve, 300));
		expect((await world.probeDatadir()).health).toMatchObject({state: 'dead', errno: 'ENOTCONN'});

		const refused = await world.startContainer();
		report('startContainer on a dead share', refused);
		expect(refused).toMatchObject({ok: false, problem: {errno: 'ENOTCONN'}});
		expect(said(refused).output[0]).toMatch(/^Error response from daemon: .*\/srv\/glance-lab\/share/);
		if (!refused.ok) expect(refused.problem.reason).toMatch(/dead mount.*remount/);
		expect(await running()).toBe(false);

		// The dead mount is still in the table: mounting again must be refused until it is unmounted.
		expect(await world.mount(share, null)).toMatchObject({ok: false, problem: {errno: 'EBUSY'}});
		const unmounted = await world.unmount(share, {lazy: false});
		report('unmount of the dead share', unmounted);
		expectOk(unmounted, 'umount of a dead share');
		expectOk(await world.mount(share, null), 'mount');
		expectOk(await world.startContainer(), 'docker start');
		expect((await containerProbe(world)).view.state).toBe('same');
	});

	it('refuses to mount over a mounted share: mount(8) would stack a second sshfs without a word', async () => {
		const world = worldWith();
		const before = mountsAt(share);
		expect(before).toHaveLength(1);
		const result = await world.mount(share, null);
		report('mount over a mounted share', result);
		expect(result).toMatchObject({ok: false, problem: {errno: 'EBUSY'}});
		if (!result.ok) expect(result.problem.reason).toContain('already mounted');
		expect(mountsAt(share)).toEqual(before);
	});
});

describe('a busy share', () => {
	it('lists the holders, refuses a plain unmount with EBUSY and changes nothing; unmounts once they are gone', async () => {
		const world = worldWith();
		const probeFile = path.join(share, `holder-probe-${process.pid}.log`);
		const program = path.join(share, `sleep-copy-${process.pid}`);
		litter.push(path.basename(probeFile), path.basename(program));
		const inCwd = holdShare({cwd: lab.LAB_DATADIR});
		const descriptor = openSync(probeFile, 'w');
		const withFile = holdShare({stdout: descriptor});
		closeSync(descriptor);
		// A program run from the share maps its own file: a holder with no open descriptor and no cwd there.
		copyFileSync('/bin/sleep', program);
		chmodSync(program, 0o755);
		const mapping = holdShare({program});
		await new Promise(resolve => setTimeout(resolve, 300));

		const started = Date.now();
		const found = await world.mountHolders(share);
		console.log(`[actions] mountHolders took ${Date.now() - started} ms over ${(await sh('ls -d /proc/[0-9]* | wc -l')).trim()} processes: ${JSON.stringify(found)}`);
		expect(found).toContainEqual({pid: inCwd.pid, how: 'cwd', path: lab.LAB_DATADIR, command: 'sleep 600', user: 'root'});
		expect(found).toContainEqual({pid: withFile.pid, how: 'open file', path: probeFile, command: 'sleep 600', user: 'root'});
		expect(found).toContainEqual({pid: mapping.pid, how: 'mapped file', path: program, command: `${program} 600`, user: 'root'});
		// The test process holds nothing there; the scan's own process and glance_api's namespace never show.
		const expected = [inCwd.pid, withFile.pid, mapping.pid].sort();
		expect(found.map(holder => holder.pid).sort()).toEqual(expected);
		// fuser agrees on who holds the mount.
		const fuser = await sh(`fuser -m ${share} 2>/dev/null || true`);
		expect(fuser.trim().split(/\s+/).map(Number).sort()).toEqual(expected);

		const before = mountsAt(share);
		const busy = await world.unmount(share, {lazy: false});
		report('unmount with holders', busy);
		expect(busy).toMatchObject({ok: false, problem: {errno: 'EBUSY'}});
		expect(said(busy).output.join('\n')).toContain('target is busy');
		if (!busy.ok) expect(busy.problem.reason).toContain('umount -l');
		expect(mountsAt(share)).toEqual(before);
		expect((await world.probeDatadir()).verdict).toBe('responsive');

		await releaseHolders();
		expect(await world.mountHolders(share)).toEqual([]);
		const unmounted = await world.unmount(share, {lazy: false});
		report('unmount after the holders left', unmounted);
		expectOk(unmounted, 'umount');
		expect(mountsAt(share)).toEqual([]);
		expectOk(await world.mount(share, null), 'mount');
	});

	it('unmounts lazily with a holder: the mount leaves the table at once', async () => {
		const world = worldWith();
		const holder = holdShare({cwd: lab.LAB_DATADIR});
		await new Promise(resolve => setTimeout(resolve, 200));
		expect((await world.mountHolders(share)).map(each => each.pid)).toContain(holder.pid);
		const lazy = await world.unmount(share, {lazy: true});
		report('lazy unmount with a holder', lazy);
		expectOk(lazy, 'umount -l');
		expect(mountsAt(share)).toEqual([]);
		// Detached, the holder is no longer under the mount point as this namespace sees it.
		expect(await world.mountHolders(share)).toEqual([]);
		await releaseHolders();
		expectOk(await world.mount(share, null), 'mount');
		expect(mountsAt(share)).toHaveLength(1);
	});
});

describe('a hung share', () => {
	it('a plain unmount blocks and is killed at its deadline (ETIMEDOUT); a lazy one detaches at once', async () => {
		const world = worldWith();
		await labScript('freeze');
		const before = mountsAt(share);

		let started = Date.now();
		const holders = await world.mountHolders(share);
		console.log(`[actions] mountHolders on the frozen share: ${JSON.stringify(holders)} in ${Date.now() - started} ms`);
		expect(holders).toEqual([]);

		started = Date.now();
		const hung = await world.unmount(share, {lazy: false, timeoutMs: 2000});
		report('unmount of the frozen share', hung);
		expect(Date.now() - started).toBeLessThan(2000 + 2000);
		expect(hung).toMatchObject({ok: false, problem: {errno: 'ETIMEDOUT'}});
		if (!hung.ok) expect(hung.problem.reason).toContain(`umount -l ${share}`);
		expect(mountsAt(share)).toEqual(before);

		const lazy = await world.unmount(share, {lazy: true, timeoutMs: 2000});
		report('lazy unmount of the frozen share', lazy);
		expectOk(lazy, 'umount -l of a frozen share');
		expect(mountsAt(share)).toEqual([]);
	});
});

describe('actions that fail, with a reason to act on', () => {
	it('unmount of a path that is not mounted: EINVAL', async () => {
		const world = worldWith();
		const scratch = mkdtempSync(path.join(tmpdir(), 'actions-not-mounted-'));
		try {
			const result = await world.unmount(scratch, {lazy: false});
			report('unmount of a plain directory', result);
			expect(result).toMatchObject({ok: false, problem: {errno: 'EINVAL', output: [`umount: ${scratch}: not mounted.`]}});
			if (!result.ok) expect(result.problem.reason).toContain('not mounted');
			expect(await world.unmount(path.join(scratch, 'absent'), {lazy: true})).toMatchObject({ok: false, problem: {errno: 'EINVAL'}});
		} finally {
			rmSync(scratch, {recursive: true, force: true});
		}
	});

	it('mount with a wrong explicit spec: the server has no such export, or refuses the port', async () => {
		const world = worldWith();
		const scratch = mkdtempSync(path.join(tmpdir(), 'actions-mount-'));
		const sshOptions = [`port=${lab.LAB_SSHFS_PORT}`, `IdentityFile=${lab.LAB_SSH_KEY}`, `UserKnownHostsFile=${lab.LAB_KNOWN_HOSTS}`, 'StrictHostKeyChecking=yes', 'BatchMode=yes'];
		try {
			const missing = await world.mount(scratch, {source: 'root@127.0.0.1:/nonexistent', fsType: 'fuse.sshfs', options: sshOptions});
			report('mount of a missing export', missing);
			expect(missing).toMatchObject({ok: false, problem: {errno: 'ENOENT'}});
			expect(said(missing).output.join('\n')).toContain('No such file or directory');
			if (!missing.ok) expect(missing.problem.reason).toMatch(/does not exist.*exported path/);
			expect(mountsAt(scratch)).toEqual([]);

			// sshfs hides ssh's error ("read: Connection reset by peer"): the action asks ssh itself why.
			const refused = await world.mount(scratch, {source: lab.LAB_SSHFS_SOURCE!, fsType: 'fuse.sshfs', options: sshOptions.map(option => option.replace(/^port=.*/, 'port=1'))});
			report('mount against a closed port', refused);
			expect(refused).toMatchObject({ok: false, problem: {errno: 'ECONNREFUSED'}});
			expect(said(refused).output).toContain('ssh: connect to host 127.0.0.1 port 1: Connection refused');
			expect(mountsAt(scratch)).toEqual([]);

			const wrongKey = await world.mount(scratch, {source: lab.LAB_SSHFS_SOURCE!, fsType: 'fuse.sshfs', options: sshOptions.map(option => option.replace(/^IdentityFile=.*/, 'IdentityFile=/nonexistent/key'))});
			report('mount with a key the server does not know', wrongKey);
			expect(wrongKey).toMatchObject({ok: false, problem: {errno: 'EACCES'}});
			expect(said(wrongKey).output.join('\n')).toContain('Permission denied (publickey)');
		} finally {
			rmSync(scratch, {recursive: true, force: true});
		}
	});

	it('docker actions on a container that does not exist say so', async () => {
		const world = worldWith({container: 'glance_api_not_here'});
		const stopped = await world.stopContainer({graceSeconds: 1});
		expect(stopped).toMatchObject({ok: false, problem: {errno: 'ENOENT'}});
		expect(said(stopped).output[0]).toMatch(/^Error response from daemon: No such container: glance_api_not_here/);
		expect(await world.startContainer()).toMatchObject({ok: false, problem: {errno: 'ENOENT'}});
		expect(await world.containerLogs(5)).toEqual({ok: false, problem: {reason: expect.stringContaining('there is no container named glance_api_not_here')}});
	});
});

describe('read-only facts for the remount', () => {
	it("containerLogs returns glance-api's own last lines, as docker logs prints them", async () => {
		const world = worldWith();
		const logs = await world.containerLogs(20);
		if (!logs.ok) throw new Error(`docker logs failed: ${logs.problem.reason}`);
		const lines = logs.value;
		expect(lines.length).toBeGreaterThan(0);
		expect(lines.length).toBeLessThanOrEqual(20);
		expect(lines.join('\n')).toMatch(/eventlet\.wsgi\.server|glance/);
		// Without oslo.log's colour codes: plain text for the terminal UI.
		expect(lines.join('')).not.toContain('\u001b');
		const cli = (await sh(`docker logs --tail 20 ${container} 2>&1 | sed 's/\\x1b\\[[0-9;]*m//g'`)).split('\n');
		for (const line of lines) expect(cli).toContain(line);
	});

	it('parentFilesystem is the filesystem under the mount point, where Glance would write while unmounted', async () => {
		const world = worldWith();
		const {stats, health} = await world.parentFilesystem(share);
		expect(health.state).toBe('responsive');
		const rootDevice = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).find(mount => mount.mountPoint === '/')!.majorMinor;
		if (health.state === 'responsive') expect(health.device).toBe(rootDevice);
		const dfTotal = Number((await sh(`df --output=size -B1 ${path.dirname(share)} | tail -1`)).trim());
		expect(stats?.bytesTotal).toBe(dfTotal);
		expect(stats?.bytesAvailable).toBeGreaterThan(0);
	});
});
