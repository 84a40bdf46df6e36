/** A word as the shell wants it: quoted only when it must be, so commands shown on screen can be pasted. */
export function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
