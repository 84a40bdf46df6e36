// The --json report, written to a stream piece by piece: 110,000 rows never exist as one string, and the
// caller learns when the last byte was handed on, so exiting right after cannot cut a pipe short. Indented as
// JSON.stringify(value, null, 2) would, but for the elements of long lists (a row, an image, a file): one line
// each, which V8 writes three times faster than indented and which is a quarter shorter (grep and jq -c alike).
import type {Writable} from 'node:stream';
import {overallStatus} from './model/findings.js';
import type {Finding, Inventory, Snapshot} from './model/types.js';
import {settingRows, type Settings} from './settings.js';

export type ReportMeta = {label: string; version: string; world: 'real' | 'simulated'};

// Arrays longer than this are written element by element; shorter values in one JSON.stringify.
const streamedArrayLength = 64;
const flushBytes = 256 * 1024;

function reportValue(snapshot: Snapshot, findings: readonly Finding[], settings: Settings, inventory: Inventory, meta: ReportMeta): object {
	const {status, exitCode} = overallStatus(findings);
	return {
		tool: 'glance-inspector',
		version: meta.version,
		host: meta.label,
		world: meta.world,
		status,
		exitCode,
		settings: settingRows(settings),
		settingsProblems: settings.problems,
		findings,
		inventory,
		snapshot,
	};
}

function indented(json: string, indent: string): string {
	return json.includes('\n') ? json.replaceAll('\n', `\n${indent}`) : json;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as {toJSON?: unknown}).toJSON !== 'function';
}

/** The text of JSON.stringify(value, null, 2), in pieces, but each element of a long array on one line of its own. */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
	const inner = `${indent}  `;
	if (Array.isArray(value) && value.length > streamedArrayLength) {
		yield '[';
		for (let index = 0; index < value.length; index++) {
			yield `${index === 0 ? '' : ','}\n${inner}`;
			const element: unknown = value[index];
			// One record of a long list (a row, an image, a file) is small: one compact stringify, not a walk of its fields.
			if (Array.isArray(element) && element.length > streamedArrayLength) yield* jsonPieces(element, inner);
			else yield JSON.stringify(element) ?? 'null';
		}
		yield `\n${indent}]`;
		return;
	}
	if (isPlainObject(value)) {
		const entries = Object.entries(value).filter(([, each]) => each !== undefined && typeof each !== 'function' && typeof each !== 'symbol');
		if (entries.length === 0) {
			yield '{}';
			return;
		}
		yield '{';
		for (const [index, [key, each]] of entries.entries()) {
			yield `${index === 0 ? '' : ','}\n${inner}${JSON.stringify(key)}: `;
			yield* jsonPieces(each, inner);
		}
		yield `\n${indent}}`;
		return;
	}
	yield indented(JSON.stringify(value, null, 2) ?? 'null', indent);
}

/** Writes `text` pieces to `stream`, waiting for it to drain; resolves once the last byte is handed on. */
export async function writePieces(stream: Writable, pieces: Iterable<string>): Promise<void> {
	let buffered = '';
	const put = (text: string) =>
		new Promise<void>((resolve, reject) => {
			stream.write(text, error => (error ? reject(error) : resolve()));
		});
	for (const piece of pieces) {
		buffered += piece;
		if (buffered.length < flushBytes) continue;
		const text = buffered;
		buffered = '';
		// The write callback comes once the chunk is flushed: backpressure without holding the whole report.
		await put(text);
	}
	await put(buffered);
}

/** The --json report: the status, the settings, the findings, the inventory and the snapshot, to `stream`. */
export function writeJsonReport(stream: Writable, snapshot: Snapshot, findings: readonly Finding[], settings: Settings, inventory: Inventory, meta: ReportMeta): Promise<void> {
	return writePieces(stream, (function* () {
		yield* jsonPieces(reportValue(snapshot, findings, settings, inventory, meta));
		yield '\n';
	})());
}
