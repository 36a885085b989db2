/** One attempt of our transport carried by n8n's own request helper (credential paths without an egress filter). */

import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import type { HttpResponse, RequestSender, TransportSettings } from './types';

/**
 * Our transport's attempts sent through n8n's own request helpers, for the code n8n hands a helper
 * but no egress filter: a credential's preAuthentication (`helpers.httpRequest`) and a credential
 * test function (`helpers.request`). n8n 2.41 applies its outbound network policy inside both
 * (before connecting, and on redirects); n8n 1.123 sends as it always did. Retries, rate limits,
 * the reading of answers and the refusal of redirects stay ours: the helper only carries one
 * attempt, told to return every answer as it came (any status, no redirect followed, no parsing).
 */

type HttpRequestHelper = IHttpRequestHelper['helpers']['httpRequest'];

/** `helpers.request` of a credential test function (n8n-workflow's ICredentialTestFunctions). */
export type LegacyRequestHelper = (
	uriOrObject: string | object,
	options?: object,
) => Promise<unknown>;

interface FullResponse {
	body?: unknown;
	headers?: unknown;
	statusCode?: unknown;
}

/** The whole budget of one attempt: the helpers take a single timeout. */
function attemptTimeout(settings: TransportSettings): number {
	return settings.connectTimeoutMs + settings.responseTimeoutMs;
}

function bodyText(body: unknown): string {
	let text: string;
	if (body === undefined || body === null) text = '';
	else if (typeof body === 'string') text = body;
	else if (Buffer.isBuffer(body)) text = body.toString('utf8');
	else if (body instanceof ArrayBuffer) text = Buffer.from(body).toString('utf8');
	// A helper that parsed JSON after all: its text again (the vendor profile reads JSON).
	else text = JSON.stringify(body);
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function headerRecord(raw: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!raw || typeof raw !== 'object') return out;
	for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
		if (value === undefined || value === null) continue;
		out[key.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	}
	return out;
}

function asResponse(raw: unknown): HttpResponse {
	const full = (raw ?? {}) as FullResponse;
	const status = Number(full.statusCode);
	if (!Number.isInteger(status)) throw new Error('n8n request helper returned no status');
	return { status, headers: headerRecord(full.headers), text: bodyText(full.body) };
}

/** Through `helpers.httpRequest` (a credential's preAuthentication). */
export function viaHttpRequestHelper(httpRequest: HttpRequestHelper): RequestSender {
	return async (url, spec, settings) => {
		const options: IHttpRequestOptions = {
			// `url` carries the query already, as built for the signature.
			url,
			method: spec.method,
			headers: spec.headers,
			body: spec.body,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: attemptTimeout(settings),
			skipSslCertificateValidation: settings.allowInsecureTls === true,
		};
		return asResponse(await httpRequest(options));
	};
}

/** Through `helpers.request`, the request-style helper n8n gives a credential test function. */
export function viaLegacyRequestHelper(request: LegacyRequestHelper): RequestSender {
	return async (url, spec, settings) => {
		const options: Record<string, unknown> = {
			uri: url,
			method: spec.method,
			headers: spec.headers ?? {},
			body: spec.body,
			json: false,
			resolveWithFullResponse: true,
			simple: false,
			followRedirect: false,
			followAllRedirects: false,
			timeout: attemptTimeout(settings),
		};
		if (settings.allowInsecureTls === true) options.rejectUnauthorized = false;
		return asResponse(await request(options));
	};
}
