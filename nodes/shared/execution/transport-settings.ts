/** The transport settings of one run: the user's tuning, the cancel signal, the rate limiter, n8n's egress filter. */

import type { EgressFilter } from '../http/egress';
import type { RateLimiter } from '../http/rate-limiter';
import { DEFAULT_RETRY_POLICY } from '../http/retry';
import type { TransportSettings } from '../http/types';
import type { RequestTuning } from '../descriptions/options';

export function transportSettings(
	tuning: RequestTuning,
	context: {
		signal?: AbortSignal;
		idempotent: boolean;
		rateLimiter?: RateLimiter;
		allowInsecureTls?: boolean;
		/** Required, so every client factory decides: n8n's filter of the run, or none (n8n 1.x). */
		egress: EgressFilter | undefined;
	},
): TransportSettings {
	return {
		connectTimeoutMs: tuning.connectTimeoutMs,
		responseTimeoutMs: tuning.responseTimeoutMs,
		retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: tuning.maxRetries + 1 },
		idempotent: context.idempotent,
		signal: context.signal,
		rateLimiter: context.rateLimiter,
		allowInsecureTls: context.allowInsecureTls,
		egress: context.egress,
	};
}
