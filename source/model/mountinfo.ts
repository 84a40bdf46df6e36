import type {MountEntry} from './types.js';

const octalEscape = /\\([0-7]{3})/g;
const needsEscape = /[ \t\n\\]/g;
const majorMinorPattern = /^\d+:\d+$/;
const idPattern = /^\d+$/;

/** Undo the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function unescapeMountPath(escaped: string): string {
	return escaped.replace(octalEscape, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Escape a path the way the kernel writes it into mountinfo, so tests can build lines from real paths. */
export function escapeMountPath(plain: string): string {
	return plain.replace(needsEscape, character => '\\' + character.charCodeAt(0).toString(8).padStart(3, '0'));
}

function splitOptions(field: string): string[] {
	return field === '' ? [] : field.split(',');
}

function parseLine(line: string): MountEntry | null {
	// Split on single spaces: the kernel writes exactly one, and an empty source shows up as an empty field.
	const fields = line.split(' ');
	const separator = fields.indexOf('-', 6);
	if (separator === -1 || fields.length < separator + 4) return null;
	// The length check above guarantees every field; the defaults only satisfy the type checker.
	const [mountId = '', parentId = '', majorMinor = '', root = '', mountPoint = '', mountOptions = ''] = fields;
	const [fsType = '', source = '', superOptions = ''] = fields.slice(separator + 1);
	if (!idPattern.test(mountId) || !idPattern.test(parentId) || !majorMinorPattern.test(majorMinor)) return null;
	const decodedMountPoint = unescapeMountPath(mountPoint);
	if (!decodedMountPoint.startsWith('/')) return null;
	return {
		mountId: Number(mountId),
		parentId: Number(parentId),
		majorMinor,
		root: unescapeMountPath(root),
		mountPoint: decodedMountPoint,
		mountOptions: splitOptions(mountOptions),
		optionalFields: fields.slice(6, separator),
		fsType: unescapeMountPath(fsType),
		source: unescapeMountPath(source),
		superOptions: splitOptions(superOptions),
	};
}

/** Parse /proc/<pid>/mountinfo (man 5 proc); lines that do not fit the format are skipped, not fatal. */
export function parseMountinfo(text: string): MountEntry[] {
	const entries: MountEntry[] = [];
	for (const line of text.split('\n')) {
		const entry = parseLine(line.replace(/\r$/, ''));
		if (entry) entries.push(entry);
	}
	return entries;
}
