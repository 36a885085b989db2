import { TransportError, VendorApiError } from '../shared/errors';
import type { Redactor } from '../shared/redact';
import { defaultTransientVerdict, jsonOf, parseJsonBody, sendWithRetry } from '../shared/transport';
import type { HttpResponse, TransientVerdict, TransportSettings, VendorProfile } from '../shared/transport';

import { VENDOR_NAME, buildEnvelope } from './gateway';
import type { EnvelopeRequest, GatewayCredentials } from './gateway';
import { JSON_ACCEPT, JSON_CONTENT_TYPE, signGatewayRequest } from './signer';

/**
 * The IoT Living Link API client: one envelope per call, signed afresh on every attempt, sent
 * through the shared transport. Gateway refusals (HTTP status + X-Ca-Error-Message) and business
 * codes in the body both become VendorApiError.
 */

interface GatewayBody {
	id?: string;
	code?: number | string;
	message?: string | null;
	localizedMsg?: string | null;
	data?: unknown;
}

/** The gateway's throttling answers ("Request Limited", "Throttled by … Flow Control"). */
const THROTTLED = /request limited|throttl|flow control/i;

/** The body as the gateway's JSON object, or undefined (parsed once per response by the transport). */
function gatewayBody(response: HttpResponse): GatewayBody | undefined {
	const parsed = jsonOf(response);
	return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as GatewayBody) : undefined;
}

/**
 * Which answers are passing. HTTP 403 throttling comes from the gateway before the service, so
 * even a single-use call may be repeated after it. Body 429, 20056 (backend invocation timeout)
 * and unreadable bodies come from behind the gateway: repeated only for calls safe to repeat.
 */
export function aliyunTransientAnswer(response: HttpResponse): TransientVerdict | undefined {
	if (response.status === 403) {
		const message = response.headers['x-ca-error-message'] ?? gatewayBody(response)?.message ?? '';
		if (THROTTLED.test(message)) return { reason: 'gateway throttling (HTTP 403)', reachedService: false };
		return undefined;
	}
	if (response.status === 200) {
		// An unreadable 200 is left to the transport, which treats it as transient for every vendor.
		const body = gatewayBody(response);
		if (!body) return undefined;
		const code = Number(body.code);
		if (code === 429) return { reason: 'too many requests (code 429)', reachedService: true };
		if (code === 20056) return { reason: 'backend invocation timeout (code 20056)', reachedService: true };
		return undefined;
	}
	return defaultTransientVerdict(response);
}

export const ALIYUN_PROFILE: VendorProfile = {
	name: VENDOR_NAME,
	transientAnswer: aliyunTransientAnswer,
	requestIdHeader: 'x-ca-request-id',
};

/** Short advice for the codes users meet most, shown under the error. */
function hintFor(code: string, message: string, status: number): string | undefined {
	if (/signature/i.test(message)) {
		return 'The gateway computed another signature. Check the AppKey and AppSecret in the credential (no extra spaces) and that the host matches the region of the app.';
	}
	if (/timestamp/i.test(message)) {
		return 'The request timestamp is outside the gateway\'s 15-minute window: the clock of the machine running n8n is probably wrong. Synchronise it (NTP).';
	}
	if (/nonce/i.test(message)) {
		return 'The gateway has already seen this request nonce (a replay). Every request carries a fresh nonce, so look for a proxy that resends requests.';
	}
	if (/content-md5/i.test(message)) return 'The body arrived changed on the way (Content-MD5 mismatch); look for a proxy that rewrites bodies.';
	if (/appkey/i.test(message)) return 'The gateway does not know this AppKey. Check the credential and the host (China or international).';
	if (status === 403 && THROTTLED.test(message)) return 'The gateway\'s rate limit was reached. Lower Concurrency or run the workflow later.';
	switch (code) {
		case '2459':
			return 'The auth code or session id was not found. Auth codes are single-use and short-lived: get a fresh one from the OA login.';
		case '2441':
			return 'An employee with this phone number already exists in the company.';
		case '2404':
			return 'The phone number in the OA profile has an invalid format.';
		case '2405':
			return 'The company has not been initialised on the platform.';
		case '403':
			return 'The request was forbidden: the AppKey is wrong or the app has no permission for this API. Check the API authorisation in the IoT Living Link console.';
		case '401':
			return 'The request was not authorised. Check the AppKey, and the iotToken / cloudToken if the API needs one.';
		case '460':
			return 'A request parameter is missing or invalid.';
		case '429':
			return 'Too many requests. Lower Concurrency or run the workflow later.';
		case '20056':
			return 'The platform\'s backend did not answer in time.';
		default:
			return undefined;
	}
}

export interface CallOptions {
	/** May the call be sent again after it may have reached the service? */
	idempotent: boolean;
	iotToken?: string;
	cloudToken?: string;
	language?: string;
	/** Added to the message when a single-use call's outcome is unknown. */
	unsureOutcomeNote?: string;
}

export class AliyunIotClient {
	constructor(
		private readonly credentials: GatewayCredentials,
		private readonly redactor: Redactor,
		private readonly settings: Omit<TransportSettings, 'idempotent'>,
	) {
		// The AppKey is entered as a password, so users expect it hidden like one.
		redactor.add(credentials.appSecret).add(credentials.appKey);
	}

	/** Calls one API and returns its `data`; throws VendorApiError / TransportError. */
	async call(path: string, apiVer: string, params: Record<string, unknown>, options: CallOptions): Promise<unknown> {
		const request: EnvelopeRequest = { apiVer, iotToken: options.iotToken, cloudToken: options.cloudToken, language: options.language };
		this.redactor.add(options.iotToken).add(options.cloudToken);
		const envelope = buildEnvelope(request, params);
		const text = JSON.stringify(envelope);
		const bytes = Buffer.from(text, 'utf8');
		const url = `${this.credentials.baseUrl}${path}`;
		const signedPath = new URL(url).pathname;

		const unsure = !options.idempotent ? options.unsureOutcomeNote : undefined;
		try {
			const response = await sendWithRetry(
				() => {
					const signed = signGatewayRequest({
						method: 'POST',
						path: signedPath,
						headers: { Accept: JSON_ACCEPT, 'Content-Type': JSON_CONTENT_TYPE },
						body: bytes,
						appKey: this.credentials.appKey,
						appSecret: this.credentials.appSecret,
					});
					this.redactor.add(signed.signature);
					return { method: 'POST', url, headers: signed.headers, body: text };
				},
				{ ...this.settings, idempotent: options.idempotent },
				ALIYUN_PROFILE,
			);
			return this.dataOf(response, envelope.id, unsure);
		} catch (error) {
			// A single-use call whose fate is unknown: say why it was not repeated and what to check.
			if (unsure && error instanceof TransportError && error.details.mayHaveReachedServer && error.details.kind !== 'aborted') {
				throw new TransportError({ ...error.details, message: `${error.details.message}. ${unsure}` });
			}
			throw error;
		}
	}

	private dataOf(response: HttpResponse, envelopeId: string, unsure: string | undefined): unknown {
		const requestId = response.headers['x-ca-request-id'] ?? envelopeId;
		const gatewayMessage = response.headers['x-ca-error-message'];
		if (gatewayMessage !== undefined || (response.status !== 200 && response.headers['x-ca-error-code'] !== undefined)) {
			const body = gatewayBody(response);
			const message = gatewayMessage ?? body?.message ?? `HTTP ${response.status}`;
			const code = response.headers['x-ca-error-code'] ?? String(response.status);
			throw new VendorApiError({
				vendor: `${VENDOR_NAME} gateway`,
				code,
				message,
				localizedMessage: body?.localizedMsg ?? undefined,
				httpStatus: response.status,
				requestId,
				hint: hintFor(code, message, response.status),
			});
		}
		const parsed = parseJsonBody(response, ALIYUN_PROFILE);
		const body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as GatewayBody) : undefined;
		if (!body || body.code === undefined) {
			throw new VendorApiError({
				vendor: VENDOR_NAME,
				code: String(response.status),
				message: `Unexpected answer without a code (HTTP ${response.status})`,
				httpStatus: response.status,
				requestId,
				hint: response.status >= 500 ? unsure : undefined,
			});
		}
		const code = String(body.code);
		if (code !== '200') {
			const message = body.message ?? `code ${code}`;
			let hint = hintFor(code, message, response.status);
			if (unsure && (code === '20056' || code === '429')) hint = [hint, unsure].filter(Boolean).join(' ');
			throw new VendorApiError({
				vendor: VENDOR_NAME,
				code,
				message,
				localizedMessage: body.localizedMsg ?? undefined,
				httpStatus: response.status,
				requestId: response.headers['x-ca-request-id'] ?? body.id ?? envelopeId,
				hint,
			});
		}
		return body.data;
	}
}
