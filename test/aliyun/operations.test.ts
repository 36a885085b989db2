import type { INodeProperties } from 'n8n-workflow';

import { AliyunIot } from '../../nodes/AliyunIot/AliyunIot.node';
import { BODY_CODES } from '../../nodes/AliyunIot/helpers/codes';
import { REDACTION_MASK } from '../../nodes/shared/redact';
import {
	ALIYUN_PATHS,
	BAD_PHONE_CODE,
	DUPLICATE_PHONE_CODE,
	startAliyunIotEmulator,
} from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import { createParams, expectNoSecrets, listParams, runAliyun, visibleText } from './fixtures';

/** A path no platform API uses: tests put an echoing API there. */
const ECHO_PATH = '/test/echo';

let handle: AliyunIotEmulatorHandle;

beforeAll(async () => {
	handle = await startAliyunIotEmulator({ employees: 230 });
});
afterAll(async () => await handle.stop());
beforeEach(() => {
	handle.emulator.resetCounters();
	handle.emulator.clearFaults();
	handle.setClockOffset(0);
});

describe('Employee → Create by Auth Code', () => {
	test('creates one employee per item, paired with its item, each code sent once', async () => {
		const codes = handle
			.unusedAuthCodes()
			.filter((code) => /^DEMO-AUTH-\d+$/.test(code))
			.slice(0, 3);
		const before = handle.createByAuthCodeCount();
		const result = await runAliyun(handle, createParams(), {
			items: codes.map((code) => ({ code })),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.companyId).toBe(handle.companyId);
			expect(item.json.companyName).toBe('示例科技有限公司');
			expect(typeof item.json.employeeId).toBe('string');
		});
		expect(new Set(result.items.map((item) => item.json.employeeId)).size).toBe(3);
		expect(handle.createByAuthCodeCount() - before).toBe(3);
		for (const code of codes) expect(handle.unusedAuthCodes()).not.toContain(code);
		expectNoSecrets(handle, visibleText(result));
	});

	test('a code used twice gives the vendor error with its localized message on that item', async () => {
		const [code] = handle.unusedAuthCodes().filter((c) => /^DEMO-AUTH-\d+$/.test(c));
		const result = await runAliyun(handle, createParams(), {
			items: [{ code }, { code }],
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.employeeId).toBeDefined();
		const failed = result.items[1];
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(String(failed.json.error)).toContain('[2459]');
		expect(String(failed.json.error)).toContain('oa error message');
		expect(String(failed.json.error)).toContain('会话Id不存在');
		expect(String(failed.json.error)).toContain('item 1');
		expect(String(failed.json.description)).toMatch(/single-use/);
		// The hint's own full stop ends its sentence: no ".." before the HTTP status.
		expect(String(failed.json.description)).toContain(`${BODY_CODES['2459'].hint} HTTP status 200`);
		expect(String(failed.json.description)).not.toContain('..');
	});

	test('employee already exists (2441) and bad phone (2404) become item errors', async () => {
		const result = await runAliyun(handle, createParams(), {
			items: [{ code: DUPLICATE_PHONE_CODE }, { code: BAD_PHONE_CODE }],
			continueOnFail: true,
		});
		expect(String(result.items[0].json.error)).toMatch(
			/\[2441\].*employee is already existed.*该手机号对应的员工已经存在.*item 0/,
		);
		expect(String(result.items[1].json.error)).toMatch(/\[2404\].*手机号格式不正确.*item 1/);
	});

	test('without Continue On Fail the run stops with an error naming the item', async () => {
		const result = await runAliyun(handle, createParams(), { items: [{ code: 'NEVER-ISSUED' }] });
		expect(result.error?.message).toMatch(/Aliyun IoT error \[2459\].*item 0/);
		expectNoSecrets(handle, visibleText(result));
	});

	test('an empty auth code fails before any request, naming the field', async () => {
		const result = await runAliyun(handle, createParams(), { items: [{ code: '' }] });
		expect(result.error?.message).toMatch(/Auth Code is empty.*item 0.*"Auth Code"/);
		expect(handle.emulator.count()).toBe(0);
	});
});

describe('Employee → Get Many by Company', () => {
	test('Return All pages concurrently and returns every employee once, in order', async () => {
		const expected = handle.companyEmployees().map((e) => e.employeeId);
		const result = await runAliyun(handle, listParams({}, { pageSize: 40 }), {
			items: [{ companyId: handle.companyId }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.employeeId)).toEqual(expected);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
		expect(handle.emulator.count(ALIYUN_PATHS.queryByCompanyId)).toBe(
			Math.ceil(expected.length / 40),
		);
		expect(result.items.some((item) => /[\u4e00-\u9fff]/.test(String(item.json.nickName)))).toBe(
			true,
		);
	});

	test('Limit fetches only the pages it needs', async () => {
		const result = await runAliyun(
			handle,
			listParams({ returnAll: false, limit: 120 }, { pageSize: 50 }),
			{
				items: [{ companyId: handle.companyId }],
			},
		);
		expect(result.items).toHaveLength(120);
		expect(handle.emulator.count(ALIYUN_PATHS.queryByCompanyId)).toBe(3);
	});

	test('an unknown company is a vendor error for that item only', async () => {
		const result = await runAliyun(handle, listParams({ returnAll: false, limit: 5 }), {
			items: [{ companyId: 'no-such-company' }, { companyId: handle.companyId }],
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(6);
		expect(String(result.items[0].json.error)).toMatch(/\[2405\].*公司未初始化.*item 0/);
		expect(
			result.items.slice(1).every((item) => (item.pairedItem as { item: number }).item === 1),
		).toBe(true);
	});
});

describe('Custom API Call', () => {
	test('signs and sends a body with Chinese text; the platform accepts it', async () => {
		const result = await runAliyun(handle, {
			resource: 'customApiCall',
			operation: 'call',
			path: ALIYUN_PATHS.create,
			apiVer: '1.0.4',
			params: JSON.stringify({
				phone: '13912345678',
				nickName: '欧阳娜娜·测试',
				email: 'oy@example.com',
			}),
			options: { iotToken: 'iot-token-value-123456' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.nickName).toBe('欧阳娜娜·测试');
		expect(handle.companyEmployees().some((e) => e.nickName === '欧阳娜娜·测试')).toBe(true);
		expect(visibleText(result)).not.toContain('iot-token-value-123456');
	});

	test('reads through the custom call and reports business errors like the named operations', async () => {
		const result = await runAliyun(
			handle,
			{
				resource: 'customApiCall',
				operation: 'call',
				path: '={{ $json.path }}',
				apiVer: '1.0.0',
				params: '={{ JSON.stringify($json.params) }}',
				options: { idempotent: true },
			},
			{
				items: [
					{
						path: ALIYUN_PATHS.queryByCompanyId,
						params: { companyId: handle.companyId, pageNo: 2, pageSize: 10 },
					},
					{
						path: ALIYUN_PATHS.queryByCompanyId,
						params: { companyId: handle.companyId, pageNo: 1, pageSize: 500 },
					},
					{ path: 'no-slash', params: {} },
				],
				continueOnFail: true,
			},
		);
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.pageNo).toBe(2);
		expect((result.items[0].json.employeeList as unknown[]).length).toBe(10);
		expect(String(result.items[1].json.error)).toMatch(/\[460\].*item 1/);
		expect(String(result.items[2].json.error)).toMatch(/Path must start.*item 2.*"Path"/);
		expect(handle.emulator.count()).toBe(2);
	});

	test('IoT Token and Cloud Token are password fields that say where the tokens come from', () => {
		const options = new AliyunIot().description.properties.find(
			(property) => property.name === 'options',
		)?.options as INodeProperties[];
		const field = (name: string) => options.find((option) => option.name === name);
		expect(field('iotToken')?.typeOptions?.password).toBe(true);
		expect(field('cloudToken')?.typeOptions?.password).toBe(true);
		expect(field('iotToken')?.description).toContain('/account/createSessionByAuthCode');
		expect(field('cloudToken')?.description).toContain('/cloud/token');
		for (const name of ['iotToken', 'cloudToken'])
			expect(field(name)?.description).toMatch(/saved in the workflow.*expression/);
	});

	test('a given IoT Token or Cloud Token never appears in an output item or an error, even when the platform echoes it', async () => {
		const iotToken = 'iot-session-token-7f3a9c2e51b04d68';
		const cloudToken = 'cloud-resource-token-c81d4e0b2a9f';
		const received: Array<Record<string, unknown>> = [];
		// An API of this test's own that echoes what it received, in its data or in its error message.
		handle.emulator.route('POST', ECHO_PATH, (request) => {
			const envelope = JSON.parse(request.text) as {
				id: string;
				request: Record<string, unknown>;
				params: { fail?: boolean };
			};
			received.push(envelope.request);
			const said = `${String(envelope.request.iotToken)} ${String(envelope.request.cloudToken)}`;
			if (envelope.params.fail) {
				return {
					status: 200,
					json: {
						id: envelope.id,
						code: 2402,
						message: `iotToken not exist: ${said}`,
						localizedMsg: said,
						data: null,
					},
				};
			}
			return {
				status: 200,
				json: {
					id: envelope.id,
					code: 200,
					message: null,
					localizedMsg: null,
					data: { echo: envelope, said, list: [said] },
				},
			};
		});
		const result = await runAliyun(
			handle,
			{
				resource: 'customApiCall',
				operation: 'call',
				path: ECHO_PATH,
				apiVer: '1.0.0',
				params: '={{ JSON.stringify({ fail: $json.fail }) }}',
				options: { iotToken, cloudToken, idempotent: true },
			},
			{ items: [{ fail: false }, { fail: true }], continueOnFail: true },
		);
		// Both were sent as the envelope's request.iotToken / request.cloudToken.
		expect(received).toEqual([
			expect.objectContaining({ iotToken, cloudToken }),
			expect.objectContaining({ iotToken, cloudToken }),
		]);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.said).toBe(`${REDACTION_MASK} ${REDACTION_MASK}`);
		expect(String(result.items[1].json.error)).toMatch(/\[2402\].*iotToken not exist.*item 1/);
		const text = visibleText(result);
		expect(text).not.toContain(iotToken);
		expect(text).not.toContain(cloudToken);
	});
});
