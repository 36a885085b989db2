import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { VendorApiError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { vendorAppRateLimiter } from '../../shared/scale-out/vendor-app-limiter';
import type { RateMargins } from '../../shared/http/rate-limiter';
import { REFUSAL_MEMORY_MS, SharedTokenCache } from '../../shared/scale-out/token-cache';
import type { FreshToken, TokenOwner } from '../../shared/scale-out/token-lock';
import { viaHttpRequestHelper } from '../../shared/http/n8n-request';
import { DEFAULT_TRANSPORT_SETTINGS, sendWithRetry } from '../../shared/http/retry';
import { parseJsonObject } from '../../shared/http/body';
import type { TransportSettings } from '../../shared/http/types';
import {
	TOKEN_ERROR_HINTS,
	TOKEN_REFUSAL_CODES,
	WELINK_VENDOR,
	WELINK_PROFILE,
} from '../helpers/codes';

import { readConnection } from './connection';
import type { WeLinkConnection } from './connection';

/**
 * WeLink access tokens, shared by the credential (n8n's preAuthentication / authenticate, the
 * HTTP Request node path) and the WeLink node's client: every item, every execution and both paths
 * reuse a token until shortly before it expires. The token belongs to the WeLink app (client_id),
 * so when n8n runs scaled out every worker uses the same one and one fetches it for all
 * (nodes/shared/scale-out/token-cache.ts, through the Redis n8n already has); otherwise it is cached per
 * process.
 */

export const TICKETS_PATH = '/api/auth/v2/tickets';
export const TOKEN_HEADER = 'x-wlk-Authorization';

/** Huawei's advice: stop using a token this long before it expires. */
const REFRESH_MARGIN_S = 300;

const tokens = new SharedTokenCache('welink');

/**
 * A small margin on each rate window absorbs the jitter between our count and WeLink's. Counted at
 * the grant (per process) it also covers the event loop's delay before the request leaves; counted
 * at the send (shared through Redis by n8n's workers) only the differences in the way to WeLink.
 */
export const RATE_MARGIN_MS: RateMargins = { atGrant: 100, atSend: 50 };

/** WeLink's documented limit per API and client ID (start-11), which the token API has too. */
const TICKETS_RATE = { perSecond: 40, perMinute: 1500 };

/** The token API's own budget: a token fetch is a call WeLink counts like any other. */
function ticketsRateLimiter(connection: WeLinkConnection) {
	return vendorAppRateLimiter(
		`welink|${connection.baseUrl}|${connection.clientId}|${TICKETS_PATH}`,
		[
			{ limit: TICKETS_RATE.perSecond, intervalMs: 1_000 },
			{ limit: TICKETS_RATE.perMinute, intervalMs: 60_000 },
		],
		RATE_MARGIN_MS,
	);
}

const REFUSAL_REMEMBERED = `This refusal is remembered for ${REFUSAL_MEMORY_MS / 1000} s: until then no token is asked for with this Client ID and Secret, so a wrong secret cannot make WeLink lock the client (41403).`;

/** The WeLink app a token belongs to; the cache keys it without the secret. */
function tokenOwner(connection: WeLinkConnection): TokenOwner {
	return { app: `${connection.baseUrl}|${connection.clientId}`, secret: connection.clientSecret };
}

/** Seconds after issue at which a token is replaced: expires_in − 300, or half a short lifetime. */
export function refreshAfterSeconds(expiresIn: number): number {
	if (!Number.isFinite(expiresIn) || expiresIn <= 0) return 0;
	return Math.max(expiresIn - REFRESH_MARGIN_S, expiresIn / 2);
}

async function fetchToken(
	connection: WeLinkConnection,
	settings: TransportSettings,
): Promise<FreshToken> {
	const issuedAt = Date.now();
	const response = await sendWithRetry(
		() => ({
			method: 'POST',
			url: `${connection.baseUrl}${TICKETS_PATH}`,
			headers: { 'content-type': 'application/json', 'accept-charset': 'UTF-8' },
			body: JSON.stringify({
				client_id: connection.clientId,
				client_secret: connection.clientSecret,
			}),
		}),
		// Asking for a token changes nothing on the server, so it may always be repeated.
		{ ...settings, idempotent: true, rateLimiter: ticketsRateLimiter(connection) },
		WELINK_PROFILE,
	);
	const body = parseJsonObject(response, WELINK_PROFILE);
	const code = body.code === undefined || body.code === null ? '' : String(body.code);
	if (code !== '0' || typeof body.access_token !== 'string' || body.access_token === '') {
		const refusesRun = TOKEN_REFUSAL_CODES.has(code);
		const hint =
			TOKEN_ERROR_HINTS[code] ??
			'Check the Client ID, Client Secret and Base URL in the WeLink credential.';
		throw new VendorApiError({
			vendor: WELINK_VENDOR,
			code: code || undefined,
			message: `WeLink refused the token request: ${typeof body.message === 'string' ? body.message : 'no token in the answer'}`,
			httpStatus: response.status,
			hint: refusesRun ? `${hint} ${REFUSAL_REMEMBERED}` : hint,
			refusesRun,
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
	connection: WeLinkConnection,
	settings: TransportSettings = { ...DEFAULT_TRANSPORT_SETTINGS, idempotent: true },
): Promise<FreshToken> {
	return await tokens.get(
		tokenOwner(connection),
		async () => await fetchToken(connection, settings),
		settings.signal,
	);
}

/** The cached token, if a fresh one is held (no network). */
export function peekToken(connection: WeLinkConnection): FreshToken | undefined {
	return tokens.peek(tokenOwner(connection));
}

/**
 * Drops a token WeLink refused. Only that token: when another request already replaced it, the
 * newer one stays, so a burst of refusals causes one refetch, not one per request.
 */
export function invalidateToken(connection: WeLinkConnection, token: string): void {
	tokens.invalidate(tokenOwner(connection), token);
}

/** Forgets every token held in this process (tests). */
export function clearTokenCache(): void {
	tokens.clear();
}

/** The credential as the HTTP Request node path sees it: no node, no redactor of a run. */
function credentialConnection(credentials: ICredentialDataDecryptedObject): WeLinkConnection {
	return readConnection(credentials, new Redactor());
}

/**
 * The token n8n stored with the credential, while it is within its lifetime. The lifetime is
 * stored beside it (`accessTokenRefreshAt`, filled by preAuthenticate); a token stored without
 * one (by an older version) is not trusted.
 */
function storedToken(credentials: ICredentialDataDecryptedObject): FreshToken | undefined {
	const token = credentials.accessToken;
	const refreshAt = Number(credentials.accessTokenRefreshAt);
	if (typeof token !== 'string' || token === '' || !Number.isFinite(refreshAt)) return undefined;
	return Date.now() < refreshAt ? { token, refreshAt } : undefined;
}

/**
 * The credential's preAuthentication: n8n runs it when it has no token stored, when the
 * credential is tested, or after a request was refused with HTTP 401 (WeLink refuses tokens with
 * HTTP 200 and a code instead; `authenticateRequest` signals a token past its lifetime as a 401).
 * It never drops the token held: the Test would otherwise delete the token every worker shares
 * through Redis and make each one fetch again. A fresh token held for this credential was fetched
 * with this very secret; the Test then checks it against the API. The token's lifetime is
 * returned with it, so n8n stores both.
 *
 * A token it has to fetch goes through `httpRequest`, n8n's own request helper: n8n hands
 * preAuthentication no egress filter, and the helper applies n8n's outbound network policy
 * itself. Our retries, the token API's rate budget and the shared token cache still apply.
 */
export async function preAuthenticate(
	credentials: ICredentialDataDecryptedObject,
	httpRequest: HttpRequestHelper,
): Promise<IDataObject> {
	const connection = credentialConnection(credentials);
	const fresh = await getToken(connection, {
		...DEFAULT_TRANSPORT_SETTINGS,
		idempotent: true,
		sender: viaHttpRequestHelper(httpRequest),
	});
	return { accessToken: fresh.token, accessTokenRefreshAt: fresh.refreshAt };
}

type HttpRequestHelper = IHttpRequestHelper['helpers']['httpRequest'];

/**
 * What `authenticate` throws when it holds no token within its lifetime. It has no request helper
 * (n8n passes it only the credential), so it never fetches one itself, which would bypass n8n's
 * outbound network policy. The HTTP 401 is the sign n8n's authenticated-request helpers answer by
 * running preAuthentication (credentials expired) and then authenticate again, once.
 */
export class WeLinkTokenExpiredError extends Error {
	readonly response = { status: 401 };

	readonly httpCode = '401';

	constructor() {
		super(
			'The WeLink access token stored with this credential is past its lifetime; n8n fetches a new one through the credential and repeats the request. If this message stays, run the request again.',
		);
		this.name = 'WeLinkTokenExpiredError';
	}
}

/**
 * The credential's authenticate: the token as WeLink wants it, the raw value in
 * `x-wlk-Authorization`. WeLink reports an expired token as HTTP 200 with code 47103, which n8n
 * does not recognise as a reason to refresh, so a token is used only within its lifetime: the
 * one this process holds (it may be newer), else the stored one; else n8n is asked, through a
 * 401, to run preAuthentication (see WeLinkTokenExpiredError).
 */
export function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const connection = credentialConnection(credentials);
	const held = peekToken(connection) ?? storedToken(credentials);
	if (!held) throw new WeLinkTokenExpiredError();
	return { ...requestOptions, headers: { ...requestOptions.headers, [TOKEN_HEADER]: held.token } };
}
