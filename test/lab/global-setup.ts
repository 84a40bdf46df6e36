// Brings the real lab up before the lab and pty suites, and leaves it healthy after them.
// It never skips: where the lab cannot start, the suites fail and say why.
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function script(name: string): void {
	const result = spawnSync('bash', [`${root}/lab/${name}.sh`], {stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000});
	if (result.status !== 0) throw new Error(`lab/${name}.sh failed (exit ${result.status ?? result.signal}): the lab tests need the real lab — read the output above`);
}

export function setup(): void {
	if (process.getuid?.() !== 0) throw new Error('the lab tests start dockerd, sshd and sshfs and need root: run `npm test` as root, or `npm run test:unit` for the rest');
	script('up');
}

export function teardown(): void {
	script('heal');
}
