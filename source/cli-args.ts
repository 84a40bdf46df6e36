// The command line, parsed strictly: one table of flags drives the parser, the --help text and the conflict
// checks, so a flag cannot work without being listed. A typo is a problem with its reason, never a guess.
import type {ConfigKey, ConfigValueKind} from './model/config.js';
import {fail, ok, type Result} from './model/result.js';
import {defaults, type Flags} from './settings.js';
import {fleetDefaults} from './fleet/defaults.js';
import {defaultCheckTimeoutSeconds} from './monitoring/check.js';

type ValueKind = 'path' | 'name' | 'url' | 'seconds' | 'percent' | 'hours';

type FlagSpec = {
	flag: string;
	key: keyof CliArgs;
	/** What the flag takes; none: a switch. `optional`: the value may be left out (`--demo` alone lists the scenarios). */
	value?: {kind: ValueKind; label: string; optional?: boolean};
	help: string;
	/** Chooses what this run does rather than a setting: not a config file key. The monitoring flags are
	 * the scheduler's (a textfile in a config file would make every dashboard fight the timer over it). */
	commandOnly?: true;
};

/** What the operator asked for on the command line; settings.ts resolves the rest. */
export type CliArgs = Flags & {
	/** `--demo` alone is '' (list the scenarios), `--demo NAME` the scenario. */
	demo?: string;
	reset?: boolean;
	once?: boolean;
	json?: boolean;
	printSettings?: boolean;
	help?: boolean;
	version?: boolean;
	config?: string;
	printConfig?: boolean;
	// Monitoring: the node_exporter textfile and the check's own deadline.
	prometheusTextfile?: string;
	timeout?: number;
};

export const flagSpecs: readonly FlagSpec[] = [
	{flag: '--datadir', key: 'datadir', value: {kind: 'path', label: 'PATH'}, help: `the images directory on the host (default: from globals.yml, then the container's /var/lib/glance source, then ${defaults.datadir})`},
	{flag: '--mountpoint', key: 'mountpoint', value: {kind: 'path', label: 'PATH'}, help: 'where the share should be mounted (default: the fstab line holding the datadir)'},
	{flag: '--container', key: 'container', value: {kind: 'name', label: 'NAME'}, help: `the Glance API container (default ${defaults.container})`},
	{flag: '--refresh', key: 'refresh', value: {kind: 'seconds', label: 'SECONDS'}, help: `probe interval (default ${defaults.refreshSeconds})`},
	{flag: '--probe-timeout', key: 'probeTimeout', value: {kind: 'seconds', label: 'SECONDS'}, help: `a probe that takes longer calls the share hung (default ${defaults.probeTimeoutSeconds})`},
	{flag: '--warn-percent', key: 'warnPercent', value: {kind: 'percent', label: 'N'}, help: `capacity warning threshold (default ${defaults.warnPercent})`},
	{flag: '--crit-percent', key: 'critPercent', value: {kind: 'percent', label: 'N'}, help: `capacity critical threshold (default ${defaults.critPercent})`},
	{flag: '--globals', key: 'globals', value: {kind: 'path', label: 'PATH'}, help: `kolla globals.yml (default ${defaults.globalsPath})`},
	{flag: '--fstab', key: 'fstab', value: {kind: 'path', label: 'PATH'}, help: `fstab to read (default ${defaults.fstabPath})`},
	{flag: '--inventory-refresh', key: 'inventoryRefresh', value: {kind: 'seconds', label: 'SECONDS'}, help: `how often Glance and the datadir are listed (default ${defaults.inventoryRefreshSeconds})`},
	{flag: '--openrc', key: 'openrc', value: {kind: 'path', label: 'PATH'}, help: `OpenStack credentials in openrc form (default: OS_* in the environment, then ${defaults.openrc})`},
	{flag: '--os-cloud', key: 'osCloud', value: {kind: 'name', label: 'NAME'}, help: 'a clouds.yaml entry (or OS_CLOUD)'},
	{flag: '--glance-url', key: 'glanceUrl', value: {kind: 'url', label: 'URL'}, help: 'talk to Glance at URL without Keystone (OS_TOKEN is sent if set)'},
	{flag: '--read-only', key: 'readOnly', help: 'remove every action that changes anything (the remount key R); the header says READ-ONLY'},
	{flag: '--dry-run', key: 'dryRun', help: 'the guided remount walks every step and runs none'},
	{flag: '--audit-log', key: 'auditLog', value: {kind: 'path', label: 'PATH'}, help: 'where remount steps are recorded (default: see Files)'},
	// The fleet (source/fleet/).
	{flag: '--fleet', key: 'fleet', value: {kind: 'path', label: 'INVENTORY'}, help: `every controller in one view, over ssh: the hosts of a kolla inventory (INI or YAML; read by ansible-inventory when installed)`, commandOnly: true},
	{flag: '--fleet-group', key: 'fleetGroup', value: {kind: 'name', label: 'NAME'}, help: `the inventory group to watch (default ${fleetDefaults.group})`, commandOnly: true},
	{flag: '--hosts', key: 'hosts', value: {kind: 'name', label: 'LIST'}, help: 'the fleet as a plain list: HOST,USER@HOST,HOST:PORT', commandOnly: true},
	{flag: '--fleet-command', key: 'fleetCommand', value: {kind: 'name', label: 'COMMAND'}, help: `the tool on each controller, on its PATH or a path (default ${fleetDefaults.command})`, commandOnly: true},
	{flag: '--fleet-refresh', key: 'fleetRefresh', value: {kind: 'seconds', label: 'SECONDS'}, help: `how often each controller is asked (default ${fleetDefaults.refreshSeconds})`, commandOnly: true},
	{flag: '--fleet-timeout', key: 'fleetTimeout', value: {kind: 'seconds', label: 'SECONDS'}, help: `a controller whose report takes longer is HUNG (default ${fleetDefaults.timeoutSeconds})`, commandOnly: true},
	{flag: '--ssh-config', key: 'sshConfig', value: {kind: 'path', label: 'PATH'}, help: 'ssh -F PATH for the fleet (default: your own ~/.ssh/config)', commandOnly: true},
	{flag: '--backup-marker', key: 'backupMarker', value: {kind: 'path', label: 'PATH'}, help: 'a file your backup job touches when it succeeds, or a mirror directory: its age is the newest backup\'s'},
	{flag: '--backup-max-age', key: 'backupMaxAge', value: {kind: 'hours', label: 'HOURS'}, help: `a newest backup older than this is a finding (default ${defaults.backupMaxAgeHours})`},
	{flag: '--demo', key: 'demo', value: {kind: 'name', label: 'SCENARIO', optional: true}, help: 'the training simulator; without a name, list the scenarios', commandOnly: true},
	{flag: '--reset', key: 'reset', help: 'with --demo SCENARIO: start it fresh (the simulator keeps each scenario\'s machine across a quit, so a half-done remount can be resumed)', commandOnly: true},
	{flag: '--once', key: 'once', help: 'print a report and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN', commandOnly: true},
	{flag: '--json', key: 'json', help: 'print the whole snapshot and findings as JSON (same exit codes)', commandOnly: true},
	{flag: '--prometheus-textfile', key: 'prometheusTextfile', value: {kind: 'path', label: 'PATH'}, help: "with --once, --json or the dashboard: write metrics for node_exporter's textfile collector to PATH (*.prom), atomically, after each run", commandOnly: true},
	{flag: '--timeout', key: 'timeout', value: {kind: 'seconds', label: 'SECONDS'}, help: `with --once or --json: answer by then whatever still hangs, UNKNOWN unless the known state is worse (default ${defaultCheckTimeoutSeconds}, under a scheduler's 60)`, commandOnly: true},
	{flag: '--print-settings', key: 'printSettings', help: 'show each setting, its resolved value and where it came from', commandOnly: true},
	{flag: '--help', key: 'help', help: 'this text', commandOnly: true},
	{flag: '--version', key: 'version', help: 'the version, the git commit, the build date and the Node inside', commandOnly: true},
	{flag: '--config', key: 'config', value: {kind: 'path', label: 'PATH'}, help: 'read settings from this file instead of ~/.config/glance-inspector/config.yaml (see Files)', commandOnly: true},
	{flag: '--print-config', key: 'printConfig', help: 'write a commented config file with every key and its current value, and exit', commandOnly: true},
];

/** Flags that only make sense on a real controller: the simulator has its own datadir, share and Glance. */
const realOnly = ['--datadir', '--mountpoint', '--globals', '--fstab', '--openrc', '--os-cloud', '--glance-url'] as const;

/** Pairs that ask for two things at once, and why they cannot both be had. */
const conflicts: ReadonlyArray<{flags: [string, string]; why: string}> = [
	{flags: ['--once', '--json'], why: 'both choose the report\'s format; pick one'},
	{flags: ['--dry-run', '--read-only'], why: '--read-only removes the remount that --dry-run would walk through; pick one'},
	{flags: ['--print-settings', '--once'], why: '--print-settings prints the settings and exits, no report'},
	{flags: ['--print-settings', '--json'], why: '--print-settings prints the settings and exits, no report'},
	{flags: ['--print-config', '--once'], why: '--print-config prints a config file and exits, no report'},
	{flags: ['--print-config', '--json'], why: '--print-config prints a config file and exits, no report'},
	{flags: ['--print-config', '--print-settings'], why: 'each prints the settings its own way; pick one'},
	{flags: ['--print-config', '--demo'], why: 'the training simulator\'s settings are not a controller\'s config'},
	{flags: ['--print-settings', '--prometheus-textfile'], why: '--print-settings prints the settings and exits, no metrics'},
	{flags: ['--fleet', '--hosts'], why: 'both name the fleet; pick one'},
	{flags: ['--demo', '--fleet'], why: 'the training fleet is --demo fleet-flapped; a real one is --fleet INVENTORY'},
	{flags: ['--demo', '--hosts'], why: 'the training fleet is --demo fleet-flapped; a real one is --hosts LIST'},
];

const expected: Record<ValueKind, string> = {
	path: 'a path',
	name: 'a name',
	url: 'a URL',
	seconds: 'a number of seconds',
	percent: 'a number (a percentage)',
	hours: 'a number of hours',
};

const configKinds: Record<ValueKind, ConfigValueKind> = {path: 'path', name: 'text', url: 'text', seconds: 'number', percent: 'number', hours: 'number'};

/** The config file's keys: every flag that is a setting, by its long name; a flag added to the table is a key too. */
export const configKeys: readonly ConfigKey[] = flagSpecs
	.filter(spec => !spec.commandOnly)
	.map(spec => ({
		name: spec.flag.slice(2),
		key: spec.key,
		kind: spec.value ? configKinds[spec.value.kind] : 'switch',
		expected: spec.value ? expected[spec.value.kind] : 'true or false',
		help: spec.help,
	}));

/** The config key a typo most likely meant, when one is within two edits. */
export function nearestConfigKey(name: string): string | null {
	let best: {name: string; distance: number} | null = null;
	for (const key of configKeys) {
		const distance = editDistance(name, key.name);
		if (distance <= 2 && (!best || distance < best.distance)) best = {name: key.name, distance};
	}
	return best?.name ?? null;
}

function valueOf(spec: FlagSpec, raw: string): Result<string | number> {
	const kind = spec.value!.kind;
	if (kind !== 'seconds' && kind !== 'percent' && kind !== 'hours') return raw === '' && !spec.value!.optional ? fail({reason: `${spec.flag}: expected ${expected[kind]}, got nothing`}) : ok(raw);
	const number = raw.trim() === '' ? Number.NaN : Number(raw);
	return Number.isFinite(number) ? ok(number) : fail({reason: `${spec.flag}: expected ${expected[kind]}, got '${raw}'`});
}

function specFor(name: string): FlagSpec | undefined {
	if (name === '-h') return flagSpecs.find(spec => spec.flag === '--help');
	return flagSpecs.find(spec => spec.flag === name);
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		previous = current;
	}
	return previous[b.length]!;
}

/** The flag a typo most likely meant, when one is within two edits. */
function closestFlag(name: string): string | null {
	const typed = `--${name.replace(/^-+/, '')}`;
	let best: {flag: string; distance: number} | null = null;
	for (const {flag} of flagSpecs) {
		const distance = editDistance(typed, flag);
		if (distance <= 2 && (!best || distance < best.distance)) best = {flag, distance};
	}
	return best?.flag ?? null;
}

/** argv without node and the script: every token must be a known flag or its value; the problem says which one is not. */
export function parseCliArgs(argv: readonly string[]): Result<CliArgs> {
	const args: Record<string, string | number | boolean> = {};
	const given: string[] = [];
	const positionals: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') {
			positionals.push(...argv.slice(index + 1));
			break;
		}
		if (!token.startsWith('-') || token === '-') {
			positionals.push(token);
			continue;
		}
		const equals = token.indexOf('=');
		const name = equals > 0 ? token.slice(0, equals) : token;
		const spec = specFor(name);
		if (!spec) {
			const near = closestFlag(name);
			return fail({reason: `unknown flag ${name}${near ? ` (did you mean ${near}?)` : ''}`});
		}
		given.push(spec.flag);
		if (!spec.value) {
			if (equals > 0) return fail({reason: `${spec.flag} takes no value, got '${token.slice(equals + 1)}'`});
			args[spec.key] = true;
			continue;
		}
		let raw: string;
		if (equals > 0) raw = token.slice(equals + 1);
		else {
			const next = argv[index + 1];
			// The next flag is not this one's value; a bare `--demo` lists the scenarios.
			if (next === undefined || next.startsWith('--')) {
				if (!spec.value.optional) return fail({reason: `${spec.flag}: expected ${expected[spec.value.kind]}, got nothing`});
				raw = '';
			} else {
				raw = next;
				index++;
			}
		}
		const value = valueOf(spec, raw);
		if (!value.ok) return value;
		args[spec.key] = value.value;
	}
	if (positionals.length > 0) {
		const listed = positionals.map(each => `'${each}'`).join(' ');
		return fail({reason: `unexpected argument${positionals.length > 1 ? 's' : ''} ${listed}: glance-inspector takes only flags (a scenario goes after --demo)`});
	}
	const problem = conflictIn(given, args as CliArgs);
	return problem ? fail({reason: problem}) : ok(args as CliArgs);
}

function conflictIn(given: readonly string[], args: CliArgs): string | null {
	if (args.demo !== undefined && args.demo !== '') {
		const real = realOnly.find(flag => given.includes(flag));
		if (real) return `${real} cannot be used with --demo: the training simulator has its own datadir, share and Glance`;
	}
	if (args.reset && !args.demo) return '--reset needs --demo SCENARIO: it starts that scenario fresh';
	if (args.timeout !== undefined && !args.once && !args.json) return '--timeout needs --once or --json: it bounds one check, the dashboard has none';
	if (args.timeout !== undefined && !(args.timeout > 0)) return `--timeout must be a positive number of seconds, got ${args.timeout}`;
	for (const {flags, why} of conflicts) if (given.includes(flags[0]) && given.includes(flags[1])) return `${flags[0]} and ${flags[1]} cannot be used together: ${why}`;
	return null;
}

/** The Options section of --help, from the same table the parser reads. */
export function optionsHelp(width = 80): string {
	const left = (spec: FlagSpec) => (spec.value ? `${spec.flag} ${spec.value.optional ? `[${spec.value.label}]` : spec.value.label}` : spec.flag);
	const column = Math.max(...flagSpecs.map(spec => left(spec).length)) + 2;
	return flagSpecs.map(spec => `  ${left(spec).padEnd(column)}${wrap(spec.help, width - column - 2).join(`\n  ${' '.repeat(column)}`)}`).join('\n');
}

function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines;
}
