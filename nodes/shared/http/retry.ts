/** The retry loop: backoff, Retry-After, and what may be sent again; every vendor client sends through it. */

import type { TransportFailureKind } from '../errors';
import { AbortedError, sleep, throwIfAborted } from './abort';
import { unreadableVerdict } from './body';
import { classifyNetworkError, defaultTransientVerdict } from './classify';
import type { RateSlot } from './rate-limiter';
import { sendOnce } from './send';
import type {
	HttpRequestSpec,
	HttpResponse,
	RetryPolicy,
	TransportSettings,
	VendorProfile,
} from './types';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_RESPONSE_TIMEOUT_MS } from './types';

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 250,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 60_000,
};

/**
 * "Full jitter" exponential backoff: a random delay in [0, min(max, base·2^(n-1))]. Jitter keeps
 * many workers that failed together from retrying together.
 */
export function backoffDelay(
	retryNumber: number,
	policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(
		policy.maxDelayMs,
		policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1),
	);
	return Math.round(random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(
	value: string | undefined,
	now: number = Date.now(),
): number | undefined {
	if (value === undefined) return undefined;
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

export const DEFAULT_TRANSPORT_SETTINGS: Omit<TransportSettings, 'idempotent'> = {
	connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
	responseTimeoutMs: DEFAULT_RESPONSE_TIMEOUT_MS,
	retry: DEFAULT_RETRY_POLICY,
};

/**
 * A stop is the user's (or n8n's) decision; a refused certificate, a destination n8n's policy
 * refuses and a redirect stay what they are on the next try.
 */
const NEVER_RETRIED: ReadonlySet<TransportFailureKind> = new Set([
	'aborted',
	'certificate',
	'egress-refused',
	'redirect',
]);

/**
 * Sends a request, retrying where that is safe. `build` is called for every attempt, so signers
 * put a fresh timestamp and nonce on each one. Returns the last answer (even a non-2xx one: the
 * vendor client reads its body); throws TransportError when no answer could be had.
 */
export async function sendWithRetry(
	build: () => HttpRequestSpec | Promise<HttpRequestSpec>,
	settings: TransportSettings,
	profile: VendorProfile,
	onAttempt?: (attempt: number) => void,
): Promise<HttpResponse> {
	const policy = settings.retry;
	const maxAttempts = Math.max(1, policy.maxAttempts);
	const classify = profile.transientAnswer ?? defaultTransientVerdict;
	for (let attempt = 1; ; attempt++) {
		throwIfAborted(settings.signal);
		// The first attempt goes out in the place its caller took; a retry waits for one.
		if (attempt > 1) await settings.inFlight?.acquire();
		const { spec, slot } = await prepareAttempt(build, settings);
		onAttempt?.(attempt);
		let response: HttpResponse;
		try {
			response = await sendOnce(spec, settings, slot);
		} catch (error) {
			settings.inFlight?.release();
			const failure = classifyNetworkError(error, settings.signal, spec.url);
			const mayRetry =
				!NEVER_RETRIED.has(failure.details.kind) &&
				attempt < maxAttempts &&
				(settings.idempotent || !failure.details.mayHaveReachedServer);
			if (!mayRetry) throw failure;
			await pauseBeforeRetry(backoffDelay(attempt, policy), settings.signal);
			continue;
		}
		const verdict = classify(response) ?? unreadableVerdict(response, profile);
		if (!verdict) return response;
		const mayRetry = attempt < maxAttempts && (settings.idempotent || !verdict.reachedService);
		if (!mayRetry) return response;
		const retryAfter = parseRetryAfter(response.headers['retry-after']);
		const delay =
			retryAfter !== undefined
				? Math.min(retryAfter, policy.maxRetryAfterMs)
				: backoffDelay(attempt, policy);
		await pauseBeforeRetry(delay, settings.signal);
	}
}

/**
 * A rate slot, then the request built for it (fresh timestamps and signatures right before the
 * send). A slot held too long while building (a token fetched meanwhile) is traded for a new one.
 */
async function prepareAttempt(
	build: () => HttpRequestSpec | Promise<HttpRequestSpec>,
	settings: TransportSettings,
): Promise<{ spec: HttpRequestSpec; slot: RateSlot | undefined }> {
	const limiter = settings.rateLimiter;
	let slot = await limiter?.reserve(settings.signal);
	try {
		const spec = await build();
		if (limiter && slot && !slot.usable()) {
			slot.release();
			slot = undefined;
			slot = await limiter.reserve(settings.signal);
		}
		return { spec, slot };
	} catch (error) {
		slot?.release();
		throw error;
	}
}

/** Waits before the next attempt; a stop during the wait surfaces as an aborted transport error. */
async function pauseBeforeRetry(ms: number, signal: AbortSignal | undefined): Promise<void> {
	await sleep(ms, signal).catch(() => {
		throw classifyNetworkError(new AbortedError(), signal);
	});
}
