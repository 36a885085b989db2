/** Reading an answer's body: JSON parsed once, excerpts for errors, a vendor's object rows. */

import { TransportError } from '../errors';
import { redactSecretFields } from '../redact';
import type { HttpResponse, TransientVerdict, VendorProfile } from './types';

const parsedBodies = new WeakMap<HttpResponse, { ok: true; value: unknown } | { ok: false }>();

/** The body parsed as JSON (once per response, however many places ask), or undefined. */
export function jsonOf(response: HttpResponse): unknown {
	let parsed = parsedBodies.get(response);
	if (!parsed) {
		try {
			parsed =
				response.text.trim() === ''
					? { ok: false }
					: { ok: true, value: JSON.parse(response.text) as unknown };
		} catch {
			parsed = { ok: false };
		}
		parsedBodies.set(response, parsed);
	}
	return parsed.ok ? parsed.value : undefined;
}

function isReadableJson(response: HttpResponse): boolean {
	jsonOf(response);
	return parsedBodies.get(response)?.ok === true;
}

/** A 2xx answer whose JSON cannot be read is passing where the vendor answers JSON (VendorProfile.jsonBodies). */
export function unreadableVerdict(
	response: HttpResponse,
	profile: VendorProfile,
): TransientVerdict | undefined {
	if (profile.jsonBodies === false || response.status < 200 || response.status >= 300)
		return undefined;
	return isReadableJson(response)
		? undefined
		: { reason: 'unreadable answer', reachedService: true };
}

const EXCERPT_LENGTH = 160;

/** A short, single-line, secret-free excerpt of a body for error messages. */
export function bodyExcerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const cut = flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat;
	return redactSecretFields(cut);
}

/**
 * Parses a JSON body. An HTML error page or a truncated body becomes a TransportError with the
 * HTTP status and a short excerpt, never a JSON parse stack trace.
 */
export function parseJsonBody(response: HttpResponse, profile: VendorProfile): unknown {
	const requestId = profile.requestIdHeader
		? response.headers[profile.requestIdHeader.toLowerCase()]
		: undefined;
	if (isReadableJson(response)) return jsonOf(response);
	const looksHtml = /^\s*</.test(response.text);
	return throwNonJson(response, profile, looksHtml, requestId);
}

/** Like parseJsonBody, for APIs whose every answer is a JSON object (an envelope). */
export function parseJsonObject(
	response: HttpResponse,
	profile: VendorProfile,
): Record<string, unknown> {
	const body = parseJsonBody(response, profile);
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		throw new TransportError({
			kind: 'non-json',
			message: `${profile.name} answered with JSON that is not an object`,
			mayHaveReachedServer: true,
			httpStatus: response.status,
			excerpt: bodyExcerpt(response.text),
		});
	}
	return body as Record<string, unknown>;
}

/** The object rows of a vendor's list; null and non-object entries carry no record and are dropped. */
export function objectRows<T extends object = Record<string, unknown>>(list: unknown): T[] {
	if (!Array.isArray(list)) return [];
	return list.filter(
		(row): row is T => row !== null && typeof row === 'object' && !Array.isArray(row),
	);
}

function throwNonJson(
	response: HttpResponse,
	profile: VendorProfile,
	looksHtml: boolean,
	requestId: string | undefined,
): never {
	const what =
		response.text.trim() === ''
			? 'an empty body'
			: looksHtml
				? 'an HTML page'
				: 'a body that is not valid JSON';
	throw new TransportError({
		kind: 'non-json',
		message: `${profile.name} answered with ${what} instead of JSON`,
		mayHaveReachedServer: true,
		httpStatus: response.status,
		excerpt: response.text.trim() === '' ? undefined : bodyExcerpt(response.text),
		requestId,
	});
}
