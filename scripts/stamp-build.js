// Writes dist/build-stamp.json (version, git commit, build date) after `tsc`: `--version` reads it from
// dist, and the release carries it inside the single executable. SOURCE_DATE_EPOCH fixes the date.
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';

const root = new URL('../', import.meta.url);
const {version} = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

function git(...args) {
	try {
		return execFileSync('git', args, {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	} catch {
		// A tarball or a machine without git: the build still works, it just cannot say which commit.
		return null;
	}
}

const head = git('rev-parse', '--short=12', 'HEAD');
const dirty = head !== null && git('status', '--porcelain', '--untracked-files=no') !== '';
const commit = head === null ? 'unknown (not a git checkout)' : `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
const epoch = process.env.SOURCE_DATE_EPOCH;
const date = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().replace(/\.\d+Z$/, 'Z');

writeFileSync(new URL('dist/build-stamp.json', root), JSON.stringify({version, commit, date}) + '\n');
