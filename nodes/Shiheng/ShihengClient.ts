import { ParameterError, TransportError, VendorApiError } from '../shared/errors';
import type { Redactor } from '../shared/redact';
import { objectRows, parseJsonObject, sendWithRetry } from '../shared/transport';
import type { TransportSettings, VendorProfile } from '../shared/transport';
import { requiredString, secureBaseUrl } from '../shared/validate';
import { schemeFromCredentials, signParams } from './signing';
import type { SigningIdentity } from './signing';

/**
 * The Shiheng open-platform client: every call is a POST of the common parameters plus
 * `paramContent` as JSON, signed afresh per attempt; success is `code === "0"`.
 */

export const VENDOR = 'Shiheng';

/**
 * Besides the usual 429/5xx, an answer that is not readable JSON (a gateway's HTML page, a body
 * cut short) is worth another try: every Shiheng call this node makes only reads, and the
 * transport repeats nothing that is not declared idempotent anyway.
 */
// The transport's defaults fit: 429/5xx and unreadable 2xx bodies are transient, and every
// Shiheng call here is a read, so all of them may be retried.
const PROFILE: VendorProfile = { name: VENDOR };

export interface ShihengConnection extends SigningIdentity {
	baseUrl: string;
}

export function connectionFromCredentials(data: Record<string, unknown>): ShihengConnection {
	return {
		baseUrl: secureBaseUrl(data.baseUrl, 'Base URL', data.allowInsecureHttp === true),
		appId: requiredString(data.appId, 'App ID'),
		appSecret: requiredString(data.appSecret, 'App Secret'),
		version: requiredString(data.version, 'Version', 'Enter the version from your Shiheng onboarding documents in the credential.'),
		scheme: schemeFromCredentials(data),
	};
}

/** Endpoint paths come from the user (Shiheng does not publish them): accept "/a/b" or "a/b", nothing with a host. */
export function endpointPath(value: unknown, field: string): string {
	const path = requiredString(
		value,
		field,
		"Enter the path from your Shiheng onboarding documents (the API document of your app). Shiheng does not publish its paths.",
	);
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
		throw new ParameterError(
			field,
			`${field} must be a path only, not a full URL`,
			"Put the host in the credential's Base URL and only the path (e.g. the part after the host) here.",
		);
	}
	if (/[\s?#]/.test(path)) throw new ParameterError(field, `${field} must not contain spaces, "?" or "#"`);
	return path.startsWith('/') ? path : `/${path}`;
}

interface Envelope {
	code?: unknown;
	msg?: unknown;
	traceId?: unknown;
	result?: unknown;
}

export interface EmployeePage {
	pages?: number;
	total?: number;
	result: Array<Record<string, unknown>>;
}

export interface CustomerPage {
	nextStartId: number | string | null;
	result: Array<Record<string, unknown>>;
}

function hintFor(message: string): string {
	if (/sign|签名/i.test(message)) {
		return 'Check the App Secret and the Signing Scheme in the credential: the scheme must be the one in your Shiheng onboarding documents.';
	}
	if (/time|时间/i.test(message)) {
		return "Check this machine's clock and the credential's Timestamp Unit (part of the Signing Scheme).";
	}
	return 'Shiheng does not publish its error codes; the message above is its own. Check the credential and the parameters.';
}

export class ShihengClient {
	constructor(
		private readonly connection: ShihengConnection,
		private readonly settings: TransportSettings,
		private readonly redactor: Redactor,
	) {
		redactor.add(connection.appSecret);
	}

	/** One signed POST; returns `result` of a `code "0"` answer, else throws VendorApiError. */
	async call(path: string, paramContent?: Record<string, unknown>): Promise<unknown> {
		const url = `${this.connection.baseUrl}${path}`;
		const response = await sendWithRetry(
			() => {
				const params = signParams(paramContent === undefined ? {} : { paramContent }, this.connection);
				this.redactor.add(params.sign);
				return {
					method: 'POST',
					url,
					headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
					body: JSON.stringify(params),
				};
			},
			this.settings,
			PROFILE,
		);
		const envelope = parseJsonObject(response, PROFILE) as Envelope;
		const requestId = typeof envelope.traceId === 'string' ? envelope.traceId : undefined;
		if (envelope.code === undefined || envelope.code === null) {
			throw new TransportError({
				kind: 'http-status',
				message: `${VENDOR} answered without a code`,
				mayHaveReachedServer: true,
				httpStatus: response.status,
				requestId,
			});
		}
		if (String(envelope.code) !== '0' || response.status >= 400) {
			const message = typeof envelope.msg === 'string' && envelope.msg !== '' ? envelope.msg : 'the request was refused without a message';
			throw new VendorApiError({
				vendor: VENDOR,
				code: String(envelope.code),
				message,
				httpStatus: response.status,
				requestId,
				hint: hintFor(message),
			});
		}
		return envelope.result;
	}

	async employeePage(path: string, pageNum: number, pageSize: number): Promise<EmployeePage> {
		const result = await this.call(path, { pageNum, pageSize });
		const page = (result ?? {}) as Partial<EmployeePage>;
		if (page.result !== undefined && page.result !== null && !Array.isArray(page.result)) {
			throw new TransportError({
				kind: 'non-json',
				message: `${VENDOR} answered with a result list that is not a list (page ${pageNum})`,
				mayHaveReachedServer: true,
			});
		}
		return {
			pages: typeof page.pages === 'number' ? page.pages : undefined,
			total: typeof page.total === 'number' ? page.total : undefined,
			result: objectRows(page.result),
		};
	}

	async customerPage(path: string, startId: number | string, pageSize: number): Promise<CustomerPage> {
		const result = await this.call(path, { startId, pageSize });
		const page = (result ?? {}) as Partial<CustomerPage>;
		const next = page.nextStartId;
		return {
			nextStartId: typeof next === 'number' || (typeof next === 'string' && next !== '') ? next : null,
			result: objectRows(page.result),
		};
	}
}
