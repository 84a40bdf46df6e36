import {unescapeMountPath} from './mountinfo.js';
import type {FstabEntry} from './types.js';

const fieldCount = 6;

function parseCounter(field: string | undefined): number | null {
	if (field === undefined) return 0;
	return /^\d+$/.test(field) ? Number(field) : null;
}

/** Parse /etc/fstab text (man 5 fstab); a line that cannot be read becomes a problem naming it, not an exception. */
export function parseFstab(text: string): {entries: FstabEntry[]; problems: string[]} {
	const entries: FstabEntry[] = [];
	const problems: string[] = [];
	text.split('\n').forEach((rawLine, index) => {
		const line = index + 1;
		const content = rawLine.trim();
		if (content === '' || content.startsWith('#')) return;
		const allFields = content.split(/\s+/);
		const commentStart = allFields.findIndex((field, position) => position >= fieldCount && field.startsWith('#'));
		const fields = commentStart === -1 ? allFields : allFields.slice(0, commentStart);
		const [spec, file, vfsType, options, freqField, passnoField] = fields;
		if (spec === undefined || file === undefined || vfsType === undefined) {
			problems.push(`line ${line}: expected at least 3 fields (device, mount point, type), found ${fields.length}: ${content}`);
			return;
		}
		const freq = parseCounter(freqField);
		const passno = parseCounter(passnoField);
		if (freq === null || passno === null) {
			problems.push(`line ${line}: dump and pass fields must be numbers: ${content}`);
			return;
		}
		if (fields.length > fieldCount) {
			problems.push(`line ${line}: ignored ${fields.length - fieldCount} extra field(s) after the pass number: ${content}`);
		}
		entries.push({
			spec: unescapeMountPath(spec),
			file: unescapeMountPath(file),
			vfsType: unescapeMountPath(vfsType),
			// mount(8) reads a missing options field as `defaults`.
			options: options === undefined ? ['defaults'] : options.split(','),
			freq,
			passno,
			line,
		});
	});
	return {entries, problems};
}
