/** How Shiheng's signed parameters travel: the HTTP method and encoding a credential sets, and the wire form. */

import { ParameterError } from '../../shared/errors';

/**
 * How the signed parameters travel. Shiheng publishes neither the HTTP method nor the encoding, so
 * both are credential settings; POST with a JSON body is only the default (the common convention
 * of platforms with this parameter set), never presented as Shiheng's rule.
 */
export type RequestMethod = 'POST' | 'GET';
export type ParameterEncoding = 'json' | 'form' | 'query';

export interface RequestStyle {
	method: RequestMethod;
	/** GET always carries the parameters in the query string. */
	encoding: ParameterEncoding;
}

export const DEFAULT_REQUEST_STYLE: RequestStyle = { method: 'POST', encoding: 'json' };

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

function oneOf<T extends string>(
	value: unknown,
	allowed: readonly T[],
	fallback: T,
	field: string,
): T {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	throw new ParameterError(
		field,
		`${field} must be one of ${allowed.join(', ')}, got "${String(value)}"`,
	);
}

export function requestStyleFromCredentials(data: Record<string, unknown>): RequestStyle {
	const method = oneOf(
		data.requestMethod,
		['POST', 'GET'] as const,
		DEFAULT_REQUEST_STYLE.method,
		'HTTP Method',
	);
	if (method === 'GET') return { method, encoding: 'query' };
	return {
		method,
		encoding: oneOf(
			data.parameterEncoding,
			['json', 'form', 'query'] as const,
			'json',
			'Parameter Encoding',
		),
	};
}

/**
 * The signed parameters as text, for a form body or a query string: paramContent as its compact
 * JSON, numbers as digits, i.e. exactly the text the signature was computed over.
 */
export function textParams(params: Record<string, unknown>): Record<string, string> {
	const text: Record<string, string> = {};
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined && value !== null) text[key] = signValue(value);
	}
	return text;
}

/** Where the signed parameters go on the wire, per the style. */
export interface WireRequest {
	method: RequestMethod;
	query?: Record<string, string>;
	contentType?: string;
	body?: string;
}

export function encodeSignedParams(
	params: Record<string, unknown>,
	style: RequestStyle,
): WireRequest {
	if (style.method === 'GET' || style.encoding === 'query')
		return { method: style.method, query: textParams(params) };
	if (style.encoding === 'form') {
		return {
			method: style.method,
			contentType: FORM_CONTENT_TYPE,
			body: new URLSearchParams(textParams(params)).toString(),
		};
	}
	return {
		method: style.method,
		contentType: 'application/json; charset=utf-8',
		body: JSON.stringify(params),
	};
}

/** How a parameter value is written into the string to sign: objects as compact JSON. */
export function signValue(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}
