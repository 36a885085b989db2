/** The address of a request n8n is about to send, as a credential's `authenticate` sees it. */

/**
 * The address of a request n8n is about to send, as a credential's `authenticate` sees it. n8n
 * uses two shapes: the HTTP Request node passes `uri` (its legacy request path), the credential
 * Test button and `httpRequest` helpers pass `url`, either may be relative to `baseURL`, and the
 * Test button may give a path with no base at all. Every credential resolves it here, the way
 * n8n's HTTP client joins `baseURL` and `url`, so all four read the same request the same way.
 */

export interface N8nRequestAddress {
	url?: string;
	/** The legacy shape (HTTP Request node versions that go through `requestWithAuthentication`). */
	uri?: string;
	baseURL?: string;
}

const ABSOLUTE = /^https?:\/\//i;

export function isAbsoluteUrl(value: string | undefined): value is string {
	return value !== undefined && ABSOLUTE.test(value);
}

/** `base` and `path` joined as n8n's HTTP client joins baseURL and url (the base path is kept). */
export function joinUrl(base: string, path: string): string {
	if (path === '') return base;
	return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The absolute URL the request goes to, or undefined when it cannot be told. A relative address
 * with no `baseURL` is anchored at `defaultBase` (the credential's own host), and the anchored
 * address is written back in the shape n8n used, so what is signed is what is sent.
 */
export function resolveRequestUrl(
	options: N8nRequestAddress,
	defaultBase?: string,
): URL | undefined {
	const usesUri = options.url === undefined && options.uri !== undefined;
	const raw = (usesUri ? options.uri : options.url) ?? '';
	let absolute: string | undefined;
	if (isAbsoluteUrl(raw)) absolute = raw;
	else if (isAbsoluteUrl(options.baseURL)) absolute = joinUrl(options.baseURL, raw);
	else if (isAbsoluteUrl(defaultBase)) {
		absolute = joinUrl(defaultBase, raw);
		if (usesUri) options.uri = absolute;
		else options.url = absolute;
	}
	if (absolute === undefined) return undefined;
	try {
		return new URL(absolute);
	} catch {
		return undefined;
	}
}
