import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import {
	closeSharedRedis,
	setSharedStateLogger,
} from '../../nodes/shared/scale-out/redis-connection';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { hintsOf, runNode } from '../harness/run-workflow';

import {
	BULK,
	STATUS,
	TICKETS,
	TYPE,
	creds,
	currentEmulator,
	demoIds,
	getStatus,
	paired,
	useWeLinkEmulator,
} from './fixtures';

/** The client: tokens, retries, WeLink's rate limit and its error codes. */

useWeLinkEmulator();
let welink: WeLinkEmulatorHandle;
beforeAll(() => {
	welink = currentEmulator();
});

describe('tokens', () => {
	test('one token serves a whole execution and a second execution', async () => {
		await getStatus(demoIds(30).map((id) => ({ id })));
		const second = await getStatus(demoIds(30, 31).map((id) => ({ id })));
		expect(second.items).toHaveLength(30);
		expect(welink.emulator.count(TICKETS)).toBe(1);
		expect(welink.emulator.count(STATUS)).toBe(6);
	});

	test('a token expiring mid-run is refreshed once and no person is lost', async () => {
		welink.expireTokensAfter(2);
		const ids = demoIds(50);
		const result = await getStatus(
			ids.map((id) => ({ id })),
			{ concurrency: 2 },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(result.items.every((item) => item.json.state === 'opened')).toBe(true);
		expect(welink.emulator.count(TICKETS)).toBe(2);
		// 5 batches, plus at most the 2 that were in flight when the token expired.
		expect(welink.emulator.count(STATUS)).toBeGreaterThanOrEqual(6);
		expect(welink.emulator.count(STATUS)).toBeLessThanOrEqual(7);
	});
});

describe('retries and the rate limit', () => {
	test('48503 answers (in HTTP 200 and as HTTP 503) and a 502 are retried and the result is complete', async () => {
		welink.emulator.injectFault({
			path: STATUS,
			times: 2,
			fault: {
				kind: 'status',
				status: 200,
				json: { code: '48503', message: 'The request frequency exceeds the limit' },
			},
		});
		welink.emulator.injectFault({
			path: STATUS,
			times: 1,
			fault: { kind: 'status', status: 503, json: { code: 48503, message: 'busy' } },
		});
		welink.emulator.injectFault({
			path: STATUS,
			times: 1,
			fault: { kind: 'status', status: 502, text: 'bad gateway' },
		});
		const ids = demoIds(30);
		const result = await getStatus(
			ids.map((id) => ({ id })),
			{ concurrency: 1, maxRetries: 5 },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(welink.emulator.count(STATUS)).toBe(3 + 4);
	});

	test("the rate limit option keeps calls under WeLink's limit: no 48503 is drawn", async () => {
		welink.setRatePerSecond(4);
		const ids = demoIds(60);
		const result = await getStatus(
			ids.map((id) => ({ id })),
			{ ratePerSecond: 4, concurrency: 4 },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(60);
		expect(welink.emulator.count(STATUS)).toBe(6);
		expect(welink.rateLimitedCount()).toBe(0);
	});

	test('Submit is retried after a 48503 refusal but never after a 5xx that may have reached the service', async () => {
		welink.emulator.injectFault({
			path: BULK,
			times: 1,
			fault: { kind: 'status', status: 200, json: { code: '48503', message: 'limit' } },
		});
		welink.emulator.injectFault({
			path: BULK,
			skip: 1,
			times: 1,
			fault: { kind: 'status', status: 500, json: { code: '500', message: 'system error' } },
		});
		const items = Array.from({ length: 15 }, (_, i) => ({ id: `retry${i}` }));
		const result = await runNode({
			type: TYPE,
			items,
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '={{ $json.id }}',
				additionalFields: {},
				options: { concurrency: 1 },
			},
			credentials: creds(),
			continueOnFail: true,
		});
		// Batch 1: 48503 then accepted. Batch 2: 500, not repeated → its 5 items are errors.
		expect(welink.emulator.count(BULK)).toBe(3);
		expect(result.items.slice(0, 10).every((item) => item.json.accepted === true)).toBe(true);
		expect(
			result.items.slice(10).every((item) => /WeLink error \[500\]/.test(String(item.json.error))),
		).toBe(true);
		expect(paired(result.items)).toEqual(items.map((_, i) => i));
	});
});

describe('vendor error codes', () => {
	test("vendor parameter errors (47004) are item errors with WeLink's message", async () => {
		welink.emulator.injectFault({
			path: STATUS,
			fault: {
				kind: 'status',
				status: 200,
				json: { code: '47004', message: 'The mobile number is wrong', data: [] },
			},
		});
		const result = await getStatus([{ id: 'demo0001' }], {}, { continueOnFail: true });
		expect(String(result.items[0].json.error)).toContain(
			'WeLink error [47004]: The mobile number is wrong (item 0)',
		);
	});
});

describe('scaled out, with Redis unreachable', () => {
	const warnings: string[] = [];
	beforeAll(async () => {
		// A port nothing listens on: taken and given back at once.
		const probe = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address() as AddressInfo;
		await new Promise<void>((resolve) => probe.close(() => resolve()));
		process.env.EMPLOYEE_SYNC_REDIS_URL = `redis://127.0.0.1:${port}`;
		setSharedStateLogger({ warn: (message) => warnings.push(message), info: () => undefined });
	});
	afterAll(async () => {
		delete process.env.EMPLOYEE_SYNC_REDIS_URL;
		setSharedStateLogger(undefined);
		await closeSharedRedis();
	});

	test('the node keeps working on its own token and limit, says so once in the log and in the output hints', async () => {
		const ids = demoIds(25);
		const result = await getStatus(ids.map((id) => ({ id })));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.state)).toEqual(ids.map(() => 'opened'));
		expect(paired(result.items)).toEqual(ids.map((_, i) => i));
		expect(hintsOf(result).map((hint) => hint.message)).toEqual([
			expect.stringContaining('Redis was not available'),
		]);
		expect(warnings).toHaveLength(1);
		const again = await getStatus(ids.map((id) => ({ id })));
		expect(again.items).toHaveLength(25);
		expect(warnings).toHaveLength(1);
	});
});
