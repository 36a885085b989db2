import { TransportError, VendorApiError } from '../shared/errors';
import type { Redactor } from '../shared/redact';
import { parseJsonBody, sendWithRetry } from '../shared/transport';
import type { HttpRequestSpec, HttpResponse, TransportSettings, VendorProfile } from '../shared/transport';
import { mingdaoApiBaseUrl, mingdaoAuthParams } from './MingdaoAuth';
import type { MingdaoCredentials } from './MingdaoAuth';

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
} as const;

export interface UserRelation {
	corpUserId: string;
	accountId: string | null;
	projectId: string | null;
}

export type DepartmentRelation = Record<string, unknown> & { corpDepartmentId: string };

export interface UsersPage {
	users: Array<Record<string, unknown>>;
	total?: number;
}

interface Envelope {
	code?: unknown;
	message?: unknown;
	data?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asText(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function hintFor(httpStatus: number, code: string | undefined, saas: boolean, relations: boolean): string | undefined {
	const hints: string[] = [];
	if (httpStatus === 403) {
		hints.push(
			'Mingdao refused the signature or timestamp: check App Key, Secret Key and Project ID in the credential, and that this machine\'s clock is correct',
		);
	} else if (httpStatus === 400 || code === '10001') {
		hints.push('Mingdao did not accept the parameters: check the IDs sent and the Project ID in the credential');
	}
	if (saas && relations) {
		hints.push('On Mingdao SaaS the relation APIs only work for organisations integrated with WeCom, DingTalk or a similar platform');
	}
	return hints.length > 0 ? hints.join('. ') : undefined;
}

export class MingdaoClient {
	readonly baseUrl: string;

	constructor(
		private readonly credentials: MingdaoCredentials,
		private readonly settings: TransportSettings,
		private readonly redactor: Redactor,
	) {
		this.baseUrl = mingdaoApiBaseUrl(credentials);
		redactor.add(credentials.secretKey);
	}

	/** Sends one signed call and returns `data` of a successful answer. */
	async call(method: 'GET' | 'POST', path: string, params: Record<string, unknown>): Promise<unknown> {
		const url = `${this.baseUrl}${path}`;
		const build = (): HttpRequestSpec => {
			const auth = mingdaoAuthParams(this.credentials);
			this.redactor.add(auth.sign);
			if (method === 'GET') {
				const query: Record<string, string | number | boolean | undefined> = {};
				for (const [key, value] of Object.entries(params)) {
					if (value !== undefined) query[key] = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
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
			allowInsecureTls: this.credentials.ignoreSslIssues,
		};
		const response = await sendWithRetry(build, settings, MINGDAO_PROFILE);
		return this.unwrap(response, path);
	}

	private unwrap(response: HttpResponse, path: string): unknown {
		const relations = path !== MINGDAO_PATHS.getUsers;
		const saas = this.credentials.deployment === 'saas';
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
		const code = asText(envelope.code) ?? undefined;
		const ok = response.status >= 200 && response.status < 300 && code === '1';
		if (ok) return envelope.data;
		const vendorMessage = asText(envelope.message);
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
			hint: hintFor(response.status, code, saas, relations),
		});
	}

	private static unexpected(path: string, what: string): VendorApiError {
		return new VendorApiError({ vendor: 'Mingdao', message: `${path} answered with ${what}` });
	}

	/** Relations for a batch of third-party user ids; ids with no relation are absent from the map. */
	async getUserRelations(corpUserIds: string[]): Promise<Map<string, UserRelation>> {
		const data = await this.call('POST', MINGDAO_PATHS.getUserRelations, { corpUserIds });
		const list = data === null || data === undefined ? [] : data;
		if (!Array.isArray(list)) throw MingdaoClient.unexpected(MINGDAO_PATHS.getUserRelations, 'data that is not a list');
		const out = new Map<string, UserRelation>();
		for (const entry of list) {
			if (!isRecord(entry)) continue;
			const corpUserId = asText(entry.corpUserId);
			if (corpUserId === null) continue;
			out.set(corpUserId, {
				corpUserId,
				accountId: asText(entry.accountId),
				projectId: asText(entry.projectId),
			});
		}
		return out;
	}

	/** The relation of one third-party user id, or undefined when it has none. */
	async getUserRelation(corpUserId: string): Promise<UserRelation | undefined> {
		const data = await this.call('GET', MINGDAO_PATHS.getUserRelation, { corpUserId });
		const entry = Array.isArray(data) ? (data[0] as unknown) : data;
		if (!isRecord(entry)) return undefined;
		const accountId = asText(entry.accountId);
		if (accountId === null || accountId === '') return undefined;
		return { corpUserId: asText(entry.corpUserId) ?? corpUserId, accountId, projectId: asText(entry.projectId) };
	}

	async getDepartmentRelations(corpDepartmentIds: string[], isNumber: boolean): Promise<Map<string, DepartmentRelation>> {
		const data = await this.call('POST', MINGDAO_PATHS.getDepartmentRelations, { corpDepartmentIds, isNumber });
		const list = data === null || data === undefined ? [] : data;
		if (!Array.isArray(list)) throw MingdaoClient.unexpected(MINGDAO_PATHS.getDepartmentRelations, 'data that is not a list');
		const out = new Map<string, DepartmentRelation>();
		for (const entry of list) {
			if (!isRecord(entry)) continue;
			const corpDepartmentId = asText(entry.corpDepartmentId);
			if (corpDepartmentId === null) continue;
			out.set(corpDepartmentId, { ...entry, corpDepartmentId });
		}
		return out;
	}

	/**
	 * One page of the organisation's users. The documentation does not fix the shape of `data`, so
	 * both a bare list and an object holding the list (and a total) are understood.
	 */
	async getUsersPage(pageIndex: number, pageSize: number, userStatus?: number): Promise<UsersPage> {
		const data = await this.call('GET', MINGDAO_PATHS.getUsers, { pageIndex, pageSize, userStatus });
		if (data === null || data === undefined) return { users: [] };
		if (Array.isArray(data)) return { users: data.filter(isRecord) };
		if (!isRecord(data)) throw MingdaoClient.unexpected(MINGDAO_PATHS.getUsers, 'data that is neither a list nor an object');
		const listKey = ['users', 'list', 'rows', 'items', 'data'].find((key) => Array.isArray(data[key]));
		if (!listKey) throw MingdaoClient.unexpected(MINGDAO_PATHS.getUsers, 'an object without a list of users');
		const totalKey = ['total', 'allCount', 'count', 'totalCount'].find((key) => typeof data[key] === 'number');
		return {
			users: (data[listKey] as unknown[]).filter(isRecord),
			total: totalKey ? (data[totalKey] as number) : undefined,
		};
	}
}
