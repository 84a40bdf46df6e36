// What every child process of the real World shares: its output as JSON lines.
export type LineSplitter = {push(chunk: string): void; flush(): void};

/** Text arriving in chunks, handed over a line at a time: a line may span chunks, `flush()` gives the last. */
export function splitLines(onLine: (line: string) => void): LineSplitter {
	let partial = '';
	return {
		push(chunk) {
			const lines = (partial + chunk).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines) onLine(line);
		},
		flush() {
			if (partial !== '') onLine(partial);
			partial = '';
		},
	};
}

/** One line of a child's JSON-lines output, or null for a blank or unreadable one. */
export function parseJsonLine<T>(line: string): T | null {
	if (line.trim() === '') return null;
	try {
		return JSON.parse(line) as T;
	} catch {
		return null;
	}
}
