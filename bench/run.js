// The benchmark: glance-inspector against the by-hand path an operator takes today, on the real lab.
// Prints figures and ratios; asserts nothing (timing goals live here, not in the tests).
// Run as root: `npm run bench` (it brings the lab up first, and runs under the lab lock). The scale figures
// (bench/scale.js) follow; about ten minutes in all once the bench Glance is seeded.
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {holdsLabLock} from './lab-lock.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const lab = Object.fromEntries([...readFileSync(`${root}/lab/env.sh`, 'utf8').matchAll(/^export (LAB_[A-Z_]+)=(?:'([^']*)'|(\S*))/gm)].map(match => [match[1], match[2] ?? match[3] ?? '']));
const tool = `node ${root}/bin/glance-inspector.js`;
const toolArgs = `--datadir ${lab.LAB_DATADIR} --openrc ${lab.LAB_OPENRC}`;

function timed(command, timeoutMs = 60_000) {
	const started = performance.now();
	const result = spawnSync('bash', ['-c', command], {encoding: 'utf8', timeout: timeoutMs});
	return {ms: performance.now() - started, timedOut: result.error?.code === 'ETIMEDOUT' || result.signal === 'SIGTERM', status: result.status, stdout: result.stdout ?? ''};
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function labScript(name) {
	execFileSync('bash', [`${root}/lab/${name}.sh`], {stdio: ['ignore', 'ignore', 'inherit']});
}

function row(label, value) {
	console.log(`${label.padEnd(58)} ${value}`);
}

function tmux(...args) {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

async function keyLatency(samples) {
	const session = `gi-bench-${process.pid}`;
	tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `${tool} ${toolArgs} --refresh 1 --probe-timeout 3`);
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	const waitFor = async (text, timeoutMs = 20_000) => {
		const started = performance.now();
		while (performance.now() - started < timeoutMs) {
			if (screen().includes(text)) return performance.now() - started;
			await new Promise(resolve => setTimeout(resolve, 5));
		}
		throw new Error(`never saw ${text}`);
	};
	try {
		await waitFor('Findings (');
		const times = [];
		for (let index = 0; index < samples; index++) {
			tmux('send-keys', '-t', session, '?');
			times.push(await waitFor('Help — keys'));
			tmux('send-keys', '-t', session, 'Escape');
			await waitFor('Findings (');
		}
		return times;
	} finally {
		tmux('kill-session', '-t', session);
	}
}

async function main() {
	if (process.getuid?.() !== 0) throw new Error('run the benchmark as root: it uses the lab');
	labScript('up');
	console.log(`glance-inspector benchmark on ${lab.LAB_DATADIR} (sshfs over loopback), ${new Date().toISOString()}\n`);

	// 1. The whole picture, healthy share: the tool's report against the commands an operator types.
	const byHand = [
		`df -h ${lab.LAB_DATADIR}`,
		`df -i ${lab.LAB_DATADIR}`,
		`findmnt -T ${lab.LAB_DATADIR}`,
		`grep -F ${lab.LAB_MOUNTPOINT} /etc/fstab`,
		`docker inspect ${lab.LAB_CONTAINER}`,
		`grep -F /var/lib/glance /proc/$(docker inspect -f '{{.State.Pid}}' ${lab.LAB_CONTAINER})/mountinfo`,
		`ls -l ${lab.LAB_DATADIR}`,
		`set -a; . ${lab.LAB_OPENRC}; openstack image list --all --long -f json; openstack image list --all --hidden --long -f json`,
	].join(' > /dev/null; ') + ' > /dev/null';
	timed(`${tool} --once ${toolArgs}`);
	const toolRuns = Array.from({length: 5}, () => timed(`${tool} --once ${toolArgs}`).ms);
	const handRuns = Array.from({length: 3}, () => timed(byHand).ms);
	row('healthy: glance-inspector --once (median of 5)', `${median(toolRuns).toFixed(0)} ms`);
	row('healthy: the same facts by hand, 8 commands (median of 3)', `${median(handRuns).toFixed(0)} ms (typing not counted)`);
	row('  ratio by hand / tool', `${(median(handRuns) / median(toolRuns)).toFixed(1)}×`);

	// 2. The share hangs: df blocks, the tool answers within its probe timeout.
	labScript('freeze');
	try {
		const hungTool = timed(`${tool} --once ${toolArgs} --probe-timeout 3`, 60_000);
		const hungDf = timed(`df -h ${lab.LAB_DATADIR}`, 20_000);
		row('hung: glance-inspector --once --probe-timeout 3', `${hungTool.ms.toFixed(0)} ms, exit ${hungTool.status} (${/mount-unresponsive/.test(hungTool.stdout) ? 'reports mount-unresponsive' : 'did NOT report it'})`);
		row('hung: df -h (cut at 20 s)', hungDf.timedOut ? `no answer after ${(hungDf.ms / 1000).toFixed(0)} s` : `${hungDf.ms.toFixed(0)} ms`);
		const latencies = await keyLatency(10);
		row('hung: dashboard key "?" to help drawn (10 presses)', `median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
	} finally {
		labScript('thaw');
	}
	const healthyLatencies = await keyLatency(10);
	row('healthy: dashboard key "?" to help drawn (10 presses)', `median ${median(healthyLatencies).toFixed(0)} ms, max ${Math.max(...healthyLatencies).toFixed(0)} ms`);

	// 3. A flap: how soon the tool names it after the share is remounted on the host.
	labScript('flap');
	try {
		const flapped = timed(`${tool} --once ${toolArgs}`);
		row('flapped: glance-inspector --once', `${flapped.ms.toFixed(0)} ms, exit ${flapped.status} (${/container-stale-mount/.test(flapped.stdout) ? 'reports container-stale-mount' : 'did NOT report it'})`);
		const health = execFileSync('docker', ['inspect', '-f', '{{.State.Health.Status}}', lab.LAB_CONTAINER], {encoding: 'utf8'}).trim();
		row('flapped: docker says the container is', `${health} (kolla's healthcheck asks only the API)`);
	} finally {
		labScript('heal');
	}
}

if (holdsLabLock(import.meta.url)) {
	await main();
	await import('./scale.js');
}
