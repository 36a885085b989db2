import { randomUUID } from 'node:crypto';

import { ParameterError } from '../shared/errors';
import { requiredString, secureBaseUrl } from '../shared/validate';

/**
 * What the credential and the node share about the IoT Living Link gateway: its hosts, how the
 * credential's values become a base URL, and the request body envelope (built here only).
 */

export const VENDOR_NAME = 'Aliyun IoT';

export const CHINA_HOST = 'https://api.link.aliyun.com';
export const INTERNATIONAL_HOST = 'https://api-iot.ap-southeast-1.aliyuncs.com';
export const CUSTOM_HOST = 'custom';

export const ENVELOPE_VERSION = '1.0';

export const PATHS = {
	createByAuthCode: '/user/account/employee/createbyauthcode',
	queryByCompanyId: '/user/account/employee/querybycompanyid',
} as const;

export const API_VERSIONS = {
	createByAuthCode: '1.0.0',
	queryByCompanyId: '1.0.0',
} as const;

export interface GatewayCredentials {
	appKey: string;
	appSecret: string;
	/** No trailing slash. */
	baseUrl: string;
}

/** Reads the credential as n8n hands it over; throws a ParameterError naming the bad field. */
export function readGatewayCredentials(data: Record<string, unknown>): GatewayCredentials {
	const appKey = requiredString(data.appKey, 'AppKey');
	const appSecret = requiredString(data.appSecret, 'AppSecret');
	const host = typeof data.host === 'string' && data.host !== '' ? data.host : CHINA_HOST;
	const baseUrl =
		host === CUSTOM_HOST
			? secureBaseUrl(data.customHost, 'Custom Base URL', data.allowInsecureHttp === true)
			: secureBaseUrl(host, 'Host', false);
	return { appKey, appSecret, baseUrl };
}

export interface EnvelopeRequest {
	apiVer: string;
	iotToken?: string;
	cloudToken?: string;
	language?: string;
}

export interface Envelope {
	id: string;
	version: string;
	request: EnvelopeRequest;
	params: Record<string, unknown>;
}

/** The body every Living Link API takes; `id` is fresh per logical call (kept across retries). */
export function buildEnvelope(request: EnvelopeRequest, params: Record<string, unknown>): Envelope {
	const inner: EnvelopeRequest = { apiVer: request.apiVer };
	if (request.iotToken) inner.iotToken = request.iotToken;
	if (request.cloudToken) inner.cloudToken = request.cloudToken;
	if (request.language) inner.language = request.language;
	return { id: randomUUID(), version: ENVELOPE_VERSION, request: inner, params };
}

/**
 * A body handed to the credential (HTTP Request node, credential test) that has the envelope's
 * shape but no id gets a fresh one, so a hand-written body need not invent request ids.
 */
export function withEnvelopeId(body: Record<string, unknown>): Record<string, unknown> {
	const looksLikeEnvelope = typeof body.request === 'object' && body.request !== null && 'params' in body;
	if (!looksLikeEnvelope || (typeof body.id === 'string' && body.id !== '')) return body;
	return { id: randomUUID(), ...body };
}

/** Checks a Custom API Call path: it goes directly under the host. */
export function apiPath(value: unknown): string {
	const path = requiredString(value, 'Path');
	if (!path.startsWith('/') || /^\/\//.test(path) || /[?#\s]/.test(path)) {
		throw new ParameterError('Path', 'Path must start with "/" and hold no query, fragment or spaces', 'Example: /user/account/employee/querybycompanyid');
	}
	return path;
}
