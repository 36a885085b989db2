import type { IHttpRequestOptions } from 'n8n-workflow';

import { AliyunIotApi } from '../../credentials/AliyunIotApi.credentials';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import { createParams, expectNoSecrets, runAliyun, visibleText } from './fixtures';

let handle: AliyunIotEmulatorHandle;

beforeAll(async () => {
	handle = await startAliyunIotEmulator({ employees: 12 });
});
afterAll(async () => await handle.stop());
beforeEach(() => {
	handle.emulator.resetCounters();
	handle.allowAll();
});

test('the credential test passes with the right AppKey and AppSecret', async () => {
	const result = await testCredential('aliyunIotApi', handle.credentials);
	expect(result).toEqual({ ok: true, message: 'Connection tested successfully' });
	// It is the platform's connectivity test: one request, nothing was created.
	expect(handle.emulator.count(ALIYUN_PATHS.ping)).toBe(1);
	expect(handle.emulator.count()).toBe(1);
	expect(handle.createByAuthCodeCount()).toBe(0);
});

test('the credential test fails when the app may not call the API: HTTP 200 with code 403 "request forbidden."', async () => {
	handle.forbid(ALIYUN_PATHS.ping);
	const result = await testCredential('aliyunIotApi', handle.credentials);
	expect(result.ok).toBe(false);
	expect(result.message).toContain('code 403');
	expect(result.message).toContain('request forbidden.');
	expect(result.message).toContain('请求被禁止');
	expect(result.message).toMatch(/permission/);
	expect(handle.emulator.records.map((record) => record.status)).toEqual([200]);
});

test.each([
	[460, 'request parameter error.', '入参不正确'],
	[2405, 'identity is not existed', '公司未初始化'],
	[20056, 'Hsf Invoke Timeout', null],
	[401, 'Request Authorized Error', null],
	[2402, 'iotToken not exist', null],
])(
	'every error code in an HTTP 200 body fails the credential test with the platform message: %s',
	async (code, message, localizedMsg) => {
		handle.answerNextWith(ALIYUN_PATHS.ping, {
			id: 'answer-1',
			code,
			message,
			localizedMsg,
			data: null,
		});
		const result = await testCredential('aliyunIotApi', handle.credentials);
		expect(result.ok).toBe(false);
		expect(result.message).toContain(`code ${code}`);
		expect(result.message).toContain(message);
		if (localizedMsg) expect(result.message).toContain(localizedMsg);
		expect(handle.emulator.records.map((record) => record.status)).toEqual([200]);
	},
);

test.each([
	[
		'an undocumented code with data null',
		{ code: 4711, message: 'something new', localizedMsg: null, data: null },
	],
	['an undocumented code without data', { code: 4712, message: 'something else' }],
	[
		"an answer without the envelope (the ping page's own error example shape)",
		{ error_response: { code: 50, msg: 'Remote service error' } },
	],
])('any other failure fails the credential test too: %s', async (_label, body) => {
	handle.answerNextWith(ALIYUN_PATHS.ping, body);
	const result = await testCredential('aliyunIotApi', handle.credentials);
	expect(result.ok).toBe(false);
	expect(result.message).toMatch(/Aliyun IoT|IoT Living Link/);
});

test('the credential test fails on a wrong AppSecret or AppKey, without showing the secret', async () => {
	const wrongSecret = await testCredential('aliyunIotApi', {
		...handle.credentials,
		appSecret: 'not-the-secret-42',
	});
	expect(wrongSecret.ok).toBe(false);
	expect(wrongSecret.message).not.toContain('not-the-secret-42');
	const wrongKey = await testCredential('aliyunIotApi', {
		...handle.credentials,
		appKey: '31415926',
	});
	expect(wrongKey.ok).toBe(false);
});

function authenticatedRequest(
	parameters: Record<string, string>,
	credentials = handle.credentials,
) {
	return runNode({
		type: 'test.authenticatedRequest',
		parameters: { credentialType: 'aliyunIotApi', method: 'POST', ...parameters },
		credentials: { 'aliyunIotApi:http-request': credentials },
	});
}

test('the HTTP Request node path signs a body with Chinese text and a query string', async () => {
	const result = await authenticatedRequest({
		url: `${handle.baseUrl}${ALIYUN_PATHS.create}`,
		qs: JSON.stringify({ traceTag: '测试 a&b', b: '2' }),
		body: JSON.stringify({
			version: '1.0',
			request: { apiVer: '1.0.4' },
			params: { phone: '13700000001', nickName: '司马光' },
		}),
	});
	expect(result.error).toBeUndefined();
	const body = result.items[0].json;
	expect(body.code).toBe(200);
	expect((body.data as { nickName: string }).nickName).toBe('司马光');
	// The credential gave the envelope the id it lacked.
	expect(typeof body.id).toBe('string');
	expect(String(body.id)).toMatch(/^[0-9a-f-]{36}$/);
	expectNoSecrets(handle, visibleText(result));
});

test('a relative URL goes to the credential host', async () => {
	const result = await authenticatedRequest({
		url: ALIYUN_PATHS.queryByCompanyId,
		body: JSON.stringify({
			id: 'fixed-id-1',
			version: '1.0',
			request: { apiVer: '1.0.0' },
			params: { companyId: handle.companyId, pageNo: 1, pageSize: 100 },
		}),
	});
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.id).toBe('fixed-id-1');
	expect(
		(result.items[0].json.data as { employeeList: unknown[] }).employeeList.length,
	).toBeGreaterThanOrEqual(12);
});

test('the HTTP Request node path is refused with a wrong secret', async () => {
	const result = await authenticatedRequest(
		{
			url: ALIYUN_PATHS.queryByCompanyId,
			body: JSON.stringify({
				version: '1.0',
				request: { apiVer: '1.0.0' },
				params: { companyId: handle.companyId },
			}),
		},
		{ ...handle.credentials, appSecret: 'another-wrong-secret' },
	);
	expect(result.error).toBeDefined();
	expect(visibleText(result)).not.toContain('another-wrong-secret');
});

test('a plain-HTTP custom base URL on another host is refused before any request', async () => {
	const result = await runAliyun(handle, createParams('X'), {
		credentials: { customHost: 'http://gateway.example.com' },
	});
	expect(result.error?.message).toMatch(/Custom Base URL uses plain HTTP.*item 0/);
	expect(handle.emulator.count()).toBe(0);
});

/** The legacy request shape the HTTP Request node passes: the address in `uri`, relative or absolute. */
async function signAndSendUri(uri: string) {
	const authenticate = new AliyunIotApi().authenticate.bind(new AliyunIotApi());
	const request = {
		uri,
		method: 'POST',
		body: {
			version: '1.0',
			request: { apiVer: '1.0.0' },
			params: { companyId: handle.companyId, pageNo: 1, pageSize: 3 },
		},
	};
	const signed = (await authenticate(
		{ ...handle.credentials },
		request as unknown as IHttpRequestOptions,
	)) as unknown as {
		uri: string;
		headers: Record<string, string>;
		body: Buffer;
	};
	const response = await fetch(signed.uri, {
		method: 'POST',
		headers: signed.headers,
		body: signed.body,
	});
	return {
		uri: signed.uri,
		status: response.status,
		body: (await response.json()) as { code: number; data: { employeeList: unknown[] } },
	};
}

test('the HTTP Request node form with the address in `uri` is signed: relative goes to the credential host, absolute stays', async () => {
	const relative = await signAndSendUri(ALIYUN_PATHS.queryByCompanyId);
	expect(relative.uri).toBe(`${handle.baseUrl}${ALIYUN_PATHS.queryByCompanyId}`);
	expect(relative.status).toBe(200);
	expect(relative.body.code).toBe(200);
	expect(relative.body.data.employeeList).toHaveLength(3);

	const absoluteUri = `${handle.baseUrl}${ALIYUN_PATHS.queryByCompanyId}`;
	const absolute = await signAndSendUri(absoluteUri);
	expect(absolute.uri).toBe(absoluteUri);
	expect(absolute.body.code).toBe(200);
	expect(handle.emulator.count(ALIYUN_PATHS.queryByCompanyId)).toBe(2);
});
