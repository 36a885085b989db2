import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { MingdaoApi } from '../../credentials/MingdaoApi.credentials';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { mingdaoSignature } from '../../nodes/Mingdao/transport/auth';
import { useMingdaoEmulator, viaHttpRequestNode as sendViaHttpRequestNode } from './fixtures';

const emulator = useMingdaoEmulator({ users: 100 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
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
	return await sendViaHttpRequestNode(md, method, url, extra);
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
