// Glance's working directories beside the datadir: the import staging area, the tasks work dir and the image
// cache. A flap hits them too and they take space; staging files whose image is no longer importing are left
// behind. Pure: where to look, the rows the capacity details show, and the leftovers finding. Nothing is deleted.
import path from 'node:path';
import {formatBytes} from './format.js';
import type {DatadirFile, Finding, GlanceDirRole, GlanceDirsFacts, GlanceImage} from './types.js';

/** kolla's names (staging, tasks_work_dir, image-cache) and Glance's reserved stores' defaults (os_glance_*). */
const names: Record<GlanceDirRole, readonly string[]> = {staging: ['staging', 'os_glance_staging_store'], tasks: ['tasks_work_dir', 'os_glance_tasks_store'], cache: ['image-cache']};

/** The image cache keeps partial, invalid and queued files one level down. */
export const cacheSubdirectories = ['incomplete', 'invalid', 'queue'] as const;

/** Where each of Glance's working directories may be: beside the datadir, in the directory kolla binds. */
export function glanceDirCandidates(datadir: string): Array<{role: GlanceDirRole; path: string}> {
	const parent = path.posix.dirname(datadir);
	return (Object.keys(names) as GlanceDirRole[]).flatMap(role => names[role].map(name => ({role, path: path.posix.join(parent, name)})));
}

const roleTitles: Record<GlanceDirRole, string> = {staging: 'import staging', tasks: 'tasks work dir', cache: 'image cache'};

/** Capacity details' rows: the images beside staging, tasks and cache, each with its files and bytes. */
export function glanceDirRows(facts: GlanceDirsFacts | null | undefined, images: readonly DatadirFile[] | null): Array<{label: string; value: string}> {
	const rows: Array<{label: string; value: string}> = [];
	if (images) {
		const files = images.filter(file => file.kind === 'file');
		rows.push({label: 'images', value: `${files.length} files, ${formatBytes(files.reduce((sum, file) => sum + (file.allocated ?? file.size), 0))}`});
	}
	for (const directory of facts?.directories ?? []) {
		rows.push({label: roleTitles[directory.role], value: directory.state === 'found' ? `${directory.files} files, ${formatBytes(directory.bytes)} (${directory.path})` : `unreadable: ${directory.reason} (${directory.path})`});
	}
	return rows;
}

const uuidAtStart = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const importing = new Set(['importing', 'uploading']);

/** Staging files (named by their image's id) whose image is no longer importing, or no longer listed. */
export function stagingLeftovers(facts: GlanceDirsFacts | null | undefined, images: readonly GlanceImage[]): Array<{file: DatadirFile; path: string; image: GlanceImage | null}> {
	const staging = (facts?.directories ?? []).filter(directory => directory.role === 'staging' && directory.state === 'found' && directory.entries.length > 0);
	// Findings are derived on every drawn round: with no staging files, 10,000 images need no index.
	if (staging.length === 0) return [];
	const byId = new Map(images.map(image => [image.id.toLowerCase(), image]));
	return staging.flatMap(directory => {
		if (directory.role !== 'staging' || directory.state !== 'found') return [];
		return directory.entries.flatMap(file => {
			const id = uuidAtStart.exec(file.name)?.[1]?.toLowerCase();
			if (file.kind !== 'file' || !id) return [];
			const image = byId.get(id) ?? null;
			return image && importing.has(image.status) ? [] : [{file, path: path.posix.join(directory.path, file.name), image}];
		});
	});
}

/** The leftovers, listed with what they take; the action says how to check, never to delete blindly. */
export function stagingFindings(facts: GlanceDirsFacts | null | undefined, images: readonly GlanceImage[] | null): Finding[] {
	if (!images) return [];
	const leftovers = stagingLeftovers(facts, images);
	if (leftovers.length === 0) return [];
	const bytes = leftovers.reduce((sum, each) => sum + (each.file.allocated ?? each.file.size), 0);
	const shown = leftovers.slice(0, 3).map(each => `${each.path} (${each.image ? `image ${each.image.status}` : 'no listed image'})`);
	return [
		{
			id: 'staging-leftovers',
			severity: 'info',
			title: `${leftovers.length} file${leftovers.length === 1 ? '' : 's'} left in the import staging area (${formatBytes(bytes)})`,
			evidence: [`${shown.join(', ')}${leftovers.length > 3 ? ` and ${leftovers.length - 3} more` : ''}`, 'their image is no longer importing: an import that finished or failed left its data behind'],
			action: `Nothing is deleted: check each with openstack image show ${leftovers[0]?.image?.id ?? '<id>'}, then remove the file by hand once it is no longer needed`,
		},
	];
}
