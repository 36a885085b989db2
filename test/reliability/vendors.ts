import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import type { Emulator, VendorEmulatorHandle } from '../emulators/frame';
import { startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';

/**
 * One read scenario per vendor, shaped alike so the fault matrix can treat the four nodes the same:
 * a complete read whose exact result is known, and a three-part run in which only the middle part
 * (one item, or one batch of items) meets a fault.
 */

export type VendorName = 'Shiheng' | 'Mingdao' | 'WeLink' | 'Aliyun IoT';

export type RunResult = Awaited<ReturnType<typeof runNode>>;

export interface ReadOutcome {
	result: RunResult;
	/** One key per output item, in output order. */
	keys: string[];
	/** The keys a complete, duplicate-free read gives, in order. */
	expected: string[];
}

export interface PartialOutcome {
	result: RunResult;
	/** Input items whose requests meet the fault (they must fail; the others must succeed). */
	failingItems: number[];
	/** Output items every other input item must produce. */
	outputsPerGoodItem: number;
	inputCount: number;
}

export interface ReadScenario {
	vendor: VendorName;
	emulator: Emulator;
	/** Path the read's requests go to (faults are injected there). */
	path: string;
	/** Requests a clean complete read takes. */
	cleanRequests: number;
	/** Requests the partial run sends before the failing part. */
	partialSkip: number;
	reset(): void;
	/** `cancelAfterMs` stops the execution that long after it started, as a user's Stop does. */
	read(options?: IDataObject, cancelAfterMs?: number): Promise<ReadOutcome>;
	/** Several items; the requests for `failingItems` are the ones after `partialSkip`. */
	partial(options: IDataObject, continueOnFail: boolean): Promise<PartialOutcome>;
	/**
	 * Points the credential at another server (`extra` sets further credential fields) until
	 * `reset`; the emulator keeps running.
	 */
	useServer(baseUrl: string, extra?: Record<string, string | number | boolean>): void;
	/**
	 * `count` items with a credential the vendor refuses as a whole (a wrong secret): the vendor's
	 * own refusal, from its emulator. Counts the requests that reached the vendor.
	 */
	refused(count: number, continueOnFail: boolean): Promise<RefusedOutcome>;
	stop(): Promise<void>;
}

export interface RefusedOutcome {
	result: RunResult;
	/** Requests to the operation's API. */
	requests: number;
	/** Token requests (WeLink), 0 for vendors that sign each request. */
	tokenFetches: number;
	/** What the vendor's refusal says, as every error item must show it. */
	refusal: RegExp;
}

const WRONG_SECRET = 'a-wrong-secret-5e1f';

/** The credential field each vendor takes its address from. */
const ADDRESS_FIELD: Record<VendorName, string> = {
	Shiheng: 'baseUrl',
	Mingdao: 'privateUrl',
	WeLink: 'baseUrl',
	'Aliyun IoT': 'customHost',
};

/** Swaps a handle's credentials for a copy aimed elsewhere; the returned function puts them back. */
function redirect(
	vendor: VendorName,
	handle: VendorEmulatorHandle,
): {
	use: (baseUrl: string, extra?: Record<string, string | number | boolean>) => void;
	restore: () => void;
} {
	let original: VendorEmulatorHandle['credentials'] | undefined;
	return {
		use(baseUrl, extra = {}) {
			original ??= handle.credentials;
			handle.credentials = { ...original, [ADDRESS_FIELD[vendor]]: baseUrl, ...extra };
		},
		restore() {
			if (original) handle.credentials = original;
			original = undefined;
		},
	};
}

const SHIHENG_TYPE = 'n8n-nodes-employee-sync.shiheng';
const MINGDAO_TYPE = 'n8n-nodes-employee-sync.mingdao';
const WELINK_TYPE = 'n8n-nodes-employee-sync.weLink';
export const ALIYUN_TYPE = 'n8n-nodes-employee-sync.aliyunIot';

export const WELINK_PATHS = {
	status: '/api/contact/v1/users/status',
	bulk: '/api/contact/v1/users/bulk',
	accounts: '/api/contact/v1/users/accounts',
	tickets: '/api/auth/v2/tickets',
};
export const MINGDAO_RELATIONS = '/generalintegrateapi/v2/user/getUserRelations';

export const paired = (item: INodeExecutionData): number =>
	(item.pairedItem as { item: number }).item;

/** What one vendor's scenario adds to the shared skeleton. */
type VendorParts = Pick<ReadScenario, 'path' | 'cleanRequests' | 'read' | 'partial' | 'refused'> & {
	/** What `reset` puts back besides the credential and the emulator's counters and faults. */
	resetVendor?: () => void;
};

/** The skeleton all four scenarios share: the handle, the credential redirect, reset and stop. */
function scenario<H extends VendorEmulatorHandle>(
	vendor: VendorName,
	handle: H,
	parts: (server: ReturnType<typeof redirect>) => VendorParts,
): ReadScenario & { handle: H } {
	const server = redirect(vendor, handle);
	const { resetVendor, ...own } = parts(server);
	return {
		vendor,
		handle,
		emulator: handle.emulator,
		partialSkip: 1,
		useServer: server.use,
		reset() {
			server.restore();
			resetVendor?.();
			handle.emulator.resetCounters();
			handle.emulator.clearFaults();
		},
		stop: async () => await handle.stop(),
		...own,
	};
}

export async function shihengScenario(
	sh?: ShihengEmulatorHandle,
): Promise<ReadScenario & { handle: ShihengEmulatorHandle }> {
	const handle = sh ?? (await startShihengEmulator({ employees: 200, customers: 50 }));
	const run = (
		parameters: INodeParameters,
		items: IDataObject[] | undefined,
		continueOnFail: boolean,
		cancelAfterMs?: number,
	) =>
		runNode({
			type: SHIHENG_TYPE,
			parameters: {
				resource: 'employee',
				operation: 'getAll',
				endpointPath: handle.employeePath,
				...parameters,
			},
			items,
			continueOnFail,
			cancelAfterMs,
			credentials: { shihengApi: handle.credentials },
		});
	return scenario('Shiheng', handle, (server) => ({
		path: handle.employeePath,
		cleanRequests: 10,
		resetVendor() {
			handle.served.length = 0;
		},
		async read(options = {}, cancelAfterMs) {
			const result = await run(
				{ returnAll: true, pageSize: 20, options: { concurrency: 3, ...options } },
				undefined,
				false,
				cancelAfterMs,
			);
			return {
				result,
				keys: result.items.map((item) => String(item.json.id)),
				expected: Array.from({ length: 200 }, (_, i) => String(handle.employeeId(i))),
			};
		},
		async partial(options, continueOnFail) {
			// Limit 5 with page size 5: exactly one request per item, items run one after another.
			const result = await run(
				{ returnAll: false, limit: 5, pageSize: 5, options: options as INodeParameters },
				[{}, {}, {}],
				continueOnFail,
			);
			return { result, failingItems: [1], outputsPerGoodItem: 5, inputCount: 3 };
		},
		async refused(count, continueOnFail) {
			server.use(handle.baseUrl, { appSecret: WRONG_SECRET });
			const items = Array.from({ length: count }, () => ({}));
			const result = await run(
				{ returnAll: false, limit: 5, pageSize: 5, options: { maxRetries: 0 } },
				items,
				continueOnFail,
			);
			return {
				result,
				requests: handle.emulator.count(handle.employeePath),
				tokenFetches: 0,
				refusal: /Shiheng error \[\d+\]: sign verification failed/,
			};
		},
	}));
}

export async function mingdaoScenario(
	md?: MingdaoEmulatorHandle,
): Promise<ReadScenario & { handle: MingdaoEmulatorHandle }> {
	const handle = md ?? (await startMingdaoEmulator({ users: 200 }));
	const run = (
		ids: string[],
		options: IDataObject,
		continueOnFail: boolean,
		cancelAfterMs?: number,
	) =>
		runNode({
			type: MINGDAO_TYPE,
			items: ids.map((id) => ({ id })),
			parameters: {
				resource: 'user',
				operation: 'getRelations',
				corpUserIds: '={{ $json.id }}',
				options: options as INodeParameters,
			},
			continueOnFail,
			cancelAfterMs,
			credentials: { mingdaoApi: handle.credentials },
		});
	const key = (id: string) => `${id}:${handle.accountOf(id) ?? 'none'}`;
	return scenario('Mingdao', handle, (server) => ({
		path: MINGDAO_RELATIONS,
		cleanRequests: 6,
		resetVendor() {
			handle.relationCalls.length = 0;
		},
		async read(options = {}, cancelAfterMs) {
			const ids = handle.userIds.slice(0, 60);
			const result = await run(
				ids,
				{ batchSize: 10, concurrency: 3, ...options },
				false,
				cancelAfterMs,
			);
			return {
				result,
				keys: result.items.map(
					(item) => `${String(item.json.corpUserId)}:${String(item.json.accountId ?? 'none')}`,
				),
				expected: ids.map(key),
			};
		},
		async partial(options, continueOnFail) {
			// Six ids in batches of two, one batch at a time: the second batch is items 2 and 3.
			const result = await run(
				handle.userIds.slice(0, 6),
				{ batchSize: 2, concurrency: 1, ...options },
				continueOnFail,
			);
			return { result, failingItems: [2, 3], outputsPerGoodItem: 1, inputCount: 6 };
		},
		async refused(count, continueOnFail) {
			const privateUrl = String(handle.credentials.privateUrl);
			server.use(privateUrl, { secretKey: WRONG_SECRET });
			const ids = Array.from({ length: count }, (_, i) => `refused-${i}`);
			const result = await run(ids, { maxRetries: 0 }, continueOnFail);
			return {
				result,
				requests: handle.emulator.count(MINGDAO_RELATIONS),
				tokenFetches: 0,
				refusal: /Mingdao error \[\d+\]: 签名验证失败/,
			};
		},
	}));
}

export async function weLinkScenario(
	wl?: WeLinkEmulatorHandle,
): Promise<ReadScenario & { handle: WeLinkEmulatorHandle }> {
	const handle = wl ?? (await startWeLinkEmulator({ demoPersons: 60, ratePerSecond: 1_000 }));
	const ids = (count: number) =>
		Array.from({ length: count }, (_, i) => `demo${String(i + 1).padStart(4, '0')}`);
	const run = (
		list: string[],
		options: IDataObject,
		continueOnFail: boolean,
		cancelAfterMs?: number,
	) =>
		runNode({
			type: WELINK_TYPE,
			items: list.map((id) => ({ id })),
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: 'corpUserId',
				identifier: '={{ $json.id }}',
				options: { ratePerSecond: 1_000, ratePerMinute: 100_000, ...options },
			},
			continueOnFail,
			cancelAfterMs,
			credentials: { weLinkApi: handle.credentials },
		});
	return scenario('WeLink', handle, (server) => ({
		path: WELINK_PATHS.status,
		cleanRequests: 3,
		resetVendor() {
			clearTokenCache();
			handle.setRatePerSecond(1_000);
		},
		async read(options = {}, cancelAfterMs) {
			const list = ids(30);
			const result = await run(list, { concurrency: 3, ...options }, false, cancelAfterMs);
			return {
				result,
				keys: result.items.map(
					(item) => `${String(item.json.identifier)}:${String(item.json.state)}`,
				),
				expected: list.map((id) => `${id}:opened`),
			};
		},
		async partial(options, continueOnFail) {
			// 25 persons in batches of ten, one batch at a time: the second batch is items 10–19.
			const result = await run(ids(25), { concurrency: 1, ...options }, continueOnFail);
			return {
				result,
				failingItems: Array.from({ length: 10 }, (_, i) => 10 + i),
				outputsPerGoodItem: 1,
				inputCount: 25,
			};
		},
		async refused(count, continueOnFail) {
			server.use(handle.baseUrl, { clientSecret: WRONG_SECRET });
			const result = await run(ids(count), {}, continueOnFail);
			return {
				result,
				requests: handle.emulator.count(WELINK_PATHS.status),
				tokenFetches: handle.emulator.count(WELINK_PATHS.tickets),
				refusal:
					/WeLink error \[10007\]: WeLink refused the token request: client_id or client_secret is wrong/,
			};
		},
	}));
}

export async function aliyunScenario(
	al?: AliyunIotEmulatorHandle,
): Promise<ReadScenario & { handle: AliyunIotEmulatorHandle }> {
	const handle = al ?? (await startAliyunIotEmulator({ employees: 130, authCodes: [] }));
	const run = (
		parameters: INodeParameters,
		items: IDataObject[],
		continueOnFail: boolean,
		cancelAfterMs?: number,
	) =>
		runNode({
			type: ALIYUN_TYPE,
			parameters: {
				resource: 'employee',
				operation: 'getManyByCompany',
				companyId: '={{ $json.companyId }}',
				...parameters,
			},
			items,
			continueOnFail,
			cancelAfterMs,
			credentials: { aliyunIotApi: handle.credentials },
		});
	return scenario('Aliyun IoT', handle, () => ({
		path: ALIYUN_PATHS.queryByCompanyId,
		cleanRequests: 7,
		resetVendor() {
			handle.setThrottle(undefined);
		},
		async read(options = {}, cancelAfterMs) {
			const expected = handle.companyEmployees().map((employee) => employee.employeeId);
			const result = await run(
				{ returnAll: true, options: { pageSize: 20, concurrency: 3, ...options } },
				[{ companyId: handle.companyId }],
				false,
				cancelAfterMs,
			);
			return { result, keys: result.items.map((item) => String(item.json.employeeId)), expected };
		},
		async partial(options, continueOnFail) {
			const items = [0, 1, 2].map(() => ({ companyId: handle.companyId }));
			const result = await run(
				{ returnAll: false, limit: 5, options: { pageSize: 5, ...options } },
				items,
				continueOnFail,
			);
			return { result, failingItems: [1], outputsPerGoodItem: 5, inputCount: 3 };
		},
		async refused(count, continueOnFail) {
			// Create by Auth Code, one call per item: the gateway refuses the signature of each.
			const result = await runNode({
				type: ALIYUN_TYPE,
				parameters: {
					resource: 'employee',
					operation: 'createByAuthCode',
					authCode: '={{ $json.code }}',
					codeType: 'AUTH_CODE',
					options: {},
				},
				items: Array.from({ length: count }, (_, i) => ({ code: `REFUSED-${i}` })),
				continueOnFail,
				credentials: { aliyunIotApi: { ...handle.credentials, appSecret: WRONG_SECRET } },
			});
			return {
				result,
				requests: handle.emulator.count(ALIYUN_PATHS.createByAuthCode),
				tokenFetches: 0,
				refusal: /Aliyun IoT gateway error \[[^\]]+\]: Invalid Signature/,
			};
		},
	}));
}

/** Runs Create by Auth Code for one item per code. */
export async function aliyunCreate(
	handle: AliyunIotEmulatorHandle,
	codes: string[],
	options: IDataObject = {},
) {
	return await runNode({
		type: ALIYUN_TYPE,
		parameters: {
			resource: 'employee',
			operation: 'createByAuthCode',
			authCode: '={{ $json.code }}',
			codeType: 'AUTH_CODE',
			options: options as INodeParameters,
		},
		items: codes.map((code) => ({ code })),
		continueOnFail: true,
		credentials: { aliyunIotApi: handle.credentials },
	});
}

/** Error text an error item shows (message and description). */
export function errorText(item: INodeExecutionData): string {
	return `${String(item.json.error ?? '')} ${String(item.json.description ?? '')}`;
}

/** The four read scenarios, one per vendor node, for suites that run each case against every node. */
export const SCENARIOS: Array<[VendorName, () => Promise<ReadScenario>]> = [
	['Shiheng', shihengScenario],
	['Mingdao', mingdaoScenario],
	['WeLink', weLinkScenario],
	['Aliyun IoT', aliyunScenario],
];
