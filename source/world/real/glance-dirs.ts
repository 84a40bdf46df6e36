// Glance's working directories beside the datadir, all listed by one datadir-list child (on the share, they
// hang with it): what exists, its files and their bytes; the cache's subdirectories one level down.
import {describeHealth} from '../../model/health.js';
import {cacheSubdirectories, glanceDirCandidates} from '../../model/glance-dirs.js';
import type {DatadirFile, GlanceDir, GlanceDirsFacts} from '../../model/types.js';
import {listDirectories} from './datadir-list.js';

function sizes(files: readonly DatadirFile[]): {files: number; bytes: number} {
	const regular = files.filter(file => file.kind === 'file');
	return {files: regular.length, bytes: regular.reduce((sum, file) => sum + (file.allocated ?? file.size), 0)};
}

export async function probeGlanceDirs(datadir: string, options: {timeoutMs: number}): Promise<GlanceDirsFacts> {
	const candidates = glanceDirCandidates(datadir);
	// The cache's subdirectories asked for beside it, by name: one child lists everything at once.
	const below = (cache: string) => cacheSubdirectories.map(name => ({name, path: `${cache}/${name}`}));
	const directories = candidates.flatMap(({role, path}) => [path, ...(role === 'cache' ? below(path).map(each => each.path) : [])]);
	const listings = await listDirectories(directories, options);
	const found = candidates.map(({role, path}): GlanceDir | null => {
		const listing = listings.get(path);
		if (!listing) return null;
		if (listing.state !== 'ok') return listing.health.state === 'missing' ? null : {role, path, state: 'unreadable', reason: describeHealth(listing.health)};
		let entries = listing.files;
		if (role === 'cache') {
			const nested = below(path).flatMap(({name, path: inner}) => {
				const listed = listings.get(inner);
				return listed?.state === 'ok' ? listed.files.map(file => ({...file, name: `${name}/${file.name}`})) : [];
			});
			entries = [...entries, ...nested];
		}
		return {role, path, state: 'found', ...sizes(entries), entries: role === 'staging' ? entries : []};
	});
	return {at: Date.now(), directories: found.filter((directory): directory is GlanceDir => directory !== null)};
}
