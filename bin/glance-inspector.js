#!/usr/bin/env node
// Launcher: the tool is built and tested on Node 26. Where the system Node is older (Debian 12 ships 20),
// run the Node 26 that the package pins as a dependency, so the command works however it is started.
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
	process.stderr.write('glance-inspector: not built yet — run `npm run build` in the package directory\n');
	process.exit(3);
}

const major = Number(process.versions.node.split('.')[0]);
const {runtimeFlagsFor} = await import('../dist/runtime-flags.js');
const runtimeFlags = runtimeFlagsFor(process.argv.slice(2));
const flagged = runtimeFlags.every(flag => process.execArgv.includes(flag));
if (major >= 26 && !flagged && typeof process.execve === 'function') {
	// The same process again with the flags (no parent left waiting): V8's heap limits are fixed at start.
	process.execve(process.execPath, [process.execPath, ...runtimeFlags, cli, ...process.argv.slice(2)]);
} else if (major >= 26) {
	await import(cli);
} else {
	let pinned;
	try {
		pinned = createRequire(import.meta.url).resolve('node/bin/node');
	} catch {
		process.stderr.write(`glance-inspector: needs Node >= 26 (this is ${process.version}); run \`npm install\` to get the pinned Node 26\n`);
		process.exit(3);
	}
	const child = spawn(pinned, [...runtimeFlags, cli, ...process.argv.slice(2)], {stdio: 'inherit'});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}
