/** One request through undici: the egress check, the write reported to the rate slot, the body gathered, no redirect followed. */

import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';

import { TransportError } from '../errors';
import { AbortedError } from './abort';
import { egressRefusedError, hostOf, isEgressRefusal } from './egress';
import { dispatcherFor } from './pool';
import { COUNTED_AT_GRANT } from './rate-limiter';
import type { RateSlot } from './rate-limiter';
import type { HttpRequestSpec, HttpResponse, TransportSettings } from './types';
import type { EgressFilter } from './egress';

/**
 * The one HTTP transport every vendor client uses: undici with one keep-alive pool per origin for
 * the whole process, timeouts, proxy support, and a retry loop that never repeats a request that
 * may have changed something on the server unless the request is declared idempotent.
 */

function buildUrl(spec: HttpRequestSpec): string {
	if (!spec.query) return spec.url;
	const url = new URL(spec.url);
	for (const [key, value] of Object.entries(spec.query)) {
		if (value !== undefined) url.searchParams.set(key, String(value));
	}
	return url.toString();
}

function normaliseHeaders(
	raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const key in raw) {
		const value = raw[key];
		if (value === undefined) continue;
		out[key.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
	}
	return out;
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
			onRequestUpgrade: (controller, statusCode, headers, socket) =>
				handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
			onResponseStart: (controller, statusCode, headers, statusMessage) =>
				handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
			onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
			onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
			onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
		});
}
export async function sendOnce(
	spec: HttpRequestSpec,
	settings: TransportSettings,
	slot: RateSlot | undefined,
): Promise<HttpResponse> {
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
			settings.inFlight?.release();
		}
		return refuseRedirect(answer, url, egress);
	}
	const pooled = dispatcherFor(
		settings.connectTimeoutMs,
		settings.allowInsecureTls ?? false,
		egress,
	);
	// Only a slot that counts from the send needs to hear of it.
	const dispatcher =
		slot && slot !== COUNTED_AT_GRANT ? pooled.compose(reportingWrite(slot)) : pooled;
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
function refuseRedirect(
	response: HttpResponse,
	url: string,
	egress: EgressFilter | undefined,
): HttpResponse {
	const location = response.headers.location;
	if (!REDIRECT_STATUSES.has(response.status) || location === undefined || location === '')
		return response;
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
async function requestOnce(
	url: string,
	spec: HttpRequestSpec,
	settings: TransportSettings,
	dispatcher: Dispatcher,
): Promise<HttpResponse> {
	const target = new URL(url);
	const { signal } = settings;
	return await new Promise<HttpResponse>((resolve, reject) => {
		let controller: Dispatcher.DispatchController | undefined;
		let settled = false;
		let status = 0;
		let headers: IncomingHttpHeaders = {};
		const chunks: Buffer[] = [];
		let bytes = 0;
		const abortReason = (): Error =>
			signal?.reason instanceof Error ? signal.reason : new AbortedError();
		const onAbort = (): void => {
			if (controller) controller.abort(abortReason());
			// Still queued for a connection: undici hears of it in onRequestStart, the caller now.
			else finish(abortReason());
		};
		const settle = (error: Error | undefined, response?: HttpResponse): void => {
			if (error !== undefined || response === undefined) reject(error ?? new Error('no answer'));
			else resolve(response);
		};
		function finish(error: Error | undefined, response?: HttpResponse): void {
			if (settled) return;
			settled = true;
			signal?.removeEventListener('abort', onAbort);
			const { inFlight } = settings;
			if (inFlight === undefined) {
				settle(error, response);
				return;
			}
			// The caller's next request goes out now; this answer is read once the answers that
			// arrived with it have let theirs go too (setImmediate runs after the pending I/O).
			inFlight.release();
			setImmediate(settle, error, response);
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
