// Real files that are not what their name says, given where the tool reads configuration: an openrc that is
// a device, a clouds.yaml that is a FIFO, an fstab without end. Each is a problem naming the file, the run goes
// on, and credentials that were asked for but cannot be used leave the image side UNKNOWN, never OK.
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {deriveFindings, overallStatus} from '../../source/model/findings.js';
import {notConfiguredListing} from '../../source/model/openstack/glance.js';
import {resolveSettings} from '../../source/settings.js';
import {SnapshotPoller} from '../../source/world/poller.js';
import {glanceAccessOnThisMachine} from '../../source/world/real/openstack/machine.js';
import {RealWorld} from '../../source/world/real/real-world.js';
import {createSimulatedWorld} from '../../source/world/simulated/simulated-world.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'hostile-files-'));
const home = path.join(root, 'home');
const cwd = path.join(root, 'cwd');
mkdirSync(home);
mkdirSync(cwd);
afterAll(() => rmSync(root, {recursive: true, force: true}));

const where = {homeDir: home, cwd};

function fifo(name: string): string {
	const file = path.join(root, name);
	execFileSync('mkfifo', [file]);
	return file;
}

function problemOf(access: ReturnType<typeof glanceAccessOnThisMachine>) {
	if (access.ok) throw new Error(`expected a problem, got ${access.value.source}`);
	return access.problem;
}

describe('credential files that are not files', () => {
	it('an --openrc that is a device, or a FIFO nobody writes to, is refused at once and named', () => {
		expect(problemOf(glanceAccessOnThisMachine({openrc: '/dev/zero'}, {}, where))).toMatchObject({
			reason: 'the openrc file /dev/zero is a character device, not a regular file: not read',
			credentialsGiven: true,
		});
		const pipe = fifo('admin-openrc.sh');
		expect(problemOf(glanceAccessOnThisMachine({openrc: pipe}, {}, where)).reason).toBe(`the openrc file ${pipe} is a FIFO, not a regular file: not read`);
	});

	it('an openrc past the size of any config is not read whole', () => {
		const huge = path.join(root, 'huge-openrc.sh');
		writeFileSync(huge, `export OS_PASSWORD=${'x'.repeat(1024 * 1024)}\n`);
		expect(problemOf(glanceAccessOnThisMachine({openrc: huge}, {}, where)).reason).toBe(`the openrc file ${huge} is larger than 1 MiB: not read`);
	});

	it('an openrc whose password a shell would compute is not run, and says which variable', () => {
		const openrc = path.join(root, 'computed-openrc.sh');
		writeFileSync(openrc, "export OS_AUTH_URL=http://127.0.0.1:5000\nexport OS_USERNAME=admin\nexport OS_PASSWORD=$(cat /root/.pw)\n");
		expect(problemOf(glanceAccessOnThisMachine({openrc}, {}, where))).toMatchObject({
			reason: `openrc ${openrc}: OS_PASSWORD is computed by a shell command, which glance-inspector does not run`,
			credentialsGiven: true,
		});
	});

	it('OS_CLOUD with a clouds.yaml that is a FIFO names that file; an unknown cloud names the ones there are', () => {
		const pipe = fifo('clouds.yaml');
		expect(problemOf(glanceAccessOnThisMachine({}, {OS_CLOUD: 'kolla', OS_CLIENT_CONFIG_FILE: pipe}, where)).reason).toBe(`clouds.yaml ${pipe} is a FIFO, not a regular file: not read`);
		const clouds = path.join(root, 'real-clouds.yaml');
		writeFileSync(clouds, 'clouds:\n  kolla-admin:\n    auth: {auth_url: http://127.0.0.1:5000}\n');
		expect(problemOf(glanceAccessOnThisMachine({osCloud: 'prod'}, {OS_CLIENT_CONFIG_FILE: clouds}, where))).toMatchObject({credentialsGiven: true, hint: expect.stringContaining('kolla-admin')});
	});

	it('nothing named at all is still "not configured"', () => {
		expect(problemOf(glanceAccessOnThisMachine({}, {}, where)).credentialsGiven).toBe(false);
	});
});

describe('unknown is not OK', () => {
	async function statusWith(credentialsGiven: boolean) {
		const world = createSimulatedWorld('healthy', {speed: 100, probeTimeoutMs: 50});
		try {
			const snapshot = await new SnapshotPoller(world, 60_000).collect();
			const glance = notConfiguredListing({reason: 'openrc /root/openrc: OS_PASSWORD is computed by a shell command', hint: 'export it', credentialsGiven});
			const findings = deriveFindings({...snapshot, glance}, {warnPercent: 80, critPercent: 90, container: 'glance_api', now: Date.now()});
			return {status: overallStatus(findings), finding: findings.find(each => each.id === 'glance-unavailable')};
		} finally {
			await world.close();
		}
	}

	it('credentials asked for and unusable make the check UNKNOWN (exit 3) with the reason; none at all stays OK with a note', async () => {
		const unusable = await statusWith(true);
		expect(unusable.status.exitCode).toBe(3);
		expect(unusable.finding).toMatchObject({severity: 'unknown', evidence: expect.arrayContaining(['openrc /root/openrc: OS_PASSWORD is computed by a shell command'])});
		const none = await statusWith(false);
		expect(none.status.exitCode).toBe(0);
		expect(none.finding?.severity).toBe('info');
	});
});

describe('the real world reading fstab', () => {
	it('an --fstab that is a device is a problem naming it, and the datadir is still probed', async () => {
		const datadir = path.join(root, 'images');
		mkdirSync(datadir);
		const settings = resolveSettings({flags: {datadir, fstab: '/dev/zero'}, env: {DOCKER_HOST: 'unix:///nonexistent'}, globals: {path: '/nonexistent', text: null, readError: null}, containerGlanceSource: null});
		if (!settings.ok) throw new Error(settings.problem.reason);
		const world = new RealWorld(settings.value);
		try {
			const probe = await world.probeDatadir();
			expect(probe.fstabProblem).toBe('fstab /dev/zero is a character device, not a regular file: not read');
			expect(probe.health.state).toBe('responsive');
			expect(probe.mount).not.toBeNull();
		} finally {
			await world.close();
		}
	}, 20_000);
});
