import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { VendorApiError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { SharedTokenCache } from '../../shared/token-cache';
import type { FreshToken, TokenOwner } from '../../shared/token-cache';
import { DEFAULT_TRANSPORT_SETTINGS, parseJsonObject, sendWithRetry } from '../../shared/transport';
import type { TransportSettings } from '../../shared/transport';
import { TOKEN_ERROR_HINTS, WELINK_VENDOR, weLinkProfile } from '../helpers/codes';

import { readConnection } from './connection';
import type { WeLinkConnection } from './connection';

/**
 * WeLink access tokens, shared by the credential (n8n's preAuthentication / authenticate, the
 * HTTP Request node path) and the WeLink node's client: every item, every execution and both paths
 * reuse a token until shortly before it expires. The token belongs to the WeLink app (client_id),
 * so when n8n runs scaled out every worker uses the same one and one fetches it for all
 * (nodes/shared/token-cache.ts, through the Redis n8n already has); otherwise it is cached per
 * process.
 */

export const TICKETS_PATH = '/api/auth/v2/tickets';
export const TOKEN_HEADER = 'x-wlk-Authorization';

/** Huawei's advice: stop using a token this long before it expires. */
const REFRESH_MARGIN_S = 300;

const tokens = new SharedTokenCache('welink');

/** The WeLink app a token belongs to; the cache keys it without the secret. */
function tokenOwner(connection: WeLinkConnection): TokenOwner {
	return { app: `${connection.baseUrl}|${connection.clientId}`, secret: connection.clientSecret };
}

/** Seconds after issue at which a token is replaced: expires_in − 300, or half a short lifetime. */
export function refreshAfterSeconds(expiresIn: number): number {
	if (!Number.isFinite(expiresIn) || expiresIn <= 0) return 0;
	return Math.max(expiresIn - REFRESH_MARGIN_S, expiresIn / 2);
}

async function fetchToken(connection: WeLinkConnection, settings: TransportSettings): Promise<FreshToken> {
	const issuedAt = Date.now();
	const response = await sendWithRetry(
		() => ({
			method: 'POST',
			url: `${connection.baseUrl}${TICKETS_PATH}`,
			headers: { 'content-type': 'application/json', 'accept-charset': 'UTF-8' },
			body: JSON.stringify({ client_id: connection.clientId, client_secret: connection.clientSecret }),
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
	connection: WeLinkConnection,
	settings: TransportSettings = { ...DEFAULT_TRANSPORT_SETTINGS, idempotent: true },
): Promise<FreshToken> {
	return await tokens.get(tokenOwner(connection), async () => await fetchToken(connection, settings), settings.signal);
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
 * credential is tested, or after a request was refused with HTTP 401. A stored token reaching
 * here may have been refused, so it is dropped from the process cache before asking. The token's
 * lifetime is returned with it, so n8n stores both.
 */
export async function preAuthenticate(credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
	const connection = credentialConnection(credentials);
	if (typeof credentials.accessToken === 'string' && credentials.accessToken !== '') {
		invalidateToken(connection, credentials.accessToken);
	}
	const fresh = await getToken(connection);
	return { accessToken: fresh.token, accessTokenRefreshAt: fresh.refreshAt };
}

/**
 * The credential's authenticate: the token as WeLink wants it, the raw value in
 * `x-wlk-Authorization`. WeLink reports an expired token as HTTP 200 with code 47103, which n8n
 * does not recognise as a reason to refresh, so a token is used only within its lifetime: the
 * one this process holds (it may be newer), else the stored one, else a new one.
 */
export async function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const connection = credentialConnection(credentials);
	const { token } = peekToken(connection) ?? storedToken(credentials) ?? (await getToken(connection));
	return {
		...requestOptions,
		headers: { ...requestOptions.headers, [TOKEN_HEADER]: token },
	};
}
