import type { IDataObject } from 'n8n-workflow';

import { TransportError, VendorApiError } from '../../shared/errors';
import { readRequestTuning } from '../../shared/descriptions/options';
import { transportSettings } from '../../shared/execution/transport-settings';
import { Redactor } from '../../shared/redact';
import { joinSentences } from '../../shared/text';
import type { OperationRun } from '../../shared/execution/router';
import { parseJsonBody } from '../../shared/http/body';
import { sendWithRetry } from '../../shared/http/retry';
import type {
	HttpRequestSpec,
	HttpResponse,
	TransportSettings,
	VendorProfile,
} from '../../shared/http/types';
import { MINGDAO_SUCCESS_CODE, mingdaoHint, refusesMingdaoRun } from '../helpers/codes';
import { mingdaoAuthParams } from './auth';
import { mingdaoApiBaseUrl } from './connection';
import type { MingdaoConnection } from './connection';
import {
	departmentRelationsOf,
	isRecord,
	scalarText,
	upsertAnswersOf,
	userRelationOf,
	userRelationsOf,
	usersPageOf,
} from './answers';
import type {
	DepartmentRelation,
	MingdaoUserWrite,
	UpsertAnswer,
	UserRelation,
	UsersPage,
} from './types';

/**
 * Mingdao's enterprise-authorization people API over the shared transport. Every call is signed
 * afresh per attempt (the transport calls `build` for each one), every answer is the envelope
 * `{code, message, data}` with success `code === 1`.
 */

export const MINGDAO_PROFILE: VendorProfile = { name: 'Mingdao' };

export const MINGDAO_PATHS = {
	getUserRelations: '/v2/user/getUserRelations',
	getUserRelation: '/v2/user/getUserRelation',
	getDepartmentRelations: '/v2/department/getDepartmentRelations',
	getUsers: '/v2/user/getUsers',
	upsertUsers: '/v2/user/upsertUsers',
	removeUser: '/v2/user/removeUser',
} as const;

/** The calls Mingdao documents as "not supported on the public cloud" (公有云版本不支持). */
export const PRIVATE_ONLY_PATHS: ReadonlySet<string> = new Set([
	MINGDAO_PATHS.upsertUsers,
	MINGDAO_PATHS.removeUser,
]);

/** Users one upsertUsers request may carry, as Mingdao documents it (一次最多可同步500个用户). */
export const MINGDAO_UPSERT_MAX = 500;

interface Envelope {
	code?: unknown;
	message?: unknown;
	data?: unknown;
}

export class MingdaoClient {
	readonly baseUrl: string;

	constructor(
		private readonly connection: MingdaoConnection,
		private readonly settings: TransportSettings,
		private readonly redactor: Redactor,
	) {
		this.baseUrl = mingdaoApiBaseUrl(connection);
		redactor.add(connection.secretKey);
	}

	/** Sends one signed call and returns `data` of a successful answer. */
	async call(
		method: 'GET' | 'POST',
		path: string,
		params: Record<string, unknown>,
	): Promise<unknown> {
		const url = `${this.baseUrl}${path}`;
		const build = (): HttpRequestSpec => {
			const auth = mingdaoAuthParams(this.connection);
			this.redactor.add(auth.sign);
			if (method === 'GET') {
				const query: Record<string, string | number | boolean | undefined> = {};
				for (const [key, value] of Object.entries(params)) {
					if (value !== undefined)
						query[key] =
							typeof value === 'object'
								? JSON.stringify(value)
								: (value as string | number | boolean);
				}
				return { method, url, query: { ...query, ...auth } };
			}
			return {
				method,
				url,
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ ...params, ...auth }),
			};
		};
		const settings: TransportSettings = {
			...this.settings,
			allowInsecureTls: this.connection.ignoreSslIssues,
		};
		try {
			return this.unwrap(await sendWithRetry(build, settings, MINGDAO_PROFILE), path);
		} catch (error) {
			throw settings.idempotent ? error : withUnsureNote(error);
		}
	}

	private unwrap(response: HttpResponse, path: string): unknown {
		const relations = path !== MINGDAO_PATHS.getUsers && !PRIVATE_ONLY_PATHS.has(path);
		const saas = this.connection.deployment === 'saas';
		// Behind a custom base URL the node cannot tell SaaS from a private deployment.
		const privateOnly = PRIVATE_ONLY_PATHS.has(path) && this.connection.deployment === 'custom';
		const body = parseJsonBody(response, MINGDAO_PROFILE);
		if (!isRecord(body)) {
			throw new TransportError({
				kind: 'non-json',
				message: 'Mingdao answered with JSON that is not an object',
				mayHaveReachedServer: true,
				httpStatus: response.status,
			});
		}
		const envelope = body as Envelope;
		const code = scalarText(envelope.code) ?? undefined;
		const ok = response.status >= 200 && response.status < 300 && code === MINGDAO_SUCCESS_CODE;
		if (ok) return envelope.data;
		const vendorMessage = scalarText(envelope.message);
		const message =
			vendorMessage && vendorMessage.trim() !== ''
				? vendorMessage
				: code === undefined
					? `unexpected answer without a code (HTTP ${response.status})`
					: `request failed (HTTP ${response.status})`;
		throw new VendorApiError({
			vendor: 'Mingdao',
			code,
			message,
			httpStatus: response.status,
			hint: mingdaoHint(response.status, code, { saas, relations, privateOnly }),
			refusesRun: refusesMingdaoRun(response.status),
		});
	}

	/** Relations for a batch of third-party user ids; ids with no relation are absent from the map. */
	async getUserRelations(corpUserIds: string[]): Promise<Map<string, UserRelation>> {
		const data = await this.call('POST', MINGDAO_PATHS.getUserRelations, { corpUserIds });
		return userRelationsOf(data, MINGDAO_PATHS.getUserRelations);
	}

	/** The relation of one third-party user id, or undefined when it has none. */
	async getUserRelation(corpUserId: string): Promise<UserRelation | undefined> {
		const data = await this.call('GET', MINGDAO_PATHS.getUserRelation, { corpUserId });
		return userRelationOf(data, corpUserId);
	}

	async getDepartmentRelations(
		corpDepartmentIds: string[],
		isNumber: boolean,
	): Promise<Map<string, DepartmentRelation>> {
		const data = await this.call('POST', MINGDAO_PATHS.getDepartmentRelations, {
			corpDepartmentIds,
			isNumber,
		});
		return departmentRelationsOf(data, MINGDAO_PATHS.getDepartmentRelations);
	}

	/**
	 * One page of the organisation's users. The documentation does not fix the shape of `data`, so
	 * both a bare list and an object holding the list (and a total) are understood.
	 */
	async getUsersPage(pageIndex: number, pageSize: number, userStatus?: number): Promise<UsersPage> {
		const data = await this.call('GET', MINGDAO_PATHS.getUsers, {
			pageIndex,
			pageSize,
			userStatus,
		});
		return usersPageOf(data, MINGDAO_PATHS.getUsers);
	}

	/**
	 * Creates or updates a batch of users (at most 500). Mingdao clears every field a user entry
	 * leaves out, so the callers send complete entries. The answer's `data` is not documented: a
	 * list of entries with corpUserId (like the relation calls) is read per user, anything else
	 * means only that the batch was accepted.
	 */
	async upsertUsers(users: MingdaoUserWrite[]): Promise<Map<string, UpsertAnswer>> {
		const data = await this.call('POST', MINGDAO_PATHS.upsertUsers, { users });
		return upsertAnswersOf(data);
	}

	/** Removes (Mingdao: makes leave) one user; Mingdao's `data` says whether it was removed. */
	async removeUser(corpUserId: string): Promise<boolean> {
		const data = await this.call('POST', MINGDAO_PATHS.removeUser, { corpUserId });
		return data === true || data === 'true';
	}
}

/** A write that may have reached Mingdao: say why it was not repeated and what to check. */
function withUnsureNote(error: unknown): unknown {
	if (!(error instanceof TransportError) || !error.details.mayHaveReachedServer) return error;
	if (error.details.kind === 'aborted') return error;
	return new TransportError({
		...error.details,
		message: joinSentences([
			error.details.message,
			'The request may have reached Mingdao, so it was not repeated: check with User → Get Relations whether it took effect.',
		]),
	});
}

/** Requests in flight at once unless the Concurrency option says otherwise. */
export const MINGDAO_DEFAULT_CONCURRENCY = 4;

/** Relation ids per request unless the Batch Size option says otherwise (Mingdao publishes no maximum). */
export const MINGDAO_DEFAULT_BATCH_SIZE = 100;

/**
 * The client of one execution, with the timeouts and retries of the given Options collection.
 * Reads are safe to repeat after any failure; `idempotent: false` (the writes) repeats only
 * requests that cannot have reached Mingdao.
 */
export function createClient(
	run: OperationRun<MingdaoConnection>,
	options: IDataObject,
	{ idempotent = true }: { idempotent?: boolean } = {},
): { client: MingdaoClient; concurrency: number } {
	const tuning = readRequestTuning(options, { concurrency: MINGDAO_DEFAULT_CONCURRENCY });
	const settings = transportSettings(tuning, {
		signal: run.signal,
		idempotent,
		egress: run.egress,
	});
	return {
		client: new MingdaoClient(run.connection, settings, run.redactor),
		concurrency: tuning.concurrency,
	};
}
