// The single executable's entry: the CLI, or one of its child roles when the supervisor starts it again
// (`roleCommand()`: `<executable> --child-role ROLE REQUEST`). The roles' modules read their request at
// process.argv[2], as they do when started from dist, so the two role arguments are taken off first.
import {childRoleModules} from '../dist/world/real/child-roles.js';
import {childRoleArgument} from '../dist/world/real/supervisor.js';

const [, , first, role] = process.argv;
if (first === childRoleArgument && Object.hasOwn(childRoleModules, role)) {
	process.argv.splice(2, 2);
	await childRoleModules[role]();
} else {
	await import('../dist/cli.js');
}
