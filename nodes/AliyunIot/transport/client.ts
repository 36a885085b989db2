import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { TransportError, VendorApiError } from '../../shared/errors';
import { readRequestTuning } from '../../shared/descriptions/options';
import { transportSettings } from '../../shared/execution/transport-settings';
import type { Redactor } from '../../shared/redact';
import type { OperationRun } from '../../shared/execution/router';
import { defaultTransientVerdict } from '../../shared/http/classify';
import { jsonOf, parseJsonBody } from '../../shared/http/body';
import { sendWithRetry } from '../../shared/http/retry';
import type {
	HttpResponse,
	TransientVerdict,
	TransportSettings,
	VendorProfile,
} from '../../shared/http/types';
import { joinSentences } from '../../shared/text';

import { SUCCESS_CODE, THROTTLED, hintFor, refusesAliyunRun } from '../helpers/codes';

import { JSON_ACCEPT, JSON_CONTENT_TYPE, signGatewayRequest } from './auth';
import type { AliyunIotConnection } from './connection';

/**
 * The IoT Living Link API client: one envelope per call, signed afresh on every attempt, sent
 * through the shared transport. Gateway refusals (HTTP status + X-Ca-Error-Message) and business
 * codes in the body both become VendorApiError.
 */

export const VENDOR_NAME = 'Aliyun IoT';

/** The employee APIs share one prefix. */
const employeeApi = (name: string): string => `/user/account/employee/${name}`;

export const ALIYUN_IOT_PATHS = {
	createByAuthCode: employeeApi('createbyauthcode'),
	queryByCompanyId: employeeApi('querybycompanyid'),
	/** The platform's connectivity test: echoes `params.input` as `data` (help.aliyun.com/document_detail/604822.html). */
	ping: '/kit/debug/ping',
} as const;

export const API_VERSIONS = {
	createByAuthCode: '1.0.0',
	queryByCompanyId: '1.0.0',
	ping: '1.0.0',
} as const;

/** querybycompanyid takes pageSize 1..100. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_CONCURRENCY = 4;

export const ENVELOPE_VERSION = '1.0';

export interface EnvelopeRequest {
	apiVer: string;
	iotToken?: string;
	cloudToken?: string;
	language?: string;
}

export interface Envelope {
	id: string;
	version: string;
	request: EnvelopeRequest;
	params: Record<string, unknown>;
}

/** The body every Living Link API takes; `id` is fresh per logical call (kept across retries). */
export function buildEnvelope(request: EnvelopeRequest, params: Record<string, unknown>): Envelope {
	const inner: EnvelopeRequest = { apiVer: request.apiVer };
	if (request.iotToken) inner.iotToken = request.iotToken;
	if (request.cloudToken) inner.cloudToken = request.cloudToken;
	if (request.language) inner.language = request.language;
	return { id: randomUUID(), version: ENVELOPE_VERSION, request: inner, params };
}

interface GatewayBody {
	id?: string;
	code?: number | string;
	message?: string | null;
	localizedMsg?: string | null;
	data?: unknown;
}

/** The body as the gateway's JSON object, or undefined (parsed once per response by the transport). */
function gatewayBody(response: HttpResponse): GatewayBody | undefined {
	const parsed = jsonOf(response);
	return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
		? (parsed as GatewayBody)
		: undefined;
}

/**
 * Which answers are passing. HTTP 403 throttling comes from the gateway before the service, so
 * even a single-use call may be repeated after it. Body 429, 20056 (backend invocation timeout)
 * and unreadable bodies come from behind the gateway: repeated only for calls safe to repeat.
 */
export function aliyunTransientAnswer(response: HttpResponse): TransientVerdict | undefined {
	if (response.status === 403) {
		const message = response.headers['x-ca-error-message'] ?? gatewayBody(response)?.message ?? '';
		if (THROTTLED.test(message))
			return { reason: 'gateway throttling (HTTP 403)', reachedService: false };
		return undefined;
	}
	if (response.status === 200) {
		// An unreadable 200 is left to the transport, which treats it as transient for every vendor.
		const body = gatewayBody(response);
		if (!body) return undefined;
		const code = Number(body.code);
		if (code === 429) return { reason: 'too many requests (code 429)', reachedService: true };
		if (code === 20056)
			return { reason: 'backend invocation timeout (code 20056)', reachedService: true };
		return undefined;
	}
	return defaultTransientVerdict(response);
}

export const ALIYUN_IOT_PROFILE: VendorProfile = {
	name: VENDOR_NAME,
	transientAnswer: aliyunTransientAnswer,
	requestIdHeader: 'x-ca-request-id',
};

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
		private readonly connection: AliyunIotConnection,
		private readonly redactor: Redactor,
		private readonly settings: Omit<TransportSettings, 'idempotent'>,
	) {
		// The AppKey is entered as a password, so users expect it hidden like one.
		redactor.add(connection.appSecret).add(connection.appKey);
	}

	/** Calls one API and returns its `data`; throws VendorApiError / TransportError. */
	async call(
		path: string,
		apiVer: string,
		params: Record<string, unknown>,
		options: CallOptions,
	): Promise<unknown> {
		const request: EnvelopeRequest = {
			apiVer,
			iotToken: options.iotToken,
			cloudToken: options.cloudToken,
			language: options.language,
		};
		this.redactor.add(options.iotToken).add(options.cloudToken);
		const envelope = buildEnvelope(request, params);
		const text = JSON.stringify(envelope);
		const bytes = Buffer.from(text, 'utf8');
		const url = `${this.connection.baseUrl}${path}`;
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
						appKey: this.connection.appKey,
						appSecret: this.connection.appSecret,
					});
					this.redactor.add(signed.signature);
					return { method: 'POST', url, headers: signed.headers, body: text };
				},
				{ ...this.settings, idempotent: options.idempotent },
				ALIYUN_IOT_PROFILE,
			);
			return this.dataOf(response, envelope.id, unsure);
		} catch (error) {
			// A single-use call whose fate is unknown: say why it was not repeated and what to check.
			if (
				unsure &&
				error instanceof TransportError &&
				error.details.mayHaveReachedServer &&
				error.details.kind !== 'aborted'
			) {
				throw new TransportError({
					...error.details,
					message: joinSentences([error.details.message, unsure]),
				});
			}
			throw error;
		}
	}

	private dataOf(response: HttpResponse, envelopeId: string, unsure: string | undefined): unknown {
		const requestId = response.headers['x-ca-request-id'] ?? envelopeId;
		const gatewayMessage = response.headers['x-ca-error-message'];
		if (
			gatewayMessage !== undefined ||
			(response.status !== 200 && response.headers['x-ca-error-code'] !== undefined)
		) {
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
				refusesRun: refusesAliyunRun(code, message, true),
			});
		}
		const parsed = parseJsonBody(response, ALIYUN_IOT_PROFILE);
		const body =
			parsed && typeof parsed === 'object' && !Array.isArray(parsed)
				? (parsed as GatewayBody)
				: undefined;
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
		if (code !== String(SUCCESS_CODE)) {
			const message = body.message ?? `code ${code}`;
			let hint = hintFor(code, message, response.status);
			if (unsure && (code === '20056' || code === '429'))
				hint = [hint, unsure].filter(Boolean).join(' ');
			throw new VendorApiError({
				vendor: VENDOR_NAME,
				code,
				message,
				localizedMessage: body.localizedMsg ?? undefined,
				httpStatus: response.status,
				requestId: response.headers['x-ca-request-id'] ?? body.id ?? envelopeId,
				hint,
				refusesRun: refusesAliyunRun(code, message, false),
			});
		}
		return body.data;
	}
}

/** The client for one item, tuned by that item's Options, and how many requests it may have in flight. */
export function createClient(
	run: OperationRun<AliyunIotConnection>,
	options: IDataObject,
): { client: AliyunIotClient; concurrency: number } {
	const tuning = readRequestTuning(options, { concurrency: DEFAULT_CONCURRENCY });
	// Whether a call may be repeated is decided per call (CallOptions), not here.
	const settings = transportSettings(tuning, {
		signal: run.signal,
		idempotent: false,
		egress: run.egress,
	});
	return {
		client: new AliyunIotClient(run.connection, run.redactor, settings),
		concurrency: tuning.concurrency,
	};
}
