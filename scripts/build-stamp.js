// The build stamp (version, git commit, build date) that `--version` prints. Run after `tsc` it writes
// dist/build-stamp.json; scripts/release.js takes a fresh one into the single executable. SOURCE_DATE_EPOCH
// fixes the date.
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = new URL('../', import.meta.url);

function git(...args) {
	try {
		return execFileSync('git', args, {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	} catch {
		// A tarball or a machine without git: the build still works, it just cannot say which commit.
		return null;
	}
}

/** The stamp for the tree as it is now. */
export function currentStamp() {
	const {version} = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
	const head = git('rev-parse', '--short=12', 'HEAD');
	const dirty = head !== null && git('status', '--porcelain', '--untracked-files=no') !== '';
	const commit = head === null ? 'unknown (not a git checkout)' : `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
	const epoch = process.env.SOURCE_DATE_EPOCH;
	const date = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
	return {version, commit, date};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	writeFileSync(new URL('dist/build-stamp.json', root), JSON.stringify(currentStamp()) + '\n');
}
