import nodeCrypto from 'node:crypto';

import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import type { Fault } from '../emulators/frame';
import { expectNoSecrets, listParams, runAliyun, visibleText } from './fixtures';

/**
 * The client against the gateway: its refusals (signature, timestamp, nonce) reach the user with
 * the gateway's message and advice, and reads are retried through faults until complete.
 */

let handle: AliyunIotEmulatorHandle;
const LIST = ALIYUN_PATHS.queryByCompanyId;
const FAST_TIMEOUT = { timeout: 400 };

beforeAll(async () => {
	handle = await startAliyunIotEmulator({ employees: 130, authCodes: [] });
});
afterAll(async () => await handle.stop());
beforeEach(() => {
	handle.emulator.resetCounters();
	handle.emulator.clearFaults();
	handle.setClockOffset(0);
	handle.setThrottle(undefined);
});

describe('gateway refusals reach the user with the gateway message', () => {
	test('a wrong AppSecret: Invalid Signature, no secret shown', async () => {
		const wrongSecret = 'wrong-secret-0123456789';
		const result = await runAliyun(handle, listParams(), {
			items: [{ companyId: handle.companyId }],
			credentials: { appSecret: wrongSecret },
		});
		expect(result.error?.message).toMatch(/Aliyun IoT gateway error \[400\]: Invalid Signature/);
		expect((result.error as Error & { description?: string }).description).toMatch(/AppSecret/);
		const text = visibleText(result);
		expect(text).not.toContain(wrongSecret);
		expectNoSecrets(handle, text);
		// A refused signature is not worth retrying.
		expect(handle.emulator.count()).toBe(1);
	});

	test('a stale timestamp is refused and the user is told to check the clock', async () => {
		handle.setClockOffset(16 * 60_000);
		const result = await runAliyun(handle, listParams(), {
			items: [{ companyId: handle.companyId }],
		});
		expect(result.error?.message).toMatch(/Timestamp Expired/);
		expect((result.error as Error & { description?: string }).description).toMatch(/clock/);
		expect(handle.emulator.count()).toBe(1);
	});

	test('a replayed nonce is refused', async () => {
		const first = await runAliyun(handle, listParams({ returnAll: false, limit: 1 }), {
			items: [{ companyId: handle.companyId }],
		});
		expect(first.error).toBeUndefined();
		const used = handle.acceptedNonces().at(-1)!;
		// Make the signer draw the nonce it already used, as a replaying proxy would resend it.
		const spy = jest
			.spyOn(nodeCrypto, 'randomUUID')
			.mockReturnValue(used as `${string}-${string}-${string}-${string}-${string}`);
		let result;
		try {
			result = await runAliyun(handle, listParams({ returnAll: false, limit: 1 }), {
				items: [{ companyId: handle.companyId }],
			});
		} finally {
			spy.mockRestore();
		}
		expect(result.error?.message).toMatch(/Nonce Used/);
		expect((result.error as Error & { description?: string }).description).toMatch(/replay/);
	});
});

describe('reads are retried and complete', () => {
	test('Get Many by Company survives resets, 5xx, timeouts, HTML and truncated bodies', async () => {
		const expected = handle.companyEmployees().map((e) => e.employeeId);
		const faults: Fault[] = [
			{ kind: 'reset-after-read' },
			{ kind: 'status', status: 503, json: {} },
			{ kind: 'delay', ms: 1_500 },
			{ kind: 'html', status: 502 },
			{ kind: 'truncated' },
		];
		faults.forEach((fault, index) =>
			handle.emulator.injectFault({ path: LIST, fault, skip: index === 0 ? 1 : 0 }),
		);
		const result = await runAliyun(
			handle,
			listParams({}, { pageSize: 20, maxRetries: 8, ...FAST_TIMEOUT }),
			{
				items: [{ companyId: handle.companyId }],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.employeeId)).toEqual(expected);
		const pages = Math.ceil(expected.length / 20);
		// Every fault cost exactly one extra request.
		expect(handle.emulator.count(LIST)).toBe(pages + faults.length);
	});

	test('reads ride out gateway throttling and body 429', async () => {
		const expected = handle.companyEmployees().map((e) => e.employeeId);
		handle.throttleNext(2, 'gateway-403');
		handle.throttleNext(1, 'body-429');
		const result = await runAliyun(handle, listParams({}, { pageSize: 50 }), {
			items: [{ companyId: handle.companyId }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.employeeId)).toEqual(expected);
		expect(handle.emulator.count(LIST)).toBe(Math.ceil(expected.length / 50) + 3);
	});

	test('a configured throttle window slows a listing down without losing a page', async () => {
		handle.setThrottle({ limit: 2, intervalMs: 200 });
		const result = await runAliyun(handle, listParams({}, { pageSize: 25, maxRetries: 10 }), {
			items: [{ companyId: handle.companyId }],
		});
		expect(result.error).toBeUndefined();
		expect(new Set(result.items.map((item) => item.json.employeeId)).size).toBe(
			handle.companyEmployees().length,
		);
		expect(handle.emulator.records.some((record) => record.status === 403)).toBe(true);
	});
});
