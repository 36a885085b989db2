/** The shapes every vendor client and the transport share: a request, its answer, a vendor's profile, the settings. */

import type { EgressFilter } from './egress';
import type { RateLimiter } from './rate-limiter';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequestSpec {
	method: HttpMethod;
	url: string;
	query?: Record<string, string | number | boolean | undefined>;
	headers?: Record<string, string>;
	/** The exact bytes to send; signers hash these, so nothing re-serialises them later. */
	body?: string;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	text: string;
}

export interface TransientVerdict {
	reason: string;
	/**
	 * Whether the request reached the vendor's service before it was refused. A gateway that
	 * throttles in front of the service refuses before it; a 500 from the service may come after
	 * the service acted. Only requests that did not reach it may be repeated when not idempotent.
	 */
	reachedService: boolean;
}

export interface VendorProfile {
	/** Shown in error messages: "WeLink", "Mingdao" … */
	name: string;
	/** Which answers are worth retrying. Defaults to `defaultTransientVerdict`. */
	transientAnswer?: (response: HttpResponse) => TransientVerdict | undefined;
	/** Header carrying the vendor's request id, for error messages. */
	requestIdHeader?: string;
	/**
	 * The API answers JSON (true unless set false). A 2xx answer whose body is not readable JSON
	 * — a truncated body, a proxy's HTML page — is then treated as transient: retried where the
	 * request is idempotent, since the request may have been served but the answer was lost.
	 */
	jsonBodies?: boolean;
}

export interface RetryPolicy {
	/** Attempts in total, the first included. 1 means never retry. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A vendor's Retry-After longer than this is capped, so one answer cannot stall a run for hours. */
	maxRetryAfterMs: number;
}

export interface TransportSettings {
	connectTimeoutMs: number;
	responseTimeoutMs: number;
	retry: RetryPolicy;
	/** May this request be sent again after it may have reached the server? */
	idempotent: boolean;
	signal?: AbortSignal;
	rateLimiter?: RateLimiter;
	/** Accept self-signed certificates (private deployments). */
	allowInsecureTls?: boolean;
	/**
	 * n8n's outbound network policy for this run (n8n 2.41's `getSecureEgressFilter`); undefined
	 * where n8n offers none (1.x), and then requests go out unchecked, as n8n's own do there.
	 */
	egress?: EgressFilter;
	/**
	 * Sends through n8n's own request helper instead of our pool. Where n8n hands code no egress
	 * filter but a helper (a credential's preAuthentication, a credential test function), that
	 * helper applies n8n's outbound policy itself (2.41), or sends as n8n always did (1.x).
	 */
	sender?: RequestSender;
	/** The caller's place among its requests in flight (a listing's Concurrency); see InFlightSlot. */
	inFlight?: InFlightSlot;
}

/**
 * A place among the requests a caller keeps in flight at once. The caller holds it when the
 * request starts; the transport gives it back the moment the answer has arrived, before the answer
 * is read, so the caller's next request goes out before this answer's work is done, and takes it
 * again before a retry. Both calls may be repeated: only the first of each counts.
 */
export interface InFlightSlot {
	acquire(): Promise<void>;
	release(): void;
}

/** One attempt sent some other way than our pool; answers of any status come back, never thrown. */
export type RequestSender = (
	url: string,
	spec: HttpRequestSpec,
	settings: TransportSettings,
) => Promise<HttpResponse>;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;
