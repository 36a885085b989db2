import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import type { Fault } from '../emulators/frame';
import { createParams, expectNoSecrets, runAliyun, visibleText } from './fixtures';

/**
 * Aliyun's own reliability concern: calls that are not safe to repeat. Faults injected between
 * the node and the gateway must never make a single-use Create by Auth Code (or a custom call not
 * marked Safe to Repeat) reach the service twice. Retries of reads are in transport.test.ts.
 */

let handle: AliyunIotEmulatorHandle;
const CREATE = ALIYUN_PATHS.createByAuthCode;
const LIST = ALIYUN_PATHS.queryByCompanyId;

beforeAll(async () => {
	handle = await startAliyunIotEmulator({ employees: 130, authCodes: [] });
});
afterAll(async () => await handle.stop());
beforeEach(() => {
	handle.emulator.resetCounters();
	handle.emulator.clearFaults();
	handle.setThrottle(undefined);
});

let codeSerial = 0;
function freshCode(): string {
	const code = `REL-CODE-${++codeSerial}`;
	handle.addAuthCode(code);
	return code;
}

const FAST_TIMEOUT = { timeout: 400 };

describe('Create by Auth Code is never sent twice once it may have reached the service', () => {
	const cases: Array<[string, Fault, boolean]> = [
		['reset after the request was read', { kind: 'reset-after-read' }, true],
		['HTTP 503', { kind: 'status', status: 503, json: {} }, false],
		['a timeout', { kind: 'delay', ms: 1_500 }, true],
		['an HTML error page', { kind: 'html', status: 502 }, false],
	];
	test.each(cases)('%s', async (_label, fault, serviceActed) => {
		// serviceActed: the fault came after the service had handled the request.
		const code = freshCode();
		const before = handle.createByAuthCodeCount();
		handle.emulator.injectFault({ path: CREATE, fault });
		const result = await runAliyun(
			handle,
			{ ...createParams(code), options: FAST_TIMEOUT },
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toBeDefined();
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		// One request on the wire, and the service saw it at most once.
		expect(handle.emulator.count(CREATE)).toBe(1);
		expect(handle.createByAuthCodeCount() - before).toBe(serviceActed ? 1 : 0);
		const shown = `${String(result.items[0].json.error)} ${String(result.items[0].json.description ?? '')}`;
		expect(shown).toMatch(/not repeated/);
		expectNoSecrets(handle, visibleText(result));
	});

	test('body 429 and 20056 from behind the gateway are not repeated for a create', async () => {
		const code = freshCode();
		handle.throttleNext(1, 'body-429');
		const result = await runAliyun(handle, createParams(code), { continueOnFail: true });
		expect(String(result.items[0].json.error)).toMatch(/\[429\]/);
		expect(handle.emulator.count(CREATE)).toBe(1);

		handle.emulator.injectFault({
			path: CREATE,
			fault: {
				kind: 'status',
				status: 200,
				json: {
					id: 'x',
					code: 20056,
					message: 'Hsf Invoke Timeout',
					localizedMsg: null,
					data: null,
				},
			},
		});
		const second = await runAliyun(handle, createParams(code), { continueOnFail: true });
		expect(String(second.items[0].json.error)).toMatch(/\[20056\].*Hsf Invoke Timeout/);
		expect(handle.emulator.count(CREATE)).toBe(2);
	});

	test('gateway throttling (HTTP 403 Request Limited) is retried and the employee is created once', async () => {
		const code = freshCode();
		const before = handle.createByAuthCodeCount();
		handle.throttleNext(2, 'gateway-403');
		const result = await runAliyun(handle, createParams(code));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.employeeId).toBeDefined();
		expect(handle.emulator.count(CREATE)).toBe(3);
		expect(handle.createByAuthCodeCount() - before).toBe(1);
	});

	test('a 403 injected in front of the gateway with the throttling message is retried too', async () => {
		const code = freshCode();
		handle.emulator.injectFault({
			path: CREATE,
			fault: {
				kind: 'status',
				status: 403,
				headers: { 'X-Ca-Error-Message': 'Request Limited' },
				json: { code: 403, message: 'Request Limited' },
			},
		});
		const result = await runAliyun(handle, createParams(code));
		expect(result.error).toBeUndefined();
		expect(handle.emulator.count(CREATE)).toBe(2);
		expect(handle.createByAuthCodeCount()).toBeGreaterThan(0);
	});

	test('a 403 that is not throttling is not retried', async () => {
		const code = freshCode();
		handle.emulator.injectFault({
			path: CREATE,
			fault: {
				kind: 'status',
				status: 403,
				headers: { 'X-Ca-Error-Message': 'Unauthorized' },
				text: '',
			},
		});
		const result = await runAliyun(handle, createParams(code), { continueOnFail: true });
		expect(String(result.items[0].json.error)).toMatch(/gateway error \[403\]: Unauthorized/);
		expect(handle.emulator.count(CREATE)).toBe(1);
	});
});

describe('a custom call is single-use unless marked Safe to Repeat', () => {
	test('a custom call is retried after a reset only when marked Safe to Repeat', async () => {
		const call = (idempotent: boolean) => ({
			resource: 'customApiCall',
			operation: 'call',
			path: LIST,
			apiVer: '1.0.0',
			params: JSON.stringify({ companyId: handle.companyId, pageNo: 1, pageSize: 5 }),
			options: { idempotent },
		});
		handle.emulator.injectFault({ path: LIST, fault: { kind: 'reset-after-read' } });
		const unsafe = await runAliyun(handle, call(false), { continueOnFail: true });
		expect(String(unsafe.items[0].json.error)).toMatch(/Safe to Repeat/);
		expect(handle.emulator.count(LIST)).toBe(1);

		handle.emulator.resetCounters();
		handle.emulator.injectFault({ path: LIST, fault: { kind: 'reset-after-read' } });
		const safe = await runAliyun(handle, call(true));
		expect(safe.error).toBeUndefined();
		expect((safe.items[0].json.employeeList as unknown[]).length).toBe(5);
		expect(handle.emulator.count(LIST)).toBe(2);
	});
});
