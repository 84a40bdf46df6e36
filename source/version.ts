// What this build is: version, git commit and build date, stamped by scripts/build-stamp.js after the
// TypeScript build (dist/build-stamp.json) and carried inside the single executable as an asset, where
// there is no package.json beside the code to read.
import {readFileSync} from 'node:fs';
import {getAsset, isSea} from 'node:sea';

export type BuildStamp = {version: string; commit: string; date: string};

/** The stamp's name: a file beside the compiled code in dist/, an asset inside the single executable. */
export const buildStampName = 'build-stamp.json';

const unbuilt: BuildStamp = {version: 'unbuilt', commit: 'unknown', date: 'unknown'};

function readStamp(): BuildStamp {
	try {
		const text = isSea() ? getAsset(buildStampName, 'utf8') : readFileSync(new URL(`./${buildStampName}`, import.meta.url), 'utf8');
		return JSON.parse(text) as BuildStamp;
	} catch {
		// Only when run from source (the tests): nothing was built, so nothing was stamped.
		return unbuilt;
	}
}

export const buildStamp: BuildStamp = readStamp();

/** What --version prints: enough to tell two builds apart on a controller. */
export function versionText(stamp: BuildStamp = buildStamp): string {
	const runtime = isSea() ? 'inside this single executable' : `at ${process.execPath}`;
	return [
		`glance-inspector ${stamp.version}`,
		`commit  ${stamp.commit}`,
		`built   ${stamp.date}`,
		`node    ${process.versions.node} (${runtime})`,
	].join('\n') + '\n';
}
