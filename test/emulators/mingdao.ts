import { createHash } from 'node:crypto';

import { Emulator } from './frame';
import type { EmulatorReply, EmulatorRequest, VendorEmulatorHandle } from './frame';

/**
 * Mingdao 明道云 enterprise-authorization API emulator: the people and organisation endpoints
 * under both deployment prefixes (SaaS `/generalintegrate`, private `/generalintegrateapi`),
 * signature checks the way Mingdao documents them, and a data set of configurable size in which
 * some ids have no relation.
 *
 * The documentation publishes only code 1 (success), the failure example 10001, and HTTP 400 /
 * 403 / 500 for bad parameters, bad signature or timestamp, and data errors. The other codes
 * below are this emulator's own: Mingdao publishes no code table, so a client must treat every
 * code but 1 as a failure and show Mingdao's message.
 */

export const MINGDAO_CODES = {
	ok: 1,
	/** Missing or malformed parameters (the documentation's failure example). */
	badParameter: 10001,
	/** Emulator's own: unknown AppKey or a signature that does not match. */
	badSignature: 10002,
	/** Emulator's own: timestamp outside the accepted window. */
	expiredTimestamp: 10003,
	/** Emulator's own: Project ID does not belong to the key pair. */
	wrongProject: 10004,
	/**
	 * Emulator's own: a public-cloud organisation without a WeCom / DingTalk style integration asks
	 * for relations (the documentation says the API is limited to those; it gives no code).
	 */
	notIntegrated: 10101,
	/**
	 * Emulator's own: upsertUsers or removeUser on the public cloud. The documentation says only
	 * "公有云版本不支持" (not supported on the public cloud), with no code.
	 */
	notOnPublicCloud: 10102,
} as const;

/** Users one upsertUsers request may carry (documented: 一次最多可同步500个用户). */
export const MINGDAO_UPSERT_MAX = 500;

export interface MingdaoEmulatorOptions {
	port?: number;
	latencyMs?: number;
	appKey?: string;
	secretKey?: string;
	projectId?: string;
	/** Third-party user ids in the data set (default 2,000; the benchmark uses 10,000 and more). */
	users?: number;
	/** Names the n-th third-party user (1-based); default `wx-user-00001`…. Lets a demo share ids with another emulator. */
	corpUserId?: (n: number) => string;
	/** Every n-th user id has no relation (default 5: one in five is not found). */
	unmatchedEvery?: number;
	departments?: number;
	/** Timestamps further than this from the emulator's clock are refused (default 5 minutes). */
	timestampWindowMs?: number;
	/** Path prefixes the API answers under (default both deployment shapes). */
	prefixes?: string[];
	/** Refuse getUserRelations / getDepartmentRelations calls with more ids (default: no cap, like Mingdao). */
	maxIdsPerRequest?: number;
	/** Prefixes that behave as the public cloud, refusing upsertUsers and removeUser (default the SaaS one). */
	publicCloudPrefixes?: string[];
}

/** One upsertUsers or removeUser request as it arrived. */
export interface WriteCall {
	path: string;
	/** upsertUsers: the users sent; removeUser: the one corpUserId. */
	users?: Array<Record<string, unknown>>;
	corpUserId?: string;
	/** Every parameter the call carried (its JSON body). */
	params: Record<string, unknown>;
}

export interface RelationCall {
	path: string;
	ids: string[];
	/** Every parameter the call carried: the JSON body of a POST, the query of a GET. */
	params: Record<string, unknown>;
}

export interface MingdaoEmulatorHandle extends VendorEmulatorHandle {
	appKey: string;
	secretKey: string;
	projectId: string;
	/** Every third-party user id in the data set, in order. */
	userIds: string[];
	departmentIds: string[];
	/** The account a third-party user id maps to, or undefined when it has no relation. */
	accountOf(corpUserId: string): string | undefined;
	/** The ids each relation call asked for, in arrival order. */
	relationCalls: RelationCall[];
	/** Signatures the emulator accepted (tests check none leaks into output). */
	acceptedSignatures: string[];
	/**
	 * false: the organisation has no WeCom / DingTalk style integration, so the relation endpoints
	 * answer `notIntegrated` (HTTP 200) once the signature passed. Default true.
	 */
	setIntegrated(integrated: boolean): void;
	/** upsertUsers and removeUser calls the emulator accepted, in arrival order. */
	writeCalls: WriteCall[];
	/**
	 * The user's fields as Mingdao stores them after the writes (name, email, mobilePhone and any
	 * passed-through field), or undefined for an unknown or removed user.
	 */
	profileOf(corpUserId: string): Record<string, unknown> | undefined;
}

interface UserRecord {
	corpUserId: string;
	accountId?: string;
	fullname: string;
	email: string;
	status: number;
	/** The fields an upsert stored, replacing the whole profile (omitted ones are cleared). */
	profile?: Record<string, unknown>;
	removed?: boolean;
}

type Params = Record<string, unknown>;

/** The documented algorithm, written out independently of the node's signer. */
function expectedSignature(appKey: string, secretKey: string, timestamp: string): string {
	const pairs: Array<[string, string]> = [
		['AppKey', appKey],
		['SecretKey', secretKey],
		['Timestamp', timestamp],
	];
	pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const plain = pairs.map(([key, value]) => `${key}=${value}`).join('&');
	const hex = createHash('sha256').update(plain, 'utf8').digest('hex');
	return Buffer.from(hex.toLowerCase(), 'utf8').toString('base64');
}

function stableUuid(seed: string): string {
	const hex = createHash('md5').update(seed).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function fail(status: number, code: number, message: string): EmulatorReply {
	return { status, json: { code, message, data: null } };
}

function ok(data: unknown): EmulatorReply {
	return { status: 200, json: { code: MINGDAO_CODES.ok, message: '', data } };
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string' && value !== '') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

export async function startMingdaoEmulator(
	options: MingdaoEmulatorOptions = {},
): Promise<MingdaoEmulatorHandle> {
	const appKey = options.appKey ?? 'emulator-app-key';
	const secretKey = options.secretKey ?? 'emulator-secret-key-0123456789';
	const projectId = options.projectId ?? 'b1c2d3e4-0000-4000-8000-00000000mdao';
	const userCount = options.users ?? 2_000;
	const unmatchedEvery = options.unmatchedEvery ?? 5;
	const departmentCount = options.departments ?? 50;
	const windowMs = options.timestampWindowMs ?? 5 * 60_000;
	const prefixes = options.prefixes ?? ['/generalintegrateapi', '/generalintegrate'];
	const publicCloud = new Set(options.publicCloudPrefixes ?? ['/generalintegrate']);

	const users = new Map<string, UserRecord>();
	const userIds: string[] = [];
	for (let i = 1; i <= userCount; i++) {
		const corpUserId = options.corpUserId
			? options.corpUserId(i)
			: `wx-user-${String(i).padStart(5, '0')}`;
		userIds.push(corpUserId);
		users.set(corpUserId, {
			corpUserId,
			accountId:
				unmatchedEvery > 0 && i % unmatchedEvery === 0 ? undefined : stableUuid(corpUserId),
			fullname: `User ${i}`,
			email: `user${i}@example.com`,
			status: i % 7 === 0 ? 4 : 1,
		});
	}
	const departments = new Map<string, string | undefined>();
	const departmentIds: string[] = [];
	for (let i = 1; i <= departmentCount; i++) {
		const id = String(1000 + i);
		departmentIds.push(id);
		departments.set(id, i % 4 === 0 ? undefined : stableUuid(`department-${id}`));
	}
	/** Users with an account, in creation order (upserts append; removals drop out). */
	const accounts = (): UserRecord[] =>
		[...users.values()].filter((user) => user.accountId !== undefined && user.removed !== true);
	const writeCalls: WriteCall[] = [];

	const relationCalls: RelationCall[] = [];
	const acceptedSignatures: string[] = [];
	let integrated = true;
	/** A removed user (离职) keeps no relation. */
	const relationOf = (corpUserId: string): string | undefined => {
		const user = users.get(corpUserId);
		return user?.removed === true ? undefined : user?.accountId;
	};

	function notIntegrated(): EmulatorReply | undefined {
		return integrated
			? undefined
			: fail(200, MINGDAO_CODES.notIntegrated, '公有云版本仅限基于企业微信、钉钉等集成场景');
	}
	const emulator = new Emulator('Mingdao', { latencyMs: options.latencyMs });

	/** Checks the four common parameters; undefined when they pass. */
	function authenticate(params: Params): EmulatorReply | undefined {
		for (const name of ['appKey', 'sign', 'timestamp', 'projectId']) {
			if (text(params[name]) === undefined) {
				return fail(400, MINGDAO_CODES.badParameter, `缺少参数 ${name}`);
			}
		}
		const timestamp = text(params.timestamp) as string;
		if (!/^\d+$/.test(timestamp))
			return fail(400, MINGDAO_CODES.badParameter, 'timestamp 格式错误');
		if (Math.abs(Date.now() - Number(timestamp)) > windowMs) {
			return fail(403, MINGDAO_CODES.expiredTimestamp, '时间戳已过期');
		}
		if (params.appKey !== appKey) return fail(403, MINGDAO_CODES.badSignature, 'AppKey 不存在');
		if (params.sign !== expectedSignature(appKey, secretKey, timestamp)) {
			return fail(403, MINGDAO_CODES.badSignature, '签名验证失败');
		}
		if (params.projectId !== projectId)
			return fail(403, MINGDAO_CODES.wrongProject, '组织编号与密钥不匹配');
		acceptedSignatures.push(String(params.sign));
		return undefined;
	}

	function jsonBody(request: EmulatorRequest): Params | EmulatorReply {
		try {
			const parsed = JSON.parse(request.text) as unknown;
			if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
				return parsed as Params;
		} catch {
			// Falls through to the refusal below.
		}
		return fail(400, MINGDAO_CODES.badParameter, '请求体不是 JSON 对象');
	}

	function queryParams(request: EmulatorRequest): Params {
		return Object.fromEntries(request.query.entries());
	}

	function isReply(value: Params | EmulatorReply): value is EmulatorReply {
		return 'status' in value && 'json' in value && typeof value.status === 'number';
	}

	function idList(value: unknown, name: string): string[] | EmulatorReply {
		if (!Array.isArray(value) || value.length === 0) {
			return fail(200, MINGDAO_CODES.badParameter, `${name} 不能为空`);
		}
		const ids: string[] = [];
		for (const entry of value) {
			const id = text(entry);
			if (id === undefined) return fail(200, MINGDAO_CODES.badParameter, `${name} 含有无效的值`);
			ids.push(id);
		}
		if (options.maxIdsPerRequest !== undefined && ids.length > options.maxIdsPerRequest) {
			return fail(200, MINGDAO_CODES.badParameter, `${name} 最多 ${options.maxIdsPerRequest} 个`);
		}
		return ids;
	}

	for (const prefix of prefixes) {
		emulator.route('POST', `${prefix}/v2/user/getUserRelations`, (request) => {
			const body = jsonBody(request);
			if (isReply(body)) return body;
			const refused = authenticate(body) ?? notIntegrated();
			if (refused) return refused;
			const ids = idList(body.corpUserIds, 'corpUserIds');
			if (!Array.isArray(ids)) return ids;
			relationCalls.push({ path: request.path, ids, params: body });
			const data = [];
			for (const id of new Set(ids)) {
				const accountId = relationOf(id);
				if (accountId) data.push({ corpUserId: id, projectId, accountId });
			}
			return ok(data);
		});

		emulator.route('GET', `${prefix}/v2/user/getUserRelation`, (request) => {
			const params = queryParams(request);
			const refused = authenticate(params) ?? notIntegrated();
			if (refused) return refused;
			const id = text(params.corpUserId);
			if (id === undefined) return fail(200, MINGDAO_CODES.badParameter, 'corpUserId 不能为空');
			relationCalls.push({ path: request.path, ids: [id], params });
			const accountId = relationOf(id);
			return ok(accountId ? { corpUserId: id, projectId, accountId } : null);
		});

		emulator.route('POST', `${prefix}/v2/department/getDepartmentRelations`, (request) => {
			const body = jsonBody(request);
			if (isReply(body)) return body;
			const refused = authenticate(body) ?? notIntegrated();
			if (refused) return refused;
			const ids = idList(body.corpDepartmentIds, 'corpDepartmentIds');
			if (!Array.isArray(ids)) return ids;
			if (body.isNumber !== undefined && typeof body.isNumber !== 'boolean') {
				return fail(200, MINGDAO_CODES.badParameter, 'isNumber 必须是布尔值');
			}
			if (body.isNumber === true && ids.some((id) => !/^-?\d+$/.test(id))) {
				return fail(200, MINGDAO_CODES.badParameter, 'corpDepartmentIds 必须是数字');
			}
			relationCalls.push({ path: request.path, ids, params: body });
			const data = [];
			for (const id of new Set(ids)) {
				const departmentId = departments.get(id);
				if (departmentId) {
					data.push({
						corpDepartmentId: body.isNumber === true ? Number(id) : id,
						departmentId,
						projectId,
					});
				}
			}
			return ok(data);
		});

		emulator.route('GET', `${prefix}/v2/user/getUsers`, (request) => {
			const params = queryParams(request);
			const refused = authenticate(params);
			if (refused) return refused;
			const pageIndex = Number(params.pageIndex ?? 1);
			const pageSize = Number(params.pageSize ?? 20);
			if (!Number.isInteger(pageIndex) || pageIndex < 1) {
				return fail(200, MINGDAO_CODES.badParameter, 'pageIndex 必须大于 0');
			}
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
				return fail(200, MINGDAO_CODES.badParameter, 'pageSize 范围 1-1000');
			}
			const status = params.userStatus === undefined ? undefined : Number(params.userStatus);
			const listed = accounts();
			const matching =
				status === undefined ? listed : listed.filter((user) => user.status === status);
			const page = matching.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map((user) => ({
				accountId: user.accountId,
				fullname: user.fullname,
				email: user.email,
				corpUserId: user.corpUserId,
				status: user.status,
			}));
			return ok({ users: page, total: matching.length });
		});

		emulator.route('POST', `${prefix}/v2/user/upsertUsers`, (request) => {
			const body = jsonBody(request);
			if (isReply(body)) return body;
			const refused = authenticate(body);
			if (refused) return refused;
			if (publicCloud.has(prefix))
				return fail(200, MINGDAO_CODES.notOnPublicCloud, '公有云版本不支持');
			const list = body.users;
			if (!Array.isArray(list) || list.length === 0)
				return fail(200, MINGDAO_CODES.badParameter, 'users 不能为空');
			if (list.length > MINGDAO_UPSERT_MAX)
				return fail(200, MINGDAO_CODES.badParameter, `users 最多 ${MINGDAO_UPSERT_MAX} 个`);
			const entries: Array<Record<string, unknown>> = [];
			for (const entry of list as unknown[]) {
				if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
					return fail(200, MINGDAO_CODES.badParameter, 'users 含有无效的值');
				}
				const user = entry as Record<string, unknown>;
				if (text(user.corpUserId) === undefined)
					return fail(200, MINGDAO_CODES.badParameter, 'corpUserId 不能为空');
				if (text(user.name) === undefined)
					return fail(200, MINGDAO_CODES.badParameter, 'name 不能为空');
				if (text(user.email) === undefined && text(user.mobilePhone) === undefined) {
					return fail(200, MINGDAO_CODES.badParameter, 'email 与 mobilePhone 不能同时为空');
				}
				entries.push(user);
			}
			writeCalls.push({ path: request.path, users: entries, params: body });
			const data = [];
			for (const user of entries) {
				const corpUserId = text(user.corpUserId) as string;
				const existing = users.get(corpUserId);
				// The documented rule: a field the call leaves out is cleared, so the profile is replaced.
				const profile = Object.fromEntries(
					Object.entries(user).filter(([key]) => key !== 'corpUserId'),
				);
				const accountId = existing?.accountId ?? stableUuid(`account-${corpUserId}`);
				const record: UserRecord = {
					corpUserId,
					accountId,
					fullname: String(user.name),
					email: text(user.email) ?? '',
					status: existing?.status ?? 1,
					profile,
				};
				if (!existing) userIds.push(corpUserId);
				users.set(corpUserId, record);
				// The answer's shape is not documented: this emulator answers like the relation calls.
				data.push({ corpUserId, projectId, accountId });
			}
			return ok(data);
		});

		emulator.route('POST', `${prefix}/v2/user/removeUser`, (request) => {
			const body = jsonBody(request);
			if (isReply(body)) return body;
			const refused = authenticate(body);
			if (refused) return refused;
			if (publicCloud.has(prefix))
				return fail(200, MINGDAO_CODES.notOnPublicCloud, '公有云版本不支持');
			const corpUserId = text(body.corpUserId);
			if (corpUserId === undefined)
				return fail(200, MINGDAO_CODES.badParameter, 'corpUserId 不能为空');
			writeCalls.push({ path: request.path, corpUserId, params: body });
			const user = users.get(corpUserId);
			// Documented: data says whether the user was removed. For an unknown or already removed
			// user this emulator answers false (the documentation does not say).
			if (!user || user.accountId === undefined || user.removed === true) return ok(false);
			user.removed = true;
			return ok(true);
		});
	}

	const baseUrl = await emulator.start(options.port);
	return {
		emulator,
		baseUrl,
		credentialType: 'mingdaoApi',
		credentials: {
			appKey,
			secretKey,
			projectId,
			deployment: 'private',
			privateUrl: baseUrl,
			ignoreSslIssues: false,
			allowInsecureHttp: false,
		},
		appKey,
		secretKey,
		projectId,
		userIds,
		departmentIds,
		accountOf: relationOf,
		relationCalls,
		acceptedSignatures,
		setIntegrated: (value) => {
			integrated = value;
		},
		writeCalls,
		profileOf: (corpUserId) => {
			const user = users.get(corpUserId);
			if (!user || user.removed === true) return undefined;
			return user.profile ? { ...user.profile } : { name: user.fullname, email: user.email };
		},
		stop: async () => await emulator.stop(),
	};
}
