// The config file, pure: its text to the settings it gives, each with the line it came from, and back (the
// commented file --print-config writes). Keys are the long flag names; which keys exist and what each takes
// comes from the flag table, passed in. A file that cannot be used is a problem naming the file, the line and
// the key, and none of it is applied.
import path from 'node:path';
import {isMap, isScalar, LineCounter, parseDocument, stringify} from 'yaml';
import {fail, ok, type Result} from './result.js';
import {terminalText} from './terminal-text.js';
import {readYaml} from './yaml.js';

export type ConfigValueKind = 'path' | 'text' | 'number' | 'switch';

/** One key a config file may hold: the long flag's name, the settings key it fills, what it takes. */
export type ConfigKey = {name: string; key: string; kind: ConfigValueKind; expected: string; help: string};

export type ConfigValue = string | number | boolean;

/** A value and where it was written: the file and its line. */
export type ConfigEntry = {value: ConfigValue; file: string; line: number};

/** The values the config files give, by settings key; the later file's entry won. */
export type ConfigValues = Readonly<Record<string, ConfigEntry>>;

export type ConfigOptions = {
	/** The file's path: problems name it, and relative paths in it are taken from its directory. */
	file: string;
	keys: readonly ConfigKey[];
	/** The key a typo most likely meant. */
	nearest: (name: string) => string | null;
};

/** Each top-level key's line. readYaml has checked the limits and the syntax; this parse only counts lines. */
function keyLines(text: string): Map<string, number> {
	const lineCounter = new LineCounter();
	const document = parseDocument(text, {lineCounter});
	const lines = new Map<string, number>();
	if (!isMap(document.contents)) return lines;
	for (const pair of document.contents.items) {
		if (isScalar(pair.key) && pair.key.range) lines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
	}
	return lines;
}

function describeGiven(value: unknown): string {
	if (value === null) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	return typeof value === 'string' ? `'${terminalText(value)}'` : String(value);
}

function valueOf(spec: ConfigKey, raw: unknown, file: string): ConfigValue | null {
	switch (spec.kind) {
		case 'switch':
			return typeof raw === 'boolean' ? raw : null;
		case 'number':
			return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
		case 'text':
			return typeof raw === 'string' && raw !== '' ? raw : null;
		case 'path':
			return typeof raw === 'string' && raw !== '' ? path.posix.resolve(path.posix.dirname(file), raw) : null;
	}
}

/** The settings one config file gives, or the first problem in it; an empty file gives none. */
export function parseConfig(text: string, options: ConfigOptions): Result<ConfigValues> {
	const {file} = options;
	const parsed = readYaml(text, {what: file});
	if (!parsed.ok) return parsed;
	const data = parsed.value;
	if (data === null || data === undefined) return ok({});
	if (typeof data !== 'object' || Array.isArray(data)) {
		return fail({reason: `${file}: expected lines of \`key: value\`, got ${describeGiven(data)}`, hint: 'glance-inspector --print-config writes a file to start from'});
	}
	const lines = keyLines(text);
	const values: Record<string, ConfigEntry> = {};
	for (const [name, raw] of Object.entries(data)) {
		const line = lines.get(name) ?? 1;
		const where = `${file}:${line}`;
		const spec = options.keys.find(each => each.name === name);
		if (!spec) {
			const near = options.nearest(name);
			return fail({reason: `${where}: unknown key '${terminalText(name)}'${near ? ` (did you mean ${near}?)` : ''}`, hint: 'keys are the long flag names; glance-inspector --print-config lists them all'});
		}
		const value = valueOf(spec, raw, file);
		if (value === null) return fail({reason: `${where}: ${name}: expected ${spec.expected}, got ${describeGiven(raw)}`, hint: 'fix the line, or remove it for the default'});
		values[spec.key] = {value, file, line};
	}
	return ok(values);
}

/** Later files first win: the user's file (or --config) over the system file. */
export function layerConfigs(lowestFirst: readonly ConfigValues[]): ConfigValues {
	return Object.assign({}, ...lowestFirst) as ConfigValues;
}

/** A key's current value and where it came from, for --print-config; `null`: not set. `found`: worked out afresh each run (a default, globals.yml). */
export type CurrentValue = {value: ConfigValue | null; source: string; found: boolean};

/**
 * The commented config --print-config writes: every key with its help, its current value and where that came
 * from. Values each run finds for itself (defaults, globals.yml) stay commented out: the file fixes what was chosen, no more.
 */
export function configText(keys: readonly ConfigKey[], current: (key: ConfigKey) => CurrentValue, heading: readonly string[]): string {
	const blocks = keys.map(spec => {
		const now = current(spec);
		const line = now.value === null ? `${spec.name}:` : stringify({[spec.name]: now.value}).trimEnd();
		const comment = now.value === null || now.found ? '# ' : '';
		return [`# ${spec.help}`, `# now from: ${now.source}`, `${comment}${line}`].join('\n');
	});
	return [...heading.map(line => `# ${line}`), '', blocks.join('\n\n'), ''].join('\n');
}
