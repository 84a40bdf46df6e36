// The one way this tool reads YAML someone else wrote (globals.yml, clouds.yaml): size, depth and alias limits
// first, so a hostile or broken file is a problem naming its path, never an exhausted or crashed process.
import {LineCounter, parseDocument} from 'yaml';
import {formatBytes} from './format.js';
import {errorMessage, fail, ok, type Result} from './result.js';

export const yamlLimits = {
	/** Larger than any real globals.yml or clouds.yaml by far. */
	maxBytes: 1024 * 1024,
	/** An alias expanded more often than this is a "billion laughs" bomb, not a config. */
	maxAliasCount: 100,
	/** Mappings and lists nested deeper than this are not a config either (and would cost stack). */
	maxDepth: 64,
};

export type YamlOptions = {
	/** How the file is named in problems: its path. */
	what: string;
	/** YAML 1.1 reads `yes` as true, as Ansible does. */
	version?: '1.1' | '1.2';
	/** Ansible keeps the last of a repeated key; openstacksdk too. */
	uniqueKeys?: boolean;
};

function depthOf(value: unknown, limit: number, depth = 0): number {
	if (depth > limit || typeof value !== 'object' || value === null) return depth;
	let deepest = depth;
	for (const child of Object.values(value)) {
		deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
		if (deepest > limit) break;
	}
	return deepest;
}

/** The document as plain data, or a problem that names the file (and the line of the first error). */
export function readYaml(text: string, options: YamlOptions): Result<unknown> {
	const bytes = Buffer.byteLength(text);
	if (bytes > yamlLimits.maxBytes) {
		return fail({reason: `${options.what} is larger than the ${formatBytes(yamlLimits.maxBytes)} a config can be`, hint: 'check the file; it was not read'});
	}
	const lineCounter = new LineCounter();
	let document: ReturnType<typeof parseDocument>;
	try {
		document = parseDocument(text, {lineCounter, prettyErrors: false, version: options.version ?? '1.2', uniqueKeys: options.uniqueKeys ?? true});
	} catch (thrown) {
		// Only a pathological text gets here (nesting so deep the parser runs out of stack).
		return fail({reason: `${options.what} cannot be parsed: ${errorMessage(thrown).split('\n')[0]}`, hint: 'check the file; it is not a config'});
	}
	const [error] = document.errors;
	if (error) {
		const {line, col} = lineCounter.linePos(error.pos[0]);
		return fail({reason: `${options.what} is not valid YAML: line ${line}, column ${col}: ${error.message.split('\n')[0]}`, hint: 'fix the file'});
	}
	let value: unknown;
	try {
		value = document.toJS({maxAliasCount: yamlLimits.maxAliasCount});
	} catch (thrown) {
		// The yaml library throws on alias bombs and on aliases to nothing; either way the file is unusable.
		return fail({reason: `${options.what} cannot be read as data: ${errorMessage(thrown).split('\n')[0]}`, hint: 'fix the file (an alias used too often or pointing nowhere)'});
	}
	if (depthOf(value, yamlLimits.maxDepth) > yamlLimits.maxDepth) {
		return fail({reason: `${options.what} nests deeper than ${yamlLimits.maxDepth} levels`, hint: 'check the file; it is not a config'});
	}
	return ok(value);
}
