// What a server said, made safe to show: secrets replaced, error bodies cut to their human part.

/** Replace every secret (and its JSON- and URL-escaped forms) in text, so server answers can be shown. */
export function redact(text: string, secrets: readonly string[]): string {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (!secret) continue;
		forms.add(secret);
		forms.add(JSON.stringify(secret).slice(1, -1));
		forms.add(encodeURIComponent(secret));
	}
	let result = text;
	for (const form of [...forms].sort((a, b) => b.length - a.length)) {
		if (form) result = result.split(form).join('***');
	}
	return result;
}

/** The human part of an OpenStack error body (JSON `error.message`, or an HTML page's text), short and redacted. */
export function bodySnippet(body: string, secrets: readonly string[], limit = 200): string {
	let text = body;
	try {
		const parsed = JSON.parse(body) as {error?: {message?: unknown; title?: unknown}; message?: unknown; title?: unknown};
		const message = parsed.error?.message ?? parsed.message ?? parsed.error?.title ?? parsed.title;
		if (typeof message === 'string') text = message;
	} catch {
		text = body.replace(/<title>[^<]*<\/title>/i, ' ').replace(/<[^>]*>/g, ' ');
	}
	const clean = redact(text.replace(/\s+/g, ' ').trim(), secrets);
	return clean.length > limit ? `${clean.slice(0, limit - 1)}…` : clean;
}
