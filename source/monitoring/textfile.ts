// The node_exporter textfile: written whole or not at all. A temporary file in the same directory, fsync'd,
// then renamed over the old one, so the collector reads either the last file or the new one, never a half.
import {randomBytes} from 'node:crypto';
import {open, rename, rm} from 'node:fs/promises';
import path from 'node:path';
import {fail, ok, problemFrom, type Result} from '../model/result.js';

/** The collector reads only `*.prom` files: any other name would be written and never read. */
export function textfilePathProblem(file: string): string | null {
	if (!file.endsWith('.prom') || path.basename(file) === '.prom') return `--prometheus-textfile: ${file} does not end in .prom; node_exporter's textfile collector reads only *.prom files (e.g. /var/lib/prometheus/node-exporter/glance-inspector.prom)`;
	return null;
}

/** Replaces `file` with `text` atomically; the problem names the file and what to check. */
export async function writeTextfile(file: string, text: string): Promise<Result<void>> {
	const directory = path.dirname(file);
	// Not *.prom, so the collector never picks up the temporary file itself.
	const temporary = path.join(directory, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		const handle = await open(temporary, 'wx', 0o644);
		try {
			await handle.writeFile(text);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temporary, file);
		// The rename itself is made durable too: a crash right after leaves the new file, not an empty name.
		const folder = await open(directory, 'r');
		await folder.sync().finally(() => folder.close());
		return ok(undefined);
	} catch (error) {
		await rm(temporary, {force: true});
		const problem = problemFrom(error, `check that ${directory} exists and is writable by this user`);
		return fail({...problem, reason: `cannot write the Prometheus textfile ${file}: ${problem.reason}`});
	}
}
