// Glance's working directories beside the datadir, each listed by the datadir-list child (on the share, they
// hang with it): what exists, its files and their bytes; the cache's subdirectories one level down.
import {describeHealth} from '../../model/health.js';
import {cacheSubdirectories, glanceDirCandidates} from '../../model/glance-dirs.js';
import type {DatadirFile, GlanceDir, GlanceDirsFacts} from '../../model/types.js';
import {listDatadir} from './datadir-list.js';

function sizes(files: readonly DatadirFile[]): {files: number; bytes: number} {
	const regular = files.filter(file => file.kind === 'file');
	return {files: regular.length, bytes: regular.reduce((sum, file) => sum + (file.allocated ?? file.size), 0)};
}

export async function probeGlanceDirs(datadir: string, options: {timeoutMs: number}): Promise<GlanceDirsFacts> {
	const found = await Promise.all(
		glanceDirCandidates(datadir).map(async ({role, path}): Promise<GlanceDir | null> => {
			const listing = await listDatadir(path, options);
			if (listing.state !== 'ok') return listing.health.state === 'missing' ? null : {role, path, state: 'unreadable', reason: describeHealth(listing.health)};
			let entries = listing.files;
			if (role === 'cache') {
				const below = listing.files.filter(file => file.kind === 'directory' && (cacheSubdirectories as readonly string[]).includes(file.name));
				const nested = await Promise.all(below.map(async directory => {
					const inner = await listDatadir(`${path}/${directory.name}`, options);
					return inner.state === 'ok' ? inner.files.map(file => ({...file, name: `${directory.name}/${file.name}`})) : [];
				}));
				entries = [...entries, ...nested.flat()];
			}
			return {role, path, state: 'found', ...sizes(entries), entries: role === 'staging' ? entries : []};
		}),
	);
	return {at: Date.now(), directories: found.filter((directory): directory is GlanceDir => directory !== null)};
}
