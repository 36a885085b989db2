/** The one rate limiter per vendor app and API: shared through Redis when n8n runs scaled out, else per process. */

import { sharedRateLimiter } from '../http/rate-limiter';
import type { RateLimiter, RateMargins, RateWindow } from '../http/rate-limiter';
import { sharedStateConfigured } from './redis-connection';
import { RedisRateLimiter } from './shared-limiter';

const vendorAppLimiters = new Map<string, { signature: string; limiter: RedisRateLimiter }>();

/**
 * The limiter for a vendor app's API (`key` names the app and the API, never a secret): shared
 * through Redis by every n8n process when n8n runs scaled out (queue mode or
 * EMPLOYEE_SYNC_REDIS_URL), else the per-process `sharedRateLimiter` as before.
 */
export function vendorAppRateLimiter(
	key: string,
	windows: RateWindow[],
	margin: number | RateMargins = 0,
): RateLimiter {
	if (!sharedStateConfigured())
		return sharedRateLimiter(key, windows, typeof margin === 'number' ? margin : margin.atGrant);
	const signature = JSON.stringify([windows, margin]);
	const existing = vendorAppLimiters.get(key);
	if (existing && existing.signature === signature) return existing.limiter;
	const limiter = new RedisRateLimiter(key, windows, margin);
	vendorAppLimiters.set(key, { signature, limiter });
	return limiter;
}
