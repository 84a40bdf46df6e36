// The faults a controller meets, live, against one running dashboard (the real binary in tmux, 120×40 so every
// finding is on screen): each shows what is wrong, and each recovers without restarting the tool. The flap and
// the hang of the share live in dashboard.test.ts; these are the others.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openrcPath} from '../support/glance-lab.js';
import {lab, labScript, repoRoot, sh} from '../support/lab.js';
import {openTerminal, type Terminal} from '../support/tmux.js';

const binary = `node ${repoRoot}/bin/glance-inspector.js`;
const options = `--datadir ${lab.LAB_DATADIR} --openrc ${openrcPath} --refresh 1 --probe-timeout 2 --inventory-refresh 2`;
// The container panel's line when it sees the host's live mount.
const healthy = /same mount as the host \(dev \d+:\d+\) ✔/;
const containerPids = `docker top ${lab.LAB_CONTAINER} -eo pid 2>/dev/null | tail -n +2`;

let terminal: Terminal;

/** The lab as the tests found it: whatever a fault left (dockerd, the container, keystone, the share) repaired. */
async function repair(): Promise<void> {
	await sh(`${containerPids} | xargs -r kill -CONT 2>/dev/null; true`);
	await labScript('up');
	await labScript('heal');
}

/** The screen shows `back` again and no longer shows `gone`. */
async function recovers(gone: string, back: RegExp, timeoutMs = 45_000): Promise<void> {
	await terminal.waitFor(back, timeoutMs);
	const deadline = Date.now() + timeoutMs;
	let last = await terminal.screen();
	while (last.includes(gone) && Date.now() < deadline) {
		await new Promise(resolve => setTimeout(resolve, 200));
		last = await terminal.screen();
	}
	expect(last).not.toContain(gone);
}

beforeAll(async () => {
	await repair();
	terminal = await openTerminal(`${binary} ${options}`, {columns: 120, rows: 40});
	await terminal.waitFor(healthy, 30_000);
	await terminal.waitFor(/Findings \(\d+\)/, 30_000);
}, 600_000);

afterAll(async () => {
	await terminal?.close();
	await repair();
}, 600_000);

describe('live faults against one running dashboard', () => {
	it('a share dropped (sshfs killed, the host mount dead too) is mount-dead, and clears when the share is back', async () => {
		await sh(`kill -KILL $(bash ${repoRoot}/lab/status.sh | sed -n 's/^sshfs_pid=//p')`);
		const screen = await terminal.waitFor('mount-dead', 20_000);
		expect(screen).toContain('DEAD');
		// Both sides are dead: nothing on screen calls the container's view healthy.
		expect(screen).not.toMatch(healthy);
		expect(screen).toContain('SHARE DOWN');
		await labScript('heal');
		await recovers('mount-dead', healthy);
	});

	it('dockerd stopped is docker-unreachable; started again, the container shows and its events stream again', async () => {
		await sh(`pid=$(cat ${lab.LAB_DOCKERD_PIDFILE}); kill -TERM $pid; for i in $(seq 100); do [ -d /proc/$pid ] || break; sleep 0.2; done`);
		await terminal.waitFor('docker-unreachable', 20_000);
		await labScript('up');
		await recovers('docker-unreachable', healthy, 90_000);
		// The event stream was subscribed again: a stop shows at once, before any probe round could.
		await sh(`docker stop -t 1 ${lab.LAB_CONTAINER}`);
		await terminal.waitFor('container-not-running', 20_000);
		await sh(`docker start ${lab.LAB_CONTAINER}`);
		await recovers('container-not-running', healthy, 60_000);
	});

	it('the container removed is container-missing; recreated, it is watched again', async () => {
		await sh(`docker rm -f ${lab.LAB_CONTAINER}`);
		await terminal.waitFor('container-missing', 20_000);
		await labScript('up');
		await recovers('container-missing', healthy, 90_000);
	});

	it('Keystone down costs nothing while the token lasts; a fresh run says Keystone cannot be reached', async () => {
		// Glance answers the dashboard's token first (it caches Keystone's word on it for a while).
		await recovers('glance-unavailable', healthy, 60_000);
		await sh(`kill $(cat ${lab.LAB_RUN_DIR}/keystone.pid)`);
		try {
			const once = await sh(`${binary} --once ${options}; echo "[exit $?]"`, 90_000);
			expect(once).toContain('glance-unavailable');
			expect(once).toMatch(/127\.0\.0\.1:5000|Keystone/);
			// The running dashboard keeps its token: no false alarm about the images.
			expect(await terminal.screen()).not.toContain('glance-unavailable');
		} finally {
			await labScript('up');
		}
		await recovers('glance-unavailable', healthy, 60_000);
	});

	it('Glance frozen (its processes stopped) is reported within 15 s at the default cadences; thawed, it clears', async () => {
		// Its own dashboard with the defaults: the 15 s must hold without a quick --inventory-refresh.
		const defaults = await openTerminal(`${binary} --datadir ${lab.LAB_DATADIR} --openrc ${openrcPath}`, {columns: 120, rows: 40});
		try {
			await defaults.waitFor(/Findings \(\d+\)/, 30_000);
			await defaults.waitFor(healthy, 30_000);
			expect(await defaults.screen()).not.toContain('glance-unavailable');
			const frozenAt = Date.now();
			await sh(`${containerPids} | xargs -r kill -STOP`);
			try {
				await defaults.waitFor('glance-unavailable', 15_000);
				expect(Date.now() - frozenAt).toBeLessThan(15_000);
			} finally {
				await sh(`${containerPids} | xargs -r kill -CONT`);
			}
		} finally {
			await defaults.close();
		}
		await recovers('glance-unavailable', healthy, 60_000);
	});

	it('a terminal shrunk to 20×10 says how large it must be; grown again, the panels return', async () => {
		await sh(`tmux resize-window -t ${terminal.name} -x 20 -y 10`);
		await terminal.waitFor(/enlarge/, 10_000);
		await sh(`tmux resize-window -t ${terminal.name} -x 120 -y 40`);
		await terminal.waitFor(healthy, 10_000);
	});
});

describe('a docker socket this user may not open', () => {
	it('says permission denied and what to do, and still reports the share', async () => {
		const output = await sh(`cd /tmp && runuser -u nobody -- ${binary} --once --datadir ${lab.LAB_DATADIR} --probe-timeout 2; echo "[exit $?]"`);
		expect(output).toMatch(/permission denied/i);
		expect(output).toMatch(/docker group|as root/);
		expect(output).toMatch(/\[exit [1-3]\]/);
	});
});
