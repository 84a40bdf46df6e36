// The benchmark at scale (issue 9): 10,000 images in the bench's own Glance (lab/bench-glance.sh, port 9293,
// datadir on the share) and 100,000 entries in a scratch directory on the share. Prints every figure of the
// issue's goals table with its goal beside it; asserts nothing. Run as root, under the lab lock (npm run bench).
// `node bench/scale.js --only once,hand,big,dashboard,verify` runs only those parts; GI_BENCH_IDLE_SECONDS=N idles N s.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {fileURLToPath} from 'node:url';
import {holdsLabLock} from './lab-lock.js';
import {benchGlanceUrl, seedImages} from './seed.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const lab = Object.fromEntries([...readFileSync(`${root}/lab/env.sh`, 'utf8').matchAll(/^export (LAB_[A-Z_]+)=(?:'([^']*)'|(\S*))/gm)].map(match => [match[1], match[2] ?? match[3] ?? '']));
const imageCount = 10_000;
const entryCount = 100_000;
const benchDatadir = `${lab.LAB_MOUNTPOINT}/bench-images`;
// Made on the export (a local disk), seen through the share: 100,000 creates over sshfs would take minutes.
const bigExport = `${lab.LAB_EXPORT}/bench-100k`;
const bigDatadir = `${lab.LAB_MOUNTPOINT}/bench-100k`;
// The Node the package pins (Ink 8 needs >= 22; the system's may be older), and dist/cli.js itself rather than
// the bin launcher, so the process measured is the app and not a parent waiting on it.
const node = existsSync(`${root}/node_modules/node/bin/node`) ? `${root}/node_modules/node/bin/node` : process.execPath;
if (!existsSync(`${root}/dist/cli.js`)) throw new Error('build first: npm run build');
// With the flags bin/glance-inspector.js starts it with.
const {runtimeFlagsFor} = await import(`${root}/dist/runtime-flags.js`);
const toolFor = args => [node, ...runtimeFlagsFor(args), `${root}/dist/cli.js`];
const toolArgs = (datadir = benchDatadir) => ['--datadir', datadir, '--glance-url', benchGlanceUrl, '--container', lab.LAB_CONTAINER];
const ticksPerSecond = 100;
const idleSeconds = Number(process.env.GI_BENCH_IDLE_SECONDS ?? 60);
const parts = ['once', 'hand', 'big', 'dashboard', 'verify'];
const onlyIndex = process.argv.indexOf('--only');
const chosen = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? '').split(',') : parts;
if (process.argv.includes('--help') || chosen.some(part => !parts.includes(part))) {
	console.log(`usage: node bench/scale.js [--only ${parts.join(',')}]   (GI_BENCH_IDLE_SECONDS=60 the idle CPU window)`);
	process.exit(process.argv.includes('--help') ? 0 : 2);
}
const runs = part => chosen.includes(part);

const figures = [];
function figure(name, value, goal, met) {
	figures.push({name, value, goal, met});
	console.log(`  ${name.padEnd(50)} ${String(value).padEnd(26)} goal ${goal}${met === null ? '' : met ? '  met' : '  MISSED'}`);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---- processes: CPU ticks of a process and its descendants, RSS ----

function statOf(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return {ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]), comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'))};
	} catch {
		return null;
	}
}

function allProcesses() {
	const processes = new Map();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const stat = statOf(name);
		if (stat) processes.set(Number(name), stat);
	}
	return processes;
}

/** Own and children's CPU ticks (dead children are in cutime/cstime once waited for) of `pids` and every descendant. */
function treeTicks(pids) {
	const processes = allProcesses();
	const inTree = new Set(pids.filter(pid => processes.has(pid)));
	for (let grew = true; grew; ) {
		grew = false;
		for (const [pid, stat] of processes) {
			if (!inTree.has(pid) && inTree.has(stat.ppid)) {
				inTree.add(pid);
				grew = true;
			}
		}
	}
	let ticks = 0;
	for (const pid of inTree) ticks += processes.get(pid).ticks;
	return ticks;
}

function pidsNamed(comm) {
	return [...allProcesses()].filter(([, stat]) => stat.comm === comm).map(([pid]) => pid);
}

function rssMiB(pid) {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function cpuPercentOver(seconds, groups) {
	const before = groups.map(pids => treeTicks(pids()));
	await sleep(seconds * 1000);
	return groups.map((pids, index) => ((treeTicks(pids()) - before[index]) / ticksPerSecond / seconds) * 100);
}

// ---- tmux: the dashboard in a real terminal ----

function tmux(...args) {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

function startDashboard(session, datadir) {
	const command = ['exec', ...toolFor([]), ...toolArgs(datadir)].map(part => `'${part}'`).join(' ').replace(`'exec'`, 'exec');
	tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
	return Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
}

const screenOf = session => tmux('capture-pane', '-p', '-t', session);

async function waitForScreen(session, test, timeoutMs = 60_000) {
	const started = performance.now();
	while (performance.now() - started < timeoutMs) {
		const screen = screenOf(session);
		if (test(screen)) return screen;
		await sleep(20);
	}
	throw new Error(`the screen never showed what was awaited:\n${screenOf(session)}`);
}

/** Send a key, and time until the screen differs from before it (tmux capture-pane every few ms). */
async function keyLatency(session, key) {
	const before = screenOf(session);
	const started = performance.now();
	tmux('send-keys', '-t', session, key);
	while (performance.now() - started < 5000) {
		if (screenOf(session) !== before) return performance.now() - started;
	}
	return 5000;
}

function latencyText(times) {
	return `${percentile(times, 50).toFixed(0)} / ${percentile(times, 95).toFixed(0)} / ${Math.max(...times).toFixed(0)} ms`;
}

// ---- the figures ----

/** One `--json` run: its time, its peak RSS and the report, read from a file or (`pipe`) from a pipe as a monitor would. */
function onceRun(datadir = benchDatadir, {pipe = false} = {}) {
	const output = `${tmpdir()}/glance-inspector-bench-${process.pid}.json`;
	const started = performance.now();
	const stdout = pipe ? 'pipe' : openSync(output, 'w');
	const result = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', '-o', `${output}.time`, ...toolFor(['--json']), '--json', ...toolArgs(datadir)], {stdio: ['ignore', stdout, 'ignore'], timeout: 120_000, maxBuffer: 2 ** 30, encoding: 'utf8'});
	const ms = performance.now() - started;
	const maxRssMiB = Number(/maxrss (\d+)/.exec(readFileSync(`${output}.time`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
	let report = null;
	try {
		report = JSON.parse(pipe ? result.stdout : readFileSync(output, 'utf8'));
	} catch {
		// Left null: reported as no verdict.
	}
	return {ms, maxRssMiB, report};
}

async function pageFetchFloor() {
	const started = performance.now();
	for (const hidden of ['', '&os_hidden=true']) {
		let next = `/v2/images?limit=1000&visibility=all${hidden}`;
		while (next) {
			const page = await (await fetch(`${benchGlanceUrl}${next}`)).json();
			next = page.next ?? null;
		}
	}
	return performance.now() - started;
}

function byHand() {
	const commands = [
		`df -h ${benchDatadir}`,
		`df -i ${benchDatadir}`,
		`findmnt -T ${benchDatadir}`,
		`docker inspect ${lab.LAB_CONTAINER}`,
		`ls -l ${benchDatadir}`,
		`openstack --os-auth-type none --os-endpoint ${benchGlanceUrl} image list --long -f json`,
		`openstack --os-auth-type none --os-endpoint ${benchGlanceUrl} image list --hidden --long -f json`,
	];
	const started = performance.now();
	spawnSync('bash', ['-c', commands.map(command => `${command} > /dev/null`).join('; ')], {timeout: 300_000});
	return performance.now() - started;
}

function ensureBigDirectory() {
	mkdirSync(bigExport, {recursive: true});
	const have = readdirSync(bigExport).length;
	for (let n = have; n < entryCount; n++) writeFileSync(`${bigExport}/00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`, '');
	if (have < entryCount) console.log(`[bench] made ${entryCount - have} entries in ${bigExport}`);
}

// At 80 columns the capacity graph is 36 samples wide, one sample per 2 s round; two rounds to spare.
const graphFilledMs = (36 + 2) * 2000;

async function dashboardFigures() {
	const session = `scale-bench-${process.pid}`;
	const glancePids = () => [Number(readFileSync(`${lab.LAB_STATE_DIR}/bench/glance-api.pid`, 'utf8'))];
	const sharePids = () => [...pidsNamed('sshfs'), ...pidsNamed('sftp-server')];
	const [glanceBase, shareBase] = await cpuPercentOver(Math.min(30, idleSeconds), [glancePids, sharePids]);
	const pid = startDashboard(session, benchDatadir);
	const startedAt = performance.now();
	try {
		await waitForScreen(session, screen => screen.includes('Findings') && !screen.includes('Inventory pending'));
		// Idle means left open: past the start-up, once the capacity graph (one sample a round) has filled its width.
		await sleep(Math.max(5000, graphFilledMs - (performance.now() - startedAt)));
		const startRss = rssMiB(pid);
		const [dashboardCpu, glanceCpu, shareCpu] = await cpuPercentOver(idleSeconds, [() => [pid], glancePids, sharePids]);
		tmux('send-keys', '-t', session, 'i');
		await waitForScreen(session, screen => new RegExp(`Images ${imageCount} of ${imageCount}`).test(screen.replace(/,/g, '')));
		await sleep(2000);
		const tableRss = rssMiB(pid);
		const [tableCpu] = await cpuPercentOver(idleSeconds, [() => [pid]]);
		const j = [];
		for (let index = 0; index < 200; index++) j.push(await keyLatency(session, 'j'));
		const afterKeysRss = rssMiB(pid);
		const pageDown = [];
		for (let index = 0; index < 30; index++) pageDown.push(await keyLatency(session, 'NPage'));
		const filter = [];
		for (let round = 0; round < 3; round++) {
			await keyLatency(session, '/');
			for (const char of 'bench-00') filter.push(await keyLatency(session, char));
			await keyLatency(session, 'Escape');
		}
		const sortKey = [];
		for (let index = 0; index < 4; index++) sortKey.push(await keyLatency(session, 's'));

		console.log(`\nthe dashboard, idle for ${idleSeconds} s, ${imageCount.toLocaleString('en')} images (default refresh)`);
		figure('dashboard idle CPU (its own + children)', `${dashboardCpu.toFixed(2)} %`, '< 1 % of one core', dashboardCpu < 1);
		figure('image table idle CPU (its own + children)', `${tableCpu.toFixed(2)} %`, '< 1 % of one core', tableCpu < 1);
		const caused = Math.max(0, glanceCpu - glanceBase) + Math.max(0, shareCpu - shareBase);
		figure('glance-api + sshfs CPU it causes', `${caused.toFixed(2)} %`, '< 1 %', caused < 1);
		console.log(`    (glance-api ${glanceBase.toFixed(2)} -> ${glanceCpu.toFixed(2)} %, sshfs + sftp-server ${shareBase.toFixed(2)} -> ${shareCpu.toFixed(2)} %)`);
		// The issue's goal is in MB (10^6 bytes): 150 MB is 143 MiB.
		const rss = mib => `${mib.toFixed(0)} MiB (${((mib * 2 ** 20) / 1e6).toFixed(0)} MB)`;
		const under150MB = mib => mib * 2 ** 20 < 150e6;
		figure('RSS at start', rss(startRss), '< 150 MB', under150MB(startRss));
		figure('RSS with the table open', rss(tableRss), '< 150 MB', under150MB(tableRss));
		figure('RSS after 200 key presses', rss(afterKeysRss), '< 150 MB', under150MB(afterKeysRss));
		const keyGoal = times => percentile(times, 95) < 50 && Math.max(...times) < 100;
		figure('key j, p50 / p95 / max (200 presses)', latencyText(j), 'p95 < 50, max < 100 ms', keyGoal(j));
		figure('key PgDn, p50 / p95 / max (30 presses)', latencyText(pageDown), 'p95 < 50, max < 100 ms', keyGoal(pageDown));
		figure('filter typing, p50 / p95 / max (24 keys)', latencyText(filter), 'p95 < 50, max < 100 ms', keyGoal(filter));
		figure('key s (sort), p50 / p95 / max (4 presses)', latencyText(sortKey), 'p95 < 50, max < 100 ms', keyGoal(sortKey));
	} finally {
		tmux('kill-session', '-t', session);
	}
}

async function main() {
	if (process.getuid?.() !== 0) throw new Error('run the benchmark as root: it uses the lab');
	execFileSync('bash', [`${root}/lab/bench-glance.sh`], {stdio: ['ignore', 'ignore', 'inherit']});
	const images = await seedImages(imageCount);
	ensureBigDirectory();
	console.log(`\nglance-inspector at scale: ${images.toLocaleString('en')} images in ${benchGlanceUrl} (datadir ${benchDatadir}), ${new Date().toISOString()}`);

	if (runs('once')) await onceFigures();
	if (runs('big')) bigFigures();
	if (runs('dashboard')) await dashboardFigures();
	if (runs('verify')) verifyFigure();

	const missed = figures.filter(each => each.met === false).map(each => each.name);
	console.log(`\n${figures.filter(each => each.met !== null).length - missed.length} goals met${missed.length ? `; missed: ${missed.join('; ')}` : ''}`);
}

async function onceFigures() {
	onceRun();
	await pageFetchFloor();
	// Interleaved: Glance's own page times drift over minutes and swing 220–460 ms a page, so each run is compared
	// with the floor runs on either side of it (F T F T … T F), and the ratio is the median of nine such pairs.
	const pairs = 9;
	const once = [];
	const floor = [await pageFetchFloor()];
	for (let pair = 0; pair < pairs; pair++) {
		once.push(onceRun());
		floor.push(await pageFetchFloor());
	}
	const beside = once.map((_, index) => (floor[index] + floor[index + 1]) / 2);
	const ratios = once.map((run, index) => run.ms / beside[index]);
	const onceMs = median(once.map(run => run.ms));
	const floorMs = median(beside);
	const ratio = median(ratios);
	const onceRss = Math.max(...once.map(run => run.maxRssMiB));
	console.log(`\n--json at ${imageCount.toLocaleString('en')} images (${pairs} runs, each between two floor runs; medians)`);
	figure('--json', `${(onceMs / 1000).toFixed(2)} s`, '', null);
	figure('raw page fetch floor (both passes, every page)', `${(floorMs / 1000).toFixed(2)} s`, '', null);
	figure('--json vs the floor on either side', `${ratio.toFixed(3)}× (pairs ${[...ratios].sort((a, b) => a - b).map(each => each.toFixed(2)).join(' ')})`, '≤ 1.15×', ratio <= 1.15);
	if (runs('hand')) {
		const hand = byHand();
		figure('the same facts by hand (7 commands, once)', `${(hand / 1000).toFixed(1)} s (${(hand / onceMs).toFixed(1)}× the tool)`, '', null);
	}
	figure('--json peak RSS', `${onceRss.toFixed(0)} MiB`, '< 150 MiB', onceRss < 150);
}

function bigFigures() {
	const big = [onceRun(bigDatadir), onceRun(bigDatadir), onceRun(bigDatadir, {pipe: true})];
	const verdicts = big.map(run => run.report?.snapshot?.datadir?.health?.state ?? 'no report');
	const rows = big[0].report?.inventory?.rows?.length ?? 0;
	console.log(`\n${entryCount.toLocaleString('en')} entries in a healthy directory on the share (${bigDatadir})`);
	figure('the report read through a pipe', big[2].report ? 'complete' : 'cut short', 'complete', big[2].report !== null);
	figure('health verdict, 3 runs of --json', verdicts.join(', '), 'responsive, every time', verdicts.every(verdict => verdict === 'responsive'));
	const peak = Math.max(...big.map(run => run.maxRssMiB));
	figure(`--json peak RSS (${rows.toLocaleString('en')} rows)`, `${peak.toFixed(0)} MiB (${((peak * 2 ** 20) / 1e6).toFixed(0)} MB)`, '< 300 MB', peak * 2 ** 20 < 300e6);
}

function verifyFigure() {
	console.log('\nverify against sha512sum, 512 MiB through the share');
	const scratch = `${lab.LAB_MOUNTPOINT}/bench-scratch`;
	const checksum = spawnSync(node, [`${root}/bench/checksum.js`, '512', scratch], {encoding: 'utf8', timeout: 600_000});
	const line = checksum.stdout.split('\n').find(text => text.includes('sha512 + md5')) ?? checksum.stderr.trim();
	const ratio = Number(/vs sha512sum ([\d.]+)x/.exec(line)?.[1] ?? Number.NaN);
	figure('verify (sha512 + md5) vs sha512sum', `${ratio.toFixed(2)}×`, '≤ 1.1×', ratio <= 1.1);
}

if (holdsLabLock(import.meta.url)) await main();
