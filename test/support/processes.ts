// Processes seen through /proc, for tests that must prove a child process is gone.
import {readdir, readFile} from 'node:fs/promises';

/** Processes whose command line mentions `text` (our children carry their path in their arguments). */
export async function processesMentioning(text: string): Promise<number[]> {
	const found: number[] = [];
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
		if (commandLine.includes(text)) found.push(Number(entry));
	}
	return found;
}
