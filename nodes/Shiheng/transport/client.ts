import type { IDataObject } from 'n8n-workflow';

import { ParameterError, TransportError, VendorApiError } from '../../shared/errors';
import { readRequestTuning } from '../../shared/descriptions/options';
import { transportSettings } from '../../shared/execution/transport-settings';
import type { OperationRun } from '../../shared/execution/router';
import type { Redactor } from '../../shared/redact';
import { objectRows, parseJsonObject } from '../../shared/http/body';
import { sendWithRetry } from '../../shared/http/retry';
import type { InFlightSlot, TransportSettings, VendorProfile } from '../../shared/http/types';
import { requiredString } from '../../shared/validate';
import { RUN_REFUSED_NOTE, errorHint, refusesShihengRun } from '../helpers/codes';
import { encodeSignedParams } from './requestStyle';
import { signParams } from './auth';
import type { ShihengConnection } from './connection';

/**
 * The Shiheng open-platform client: every call carries the common parameters plus `paramContent`,
 * signed afresh per attempt and sent with the credential's method and encoding (POST with a JSON
 * body unless the app's documents say otherwise); success is `code === "0"`.
 */

export const VENDOR = 'Shiheng';

// The transport's defaults fit: 429/5xx and unreadable 2xx bodies are transient, and every
// Shiheng call here is a read, so all of them may be retried.
export const SHIHENG_PROFILE: VendorProfile = { name: VENDOR };

/** Shiheng publishes no paths: each operation's Endpoint Path is the user's (from their onboarding). */
export const SHIHENG_PATHS = {} as const satisfies Record<string, string>;

/** Endpoint paths come from the user (Shiheng does not publish them): accept "/a/b" or "a/b", nothing with a host. */
export function endpointPath(value: unknown, field: string): string {
	const path = requiredString(
		value,
		field,
		'Enter the path from your Shiheng onboarding documents (the API document of your app). Shiheng does not publish its paths.',
	);
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
		throw new ParameterError(
			field,
			`${field} must be a path only, not a full URL`,
			"Put the host in the credential's Base URL and only the path (e.g. the part after the host) here.",
		);
	}
	if (/[\s?#]/.test(path))
		throw new ParameterError(field, `${field} must not contain spaces, "?" or "#"`);
	return path.startsWith('/') ? path : `/${path}`;
}

interface Envelope {
	code?: unknown;
	msg?: unknown;
	traceId?: unknown;
	result?: unknown;
}

export interface EmployeePage {
	/** The page count and the number of employees, as this answer states them (both optional in the doc). */
	pages?: number;
	total?: number;
	result: Array<Record<string, unknown>>;
	/** The answer's traceId, for audits. */
	traceId?: string;
}

interface Answer {
	result: unknown;
	traceId?: string;
}

export interface CustomerPage {
	nextStartId: number | string | null;
	result: Array<Record<string, unknown>>;
}

export class ShihengClient {
	/** An answer of this client was accepted, so a later refusal is not the credential's. */
	private accepted = false;

	constructor(
		private readonly connection: ShihengConnection,
		private readonly settings: TransportSettings,
		private readonly redactor: Redactor,
	) {
		redactor.add(connection.appSecret);
	}

	/** Names a list of this account for remembering its page count (no secret in it). */
	listKey(path: string, pageSize: number): string {
		return `${this.connection.baseUrl}${path}|${this.connection.appId}|${pageSize}`;
	}

	/** One signed call; returns `result` (and traceId) of a `code "0"` answer, else throws VendorApiError. */
	async call(
		path: string,
		paramContent?: Record<string, unknown>,
		inFlight?: InFlightSlot,
	): Promise<Answer> {
		const url = `${this.connection.baseUrl}${path}`;
		const response = await sendWithRetry(
			() => {
				const params = signParams(
					paramContent === undefined ? {} : { paramContent },
					this.connection,
				);
				this.redactor.add(params.sign);
				const wire = encodeSignedParams(params, this.connection.requestStyle);
				const headers: Record<string, string> = { accept: 'application/json' };
				if (wire.contentType) headers['content-type'] = wire.contentType;
				return { method: wire.method, url, query: wire.query, headers, body: wire.body };
			},
			inFlight ? { ...this.settings, inFlight } : this.settings,
			SHIHENG_PROFILE,
		);
		const envelope = parseJsonObject(response, SHIHENG_PROFILE) as Envelope;
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
			const message =
				typeof envelope.msg === 'string' && envelope.msg !== ''
					? envelope.msg
					: 'the request was refused without a message';
			const refusesRun = refusesShihengRun(message, this.accepted);
			throw new VendorApiError({
				vendor: VENDOR,
				code: String(envelope.code),
				message,
				httpStatus: response.status,
				requestId,
				hint: refusesRun ? `${errorHint(message)} ${RUN_REFUSED_NOTE}` : errorHint(message),
				refusesRun,
			});
		}
		this.accepted = true;
		return { result: envelope.result, traceId: requestId };
	}

	/** `inFlight`: the page's place in the listing's Concurrency, given back when its answer arrives. */
	async employeePage(
		path: string,
		pageNum: number,
		pageSize: number,
		inFlight?: InFlightSlot,
	): Promise<EmployeePage> {
		const { result, traceId } = await this.call(path, { pageNum, pageSize }, inFlight);
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
			traceId,
		};
	}

	async customerPage(
		path: string,
		startId: number | string,
		pageSize: number,
	): Promise<CustomerPage> {
		const { result } = await this.call(path, { startId, pageSize });
		const page = (result ?? {}) as Partial<CustomerPage>;
		const next = page.nextStartId;
		return {
			nextStartId:
				typeof next === 'number' || (typeof next === 'string' && next !== '') ? next : null,
			result: objectRows(page.result),
		};
	}
}

/**
 * A client for one item's listing: the item's Options tune timeouts and retries. Every Shiheng
 * call this package makes only reads, so a retry after the request reached Shiheng is harmless.
 */
export function createClient(
	run: OperationRun<ShihengConnection>,
	options: IDataObject,
	defaults: { concurrency: number } = { concurrency: 1 },
): { client: ShihengClient; concurrency: number } {
	const tuning = readRequestTuning(options, defaults);
	const settings = transportSettings(tuning, {
		signal: run.signal,
		idempotent: true,
		egress: run.egress,
	});
	return {
		client: new ShihengClient(run.connection, settings, run.redactor),
		concurrency: tuning.concurrency,
	};
}
