// `npm run release`: the one file to copy onto a controller. esbuild bundles dist/ (the CLI and its child
// roles, scripts/release-entry.js) into one ES module; Node 26's --build-sea puts it, with a fresh build stamp,
// into a stripped copy of the pinned Node. Writes release/glance-inspector-linux-<arch> and its .sha256.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {currentStamp} from './build-stamp.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const releaseDirectory = path.join(root, 'release');
const started = performance.now();

/** Modules the bundle must not carry: Ink's optional devtools, and ssh2 (with its native cpu-features addon), which dockerode needs only for ssh:// Docker hosts, refused by the settings. */
const leftOut = ['react-devtools-core', 'ssh2'];

const work = mkdtempSync(path.join(os.tmpdir(), 'glance-inspector-release-'));
try {
	const bundle = path.join(work, 'glance-inspector.mjs');
	await build({
		entryPoints: [path.join(root, 'scripts/release-entry.js')],
		outfile: bundle,
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

	// The pinned Node 26 running this script; stripped, it is ~30 MB smaller and runs the same.
	const base = path.join(work, 'node');
	copyFileSync(process.execPath, base);
	execFileSync('strip', ['--strip-all', base]);

	const arch = os.arch();
	const name = `glance-inspector-linux-${arch}`;
	mkdirSync(releaseDirectory, {recursive: true});
	const output = path.join(releaseDirectory, name);
	const stamp = path.join(work, 'build-stamp.json');
	writeFileSync(stamp, JSON.stringify(currentStamp()));
	const config = path.join(work, 'sea-config.json');
	writeFileSync(config, JSON.stringify({
		main: bundle,
		mainFormat: 'module',
		executable: base,
		output,
		disableExperimentalSEAWarning: true,
		useCodeCache: true,
		// A stray NODE_OPTIONS on a controller must not change how the tool starts.
		execArgvExtension: 'none',
		assets: {'build-stamp.json': stamp},
	}));
	execFileSync(process.execPath, ['--build-sea', config], {stdio: ['ignore', 'ignore', 'inherit']});

	const sha256 = createHash('sha256').update(readFileSync(output)).digest('hex');
	writeFileSync(`${output}.sha256`, `${sha256}  ${name}\n`);
	const megabytes = (statSync(output).size / 1024 / 1024).toFixed(1);
	process.stdout.write(`release/${name}: ${megabytes} MiB, sha256 ${sha256}, built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
} finally {
	rmSync(work, {recursive: true, force: true});
}
