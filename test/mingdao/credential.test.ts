import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { MingdaoApi } from '../../credentials/MingdaoApi.credentials';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import { MINGDAO_CODES } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { mingdaoSignature } from '../../nodes/Mingdao/transport/auth';
import { startSelfSignedServer } from '../shared/self-signed-server';
import type { SelfSignedServer } from '../shared/self-signed-server';
import {
	RELATIONS_PATH,
	useMingdaoEmulator,
	viaHttpRequestNode as sendViaHttpRequestNode,
} from './fixtures';

const emulator = useMingdaoEmulator({ users: 100 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

test('the credential test passes with the right keys and fails with a wrong one', async () => {
	expect(await testCredential('mingdaoApi', { ...md.credentials })).toEqual({
		ok: true,
		message: 'Connection tested successfully',
	});
	// One signed read, sent through n8n's request helper by the Mingdao node's test function.
	expect(md.emulator.records.map((record) => record.path)).toEqual([RELATIONS_PATH]);
	const wrong = await testCredential('mingdaoApi', {
		...md.credentials,
		secretKey: 'not-the-secret-at-all',
	});
	expect(wrong.ok).toBe(false);
	expect(wrong.message).not.toContain('not-the-secret-at-all');
	const wrongProject = await testCredential('mingdaoApi', {
		...md.credentials,
		projectId: 'another-org',
	});
	expect(wrongProject.ok).toBe(false);
});

async function viaHttpRequestNode(
	method: 'GET' | 'POST',
	url: string,
	extra: { body?: object; qs?: object },
) {
	return await sendViaHttpRequestNode(md, method, url, extra);
}

test('authenticate signs a POST in its JSON body (HTTP Request node path)', async () => {
	const id = md.userIds[0];
	const { items, error } = await viaHttpRequestNode(
		'POST',
		`${md.baseUrl}/generalintegrateapi/v2/user/getUserRelations`,
		{
			body: { corpUserIds: [id, md.userIds[4]] },
		},
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toEqual({
		code: 1,
		message: '',
		data: [{ corpUserId: id, projectId: md.projectId, accountId: md.accountOf(id) }],
	});
	expect(md.relationCalls[0].ids).toEqual([id, md.userIds[4]]);
});

test('authenticate signs a GET in its query (HTTP Request node path)', async () => {
	const id = md.userIds[1];
	const { items, error } = await viaHttpRequestNode(
		'GET',
		`${md.baseUrl}/generalintegrate/v2/user/getUserRelation`,
		{
			qs: { corpUserId: id },
		},
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({
		code: 1,
		data: { corpUserId: id, accountId: md.accountOf(id) },
	});
	expect(md.emulator.records[0]).toMatchObject({
		method: 'GET',
		path: '/generalintegrate/v2/user/getUserRelation',
	});
});

test('authenticate resolves a relative path against the deployment and signs each request afresh', async () => {
	const { error } = await runNode({
		type: 'test.authenticatedRequest',
		items: [{}, {}],
		credentials: { 'mingdaoApi:relative': { ...md.credentials } },
		parameters: {
			credentialType: 'mingdaoApi',
			method: 'GET',
			url: '/v2/user/getUsers',
			body: '',
			qs: '{"pageIndex":1,"pageSize":5}',
		},
	});
	expect(error).toBeUndefined();
	expect(md.emulator.records.map((record) => record.path)).toEqual([
		'/generalintegrateapi/v2/user/getUsers',
		'/generalintegrateapi/v2/user/getUsers',
	]);
	const lastTwo = md.acceptedSignatures.slice(-2);
	expect(lastTwo[0]).not.toBe(lastTwo[1]);
});

test('the HTTP Request node form (address in `uri`, absolute) keeps its address and is signed', async () => {
	const credential = new MingdaoApi();
	const authenticate = credential.authenticate as (
		data: ICredentialDataDecryptedObject,
		options: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions & { uri?: string }>;
	const uri = `${md.baseUrl}/generalintegrateapi/v2/user/getUserRelations`;
	const signed = await authenticate({ ...md.credentials }, {
		uri,
		method: 'POST',
		body: { corpUserIds: ['x'] },
	} as unknown as IHttpRequestOptions);
	expect(signed.uri).toBe(uri);
	expect(signed.url).toBeUndefined();
	const body = signed.body as Record<string, unknown>;
	expect(body.sign).toBe(
		mingdaoSignature(
			String(md.credentials.appKey),
			String(md.credentials.secretKey),
			Number(body.timestamp),
		),
	);
	expect(body.corpUserIds).toEqual(['x']);
});

describe("the Test fails on every Mingdao code but 1, with Mingdao's code and message and the SaaS hint", () => {
	const saasHint =
		'On Mingdao SaaS the relation APIs only work for organisations integrated with WeCom, DingTalk or a similar platform';

	// 10001 is the documentation's failure example; Mingdao publishes no code table, so the other
	// codes are the emulator's own (10101, 10004) or ones nobody documents (0, 99999).
	test.each([
		[
			'the documented 10001',
			10001,
			'错误描述',
			() =>
				md.emulator.injectFault({
					path: RELATIONS_PATH,
					fault: { kind: 'status', status: 200, json: { code: 10001, message: '错误描述' } },
				}),
		],
		[
			'10101: a SaaS organisation without a WeCom / DingTalk integration',
			MINGDAO_CODES.notIntegrated,
			'公有云版本仅限基于企业微信、钉钉等集成场景',
			() => md.setIntegrated(false),
		],
		[
			'an undocumented 0',
			0,
			'未知错误',
			() =>
				md.emulator.injectFault({
					path: RELATIONS_PATH,
					fault: { kind: 'status', status: 200, json: { code: 0, message: '未知错误', data: [] } },
				}),
		],
		[
			'an undocumented 99999',
			99999,
			'系统繁忙',
			() =>
				md.emulator.injectFault({
					path: RELATIONS_PATH,
					fault: { kind: 'status', status: 200, json: { code: 99999, message: '系统繁忙' } },
				}),
		],
	])('%s (HTTP 200)', async (_label, code, vendorMessage, arrange) => {
		arrange();
		const result = await testCredential('mingdaoApi', { ...md.credentials });
		expect(result.ok).toBe(false);
		expect(result.message).toContain(
			`Mingdao refused the credential (code ${code}): ${vendorMessage}`,
		);
		expect(result.message).toContain(saasHint);
		expect(result.message).not.toContain(String(md.credentials.secretKey));
		// One read, not repeated: Mingdao's refusal is the Test's verdict.
		expect(md.emulator.count(RELATIONS_PATH)).toBe(1);
	});

	test("a Project ID the key pair does not own (the emulator's 10004, HTTP 403)", async () => {
		const result = await testCredential('mingdaoApi', {
			...md.credentials,
			projectId: 'another-org',
		});
		expect(result.ok).toBe(false);
		expect(result.message).toContain(
			`Mingdao refused the credential (code ${MINGDAO_CODES.wrongProject}): 组织编号与密钥不匹配`,
		);
		expect(result.message).toMatch(/check App Key, Secret Key and Project ID/);
		expect(result.message).toContain(saasHint);
	});

	test('code 1 sent as text still passes', async () => {
		md.emulator.injectFault({
			path: RELATIONS_PATH,
			fault: { kind: 'status', status: 200, json: { code: '1', message: '', data: [] } },
		});
		expect(await testCredential('mingdaoApi', { ...md.credentials })).toEqual({
			ok: true,
			message: 'Connection tested successfully',
		});
	});
});

describe("the Test through n8n's request helper, against a server whose certificate nobody trusts", () => {
	let tls: SelfSignedServer;
	beforeAll(async () => {
		tls = await startSelfSignedServer();
	});
	afterAll(async () => await tls.stop());

	const atTls = (ignoreSslIssues: boolean) => ({
		...md.credentials,
		deployment: 'custom',
		customBaseUrl: `${tls.baseUrl}/generalintegrate`,
		ignoreSslIssues,
	});

	test('refused at once (no retry), naming the host and the certificate verdict', async () => {
		const [connections, requests] = [tls.connections(), tls.requests()];
		const result = await testCredential('mingdaoApi', atTls(false));
		expect(result.ok).toBe(false);
		expect(result.message).toContain(
			`The TLS certificate of ${tls.host} was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)`,
		);
		expect(tls.connections() - connections).toBe(1);
		expect(tls.requests()).toBe(requests);
	});

	test('with "Ignore SSL Issues" on, the same server is reached', async () => {
		const before = tls.requests();
		const result = await testCredential('mingdaoApi', atTls(true));
		expect(tls.requests()).toBeGreaterThan(before);
		// The server is no Mingdao, so the Test fails — but on its answer, not on its certificate.
		expect(result.ok).toBe(false);
		expect(result.message).not.toContain('TLS certificate');
	});
});
