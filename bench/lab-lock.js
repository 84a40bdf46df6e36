// The bench freezes, flaps and loads the one shared lab: it runs under the lock the lab tests take.
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const lockFile = '/tmp/glance-lab-tests.lock';

/** True when this process holds the lab lock; otherwise runs `script` again under it and exits with its status. */
export function holdsLabLock(script) {
	if (process.env.GI_BENCH_LOCKED === '1') return true;
	const result = spawnSync('flock', [lockFile, process.execPath, fileURLToPath(script), ...process.argv.slice(2)], {stdio: 'inherit', env: {...process.env, GI_BENCH_LOCKED: '1'}});
	process.exit(result.status ?? 1);
}
