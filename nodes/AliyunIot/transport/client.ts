import type { IDataObject } from 'n8n-workflow';

import { TransportError, VendorApiError } from '../../shared/errors';
import { readRequestTuning } from '../../shared/descriptions/options';
import { transportSettings } from '../../shared/execution/transport-settings';
import type { Redactor } from '../../shared/redact';
import type { OperationRun } from '../../shared/execution/router';
import { parseJsonBody } from '../../shared/http/body';
import { sendWithRetry } from '../../shared/http/retry';
import type { HttpResponse, TransportSettings, VendorProfile } from '../../shared/http/types';
import { joinSentences } from '../../shared/text';

import { SUCCESS_CODE, hintFor, refusesAliyunRun } from '../helpers/codes';

import { JSON_ACCEPT, JSON_CONTENT_TYPE, signGatewayRequest } from './auth';
import type { AliyunIotConnection } from './connection';
import { buildEnvelope } from './envelope';
import type { EnvelopeRequest } from './envelope';
import { aliyunTransientAnswer, gatewayBody } from './gatewayAnswer';
import type { GatewayBody } from './gatewayAnswer';

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
