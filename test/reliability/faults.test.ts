import type { IDataObject } from 'n8n-workflow';

import { ALIYUN_PATHS } from '../emulators/aliyun';
import type { FaultRule } from '../emulators/frame';
import {
	SCENARIOS,
	aliyunCreate,
	aliyunScenario,
	errorText,
	paired,
	weLinkScenario,
} from './vendors';
import type { PartialOutcome, ReadScenario, VendorName } from './vendors';

/**
 * The fault matrix: every vendor node × every fault, through WorkflowExecute against its emulator.
 * - recover: the fault hits a complete read a few times, then the service answers again. The read
 *   must return exactly the expected items (none lost, none twice), each fault costing exactly one
 *   extra request.
 * - persist: the fault outlasts the retries for one item (or one batch). With Continue On Fail that
 *   item becomes an error item naming it while the other items succeed; without, the run stops with
 *   a NodeApiError naming the item.
 * - Aliyun Create by Auth Code (single use) meets the fault too: it is repeated only after refusals
 *   that came before the service, so no code ever reaches the service twice.
 * The outcome table is printed at the end of the file.
 */

type FaultKey =
	| '5xx'
	| 'vendor-limit'
	| '429'
	| 'reset-before'
	| 'reset-after'
	| 'timeout'
	| 'token'
	| 'html'
	| 'truncated'
	| 'credential';

const FAULT_LABELS: Record<FaultKey, string> = {
	'5xx': '5xx burst then recovery',
	'vendor-limit': "vendor's rate-limit answer",
	'429': 'HTTP 429 + Retry-After',
	'reset-before': 'reset before request read',
	'reset-after': 'reset after request read',
	timeout: 'answer slower than timeout',
	token: 'token expires mid-run',
	html: 'HTML error page',
	truncated: 'truncated JSON body',
	credential: 'credential refused as a whole',
};

const FAST = { timeout: 300 };
const SLOW_MS = 1_200;

interface FaultPlan {
	/** Sets the recover-case faults up; returns how many extra requests they cost. */
	recover: (s: ReadScenario) => number;
	/** The rule of a fault that outlasts the retries (times is set by the caller). */
	persist: Omit<FaultRule, 'path' | 'skip' | 'times'>;
	/** Node options both cases need. */
	options?: IDataObject;
	/** Persist case: retries allowed (default 1); the fault is injected for every attempt. */
	persistRetries?: number;
}

/** A fault the vendor cannot meet (nothing of it exists there): it has no cases, only a line in the table. */
interface NotApplicable {
	notApplicable: string;
}

const onPath = (s: ReadScenario, rule: Omit<FaultRule, 'path'>) =>
	s.emulator.injectFault({ ...rule, path: s.path });

const LIMIT_JSON_WELINK = {
	code: '48503',
	message: 'The request frequency exceeds the limit',
	data: [],
};
const LIMIT_ALIYUN_403 = {
	kind: 'status' as const,
	status: 403,
	headers: { 'X-Ca-Error-Message': 'Request Limited' },
	json: { code: 403, message: 'Request Limited' },
};
const BODY_429_ALIYUN = {
	kind: 'status' as const,
	status: 200,
	json: {
		id: 'fault',
		code: 429,
		message: 'too many requests',
		localizedMsg: '请求过于频繁',
		data: null,
	},
};

function planFor(vendor: VendorName, key: FaultKey): FaultPlan | NotApplicable {
	switch (key) {
		case '5xx':
			return {
				recover: (s) => (
					onPath(s, { fault: { kind: 'status', status: 503, json: {} }, times: 3 }),
					3
				),
				persist: { fault: { kind: 'status', status: 503, json: {} } },
			};
		case 'vendor-limit':
			if (vendor === 'WeLink') {
				return {
					recover: (s) => (
						onPath(s, {
							fault: { kind: 'status', status: 200, json: LIMIT_JSON_WELINK },
							times: 3,
						}),
						3
					),
					persist: { fault: { kind: 'status', status: 200, json: LIMIT_JSON_WELINK } },
				};
			}
			if (vendor === 'Aliyun IoT') {
				return {
					recover: (s) => {
						// The emulator's own gateway throttle: HTTP 403 "Request Limited", then body code 429.
						const handle = (s as Awaited<ReturnType<typeof aliyunScenario>>).handle;
						handle.throttleNext(2, 'gateway-403');
						handle.throttleNext(1, 'body-429');
						return 3;
					},
					persist: { fault: LIMIT_ALIYUN_403 },
				};
			}
			return { notApplicable: 'no documented rate-limit code (HTTP 429 row)' };
		case '429':
			return {
				recover: (s) => (
					onPath(s, {
						fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, json: {} },
						times: 1,
					}),
					1
				),
				persist: {
					fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, json: {} },
				},
			};
		case 'reset-before':
			return {
				recover: (s) => (onPath(s, { fault: { kind: 'reset-before-read' }, times: 2 }), 2),
				persist: { fault: { kind: 'reset-before-read' } },
			};
		case 'reset-after':
			return {
				recover: (s) => (onPath(s, { fault: { kind: 'reset-after-read' }, times: 2 }), 2),
				persist: { fault: { kind: 'reset-after-read' } },
			};
		case 'timeout':
			return {
				options: FAST,
				recover: (s) => (onPath(s, { fault: { kind: 'delay', ms: SLOW_MS }, times: 1 }), 1),
				persist: { fault: { kind: 'delay', ms: SLOW_MS } },
				// undici checks timeouts on a coarse clock (~1 s per timed-out attempt): one attempt keeps it quick.
				persistRetries: 0,
			};
		case 'token':
			if (vendor !== 'WeLink') return { notApplicable: 'signed per request, no token' };
			return {
				recover: (s) => {
					(s as Awaited<ReturnType<typeof weLinkScenario>>).handle.expireTokensAfter(1);
					return 1;
				},
				// WeLink keeps refusing even a freshly fetched token: the client refetches once, then fails.
				persist: {
					fault: {
						kind: 'status',
						status: 200,
						json: { code: '47103', message: 'Authentication failed', data: [] },
					},
				},
			};
		case 'html':
			return {
				recover: (s) => (onPath(s, { fault: { kind: 'html', status: 502 }, times: 2 }), 2),
				persist: { fault: { kind: 'html', status: 502 } },
			};
		case 'truncated':
			return {
				recover: (s) => (onPath(s, { fault: { kind: 'truncated' }, times: 2 }), 2),
				persist: { fault: { kind: 'truncated' } },
			};
		case 'credential':
			return { notApplicable: 'no recovery: its own cases below' };
	}
}

/** An error message a user can act on: it names the vendor or says what happened on the wire. */
const CLEAR_ERROR =
	/(Shiheng|Mingdao|WeLink|Aliyun IoT)( gateway)? error|answered (with|without)|did not answer in time|connection was closed|rate limit|Request Limited/;

const matrix = new Map<VendorName, Map<FaultKey, string[]>>();
function note(vendor: VendorName, key: FaultKey, text: string): void {
	if (!matrix.has(vendor)) matrix.set(vendor, new Map());
	const row = matrix.get(vendor)!;
	row.set(key, [...(row.get(key) ?? []), text]);
}

function checkPartial(outcome: PartialOutcome, vendor: VendorName, key: FaultKey): string {
	const { result, failingItems, outputsPerGoodItem, inputCount } = outcome;
	expect(result.error).toBeUndefined();
	const failing = new Set(failingItems);
	for (let itemIndex = 0; itemIndex < inputCount; itemIndex++) {
		const outputs = result.items.filter((item) => paired(item) === itemIndex);
		if (failing.has(itemIndex)) {
			expect(outputs).toHaveLength(1);
			const text = errorText(outputs[0]);
			expect(outputs[0].json.error).toEqual(expect.stringContaining(`item ${itemIndex}`));
			expect(text).toMatch(CLEAR_ERROR);
		} else {
			expect(outputs).toHaveLength(outputsPerGoodItem);
			expect(outputs.every((item) => item.json.error === undefined)).toBe(true);
		}
	}
	const shown = String(result.items.find((item) => paired(item) === failingItems[0])?.json.error);
	note(
		vendor,
		key,
		`persist→error item ${failingItems.length > 1 ? `${failingItems[0]}–${failingItems.at(-1)}` : failingItems[0]} (“${shown.slice(0, 48)}…”)`,
	);
	return shown;
}

const FAULT_KEYS: FaultKey[] = [
	'5xx',
	'vendor-limit',
	'429',
	'reset-before',
	'reset-after',
	'timeout',
	'token',
	'html',
	'truncated',
];

describe.each(SCENARIOS)('%s', (vendor, start) => {
	let s: ReadScenario;
	beforeAll(async () => {
		s = await start();
	});
	afterAll(async () => await s.stop());
	beforeEach(() => s.reset());

	test('a clean read gives exactly the expected items (baseline)', async () => {
		const { result, keys, expected } = await s.read();
		expect(result.error).toBeUndefined();
		expect(keys).toEqual(expected);
		expect(s.emulator.count(s.path)).toBe(s.cleanRequests);
	});

	describe('a credential the vendor refuses as a whole (issue 21), 10,000 items', () => {
		// Requests that may reach the vendor before the refusal is known: the batches already in flight.
		const MAX_REQUESTS: Record<VendorName, number> = {
			Shiheng: 1,
			Mingdao: 4,
			WeLink: 0,
			'Aliyun IoT': 1,
		};
		const ITEMS = 10_000;

		test("without Continue On Fail: the node fails at once with the vendor's refusal, nothing more is sent", async () => {
			const { result, requests, tokenFetches, refusal } = await s.refused(ITEMS, false);
			expect(result.error?.message).toMatch(refusal);
			expect(result.error?.message).toContain('(item 0)');
			expect(result.error?.message).not.toContain('a-wrong-secret-5e1f');
			expect(requests).toBeGreaterThanOrEqual(Math.min(1, MAX_REQUESTS[vendor]));
			expect(requests).toBeLessThanOrEqual(MAX_REQUESTS[vendor]);
			expect(tokenFetches).toBe(vendor === 'WeLink' ? 1 : 0);
			note(vendor, 'credential', `fails: ${requests} req, ${tokenFetches} token`);
		});

		test('with Continue On Fail: an error item per item, in order, with the refusal; no request after it', async () => {
			const { result, requests, tokenFetches, refusal } = await s.refused(ITEMS, true);
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(ITEMS);
			expect(result.items.map(paired)).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
			const wrong = result.items.filter(
				(item, index) =>
					!refusal.test(String(item.json.error)) ||
					!String(item.json.error).endsWith(`(item ${index})`),
			);
			expect(wrong).toEqual([]);
			expect(requests).toBeGreaterThanOrEqual(Math.min(1, MAX_REQUESTS[vendor]));
			expect(requests).toBeLessThanOrEqual(MAX_REQUESTS[vendor]);
			expect(tokenFetches).toBe(vendor === 'WeLink' ? 1 : 0);
			note(
				vendor,
				'credential',
				`continue: ${ITEMS} error items, ${requests} req, ${tokenFetches} token`,
			);
		});
	});

	const plans = FAULT_KEYS.flatMap((key): Array<[FaultKey, FaultPlan]> => {
		const plan = planFor(vendor, key);
		if (!('notApplicable' in plan)) return [[key, plan]];
		note(vendor, key, `n/a: ${plan.notApplicable}`);
		return [];
	});

	describe.each(plans)('%s', (key, plan) => {
		test('recovers: exactly the expected items, each fault costing one extra request', async () => {
			const extra = plan.recover(s);
			const { result, keys, expected } = await s.read(plan.options);
			expect(result.error).toBeUndefined();
			expect(keys).toEqual(expected);
			expect(new Set(keys).size).toBe(expected.length);
			if (key === 'token') {
				// The batches in flight when the token expired are repeated with a new token.
				const handle = (s as Awaited<ReturnType<typeof weLinkScenario>>).handle;
				expect(handle.emulator.count('/api/auth/v2/tickets')).toBe(2);
				expect(s.emulator.count(s.path)).toBeGreaterThanOrEqual(s.cleanRequests + extra);
				expect(s.emulator.count(s.path)).toBeLessThanOrEqual(s.cleanRequests * 2);
				note(
					vendor,
					key,
					`recovered ${keys.length}/${expected.length}, token refetched once, +${s.emulator.count(s.path) - s.cleanRequests} req`,
				);
				return;
			}
			expect(s.emulator.count(s.path)).toBe(s.cleanRequests + extra);
			if (key === '429') {
				// Retry-After: 1 was honoured before the request was repeated.
				const records = s.emulator.records.filter((record) => record.path === s.path);
				const limited = records.findIndex((record) => record.status === 429);
				expect(limited).toBeGreaterThanOrEqual(0);
				// Other pages or batches may go on meanwhile; the repeat of the refused one comes ≥ 1 s later.
				const latest = Math.max(...records.map((record) => record.at));
				expect(latest - records[limited].at).toBeGreaterThanOrEqual(900);
			}
			note(vendor, key, `recovered ${keys.length}/${expected.length} items, +${extra} req`);
		});

		test('persists: an error item naming the item (Continue On Fail); the other items succeed', async () => {
			const retries = plan.persistRetries ?? 1;
			s.emulator.injectFault({
				...plan.persist,
				path: s.path,
				skip: s.partialSkip,
				times: retries + 1,
			});
			const outcome = await s.partial({ maxRetries: retries, ...plan.options }, true);
			checkPartial(outcome, vendor, key);
			// The failing part was tried exactly as often as allowed; the two other parts once each.
			expect(s.emulator.count(s.path)).toBe(2 + retries + 1);
		});

		test('persists: without Continue On Fail the run stops with a node error naming the item', async () => {
			const retries = plan.persistRetries ?? 1;
			s.emulator.injectFault({
				...plan.persist,
				path: s.path,
				skip: s.partialSkip,
				times: retries + 1,
			});
			const outcome = await s.partial({ maxRetries: retries, ...plan.options }, false);
			const error = outcome.result.error as (Error & { description?: string }) | undefined;
			expect(error).toBeDefined();
			expect(['NodeApiError', 'NodeOperationError']).toContain(error!.name);
			expect(error!.message).toContain(`item ${outcome.failingItems[0]}`);
			expect(`${error!.message} ${error!.description ?? ''}`).toMatch(CLEAR_ERROR);
		});
	});

	if (vendor === 'Aliyun IoT') {
		describe('Create by Auth Code (single use) under every fault', () => {
			let serial = 0;
			const codes = (handle: Awaited<ReturnType<typeof aliyunScenario>>['handle']) =>
				[0, 1, 2].map(() => {
					const code = `FAULT-CODE-${++serial}`;
					handle.addAuthCode(code);
					return code;
				});
			const createFaults: Array<[FaultKey, FaultRule['fault'], boolean]> = [
				['5xx', { kind: 'status', status: 503, json: {} }, false],
				['vendor-limit', LIMIT_ALIYUN_403, true],
				['429', { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, json: {} }, true],
				['reset-before', { kind: 'reset-before-read' }, false],
				['reset-after', { kind: 'reset-after-read' }, false],
				['timeout', { kind: 'delay', ms: SLOW_MS }, false],
				['html', { kind: 'html', status: 502 }, false],
				['truncated', { kind: 'truncated' }, false],
			];
			test.each(createFaults)(
				'%s: repeated only if refused before the service; no code reaches it twice',
				async (key, fault, repeatable) => {
					const handle = (s as Awaited<ReturnType<typeof aliyunScenario>>).handle;
					const list = codes(handle);
					const before = handle.createByAuthCodeCount();
					s.emulator.injectFault({ path: ALIYUN_PATHS.createByAuthCode, skip: 1, times: 1, fault });
					const result = await aliyunCreate(handle, list, FAST);
					expect(result.error).toBeUndefined();
					expect(result.items.map(paired)).toEqual([0, 1, 2]);
					const served = handle.createByAuthCodeCount() - before;
					const sent = s.emulator.count(ALIYUN_PATHS.createByAuthCode);
					// Never more service calls than codes: each code reached the service at most once.
					expect(served).toBeLessThanOrEqual(3);
					expect(result.items[0].json.employeeId).toBeDefined();
					expect(result.items[2].json.employeeId).toBeDefined();
					if (repeatable) {
						expect(sent).toBe(4);
						expect(served).toBe(3);
						expect(result.items[1].json.employeeId).toBeDefined();
						note('Aliyun IoT', key, 'create: refused before service → retried, created once');
					} else {
						expect(sent).toBe(3);
						expect(result.items[1].json.error).toEqual(expect.stringContaining('item 1'));
						expect(errorText(result.items[1])).toMatch(/not repeated/);
						note(
							'Aliyun IoT',
							key,
							`create: not repeated (service saw it ${served === 3 ? 'once' : 'never'})`,
						);
					}
				},
			);

			test('body code 429 (behind the gateway) is not repeated for a create', async () => {
				const handle = (s as Awaited<ReturnType<typeof aliyunScenario>>).handle;
				const list = codes(handle);
				s.emulator.injectFault({
					path: ALIYUN_PATHS.createByAuthCode,
					skip: 1,
					times: 1,
					fault: BODY_429_ALIYUN,
				});
				const result = await aliyunCreate(handle, list);
				expect(s.emulator.count(ALIYUN_PATHS.createByAuthCode)).toBe(3);
				expect(String(result.items[1].json.error)).toMatch(/\[429\].*item 1/);
				expect(result.items[2].json.employeeId).toBeDefined();
				note('Aliyun IoT', 'vendor-limit', 'create: body 429 not repeated');
			});
		});
	}
});

afterAll(() => {
	const vendors: VendorName[] = ['Shiheng', 'Mingdao', 'WeLink', 'Aliyun IoT'];
	const lines = ['', 'Fault matrix (vendor × fault → outcome)'];
	for (const key of [...FAULT_KEYS, 'credential' as const]) {
		lines.push(`■ ${FAULT_LABELS[key]}`);
		for (const vendor of vendors) {
			const cells = matrix.get(vendor)?.get(key) ?? ['(not run)'];
			lines.push(`    ${vendor.padEnd(11)} ${cells.join(' · ')}`);
		}
	}
	console.log(lines.join('\n'));
});
