import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ShihengApi } from '../../credentials/ShihengApi.credentials';
import { SIGN_PRESETS } from '../../nodes/Shiheng/signing';
import type { SignScheme } from '../../nodes/Shiheng/signing';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';

const TYPE = 'n8n-nodes-employee-sync.shiheng';
const WRONG_SECRET = 'wrong-secret-9d8e7f';

let sh: ShihengEmulatorHandle;

beforeAll(async () => {
	sh = await startShihengEmulator({ employees: 10_000, customers: 2_000 });
});
afterAll(async () => await sh.stop());
beforeEach(() => {
	sh.emulator.resetCounters();
	sh.emulator.clearFaults();
	sh.served.length = 0;
	sh.setSigningScheme(SIGN_PRESETS[0].value);
});

function employees(parameters: IDataObject, extra: { items?: IDataObject[]; continueOnFail?: boolean; credentials?: ICredentialDataDecryptedObject } = {}) {
	return runNode({
		type: TYPE,
		parameters: { resource: 'employee', operation: 'getAll', endpointPath: sh.employeePath, ...parameters },
		items: extra.items,
		continueOnFail: extra.continueOnFail,
		credentials: { shihengApi: { ...sh.credentials, ...extra.credentials } },
	});
}

function customers(parameters: IDataObject) {
	return runNode({
		type: TYPE,
		parameters: { resource: 'customer', operation: 'getAll', endpointPath: sh.customerPath, ...parameters },
		credentials: { shihengApi: sh.credentials },
	});
}

const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.id);
const range = (count: number, at: (i: number) => number, from = 0) => Array.from({ length: count }, (_, i) => at(from + i));

describe('WeCom Employee → Get Many', () => {
	test('Return All over 200 pages returns every employee once, in order, paired to its item', async () => {
		const { items, error } = await employees({ returnAll: true, pageSize: 50, options: { concurrency: 8 } });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(10_000);
		expect(ids(items)).toEqual(range(10_000, sh.employeeId));
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		// Every page asked for exactly once.
		const pages = sh.served.map((entry) => entry.pageNum);
		expect(pages).toHaveLength(200);
		expect([...pages].sort((a, b) => a! - b!)).toEqual(range(200, (i) => i + 1));
		expect(pages[0]).toBe(1);
	});

	test('Limit 120 fetches exactly 3 pages', async () => {
		const { items, error } = await employees({ returnAll: false, limit: 120, pageSize: 50 });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(120, sh.employeeId));
		expect(sh.emulator.count(sh.employeePath)).toBe(3);
	});

	test('status becomes a readable label; Simplify keeps the common fields', async () => {
		const simple = await employees({ returnAll: false, limit: 20, pageSize: 20, simplify: true });
		const byCode = new Map(simple.items.map((item) => [item.json.statusCode, item.json.status]));
		expect(byCode.get(1)).toBe('active');
		expect(byCode.get(2)).toBe('disabled');
		expect(byCode.get(4)).toBe('not activated');
		expect(byCode.get(5)).toBe('left');
		expect(byCode.get(0)).toBe('unknown');
		expect(byCode.get(6)).toBe('unknown:6');
		expect(simple.items[0].json).not.toHaveProperty('avatarUrl');
		expect(simple.items[0].json).toHaveProperty('weComUserId', 'wx-emp-1');

		const raw = await employees({ returnAll: false, limit: 2, pageSize: 2, simplify: false });
		expect(raw.items[0].json).toHaveProperty('avatarUrl', null);
		expect(raw.items[0].json).toHaveProperty('status', 'active');
	});

	test.each([0, 51])('page size %s is refused before any request, naming the field', async (size) => {
		const { error } = await employees({ returnAll: true, pageSize: '={{ $json.size }}' }, { items: [{ size }] });
		expect(error?.message).toMatch(/Page Size must be a whole number from 1 to 50.*item 0.*"Page Size"/);
		expect(sh.emulator.count()).toBe(0);
	});

	test('one listing per input item; Continue On Fail turns a failing item into an error item', async () => {
		const { items, error } = await employees(
			{ returnAll: false, limit: 3, pageSize: 3, endpointPath: '={{ $json.path }}' },
			{ items: [{ path: sh.employeePath }, { path: '/not/there' }, { path: sh.employeePath }], continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(7);
		expect(items.slice(0, 3).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		expect(items[3].pairedItem).toEqual({ item: 1 });
		expect(String(items[3].json.error)).toContain('item 1');
		expect(items.slice(4).map((item) => item.pairedItem)).toEqual([{ item: 2 }, { item: 2 }, { item: 2 }]);
	});

	test('a 5xx on pages is retried and the result is complete, in order and without duplicates', async () => {
		sh.emulator.injectFault({ path: sh.employeePath, skip: 5, times: 2, fault: { kind: 'status', status: 503, json: {} } });
		sh.emulator.injectFault({
			path: sh.employeePath,
			skip: 40,
			times: 1,
			fault: { kind: 'status', status: 500, json: { code: '500', msg: 'internal error', traceId: 'x' } },
		});
		const { items, error } = await employees({ returnAll: true, pageSize: 50, options: { concurrency: 4 } });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(10_000, sh.employeeId));
		expect(new Set(ids(items)).size).toBe(10_000);
		expect(sh.emulator.count(sh.employeePath)).toBe(203);
		expect(sh.emulator.count(sh.employeePath, true)).toBe(200);
	});

	test('HTML pages, cut-short bodies and dropped connections are retried without loss or duplicates', async () => {
		sh.emulator.injectFault({ path: sh.employeePath, skip: 2, fault: { kind: 'html' } });
		sh.emulator.injectFault({ path: sh.employeePath, skip: 10, fault: { kind: 'truncated' } });
		sh.emulator.injectFault({ path: sh.employeePath, skip: 20, fault: { kind: 'reset-after-read' } });
		const { items, error } = await employees({ returnAll: true, pageSize: 50, options: { concurrency: 4 } });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(10_000, sh.employeeId));
		expect(sh.emulator.count(sh.employeePath)).toBe(203);
	});

	test('with retries off, an unreadable answer fails the item with a clear error', async () => {
		sh.emulator.injectFault({ path: sh.employeePath, fault: { kind: 'truncated' } });
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5, options: { maxRetries: 0 } });
		expect(error?.message).toMatch(/Shiheng answered with a body that is not valid JSON.*item 0/);
	});
});

describe('signing', () => {
	const custom: SignScheme = { join: 'concat', algorithm: 'sha256', secretPlacement: 'wrap', hexCase: 'lower', timestampUnit: 's' };
	const customHmac: SignScheme = { join: 'concat', algorithm: 'hmac-sha256', secretPlacement: 'append', hexCase: 'upper', timestampUnit: 's' };

	test.each([...SIGN_PRESETS.map((preset) => [preset.value, preset.value] as const), ['custom sha256', custom] as const, ['custom hmac', customHmac] as const])(
		'scheme %s is accepted by the emulator',
		async (_label, scheme) => {
			sh.setSigningScheme(scheme);
			const { items, error } = await employees({ returnAll: false, limit: 5, pageSize: 5 });
			expect(error).toBeUndefined();
			expect(ids(items)).toEqual(range(5, sh.employeeId));
		},
	);

	test('a wrong secret is refused with a clear error that contains no secret', async () => {
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5 }, { credentials: { appSecret: WRONG_SECRET } });
		expect(error?.message).toMatch(/Shiheng error \[40004\]: sign verification failed \(item 0\)/);
		const description = (error as Error & { description?: string }).description ?? '';
		expect(description).toMatch(/Signing Scheme/);
		expect(description).toMatch(/Request ID: [0-9a-f]{32}/);
		const everything = JSON.stringify(error) + String(error?.message) + description + String(error?.stack);
		expect(everything).not.toContain(WRONG_SECRET);
		expect(everything).not.toContain(String(sh.credentials.appSecret));
	});

	test('a scheme other than the one in force is refused', async () => {
		sh.setSigningScheme('hmacSha256QueryLowerMs');
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5 }, { credentials: { signingScheme: 'md5QueryAppendLowerMs' } });
		expect(error?.message).toContain('[40004]');
	});

	test('a plain http:// Base URL on a remote host is refused before any request', async () => {
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5 }, { credentials: { baseUrl: 'http://shiheng.example.com' } });
		expect(error?.message).toMatch(/Base URL uses plain HTTP/);
	});
});

describe('WeCom Customer → Get Many', () => {
	test('the cursor runs to the end; a later run from resumeStartId fetches only from there', async () => {
		const { items, error } = await customers({ returnAll: true, pageSize: 100 });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(2_000, sh.customerId));
		expect(sh.served.map((entry) => entry.startId)).toEqual([0, ...range(19, (i) => sh.customerId(i * 100 + 99))]);
		// The end was reached: resume at the last page's start (it is read again).
		const resume = items[0].json.resumeStartId;
		expect(resume).toBe(sh.customerId(1_899));
		expect(items.every((item) => item.json.resumeStartId === resume)).toBe(true);

		sh.addCustomers(30);
		try {
			const later = await customers({ returnAll: true, pageSize: 100, options: { startId: String(resume) } });
			expect(later.error).toBeUndefined();
			expect(ids(later.items)).toEqual(range(130, sh.customerId, 1_900));
		} finally {
			sh.addCustomers(-30);
		}
	});

	test('a limit that ends mid-page resumes at that page', async () => {
		const first = await customers({ returnAll: false, limit: 150, pageSize: 100 });
		expect(ids(first.items)).toEqual(range(150, sh.customerId));
		expect(sh.emulator.count(sh.customerPath)).toBe(2);
		const resume = first.items[0].json.resumeStartId;
		expect(resume).toBe(sh.customerId(99));
		const next = await customers({ returnAll: false, limit: 10, pageSize: 100, options: { startId: String(resume) } });
		expect(ids(next.items)).toEqual(range(10, sh.customerId, 100));
	});

	test('customer page size 101 is refused before any request', async () => {
		const { error } = await customers({ returnAll: true, pageSize: 101 });
		expect(error?.message).toMatch(/Page Size must be a whole number from 1 to 100/);
		expect(sh.emulator.count()).toBe(0);
	});
});

describe('credential', () => {
	test('the credential test passes against the emulator and fails with a wrong secret', async () => {
		await expect(testCredential('shihengApi', sh.credentials)).resolves.toEqual({ ok: true, message: 'Connection tested successfully' });
		expect(sh.served[0]).toEqual({ path: sh.employeePath, pageNum: 1, pageSize: 1 });
		const wrong = await testCredential('shihengApi', { ...sh.credentials, appSecret: WRONG_SECRET });
		expect(wrong.ok).toBe(false);
		expect(wrong.message).toMatch(/Signing Scheme/);
	});

	test('authenticate signs requests made through n8n (the HTTP Request node path)', async () => {
		sh.setSigningScheme('md5ConcatWrapUpperMs');
		const { items, error } = await runNode({
			type: 'test.authenticatedRequest',
			parameters: {
				credentialType: 'shihengApi',
				method: 'POST',
				url: `${sh.baseUrl}${sh.employeePath}`,
				body: JSON.stringify({ paramContent: { pageNum: 2, pageSize: 10 } }),
			},
			credentials: { 'shihengApi:http': sh.credentials },
		});
		expect(error).toBeUndefined();
		const body = items[0].json as { code: string; result: { result: IDataObject[] } };
		expect(body.code).toBe('0');
		expect(body.result.result.map((employee) => employee.id)).toEqual(range(10, sh.employeeId, 10));
	});

	test('authenticate puts the common parameters in the query for GET and refuses remote plain HTTP', async () => {
		const credential = new ShihengApi();
		const signed = await credential.authenticate(sh.credentials, {
			method: 'GET',
			url: `${sh.baseUrl}/anything`,
			qs: { paramContent: { pageNum: 1 } },
		});
		expect(signed.qs).toMatchObject({ appId: sh.credentials.appId, version: sh.credentials.version, paramContent: '{"pageNum":1}' });
		expect(String(signed.qs?.sign)).toMatch(/^[0-9A-F]{32}$/);
		await expect(
			credential.authenticate(sh.credentials, { method: 'POST', url: 'http://shiheng.example.com/x', body: {} }),
		).rejects.toThrow(/Allow Insecure HTTP/);
	});
});
