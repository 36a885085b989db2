import { createHash } from 'node:crypto';

import { VendorApiError } from '../shared/errors';
import { DEFAULT_TRANSPORT_SETTINGS, jsonOf, parseJsonObject, sendWithRetry } from '../shared/transport';
import type { HttpResponse, TransportSettings, VendorProfile } from '../shared/transport';
import { requiredString, secureBaseUrl } from '../shared/validate';

/**
 * WeLink access tokens, shared by the credential (n8n's preAuthentication / authenticate, the
 * HTTP Request node path) and the WeLink node's client. One cache per process: every item, every
 * execution and both paths reuse a token until shortly before it expires.
 */

export const WELINK_VENDOR = 'WeLink';
export const DEFAULT_WELINK_BASE_URL = 'https://open.welink.huaweicloud.com';
export const TOKEN_PATH = '/api/auth/v2/tickets';
export const TOKEN_HEADER = 'x-wlk-Authorization';

/** Body codes meaning "this token is no good": drop it, fetch a new one, retry once. */
export const TOKEN_INVALID_CODES = new Set(['1000', '47101', '47103']);

/** Huawei's advice: stop using a token this long before it expires. */
const REFRESH_MARGIN_S = 300;

export interface WeLinkConfig {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	allowInsecureHttp: boolean;
}

/** Reads and checks the credential's values (n8n hands them over untyped). */
export function readWeLinkConfig(data: Record<string, unknown>): WeLinkConfig {
	const allowInsecureHttp = data.allowInsecureHttp === true;
	return {
		baseUrl: secureBaseUrl(data.baseUrl || DEFAULT_WELINK_BASE_URL, 'Base URL', allowInsecureHttp),
		clientId: requiredString(data.clientId, 'Client ID'),
		clientSecret: requiredString(data.clientSecret, 'Client Secret'),
		allowInsecureHttp,
	};
}

/** Identifies the credential without holding its secret: only a hash of the secret is used. */
export function credentialKey(config: WeLinkConfig): string {
	const secretHash = createHash('sha256').update(config.clientSecret).digest('hex').slice(0, 16);
	return `${config.baseUrl}|${config.clientId}|${secretHash}`;
}

/** Token errors and their meaning (support.huaweicloud.com/devg-welink/start-09.html). */
const TOKEN_ERROR_HINTS: Record<string, string> = {
	'10007': 'The Client ID or Client Secret is wrong. Check both in the WeLink credential.',
	'41403': 'Too many failed attempts: WeLink has locked this client for a while.',
	'41500': 'WeLink could not issue a token. Try again later.',
	'41579': 'The Client ID is empty.',
	'41580': 'The Client Secret is empty.',
};

export const weLinkProfile: VendorProfile = {
	name: WELINK_VENDOR,
	transientAnswer: (response) => {
		const code = bodyCode(response);
		// 48503: WeLink's rate limiter refused the call before the service saw it.
		if (code === '48503') return { reason: 'WeLink rate limit (48503)', reachedService: false };
		if (response.status === 429) return { reason: 'HTTP 429', reachedService: false };
		// 501 means "no permission for this API": retrying cannot help.
		if (response.status >= 500 && response.status !== 501) {
			return { reason: `HTTP ${response.status}`, reachedService: true };
		}
		return undefined;
	},
};

/** The envelope's top-level `code` as text ("0" and 0 both occur), or undefined. */
export function bodyCode(response: HttpResponse): string | undefined {
	const body = jsonOf(response);
	if (body && typeof body === 'object' && 'code' in body) {
		const code = (body as { code: unknown }).code;
		return code === undefined || code === null ? undefined : String(code);
	}
	return undefined;
}

interface CachedToken {
	token: string;
	refreshAt: number;
}

const tokens = new Map<string, CachedToken>();
const inFlight = new Map<string, Promise<string>>();

/** How many tokens this process fetched, per credential key (tests and diagnostics). */
export const tokenFetchCounts = new Map<string, number>();

/** Seconds after issue at which a token is replaced: expires_in − 300, or half a short lifetime. */
export function refreshAfterSeconds(expiresIn: number): number {
	if (!Number.isFinite(expiresIn) || expiresIn <= 0) return 0;
	return Math.max(expiresIn - REFRESH_MARGIN_S, expiresIn / 2);
}

async function fetchToken(config: WeLinkConfig, settings: TransportSettings): Promise<CachedToken> {
	const key = credentialKey(config);
	tokenFetchCounts.set(key, (tokenFetchCounts.get(key) ?? 0) + 1);
	const issuedAt = Date.now();
	const response = await sendWithRetry(
		() => ({
			method: 'POST',
			url: `${config.baseUrl}${TOKEN_PATH}`,
			headers: { 'content-type': 'application/json', 'accept-charset': 'UTF-8' },
			body: JSON.stringify({ client_id: config.clientId, client_secret: config.clientSecret }),
		}),
		// Asking for a token changes nothing on the server, so it may always be repeated.
		{ ...settings, idempotent: true, rateLimiter: undefined },
		weLinkProfile,
	);
	const body = parseJsonObject(response, weLinkProfile);
	const code = body.code === undefined || body.code === null ? '' : String(body.code);
	if (code !== '0' || typeof body.access_token !== 'string' || body.access_token === '') {
		throw new VendorApiError({
			vendor: WELINK_VENDOR,
			code: code || undefined,
			message: `WeLink refused the token request: ${typeof body.message === 'string' ? body.message : 'no token in the answer'}`,
			httpStatus: response.status,
			hint: TOKEN_ERROR_HINTS[code] ?? 'Check the Client ID, Client Secret and Base URL in the WeLink credential.',
		});
	}
	const expiresIn = Number(body.expires_in ?? 7200);
	return { token: body.access_token, refreshAt: issuedAt + refreshAfterSeconds(expiresIn) * 1000 };
}

/**
 * A valid token for the credential: the cached one while it is fresh, else one fetched now. When
 * many requests ask at the same moment only one fetch is made (single flight).
 */
export async function getToken(
	config: WeLinkConfig,
	settings: TransportSettings = { ...DEFAULT_TRANSPORT_SETTINGS, idempotent: true },
): Promise<string> {
	const key = credentialKey(config);
	const cached = tokens.get(key);
	if (cached && Date.now() < cached.refreshAt) return cached.token;
	let pending = inFlight.get(key);
	if (!pending) {
		pending = fetchToken(config, settings)
			.then((fresh) => {
				tokens.set(key, fresh);
				return fresh.token;
			})
			.finally(() => inFlight.delete(key));
		inFlight.set(key, pending);
	}
	return await pending;
}

/** The cached token, if a fresh one is held (no network). */
export function peekToken(config: WeLinkConfig): string | undefined {
	const cached = tokens.get(credentialKey(config));
	return cached && Date.now() < cached.refreshAt ? cached.token : undefined;
}

/**
 * Drops a token WeLink refused. Only that token: when another request already replaced it, the
 * newer one stays, so a burst of refusals causes one refetch, not one per request.
 */
export function invalidateToken(config: WeLinkConfig, token: string): void {
	const key = credentialKey(config);
	if (tokens.get(key)?.token === token) tokens.delete(key);
}

/** Forgets every cached token (tests). */
export function clearTokenCache(): void {
	tokens.clear();
	inFlight.clear();
	tokenFetchCounts.clear();
}

