// Every child role's module, for the single executable's entry: a Record over ChildRole, so a role added to
// the supervisor without its module here does not compile. Imported only by the entry (each import runs the child).
import type {ChildRole} from './supervisor.js';

export const childRoleModules: Record<ChildRole, () => Promise<unknown>> = {
	'probe-worker': () => import('./probe-worker-child.js'),
	'datadir-list': () => import('./datadir-list-child.js'),
	checksum: () => import('./checksum-child.js'),
	holders: () => import('./holders-child.js'),
	'under-mount': () => import('./under-mount-child.js'),
};
