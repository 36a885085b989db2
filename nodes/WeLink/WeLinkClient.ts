import { VendorApiError } from '../shared/errors';
import { sharedRateLimiter } from '../shared/limiter';
import type { Redactor } from '../shared/redact';
import { parseJsonObject, sendWithRetry } from '../shared/transport';
import type { TransportSettings } from '../shared/transport';

import {
	TOKEN_HEADER,
	TOKEN_INVALID_CODES,
	WELINK_VENDOR,
	getToken,
	invalidateToken,
	weLinkProfile,
} from './WeLinkAuth';
import type { WeLinkConfig } from './WeLinkAuth';

/** The JSON envelope every WeLink answer has. */
export interface WeLinkEnvelope {
	code: string;
	message: string;
	data?: unknown;
	[key: string]: unknown;
}

export interface RateSettings {
	perSecond: number;
	perMinute: number;
}

/** Hints for the body codes a user can act on (open-doc.welink.huaweicloud.com err_code). */
const CODE_HINTS: Record<string, string> = {
	'47003': 'A required value is empty (for example the email or the department).',
	'47004': 'A value has the wrong format (for example the email or the mobile number).',
	'47008': 'WeLink rejected the values during validation.',
	'47013': 'Too many entries were queried at once.',
	'47102': 'The app has no permission for this API. Grant it in the WeLink console; WeLink then needs a new token.',
	'48503': 'WeLink rate limit: the call was retried and still refused. Lower the rate limit or concurrency options.',
};

/** A small margin on each rate window absorbs the jitter between our count and WeLink's. */
const RATE_MARGIN_MS = 100;

/**
 * Calls WeLink's contact APIs: a token from the shared cache on every attempt, the per-API rate
 * limit shared across the process, transient answers retried by the transport, and a token WeLink
 * calls invalid replaced once.
 */
export class WeLinkClient {
	constructor(
		private readonly config: WeLinkConfig,
		private readonly settings: Omit<TransportSettings, 'idempotent' | 'rateLimiter'>,
		private readonly rate: RateSettings,
		private readonly redactor: Redactor,
	) {
		redactor.add(config.clientSecret);
	}

	private async token(): Promise<string> {
		const token = await getToken(this.config, { ...this.settings, idempotent: true });
		this.redactor.add(token);
		return token;
	}

	/**
	 * POSTs `body` to `path`. `idempotent` says whether the request may be repeated after it may
	 * have reached WeLink's service; refusals before it (rate limit, invalid token) always may.
	 */
	async post(path: string, body: unknown, idempotent: boolean): Promise<WeLinkEnvelope> {
		const rateLimiter = sharedRateLimiter(
			`welink|${this.config.baseUrl}|${this.config.clientId}|${path}`,
			[
				{ limit: this.rate.perSecond, intervalMs: 1_000 },
				{ limit: this.rate.perMinute, intervalMs: 60_000 },
			],
			RATE_MARGIN_MS,
		);
		const payload = JSON.stringify(body);
		for (let tokenAttempt = 1; ; tokenAttempt++) {
			// Fetch the token before taking a rate slot, so waiting for it does not bunch requests.
			let used = await this.token();
			const response = await sendWithRetry(
				async () => {
					used = await this.token();
					return {
						method: 'POST',
						url: `${this.config.baseUrl}${path}`,
						headers: {
							'content-type': 'application/json',
							'accept-charset': 'UTF-8',
							[TOKEN_HEADER]: used,
						},
						body: payload,
					};
				},
				{ ...this.settings, idempotent, rateLimiter },
				weLinkProfile,
			);
			const parsed = parseJsonObject(response, weLinkProfile);
			const code = parsed.code === undefined || parsed.code === null ? '' : String(parsed.code);
			const message = typeof parsed.message === 'string' ? parsed.message : '';
			if (TOKEN_INVALID_CODES.has(code) && tokenAttempt === 1) {
				invalidateToken(this.config, used);
				continue;
			}
			if (response.status === 501) {
				// After a permission is granted WeLink only honours it on a new token.
				invalidateToken(this.config, used);
			}
			if (code !== '0') {
				throw new VendorApiError({
					vendor: WELINK_VENDOR,
					code: code || undefined,
					message: message || (code ? 'WeLink refused the request' : `WeLink answered HTTP ${response.status} without a code`),
					httpStatus: response.status,
					hint:
						CODE_HINTS[code] ??
						(response.status === 501
							? 'The app has no permission for this API. Grant it in the WeLink console.'
							: TOKEN_INVALID_CODES.has(code)
								? 'WeLink refused a freshly fetched token. Check the credential and the app permissions.'
								: undefined),
				});
			}
			return { ...parsed, code, message };
		}
	}
}
