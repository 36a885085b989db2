import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { MingdaoApi } from '../../credentials/MingdaoApi.credentials';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import { MINGDAO_CODES, startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { mingdaoSignature } from '../../nodes/Mingdao/MingdaoAuth';

let md: MingdaoEmulatorHandle;

beforeAll(async () => {
	md = await startMingdaoEmulator({ users: 100 });
});
afterAll(async () => await md.stop());
beforeEach(() => {
	md.emulator.resetCounters();
	md.relationCalls.length = 0;
});

test('the credential test passes with the right keys and fails with a wrong one', async () => {
	expect(await testCredential('mingdaoApi', { ...md.credentials })).toEqual({ ok: true, message: 'Connection tested successfully' });
	expect(md.emulator.records.map((record) => record.path)).toEqual(['/generalintegrateapi/v2/user/getUserRelations']);
	const wrong = await testCredential('mingdaoApi', { ...md.credentials, secretKey: 'not-the-secret-at-all' });
	expect(wrong.ok).toBe(false);
	expect(wrong.message).not.toContain('not-the-secret-at-all');
	const wrongProject = await testCredential('mingdaoApi', { ...md.credentials, projectId: 'another-org' });
	expect(wrongProject.ok).toBe(false);
});

async function viaHttpRequestNode(method: 'GET' | 'POST', url: string, extra: { body?: object; qs?: object }) {
	return await runNode({
		type: 'test.authenticatedRequest',
		credentials: { 'mingdaoApi:http': { ...md.credentials } },
		parameters: {
			credentialType: 'mingdaoApi',
			method,
			url,
			body: extra.body ? JSON.stringify(extra.body) : '',
			qs: extra.qs ? JSON.stringify(extra.qs) : '',
		},
	});
}

test('authenticate signs a POST in its JSON body (HTTP Request node path)', async () => {
	const id = md.userIds[0];
	const { items, error } = await viaHttpRequestNode('POST', `${md.baseUrl}/generalintegrateapi/v2/user/getUserRelations`, {
		body: { corpUserIds: [id, md.userIds[4]] },
	});
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
	const { items, error } = await viaHttpRequestNode('GET', `${md.baseUrl}/generalintegrate/v2/user/getUserRelation`, {
		qs: { corpUserId: id },
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ code: 1, data: { corpUserId: id, accountId: md.accountOf(id) } });
	expect(md.emulator.records[0]).toMatchObject({ method: 'GET', path: '/generalintegrate/v2/user/getUserRelation' });
});

test('authenticate resolves a relative path against the deployment and signs each request afresh', async () => {
	const { error } = await runNode({
		type: 'test.authenticatedRequest',
		items: [{}, {}],
		credentials: { 'mingdaoApi:relative': { ...md.credentials } },
		parameters: { credentialType: 'mingdaoApi', method: 'GET', url: '/v2/user/getUsers', body: '', qs: '{"pageIndex":1,"pageSize":5}' },
	});
	expect(error).toBeUndefined();
	expect(md.emulator.records.map((record) => record.path)).toEqual([
		'/generalintegrateapi/v2/user/getUsers',
		'/generalintegrateapi/v2/user/getUsers',
	]);
	const lastTwo = md.acceptedSignatures.slice(-2);
	expect(lastTwo[0]).not.toBe(lastTwo[1]);
});

test('the emulator refuses a stale timestamp and a bad signature the way the node reports them', async () => {
	const stale = Date.now() - 10 * 60_000;
	const post = async (timestamp: number, sign: string) => {
		const response = await fetch(`${md.baseUrl}/generalintegrateapi/v2/user/getUserRelations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ corpUserIds: ['x'], appKey: md.appKey, projectId: md.projectId, timestamp, sign }),
		});
		return { status: response.status, body: (await response.json()) as { code: number } };
	};
	const staleAnswer = await post(stale, mingdaoSignature(md.appKey, md.secretKey, stale));
	expect(staleAnswer).toEqual({ status: 403, body: expect.objectContaining({ code: MINGDAO_CODES.expiredTimestamp }) });
	const now = Date.now();
	const badSign = await post(now, mingdaoSignature(md.appKey, 'other', now));
	expect(badSign).toEqual({ status: 403, body: expect.objectContaining({ code: MINGDAO_CODES.badSignature }) });
	const good = await post(now, mingdaoSignature(md.appKey, md.secretKey, now));
	expect(good).toEqual({ status: 200, body: { code: 1, message: '', data: [] } });
});

test('the HTTP Request node form (address in `uri`, absolute) keeps its address and is signed', async () => {
	const credential = new MingdaoApi();
	const authenticate = credential.authenticate as (
		data: ICredentialDataDecryptedObject,
		options: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions & { uri?: string }>;
	const uri = `${md.baseUrl}/generalintegrateapi/v2/user/getUserRelations`;
	const signed = await authenticate({ ...md.credentials }, { uri, method: 'POST', body: { corpUserIds: ['x'] } } as unknown as IHttpRequestOptions);
	expect(signed.uri).toBe(uri);
	expect(signed.url).toBeUndefined();
	const body = signed.body as Record<string, unknown>;
	expect(body.sign).toBe(mingdaoSignature(String(md.credentials.appKey), String(md.credentials.secretKey), Number(body.timestamp)));
	expect(body.corpUserIds).toEqual(['x']);
});
