/** Parameter checks that name the field: numbers in range, required text, id lists, JSON objects, base URLs. */

import { ParameterError } from './errors';

/**
 * Checks on parameters and item values, run before any request is sent. Each failure names the
 * field; `toNodeError` adds the item.
 */

export function intInRange(value: unknown, field: string, min: number, max: number): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
		throw new ParameterError(
			field,
			`${field} must be a whole number from ${min} to ${max}, got ${describe(value)}`,
		);
	}
	return number;
}

export function requiredString(value: unknown, field: string, hint?: string): string {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string' || value.trim() === '') {
		throw new ParameterError(field, `${field} is empty`, hint);
	}
	return value.trim();
}

/** A value that may be a single string/number or a list of them (ids from an expression). */
export function stringList(value: unknown, field: string): string[] {
	const values = Array.isArray(value) ? value : [value];
	if (values.length === 0) throw new ParameterError(field, `${field} is an empty list`);
	return values.map((entry, position) => {
		if (typeof entry === 'number' && Number.isFinite(entry)) return String(entry);
		if (typeof entry !== 'string' || entry.trim() === '') {
			const where = Array.isArray(value) ? ` (entry ${position})` : '';
			throw new ParameterError(
				field,
				`${field} is empty or not text${where}, got ${describe(entry)}`,
			);
		}
		return entry.trim();
	});
}

export function jsonObject(value: unknown, field: string): Record<string, unknown> {
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			throw new ParameterError(field, `${field} is not valid JSON`);
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ParameterError(field, `${field} must be a JSON object`);
	}
	return parsed as Record<string, unknown>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * A base URL from a credential: must parse, and must be HTTPS unless the host is loopback (our
 * emulators, a local proxy) or the user explicitly allowed plain HTTP. Secrets and tokens must
 * not cross a network unencrypted by accident. Returns it without a trailing slash.
 */
export function secureBaseUrl(value: unknown, field: string, allowInsecureHttp: boolean): string {
	const text = requiredString(value, field);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new ParameterError(field, `${field} is not a valid URL`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ParameterError(field, `${field} must start with https://`);
	}
	if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
		throw new ParameterError(
			field,
			`${field} uses plain HTTP; secrets would travel unencrypted`,
			'Use https://, or turn on "Allow Insecure HTTP" in the credential if this host is on a trusted network.',
		);
	}
	return text.replace(/\/+$/, '');
}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string')
		return value.length > 40 ? `"${value.slice(0, 40)}…"` : `"${value}"`;
	if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
	return String(value);
}
