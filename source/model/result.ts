// The one shape of everything that can fail: a value, or a problem an operator can act on. Exceptions are
// for programming errors only.

/** What went wrong, in the operator's words; `hint` says what to do, `errno` is for code to branch on. */
export type Problem = {reason: string; hint?: string; errno?: string};

export type Result<T, P extends Problem = Problem> = {ok: true; value: T} | {ok: false; problem: P};

export function ok<T>(value: T): {ok: true; value: T} {
	return {ok: true, value};
}

export function fail<P extends Problem = Problem>(problem: P): {ok: false; problem: P} {
	return {ok: false, problem};
}

/** A problem as one line: the reason, then the hint after an em dash. */
export function describeProblem(problem: Problem): string {
	return problem.hint ? `${problem.reason} — ${problem.hint}` : problem.reason;
}

/** The message of whatever was thrown, for turning a library's exception into a Problem. */
export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** A thrown Node error as a Problem, keeping its code (ENOENT, EACCES...) as the errno. */
export function problemFrom(error: unknown, hint?: string): Problem {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	return {reason: errorMessage(error), ...(typeof code === 'string' ? {errno: code} : {}), ...(hint ? {hint} : {})};
}
