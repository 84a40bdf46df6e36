// Reads a view that scrolls as an operator would: j until nothing more is below, keeping every frame shown.
import {plain, type renderApp} from './render-app.js';

type App = Pick<ReturnType<typeof renderApp>, 'frame' | 'press'>;

const moreBelow = /↓ \d+ more/;

/** Waits until the frame differs from `before` (the key was handled), or gives up after `timeoutMs`. */
async function changed(app: App, before: string, timeoutMs: number): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const now = plain(app.frame());
		if (now !== before || Date.now() > deadline) return now;
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

/** Every frame from the current one down to the end of what `j` scrolls to (`more` says whether there is more); `limit` presses at most. */
export async function readScrolled(app: App, limit = 120, more = (frame: string) => moreBelow.test(frame)): Promise<string[]> {
	const frames = [plain(app.frame())];
	for (let presses = 0; presses < limit && more(frames.at(-1)!); presses++) {
		await app.press('j');
		frames.push(await changed(app, frames.at(-1)!, 2000));
	}
	return frames;
}

/** What a reader reads in the frames: each frame's lines without their box borders, joined into one run of words, a word broken with ↩ whole again. */
export function readable(frames: readonly string[]): string {
	return frames
		.map(frame =>
			frame
				.split('\n')
				.map(line => line.replace(/^[\s║│╔╗╚╝╭╮╰╯═─]+|[\s║│╔╗╚╝╭╮╰╯═─]+$/g, ''))
				.join(' ')
				.replace(/\s+/g, ' ')
				.replaceAll('↩ ', ''),
		)
		.join('\n');
}
