import { Agent, EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';

import { egressRefusedError, hostOf, isEgressRefusal } from './egress';
import type { EgressFilter } from './egress';
import { TransportError } from './errors';
import type { TransportFailureKind } from './errors';
import { COUNTED_AT_GRANT } from './limiter';
import type { RateLimiter, RateSlot } from './limiter';
import { redactSecretFields } from './redact';
import {
	AbortedError,
	DEFAULT_RETRY_POLICY,
	backoffDelay,
	parseRetryAfter,
	sleep,
	throwIfAborted,
} from './retry';
import type { RetryPolicy } from './retry';

/**
 * The one HTTP transport every vendor client uses: undici with one keep-alive pool per origin for
 * the whole process, timeouts, proxy support, and a retry loop that never repeats a request that
 * may have changed something on the server unless the request is declared idempotent.
 */

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
}

/** One attempt sent some other way than our pool; answers of any status come back, never thrown. */
export type RequestSender = (url: string, spec: HttpRequestSpec, settings: TransportSettings) => Promise<HttpResponse>;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

export const DEFAULT_TRANSPORT_SETTINGS: Omit<TransportSettings, 'idempotent'> = {
	connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
	responseTimeoutMs: DEFAULT_RESPONSE_TIMEOUT_MS,
	retry: DEFAULT_RETRY_POLICY,
};

/** 429 and the 5xx answers gateways give when the service is busy or briefly away. */
export function defaultTransientVerdict(response: HttpResponse): TransientVerdict | undefined {
	if (response.status === 429) return { reason: 'HTTP 429', reachedService: false };
	if (response.status === 502 || response.status === 503 || response.status === 504) {
		return { reason: `HTTP ${response.status}`, reachedService: true };
	}
	if (response.status >= 500) return { reason: `HTTP ${response.status}`, reachedService: true };
	return undefined;
}

const dispatchers = new Map<string, Dispatcher>();

/** A number per egress filter object, so pools made with its lookup are never handed to another. */
const egressIds = new WeakMap<EgressFilter, number>();
let egressCount = 0;

function egressKey(egress: EgressFilter | undefined): string {
	if (!egress) return 'open';
	let id = egressIds.get(egress);
	if (id === undefined) {
		id = ++egressCount;
		egressIds.set(egress, id);
	}
	return `egress${id}`;
}

function proxyConfigured(): boolean {
	const env = process.env;
	return Boolean(env.HTTP_PROXY || env.HTTPS_PROXY || env.http_proxy || env.https_proxy);
}

/**
 * One dispatcher per (connect timeout, TLS strictness, proxy on/off, egress filter). undici's
 * Agent keeps one Pool per origin inside it, so connections are reused across items, pages and
 * executions. A filtered dispatcher resolves with the filter's secure lookup, so a socket opened
 * without it (in an unfiltered dispatcher) is never reused for a filtered request. Through a proxy
 * the lookup only serves direct (NO_PROXY) connections; the proxy itself is reached as configured
 * and the destination is checked before sending (`sendOnce`), as n8n's own egress does.
 */
function dispatcherFor(connectTimeoutMs: number, allowInsecureTls: boolean, egress: EgressFilter | undefined): Dispatcher {
	const useProxy = proxyConfigured();
	const key = `${connectTimeoutMs}|${allowInsecureTls}|${useProxy}|${egressKey(egress)}`;
	let dispatcher = dispatchers.get(key);
	if (!dispatcher) {
		const connect = {
			timeout: connectTimeoutMs,
			rejectUnauthorized: !allowInsecureTls,
			...(egress ? { lookup: egress.createSecureLookup() } : {}),
		};
		const options = { connect, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 };
		dispatcher = useProxy ? new EnvHttpProxyAgent(options) : new Agent(options);
		dispatchers.set(key, dispatcher);
	}
	return dispatcher;
}

/** Closes every pooled connection (tests and benchmarks call it on shutdown). */
export async function closeTransport(): Promise<void> {
	const all = [...dispatchers.values()];
	dispatchers.clear();
	await Promise.all(all.map(async (d) => await d.close()));
}

function buildUrl(spec: HttpRequestSpec): string {
	if (!spec.query) return spec.url;
	const url = new URL(spec.url);
	for (const [key, value] of Object.entries(spec.query)) {
		if (value !== undefined) url.searchParams.set(key, String(value));
	}
	return url.toString();
}

function normaliseHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const key in raw) {
		const value = raw[key];
		if (value === undefined) continue;
		out[key.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
	}
	return out;
}

const BEFORE_SENDING_CODES = new Set([
	'UND_ERR_CONNECT_TIMEOUT',
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/**
 * OpenSSL's verdicts on a server certificate, and node's host-name check. None of them passes
 * by itself, so a request refused for one is never repeated.
 */
const CERTIFICATE_CODES = new Set([
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'HOSTNAME_MISMATCH',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
	'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
	'CERT_SIGNATURE_FAILURE',
	'CERT_NOT_YET_VALID',
	'CERT_HAS_EXPIRED',
	'ERROR_IN_CERT_NOT_BEFORE_FIELD',
	'ERROR_IN_CERT_NOT_AFTER_FIELD',
	'CERT_CHAIN_TOO_LONG',
	'CERT_REVOKED',
	'INVALID_CA',
	'PATH_LENGTH_EXCEEDED',
	'INVALID_PURPOSE',
	'CERT_UNTRUSTED',
	'CERT_REJECTED',
]);

/** Error codes along the cause chain (undici wraps socket errors). */
function errorCodes(error: unknown): string[] {
	const codes: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') codes.push(code);
		current = (current as { cause?: unknown }).cause;
	}
	return codes;
}

/**
 * Classifies a low-level failure: did any byte possibly reach the server? `url` is the address
 * asked for, so a certificate failure can name its host.
 */
export function classifyNetworkError(error: unknown, signal?: AbortSignal, url?: string): TransportError {
	// Already judged on the way (a destination n8n's policy refused, a redirect).
	if (error instanceof TransportError) return error;
	if (signal?.aborted || error instanceof AbortedError) {
		return new TransportError({ kind: 'aborted', message: 'The execution was stopped', mayHaveReachedServer: true });
	}
	// n8n's secure lookup refused the address at connect time: nothing was sent, nothing will pass.
	if (isEgressRefusal(error) && url !== undefined) return egressRefusedError(url, error);
	const codes = errorCodes(error);
	const certificate = codes.find((code) => CERTIFICATE_CODES.has(code));
	if (certificate) {
		return new TransportError({
			kind: 'certificate',
			message: `The TLS certificate of ${hostOf(url)} was not accepted (${certificate})`,
			mayHaveReachedServer: false,
		});
	}
	const beforeSending = codes.find((code) => BEFORE_SENDING_CODES.has(code));
	if (beforeSending) {
		return new TransportError({
			kind: 'connect',
			message: `Could not connect to the server (${beforeSending})`,
			mayHaveReachedServer: false,
		});
	}
	if (codes.includes('UND_ERR_HEADERS_TIMEOUT') || codes.includes('UND_ERR_BODY_TIMEOUT')) {
		return new TransportError({ kind: 'timeout', message: 'The server did not answer in time', mayHaveReachedServer: true });
	}
	if (codes.some((code) => ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'].includes(code))) {
		return new TransportError({ kind: 'reset', message: 'The connection was closed before an answer arrived', mayHaveReachedServer: true });
	}
	const text = error instanceof Error ? error.message : String(error);
	return new TransportError({ kind: 'network', message: `Network error: ${text}`, mayHaveReachedServer: true });
}

/**
 * Tells a rate slot when its request starts being written: undici calls a handler's
 * onRequestStart on the connection, right before it writes the request (after any connect).
 */
function reportingWrite(slot: RateSlot): Dispatcher.DispatcherComposeInterceptor {
	return (dispatch) => (options, handler) =>
		dispatch(options, {
			onRequestStart: (controller, context: unknown) => {
				slot.sent();
				handler.onRequestStart?.(controller, context);
			},
			onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
			onResponseStart: (controller, statusCode, headers, statusMessage) => handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
			onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
			onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
			onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
		});
}

async function sendOnce(spec: HttpRequestSpec, settings: TransportSettings, slot: RateSlot | undefined): Promise<HttpResponse> {
	const url = buildUrl(spec);
	const egress = settings.egress;
	if (egress) {
		// Before any connection (and before a proxy is asked): an IP literal is checked as it is,
		// a host name by what it resolves to. The secure lookup checks again when connecting.
		let verdict: Awaited<ReturnType<EgressFilter['validateUrl']>>;
		try {
			verdict = await egress.validateUrl(url);
		} catch (error) {
			// The name did not resolve: nothing left, so the rate slot is free again.
			slot?.release();
			throw error;
		}
		if (!verdict.ok) {
			slot?.release();
			throw egressRefusedError(url, verdict.error);
		}
	}
	if (settings.sender) {
		let answer: HttpResponse;
		try {
			answer = await settings.sender(url, spec, settings);
		} catch (error) {
			// n8n's policy refuses before connecting: nothing left. Otherwise it may have.
			if (isEgressRefusal(error)) slot?.release();
			throw error;
		} finally {
			// The helper does not say when it writes: counted once it is done, never too early.
			slot?.sent();
		}
		return refuseRedirect(answer, url, egress);
	}
	const pooled = dispatcherFor(settings.connectTimeoutMs, settings.allowInsecureTls ?? false, egress);
	// Only a slot that counts from the send needs to hear of it.
	const dispatcher = slot && slot !== COUNTED_AT_GRANT ? pooled.compose(reportingWrite(slot)) : pooled;
	let response: HttpResponse;
	try {
		response = await requestOnce(url, spec, settings, dispatcher);
	} finally {
		// Had undici not said it wrote the request (a failure on the way), count it from now: a
		// request that may have left must never be uncounted.
		slot?.sent();
	}
	return refuseRedirect(response, url, egress);
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * No vendor here documents a redirect, so none is followed (undici's dispatcher never follows one
 * on its own): a redirect answer fails, naming where it pointed (host only) and, when n8n's policy
 * refuses that target, saying so.
 */
function refuseRedirect(response: HttpResponse, url: string, egress: EgressFilter | undefined): HttpResponse {
	const location = response.headers.location;
	if (!REDIRECT_STATUSES.has(response.status) || location === undefined || location === '') return response;
	let target: string;
	try {
		target = new URL(location, url).toString();
	} catch {
		target = location;
	}
	try {
		egress?.validateRedirectSync(target);
	} catch (error) {
		throw egressRefusedError(target, error, `a redirect from ${hostOf(url)} to`);
	}
	throw new TransportError({
		kind: 'redirect',
		message: `${hostOf(url)} answered with a redirect to ${hostOf(target)}, which is not followed`,
		mayHaveReachedServer: true,
		httpStatus: response.status,
	});
}

/**
 * One request, its body gathered straight from undici's dispatch callbacks into one Buffer and
 * decoded once. undici's `request()` + `body.text()` put a response stream, an async resource and
 * a consuming promise chain on every answer, which was most of our CPU per page in the listing
 * profile; what reaches the caller is the same (status, lower-case headers, the UTF-8 text with a
 * leading byte-order mark dropped, as `body.text()` does).
 */
async function requestOnce(url: string, spec: HttpRequestSpec, settings: TransportSettings, dispatcher: Dispatcher): Promise<HttpResponse> {
	const target = new URL(url);
	const { signal } = settings;
	return await new Promise<HttpResponse>((resolve, reject) => {
		let controller: Dispatcher.DispatchController | undefined;
		let settled = false;
		let status = 0;
		let headers: IncomingHttpHeaders = {};
		const chunks: Buffer[] = [];
		let bytes = 0;
		const abortReason = (): Error => (signal?.reason instanceof Error ? signal.reason : new AbortedError());
		const onAbort = (): void => {
			if (controller) controller.abort(abortReason());
			// Still queued for a connection: undici hears of it in onRequestStart, the caller now.
			else finish(abortReason());
		};
		function finish(error: Error | undefined, response?: HttpResponse): void {
			if (settled) return;
			settled = true;
			signal?.removeEventListener('abort', onAbort);
			if (error !== undefined || response === undefined) reject(error ?? new Error('no answer'));
			else resolve(response);
		}
		if (signal?.aborted) {
			finish(abortReason());
			return;
		}
		signal?.addEventListener('abort', onAbort);
		const handler: Dispatcher.DispatchHandler = {
			onRequestStart: (requestController) => {
				controller = requestController;
				if (signal?.aborted) requestController.abort(abortReason());
			},
			onResponseStart: (_controller, statusCode, responseHeaders) => {
				// 1xx informational answers come before the real one.
				if (statusCode < 200) return;
				status = statusCode;
				headers = responseHeaders;
			},
			onResponseData: (_controller, chunk) => {
				chunks.push(chunk);
				bytes += chunk.length;
			},
			onResponseEnd: () => {
				const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes);
				let text = body.toString('utf8');
				if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
				finish(undefined, { status, headers: normaliseHeaders(headers), text });
			},
			onResponseError: (_controller, error) => finish(error),
		};
		try {
			dispatcher.dispatch(
				{
					origin: target.origin,
					path: `${target.pathname}${target.search}`,
					method: spec.method,
					headers: spec.headers,
					body: spec.body,
					headersTimeout: settings.responseTimeoutMs,
					bodyTimeout: settings.responseTimeoutMs,
				},
				handler,
			);
		} catch (error) {
			finish(error instanceof Error ? error : new Error(String(error)));
		}
	});
}

/**
 * A stop is the user's (or n8n's) decision; a refused certificate, a destination n8n's policy
 * refuses and a redirect stay what they are on the next try.
 */
const NEVER_RETRIED: ReadonlySet<TransportFailureKind> = new Set(['aborted', 'certificate', 'egress-refused', 'redirect']);

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
		const { spec, slot } = await prepareAttempt(build, settings);
		onAttempt?.(attempt);
		let response: HttpResponse;
		try {
			response = await sendOnce(spec, settings, slot);
		} catch (error) {
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

const parsedBodies = new WeakMap<HttpResponse, { ok: true; value: unknown } | { ok: false }>();

/** The body parsed as JSON (once per response, however many places ask), or undefined. */
export function jsonOf(response: HttpResponse): unknown {
	let parsed = parsedBodies.get(response);
	if (!parsed) {
		try {
			parsed = response.text.trim() === '' ? { ok: false } : { ok: true, value: JSON.parse(response.text) as unknown };
		} catch {
			parsed = { ok: false };
		}
		parsedBodies.set(response, parsed);
	}
	return parsed.ok ? parsed.value : undefined;
}

function isReadableJson(response: HttpResponse): boolean {
	jsonOf(response);
	return parsedBodies.get(response)?.ok === true;
}

function unreadableVerdict(response: HttpResponse, profile: VendorProfile): TransientVerdict | undefined {
	if (profile.jsonBodies === false || response.status < 200 || response.status >= 300) return undefined;
	return isReadableJson(response) ? undefined : { reason: 'unreadable answer', reachedService: true };
}

const EXCERPT_LENGTH = 160;

/** A short, single-line, secret-free excerpt of a body for error messages. */
export function bodyExcerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const cut = flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat;
	return redactSecretFields(cut);
}

/**
 * Parses a JSON body. An HTML error page or a truncated body becomes a TransportError with the
 * HTTP status and a short excerpt, never a JSON parse stack trace.
 */
export function parseJsonBody(response: HttpResponse, profile: VendorProfile): unknown {
	const requestId = profile.requestIdHeader ? response.headers[profile.requestIdHeader.toLowerCase()] : undefined;
	if (isReadableJson(response)) return jsonOf(response);
	const looksHtml = /^\s*</.test(response.text);
	return throwNonJson(response, profile, looksHtml, requestId);
}

/** Like parseJsonBody, for APIs whose every answer is a JSON object (an envelope). */
export function parseJsonObject(response: HttpResponse, profile: VendorProfile): Record<string, unknown> {
	const body = parseJsonBody(response, profile);
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		throw new TransportError({
			kind: 'non-json',
			message: `${profile.name} answered with JSON that is not an object`,
			mayHaveReachedServer: true,
			httpStatus: response.status,
			excerpt: bodyExcerpt(response.text),
		});
	}
	return body as Record<string, unknown>;
}

/** The object rows of a vendor's list; null and non-object entries carry no record and are dropped. */
export function objectRows<T extends object = Record<string, unknown>>(list: unknown): T[] {
	if (!Array.isArray(list)) return [];
	return list.filter((row): row is T => row !== null && typeof row === 'object' && !Array.isArray(row));
}

function throwNonJson(
	response: HttpResponse,
	profile: VendorProfile,
	looksHtml: boolean,
	requestId: string | undefined,
): never {
	const what = response.text.trim() === '' ? 'an empty body' : looksHtml ? 'an HTML page' : 'a body that is not valid JSON';
	throw new TransportError({
		kind: 'non-json',
		message: `${profile.name} answered with ${what} instead of JSON`,
		mayHaveReachedServer: true,
		httpStatus: response.status,
		excerpt: response.text.trim() === '' ? undefined : bodyExcerpt(response.text),
		requestId,
	});
}
