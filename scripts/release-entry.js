// The single executable's entry: the CLI, or one of its child roles when the supervisor starts it again
// (`roleCommand()`: `<executable> --child-role ROLE REQUEST`). The roles' modules read their request at
// process.argv[2], as they do when started from dist, so the two role arguments are taken off first.
import {childRoleArgument} from '../dist/world/real/supervisor.js';

const childRoles = {
	'probe-worker': () => import('../dist/world/real/probe-worker-child.js'),
	'datadir-list': () => import('../dist/world/real/datadir-list-child.js'),
	checksum: () => import('../dist/world/real/checksum-child.js'),
	holders: () => import('../dist/world/real/holders-child.js'),
};

const [, , first, role] = process.argv;
if (first === childRoleArgument && Object.hasOwn(childRoles, role)) {
	process.argv.splice(2, 2);
	await childRoles[role]();
} else {
	await import('../dist/cli.js');
}
