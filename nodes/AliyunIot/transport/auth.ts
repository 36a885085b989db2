import { createHash, createHmac, randomUUID } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { Redactor } from '../../shared/redact';
import { resolveRequestUrl } from '../../shared/http/request-options';

import { readConnection } from './connection';

/**
 * The Alibaba Cloud API Gateway AppKey/AppSecret signature, used by the node's client and by the
 * credential's `authenticate` (so the HTTP Request node signs the same way). It signs the exact
 * body bytes given to it; callers must send those bytes unchanged.
 */

export const SIGNATURE_METHOD = 'HmacSHA256';
export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';
export const JSON_ACCEPT = 'application/json';

/** Headers that carry the signature itself and so are never part of what is signed. */
const UNSIGNED_CA_HEADERS = new Set(['x-ca-signature', 'x-ca-signature-headers']);

export interface SignInput {
	method: string;
	/** The request path as the gateway sees it (no query string). */
	path: string;
	/** Query parameters, decoded (the gateway signs the decoded values). */
	query?: Array<[string, string]>;
	/** Headers already on the request; Accept, Content-Type and Date are read from them. */
	headers: Record<string, string>;
	/** The exact bytes that will be sent; undefined or empty for no body. */
	body?: Buffer;
	appKey: string;
	appSecret: string;
	/** Fixed values for tests; fresh ones otherwise. */
	timestamp?: number;
	nonce?: string;
}

export interface SignedHeaders {
	/** Every header to send, the input's plus the gateway's. */
	headers: Record<string, string>;
	signature: string;
	stringToSign: string;
}

/** base64(MD5(bytes)), the gateway's Content-MD5. */
export function contentMd5(body: Buffer): string {
	return createHash('md5').update(body).digest('base64');
}

/** Looks a header up whatever its case. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
	const lower = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === lower) return value;
	}
	return undefined;
}

/** Sets a header, dropping any copy of it in another case (axios would send both). */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
	const lower = name.toLowerCase();
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === lower) delete headers[key];
	}
	headers[name] = value;
}

/** Path plus "?" and the query sorted by name, `k=v` (or `k` alone when the value is empty). */
export function pathWithSortedQuery(path: string, query: Array<[string, string]> = []): string {
	if (query.length === 0) return path;
	const sorted = [...query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const joined = sorted.map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join('&');
	return `${path}?${joined}`;
}

export interface StringToSignParts {
	method: string;
	accept: string;
	contentMd5: string;
	contentType: string;
	date: string;
	/** Lower-case names and values of the signed headers. */
	signedHeaders: Array<[string, string]>;
	pathAndQuery: string;
}

/** METHOD, Accept, Content-MD5, Content-Type, Date (each line even when empty), headers, path. */
export function buildStringToSign(parts: StringToSignParts): string {
	const headerLines = [...parts.signedHeaders]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([name, value]) => `${name}:${value}`);
	return [
		parts.method.toUpperCase(),
		parts.accept,
		parts.contentMd5,
		parts.contentType,
		parts.date,
		...headerLines,
		parts.pathAndQuery,
	].join('\n');
}

export function hmacSha256Base64(secret: string, text: string): string {
	return createHmac('sha256', Buffer.from(secret, 'utf8'))
		.update(Buffer.from(text, 'utf8'))
		.digest('base64');
}

/**
 * Adds Content-MD5 and the X-Ca-* headers, computes the signature over them and returns the
 * headers to send. Called once per attempt, so every attempt has its own timestamp and nonce.
 */
export function signGatewayRequest(input: SignInput): SignedHeaders {
	const headers: Record<string, string> = { ...input.headers };
	const body = input.body && input.body.length > 0 ? input.body : undefined;
	if (body) setHeader(headers, 'Content-MD5', contentMd5(body));
	setHeader(headers, 'X-Ca-Key', input.appKey);
	setHeader(headers, 'X-Ca-Timestamp', String(input.timestamp ?? Date.now()));
	setHeader(headers, 'X-Ca-Nonce', input.nonce ?? randomUUID());
	setHeader(headers, 'X-Ca-Signature-Method', SIGNATURE_METHOD);

	// Every X-Ca-* header the request carries is signed (a caller may add X-Ca-Stage and the like).
	const signedHeaders: Array<[string, string]> = Object.entries(headers)
		.map(([name, value]): [string, string] => [name.toLowerCase(), value])
		.filter(([name]) => name.startsWith('x-ca-') && !UNSIGNED_CA_HEADERS.has(name));
	const signedNames = signedHeaders.map(([name]) => name).sort();

	const stringToSign = buildStringToSign({
		method: input.method,
		accept: headerValue(headers, 'accept') ?? '',
		contentMd5: headerValue(headers, 'content-md5') ?? '',
		contentType: headerValue(headers, 'content-type') ?? '',
		date: headerValue(headers, 'date') ?? '',
		signedHeaders,
		pathAndQuery: pathWithSortedQuery(input.path, input.query),
	});
	const signature = hmacSha256Base64(input.appSecret, stringToSign);
	setHeader(headers, 'X-Ca-Signature-Headers', signedNames.join(','));
	setHeader(headers, 'X-Ca-Signature', signature);
	return { headers, signature, stringToSign };
}

/** The part of n8n's request options the credential reads and rewrites (both n8n request shapes). */
export interface SignableRequestOptions {
	method?: string;
	url?: string;
	/** The legacy request shape (HTTP Request node versions using `requestWithAuthentication`). */
	uri?: string;
	baseURL?: string;
	headers?: Record<string, unknown>;
	qs?: Record<string, unknown>;
	body?: unknown;
}

function queryPairs(url: URL, qs: Record<string, unknown> | undefined): Array<[string, string]> {
	const pairs: Array<[string, string]> = [...url.searchParams.entries()];
	for (const [key, value] of Object.entries(qs ?? {})) {
		if (value === undefined || value === null) continue;
		const values = Array.isArray(value) ? value : [value];
		for (const entry of values)
			pairs.push([key, typeof entry === 'object' ? JSON.stringify(entry) : String(entry)]);
	}
	return pairs;
}

/**
 * A body handed to the credential (HTTP Request node, credential test) that has the envelope's
 * shape but no id gets a fresh one, so a hand-written body need not invent request ids.
 */
export function withEnvelopeId(body: Record<string, unknown>): Record<string, unknown> {
	const looksLikeEnvelope =
		typeof body.request === 'object' && body.request !== null && 'params' in body;
	if (!looksLikeEnvelope || (typeof body.id === 'string' && body.id !== '')) return body;
	return { id: randomUUID(), ...body };
}

/**
 * Serialises a request body to the bytes that will be sent. Objects become compact JSON (an
 * envelope without an id gets one); strings and buffers are sent as they are.
 */
export function bodyBytes(body: unknown): Buffer | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (
		body instanceof URLSearchParams ||
		typeof (body as { getHeaders?: unknown }).getHeaders === 'function'
	) {
		throw new Error('The Aliyun IoT credential signs JSON bodies only; send the body as JSON');
	}
	if (typeof body === 'object' && !Array.isArray(body)) {
		if (Object.keys(body).length === 0) return undefined;
		return Buffer.from(JSON.stringify(withEnvelopeId(body as Record<string, unknown>)), 'utf8');
	}
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Signs a request n8n is about to send: what the credential's `authenticate` delegates to. It
 * serialises the body itself and puts those exact bytes back on the request, so nothing
 * downstream re-serialises what was hashed. A relative address goes to the credential's host.
 */
export function signN8nRequest<T extends SignableRequestOptions>(
	credentials: ICredentialDataDecryptedObject,
	options: T,
): T {
	const connection = readConnection(credentials, new Redactor());
	const full = resolveRequestUrl(options, connection.baseUrl);
	if (!full)
		throw new Error('The Aliyun IoT credential could not tell the address of this request');

	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) {
		if (value !== undefined && value !== null) headers[key] = String(value);
	}
	const body = bodyBytes(options.body);
	if (headerValue(headers, 'accept') === undefined) headers.Accept = JSON_ACCEPT;
	if (body && headerValue(headers, 'content-type') === undefined)
		headers['Content-Type'] = JSON_CONTENT_TYPE;

	const signed = signGatewayRequest({
		method: options.method ?? 'GET',
		path: full.pathname,
		query: queryPairs(full, options.qs),
		headers,
		body,
		appKey: connection.appKey,
		appSecret: connection.appSecret,
	});
	options.headers = signed.headers;
	options.body = body;
	return options;
}
