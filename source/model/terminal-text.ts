// Strings from outside (image names, ids, paths, log lines, command output) reach the terminal only through
// here: a control character could recolour the screen, move the cursor or retitle the window. Each one is
// shown visibly instead (`\x1b`), so the operator sees that something odd is in the name. --json keeps the
// exact strings.

// C0 controls but tab, DEL, C1 controls, and the bidirectional overrides that reorder what is drawn.
const unsafe = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
	const code = char.codePointAt(0)!;
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line safe to draw: control characters shown as `\xNN`, a tab as a space. */
export function terminalText(text: string): string {
	return text.replace(unsafe, visible).replaceAll('\t', ' ');
}

/** Whether drawing `text` as it is would send the terminal anything but printable characters. */
export function needsEscaping(text: string): boolean {
	unsafe.lastIndex = 0;
	return unsafe.test(text) || text.includes('\t');
}
