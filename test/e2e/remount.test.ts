// The guided remount for real: a flapped sshfs share, Glance in the glance_api container, the real binary in
// an 80×24 terminal, every step confirmed with y, then proof that Glance serves the image bytes again.
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {resolveSettings} from '../../source/settings.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import {adminToken, deleteImages, glanceUrl, openrcPath, upload, type Uploaded} from '../support/glance-lab.js';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

type AuditLine = {event: string; step: string | null; command: string | null; outcome: string | null; operator: string; host: string};

let image: Uploaded;
let terminal: Terminal | null = null;
let holder: ChildProcess | null = null;

function readAudit(file: string): AuditLine[] {
	return readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as AuditLine);
}

async function download(id: string): Promise<{status: number; bytes: Buffer}> {
	const token = await adminToken();
	const response = await fetch(`${glanceUrl}/v2/images/${id}/file`, {headers: {'X-Auth-Token': token.value}});
	return {status: response.status, bytes: Buffer.from(await response.arrayBuffer())};
}

async function openDashboard(auditLog: string): Promise<Terminal> {
	terminal = await openTerminal(`node ${repoRoot}/bin/glance-inspector.js --datadir ${lab.LAB_DATADIR} --openrc ${openrcPath} --audit-log ${auditLog} --refresh 1`, {env: {USER: 'e2e-operator'}});
	await terminal.waitFor('container-stale-mount', 30_000);
	await terminal.press('R');
	await terminal.waitFor('Begin the guided remount', 15_000);
	await terminal.press('y');
	return terminal;
}

async function confirmStep(screen: Terminal, number: number, title: string): Promise<string> {
	const asked = await screen.waitFor(new RegExp(`Step ${number} of 5: ${title}[\\s\\S]*Run this step\\? \\[y/N\\]`), 30_000);
	await screen.press('y');
	return asked;
}

async function viewOfContainer(): Promise<{view: string; host: string | null; container: string | null}> {
	const resolved = resolveSettings({flags: {datadir: lab.LAB_DATADIR, container: lab.LAB_CONTAINER}, env: {}, globals: {path: '/nonexistent', text: null, readError: null}, containerGlanceSource: null});
	if (!resolved.ok) throw new Error(resolved.problem.reason);
	const world = new RealWorld(resolved.value);
	const datadir = await world.probeDatadir();
	const container = await world.probeContainer(datadir.mount, datadir.health);
	await world.close();
	if (container.state !== 'present') return {view: container.state, host: null, container: null};
	const mount = container.view.state === 'unknown' ? null : container.view.mount;
	return {view: container.view.state, host: datadir.mount?.majorMinor ?? null, container: mount?.majorMinor ?? null};
}

beforeAll(async () => {
	await labScript('heal');
	image = await upload(await adminToken(), `e2e-remount-${randomBytes(3).toString('hex')}`, randomBytes(256 * 1024));
});

afterEach(async () => {
	await terminal?.close();
	terminal = null;
	holder?.kill('SIGKILL');
	holder = null;
	await labScript('heal');
});

afterAll(async () => {
	await deleteImages([image.id]);
});

describe('the guided remount on the real lab', () => {
	it('fixes a flapped share: stop, umount, mount, start, each after y, audited, and Glance serves the bytes again', async () => {
		await labScript('flap');
		const before = await download(image.id);
		expect(before.bytes.length).toBe(0);
		expect((await viewOfContainer()).view).toBe('stale');

		const auditLog = path.join(mkdtempSync(path.join(tmpdir(), 'gi-e2e-audit-')), 'audit.jsonl');
		const screen = await openDashboard(auditLog);
		expect(await confirmStep(screen, 1, 'Stop glance_api')).toContain('$ docker stop -t 60 glance_api');
		expect(await confirmStep(screen, 2, `Unmount ${lab.LAB_MOUNTPOINT}`)).toContain(`$ umount ${lab.LAB_MOUNTPOINT}`);
		expect(await confirmStep(screen, 3, `Mount ${lab.LAB_MOUNTPOINT}`)).toContain(`$ mount ${lab.LAB_MOUNTPOINT}`);
		expect(await confirmStep(screen, 4, 'Start glance_api')).toContain('$ docker start glance_api');
		const finished = await screen.waitFor('The remount is finished.', 120_000);
		expect(finished).toMatch(/✔ stop: done in .* — Stop glance_api/);
		expect(finished).toMatch(/✔ stop\s+✔ unmount\s+✔ mount\s+✔ start\s+✔ prove/);

		const after = await viewOfContainer();
		expect(after.view).toBe('same');
		expect(after.container).toBe(after.host);
		const healed = await download(image.id);
		expect(healed.status).toBe(200);
		expect(healed.bytes.equals(image.data)).toBe(true);

		const audit = readAudit(auditLog);
		expect(audit.every(line => line.operator === 'e2e-operator')).toBe(true);
		expect(audit.filter(line => line.event === 'confirmed').map(line => line.step)).toEqual(['stop', 'unmount', 'mount', 'start']);
		expect(audit.filter(line => line.event === 'command').map(line => line.command).slice(0, 4)).toEqual([
			`docker stop -t 60 ${lab.LAB_CONTAINER}`,
			`umount ${lab.LAB_MOUNTPOINT}`,
			`mount ${lab.LAB_MOUNTPOINT}`,
			`docker start ${lab.LAB_CONTAINER}`,
		]);
		expect(audit.filter(line => line.event === 'postcondition').map(line => `${line.step}:${line.outcome}`)).toEqual(['stop:done', 'unmount:done', 'mount:done', 'start:done', 'prove:done']);
		expect(audit.at(-1)?.event).toBe('finished');
		expect(readFileSync(auditLog, 'utf8')).not.toContain(readFileSync(openrcPath, 'utf8').match(/OS_PASSWORD='?([^'\n]+)/)![1]!);
	});

	it('changes nothing when a step is declined', async () => {
		await labScript('flap');
		const auditLog = path.join(mkdtempSync(path.join(tmpdir(), 'gi-e2e-audit-')), 'audit.jsonl');
		const screen = await openDashboard(auditLog);
		await screen.waitFor(/Step 1 of 5: Stop glance_api[\s\S]*Run this step\? \[y\/N\]/, 30_000);
		await screen.press('n');
		await screen.waitFor(/[Dd]eclined/);
		await screen.press('Escape');
		await screen.press('Enter');
		const running = (await sh(`docker inspect -f '{{.State.Running}}' ${lab.LAB_CONTAINER}`)).trim();
		expect(running).toBe('true');
		expect((await viewOfContainer()).view).toBe('stale');
		const audit = readAudit(auditLog);
		expect(audit.filter(line => line.event === 'command')).toEqual([]);
		expect(audit.filter(line => line.event === 'declined').length).toBeGreaterThanOrEqual(1);
		await screen.press('a');
		await screen.waitFor('The remount was aborted.');
	});

	it('shows the process holding a busy mount, and goes on once it is gone', async () => {
		await labScript('flap');
		holder = spawn('sleep', ['600'], {cwd: lab.LAB_MOUNTPOINT, stdio: 'ignore'});
		const auditLog = path.join(mkdtempSync(path.join(tmpdir(), 'gi-e2e-audit-')), 'audit.jsonl');
		const screen = await openDashboard(auditLog);
		await confirmStep(screen, 1, 'Stop glance_api');
		await confirmStep(screen, 2, `Unmount ${lab.LAB_MOUNTPOINT}`);
		const busy = await screen.waitFor('l lazy unmount', 30_000);
		expect(busy).toContain(`umount: ${lab.LAB_MOUNTPOINT}: target is busy`);
		expect(busy).toMatch(new RegExp(`held by pid ${holder.pid}\\b.*sleep 600`));
		// Still mounted: nothing was forced.
		expect(await sh(`grep -c " ${lab.LAB_MOUNTPOINT} " /proc/self/mountinfo || true`)).not.toBe('0\n');
		holder.kill('SIGKILL');
		holder = null;
		await screen.press('r');
		await confirmStep(screen, 2, `Unmount ${lab.LAB_MOUNTPOINT}`);
		await confirmStep(screen, 3, `Mount ${lab.LAB_MOUNTPOINT}`);
		await confirmStep(screen, 4, 'Start glance_api');
		await screen.waitFor('The remount is finished.', 120_000);
		expect((await viewOfContainer()).view).toBe('same');
	});
});
