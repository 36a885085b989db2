/** Shiheng's request signing (configurable presets), and the credential's `authenticate`. */

import * as crypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { resolveRequestUrl } from '../../shared/http/request-options';
import { isLoopbackHost } from '../../shared/validate';
import {
	FORM_CONTENT_TYPE,
	encodeSignedParams,
	requestStyleFromCredentials,
	signValue,
	textParams,
} from './requestStyle';
import { schemeFromCredentials } from './signScheme';
import type { SignScheme } from './signScheme';

/**
 * Request signing for the Shiheng open platform, shared by the credential's `authenticate` (so the
 * HTTP Request node can use the credential) and by the node's client.
 *
 * Shiheng does not publish its `sign` algorithm: it hands it to a customer with the app. What is
 * implemented here is therefore a *configurable* signer covering the conventions Chinese SaaS open
 * platforms with this parameter set (appId, timestamp, version, paramContent, sign) commonly use.
 * None of the presets is claimed to be Shiheng's rule; the user picks the one their onboarding
 * documents describe, or builds it with the custom combination.
 */

export function timestampFor(scheme: SignScheme, nowMs: number = Date.now()): number {
	return scheme.timestampUnit === 's' ? Math.floor(nowMs / 1000) : nowMs;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/** Sorted by name, `sign` and empty values skipped, joined per the scheme. */
export function stringToSign(params: Record<string, unknown>, scheme: SignScheme): string {
	const entries = Object.keys(params)
		.filter((key) => key !== 'sign' && !isEmpty(params[key]))
		.sort()
		.map((key) => [key, signValue(params[key])] as const);
	return scheme.join === 'query'
		? entries.map(([key, value]) => `${key}=${value}`).join('&')
		: entries.map(([key, value]) => `${key}${value}`).join('');
}

export function computeSign(
	params: Record<string, unknown>,
	secret: string,
	scheme: SignScheme,
): string {
	const base = stringToSign(params, scheme);
	let hex: string;
	if (scheme.algorithm === 'hmac-sha256') {
		hex = createHmac('sha256', secret).update(base, 'utf8').digest('hex');
	} else {
		const input =
			scheme.secretPlacement === 'wrap' ? `${secret}${base}${secret}` : `${base}${secret}`;
		// One call per page: Node's one-shot digest (Node 21.7+) skips the Hash object.
		hex =
			typeof crypto.hash === 'function'
				? crypto.hash(scheme.algorithm, input, 'hex')
				: createHash(scheme.algorithm).update(input, 'utf8').digest('hex');
	}
	return scheme.hexCase === 'upper' ? hex.toUpperCase() : hex;
}

export interface SigningIdentity {
	appId: string;
	appSecret: string;
	version: string;
	scheme: SignScheme;
}

/**
 * Adds the common parameters (appId, timestamp, version) to `params` and signs the whole set.
 * Called per attempt, so a retried request carries a fresh timestamp and signature.
 */
export function signParams(
	params: Record<string, unknown>,
	identity: SigningIdentity,
	nowMs: number = Date.now(),
): Record<string, unknown> {
	const withCommon: Record<string, unknown> = { ...params };
	delete withCommon.sign;
	withCommon.appId = identity.appId;
	withCommon.timestamp = timestampFor(identity.scheme, nowMs);
	withCommon.version = identity.version;
	withCommon.sign = computeSign(withCommon, identity.appSecret, identity.scheme);
	return withCommon;
}

function parseObject(value: unknown): IDataObject | undefined {
	if (value === undefined || value === null || value === '') return {};
	if (typeof value === 'string') {
		try {
			const parsed = JSON.parse(value) as unknown;
			return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
				? (parsed as IDataObject)
				: undefined;
		} catch {
			return undefined;
		}
	}
	if (typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value))
		return value as IDataObject;
	return undefined;
}

/**
 * What the credential's `authenticate` does for any request n8n sends with it (the HTTP Request
 * node, the Test button): adds appId, timestamp, version and sign, and refuses plain HTTP to a
 * remote host. A GET is signed in its query string; any other request (its parameters in a JSON
 * body, e.g. `{"paramContent": {…}}`) is sent with the credential's method and encoding.
 */
export async function signN8nRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const baseUrl = typeof credentials.baseUrl === 'string' ? credentials.baseUrl : undefined;
	const target = resolveRequestUrl(
		requestOptions as IHttpRequestOptions & { uri?: string },
		baseUrl,
	);
	if (
		target &&
		target.protocol === 'http:' &&
		credentials.allowInsecureHttp !== true &&
		!isLoopbackHost(target.hostname)
	) {
		throw new Error(
			'Shiheng credential: plain http:// would expose signed requests. Use https://, or turn on "Allow Insecure HTTP" in the credential.',
		);
	}
	const identity: SigningIdentity = {
		appId: String(credentials.appId ?? ''),
		appSecret: String(credentials.appSecret ?? ''),
		version: String(credentials.version ?? ''),
		scheme: schemeFromCredentials(credentials),
	};
	const method = (requestOptions.method ?? 'GET').toUpperCase();
	if (method === 'GET' || method === 'HEAD') {
		// A request the user sends as GET is signed in its query string, as sent.
		const query: IDataObject = { ...(requestOptions.qs ?? {}) };
		return { ...requestOptions, qs: textParams(signParams(query, identity)) };
	}
	const body = parseObject(requestOptions.body);
	if (!body) {
		throw new Error('Shiheng credential: the request body must be a JSON object to be signed');
	}
	// Any other request goes out the way the credential's HTTP Method and Parameter Encoding say.
	const signed = signParams(body, identity);
	const wire = encodeSignedParams(signed, requestStyleFromCredentials(credentials));
	if (wire.query) {
		const withoutBody: IHttpRequestOptions = {
			...requestOptions,
			method: wire.method,
			qs: { ...(requestOptions.qs ?? {}), ...wire.query },
		};
		delete withoutBody.body;
		return withoutBody;
	}
	if (wire.contentType === FORM_CONTENT_TYPE) {
		// n8n sends a string body with this exact content type as it is, on both of its request paths.
		const headers = { ...(requestOptions.headers ?? {}), 'content-type': FORM_CONTENT_TYPE };
		return { ...requestOptions, method: wire.method, body: wire.body, headers };
	}
	return { ...requestOptions, method: wire.method, body: signed as IDataObject, json: true };
}
