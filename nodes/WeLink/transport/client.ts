import type { IDataObject } from 'n8n-workflow';

import { VendorApiError, refusesWholeRun } from '../../shared/errors';
import { vendorAppRateLimiter } from '../../shared/scale-out/vendor-app-limiter';
import { readRequestTuning } from '../../shared/descriptions/options';
import { transportSettings } from '../../shared/execution/transport-settings';
import type { Redactor } from '../../shared/redact';
import type { OperationRun } from '../../shared/execution/router';
import { parseJsonObject } from '../../shared/http/body';
import { sendWithRetry } from '../../shared/http/retry';
import type { TransportSettings, VendorProfile } from '../../shared/http/types';
import {
	CODE_HINTS,
	RATE_LIMITED_CODE,
	TOKEN_INVALID_CODES,
	WELINK_VENDOR,
	bodyCode,
	refusesWeLinkRun,
	WELINK_PROFILE,
} from '../helpers/codes';

import { RATE_MARGIN_MS, TOKEN_HEADER, getToken, invalidateToken } from './auth';
import type { WeLinkConnection } from './connection';

export const WELINK_PATHS = {
	status: '/api/contact/v1/users/status',
	bulk: '/api/contact/v1/users/bulk',
	accounts: '/api/contact/v1/users/accounts',
	departmentBulk: '/api/contact/v2/departments/bulk',
	departmentStatus: '/api/contact/v2/departments/status',
	userUpdate: '/api/contact/v1/users/update',
	departmentUsers: '/api/contact/v1/user/users',
} as const;

/** The JSON envelope every WeLink answer has. */
export interface WeLinkEnvelope {
	code: string;
	message: string;
	data?: unknown;
	[key: string]: unknown;
}

export interface RateSettings {
	perSecond: number;
	perMinute: number;
}

/**
 * Calls WeLink's contact APIs: a token from the shared cache on every attempt, the per-API rate
 * limit shared across the process, transient answers retried by the transport, and a token WeLink
 * calls invalid replaced once.
 */
export class WeLinkClient {
	/** A refusal of the whole run (a refused token): every later call of this client fails with it, unsent. */
	private refusal: unknown;

	constructor(
		private readonly connection: WeLinkConnection,
		private readonly settings: Omit<TransportSettings, 'idempotent' | 'rateLimiter'>,
		private readonly rate: RateSettings,
		private readonly redactor: Redactor,
	) {
		redactor.add(connection.clientSecret);
	}

	/** users/status: the sync result of each person named in `personInfo`. */
	async queryStatus(personInfo: Array<Record<string, string>>): Promise<WeLinkEnvelope> {
		return await this.post(WELINK_PATHS.status, { personInfo }, true);
	}

	/** users/bulk: submits persons for the asynchronous sync. Not idempotent: each call is a submission. */
	async submitPersons(personInfo: Array<Record<string, string>>): Promise<WeLinkEnvelope> {
		return await this.post(WELINK_PATHS.bulk, { personInfo }, false);
	}

	/** users/accounts: the WeLink user ids of the given corpUserIds. */
	async lookUpAccounts(corpUserIds: string[]): Promise<WeLinkEnvelope> {
		return await this.post(WELINK_PATHS.accounts, { corpUserIds }, true);
	}

	/** departments/bulk: submits departments for the asynchronous sync. Not idempotent. */
	async submitDepartments(deptInfo: Array<Record<string, string>>): Promise<WeLinkEnvelope> {
		return await this.post(WELINK_PATHS.departmentBulk, { deptInfo }, false);
	}

	/** departments/status: the sync result of each department named by corpDeptCode. */
	async queryDepartmentStatus(corpDeptCodes: string[]): Promise<WeLinkEnvelope> {
		return await this.post(
			WELINK_PATHS.departmentStatus,
			{ deptInfo: corpDeptCodes.map((corpDeptCode) => ({ corpDeptCode })) },
			true,
		);
	}

	/**
	 * users/update: an asynchronous update of persons. Its body is not published: `body` is sent as
	 * the node's Body Format builds it. Not idempotent.
	 */
	async updatePersons(body: unknown): Promise<WeLinkEnvelope> {
		return await this.call('PUT', WELINK_PATHS.userUpdate, body, false);
	}

	/** user/users: one page of the persons of a department (pageNo from 1, pageSize ≤ 50). */
	async departmentUsersPage(
		deptCode: string,
		pageNo: number,
		pageSize: number,
	): Promise<WeLinkEnvelope> {
		const query = new URLSearchParams({
			deptCode,
			pageNo: String(pageNo),
			pageSize: String(pageSize),
		});
		return await this.call('GET', WELINK_PATHS.departmentUsers, undefined, true, query.toString());
	}

	/** Fetches (or finds cached) the token now, so the first batch need not wait for it. */
	async warmUp(): Promise<void> {
		await this.token();
	}

	private async token(): Promise<string> {
		if (this.refusal !== undefined) throw this.refusal;
		try {
			const { token } = await getToken(this.connection, { ...this.settings, idempotent: true });
			this.redactor.add(token);
			return token;
		} catch (error) {
			if (refusesWholeRun(error)) this.refusal = error;
			throw error;
		}
	}

	/**
	 * POSTs `body` to `path`. `idempotent` says whether the request may be repeated after it may
	 * have reached WeLink's service; refusals before it (rate limit, invalid token) always may.
	 */
	private async post(path: string, body: unknown, idempotent: boolean): Promise<WeLinkEnvelope> {
		return await this.call('POST', path, body, idempotent);
	}

	/** Sends one call; a GET carries its parameters in `query` and no body. */
	private async call(
		method: 'GET' | 'POST' | 'PUT',
		path: string,
		body: unknown,
		idempotent: boolean,
		query?: string,
	): Promise<WeLinkEnvelope> {
		// The budget is the WeLink app's: shared by every n8n worker when n8n runs scaled out.
		const rateLimiter = vendorAppRateLimiter(
			`welink|${this.connection.baseUrl}|${this.connection.clientId}|${path}`,
			[
				{ limit: this.rate.perSecond, intervalMs: 1_000 },
				{ limit: this.rate.perMinute, intervalMs: 60_000 },
			],
			RATE_MARGIN_MS,
		);
		// Every 48503 lowers the app's budget for a while, in every worker (see RateBudgetPolicy).
		const profile: VendorProfile = {
			...WELINK_PROFILE,
			transientAnswer: (response) => {
				if (bodyCode(response) === RATE_LIMITED_CODE) rateLimiter.rateLimited();
				return WELINK_PROFILE.transientAnswer?.(response);
			},
		};
		const payload = method === 'GET' ? undefined : JSON.stringify(body);
		for (let tokenAttempt = 1; ; tokenAttempt++) {
			// Fetch the token before taking a rate slot, so waiting for it does not bunch requests.
			let used = await this.token();
			const response = await sendWithRetry(
				async () => {
					used = await this.token();
					return {
						method,
						url: `${this.connection.baseUrl}${path}${query ? `?${query}` : ''}`,
						headers: {
							...(payload === undefined ? {} : { 'content-type': 'application/json' }),
							'accept-charset': 'UTF-8',
							[TOKEN_HEADER]: used,
						},
						body: payload,
					};
				},
				{ ...this.settings, idempotent, rateLimiter },
				profile,
			);
			const parsed = parseJsonObject(response, WELINK_PROFILE);
			const code = parsed.code === undefined || parsed.code === null ? '' : String(parsed.code);
			const message = typeof parsed.message === 'string' ? parsed.message : '';
			if (TOKEN_INVALID_CODES.has(code) && tokenAttempt === 1) {
				invalidateToken(this.connection, used);
				continue;
			}
			if (response.status === 501) {
				// After a permission is granted WeLink only honours it on a new token.
				invalidateToken(this.connection, used);
			}
			if (code !== '0') {
				throw new VendorApiError({
					vendor: WELINK_VENDOR,
					code: code || undefined,
					message:
						message ||
						(code
							? 'WeLink refused the request'
							: `WeLink answered HTTP ${response.status} without a code`),
					httpStatus: response.status,
					hint:
						CODE_HINTS[code] ??
						(response.status === 501
							? 'The app has no permission for this API. Grant it in the WeLink console.'
							: TOKEN_INVALID_CODES.has(code)
								? 'WeLink refused a freshly fetched token. Check the credential and the app permissions.'
								: undefined),
					refusesRun: refusesWeLinkRun(code, response.status),
				});
			}
			return { ...parsed, code, message };
		}
	}
}

/** A number option when it is a usable one (n8n may hand over anything an expression gives). */
export function numberOption(options: IDataObject, name: string, fallback: number): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * The client of one run, tuned by the node's Options (read from the first item: requests of all
 * items are batched together), and how many batches may be in flight at once.
 */
export function createClient(
	run: OperationRun<WeLinkConnection>,
	options: IDataObject,
): { client: WeLinkClient; concurrency: number } {
	const tuning = readRequestTuning(options, { concurrency: 4 });
	const client = new WeLinkClient(
		run.connection,
		// The client decides idempotency and the rate limiter per call.
		transportSettings(tuning, { signal: run.signal, idempotent: true, egress: run.egress }),
		{
			perSecond: numberOption(options, 'ratePerSecond', 40) || 40,
			perMinute: numberOption(options, 'ratePerMinute', 1500) || 1500,
		},
		run.redactor,
	);
	return { client, concurrency: tuning.concurrency };
}
