import type { IDataObject } from 'n8n-workflow';

import { ShihengApi } from '../../credentials/ShihengApi.credentials';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import { EMULATOR_REQUEST_STYLES } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { WRONG_SECRET, range, useShihengEmulator } from './fixtures';

/** The credential's Test button and its `authenticate` (the HTTP Request node path). */

const emulator = useShihengEmulator();
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});

describe('credential', () => {
	test('the credential test passes against the emulator and fails with a wrong secret', async () => {
		await expect(testCredential('shihengApi', sh.credentials)).resolves.toEqual({
			ok: true,
			message: 'Connection tested successfully',
		});
		expect(sh.served[0]).toEqual({ path: sh.employeePath, pageNum: 1, pageSize: 1 });
		const wrong = await testCredential('shihengApi', {
			...sh.credentials,
			appSecret: WRONG_SECRET,
		});
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
		expect(signed.qs).toMatchObject({
			appId: sh.credentials.appId,
			version: sh.credentials.version,
			paramContent: '{"pageNum":1}',
		});
		expect(String(signed.qs?.sign)).toMatch(/^[0-9A-F]{32}$/);
		await expect(
			credential.authenticate(sh.credentials, {
				method: 'POST',
				url: 'http://shiheng.example.com/x',
				body: {},
			}),
		).rejects.toThrow(/Allow Insecure HTTP/);
	});
});

describe('HTTP method and parameter encoding through n8n', () => {
	test.each(
		EMULATOR_REQUEST_STYLES.map((style) => [`${style.method} ${style.encoding}`, style] as const),
	)(
		'%s: the Test button and an HTTP Request node call with a JSON body both go out as the credential says',
		async (_label, style) => {
			sh.setRequestStyle(style);
			await expect(testCredential('shihengApi', sh.credentials)).resolves.toEqual({
				ok: true,
				message: 'Connection tested successfully',
			});
			expect(sh.served[0]).toEqual({ path: sh.employeePath, pageNum: 1, pageSize: 1 });

			const { items, error } = await runNode({
				type: 'test.authenticatedRequest',
				parameters: {
					credentialType: 'shihengApi',
					method: 'POST',
					url: `${sh.baseUrl}${sh.employeePath}`,
					body: JSON.stringify({ paramContent: { pageNum: 3, pageSize: 4 } }),
				},
				credentials: { 'shihengApi:http': sh.credentials },
			});
			expect(error).toBeUndefined();
			const body = items[0].json as { code: string; result: { result: IDataObject[] } };
			expect(body.code).toBe('0');
			expect(body.result.result.map((employee) => employee.id)).toEqual(range(4, sh.employeeId, 8));
			expect(sh.emulator.records.map((record) => record.method)).toEqual([
				style.method,
				style.method,
			]);
		},
	);

	test('a form body is the signed parameters as text, with the exact content type n8n passes through', async () => {
		const credential = new ShihengApi();
		const signed = await credential.authenticate(
			{ ...sh.credentials, requestMethod: 'POST', parameterEncoding: 'form' },
			{ method: 'POST', url: `${sh.baseUrl}/anything`, body: { paramContent: { pageNum: 1 } } },
		);
		expect(signed.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded' });
		const form = new URLSearchParams(String(signed.body));
		expect(form.get('paramContent')).toBe('{"pageNum":1}');
		expect(form.get('appId')).toBe(sh.credentials.appId);
		expect(form.get('timestamp')).toMatch(/^\d{13}$/);
		expect(form.get('sign')).toMatch(/^[0-9A-F]{32}$/);
	});
});
