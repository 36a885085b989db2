import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/WeLink/WeLinkAuth';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { testCredential } from '../harness/credential-test';
import { credentialsHelper, runNode, runWorkflow } from '../harness/run-workflow';

const TYPE = 'n8n-nodes-employee-sync.weLink';
const STATUS = '/api/contact/v1/users/status';
const BULK = '/api/contact/v1/users/bulk';
const ACCOUNTS = '/api/contact/v1/users/accounts';
const TICKETS = '/api/auth/v2/tickets';

let welink: WeLinkEmulatorHandle;

beforeAll(async () => {
	welink = await startWeLinkEmulator({ latencyMs: 2, demoPersons: 60 });
});
afterAll(async () => await welink.stop());
beforeEach(() => {
	clearTokenCache();
	welink.emulator.resetCounters();
	welink.emulator.clearFaults();
	welink.setRatePerSecond(40);
});

function creds(overrides: ICredentialDataDecryptedObject = {}): Record<string, ICredentialDataDecryptedObject> {
	return { weLinkApi: { ...welink.credentials, ...overrides } };
}

const demoIds = (count: number, from = 1) =>
	Array.from({ length: count }, (_, i) => `demo${String(from + i).padStart(4, '0')}`);

async function getStatus(items: IDataObject[], options: INodeParameters = {}, extra: { continueOnFail?: boolean } = {}) {
	return await runNode({
		type: TYPE,
		items,
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options,
		},
		credentials: creds(),
		continueOnFail: extra.continueOnFail,
	});
}

function paired(items: INodeExecutionData[]): number[] {
	return items.map((item) => (item.pairedItem as { item: number }).item);
}

/** Everything a user could see of a run: outputs, errors, descriptions. */
function visible(result: { items: INodeExecutionData[]; error: Error | undefined }): string {
	const error = result.error as (Error & { description?: string }) | undefined;
	return JSON.stringify(result.items) + (error ? `${error.message} ${error.description ?? ''}` : '');
}

describe('User Sync → Get Status', () => {
	test('25 persons take 3 status requests and one token; outputs are in order and paired', async () => {
		const ids = demoIds(25);
		const result = await getStatus(ids.map((id) => ({ id })));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(paired(result.items)).toEqual(ids.map((_, i) => i));
		expect(result.items[0].json).toMatchObject({
			identifierType: 'corpUserId',
			corpUserId: 'demo0001',
			code: '47109',
			state: 'opened',
			final: true,
		});
		expect(welink.emulator.count(STATUS)).toBe(3);
		expect(welink.emulator.count(TICKETS)).toBe(1);
	});

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
		const result = await getStatus(ids.map((id) => ({ id })), { concurrency: 2 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(result.items.every((item) => item.json.state === 'opened')).toBe(true);
		expect(welink.emulator.count(TICKETS)).toBe(2);
		// 5 batches, plus at most the 2 that were in flight when the token expired.
		expect(welink.emulator.count(STATUS)).toBeGreaterThanOrEqual(6);
		expect(welink.emulator.count(STATUS)).toBeLessThanOrEqual(7);
	});

	test('48503 answers (in HTTP 200 and as HTTP 503) and a 502 are retried and the result is complete', async () => {
		welink.emulator.injectFault({
			path: STATUS,
			times: 2,
			fault: { kind: 'status', status: 200, json: { code: '48503', message: 'The request frequency exceeds the limit' } },
		});
		welink.emulator.injectFault({ path: STATUS, times: 1, fault: { kind: 'status', status: 503, json: { code: 48503, message: 'busy' } } });
		welink.emulator.injectFault({ path: STATUS, times: 1, fault: { kind: 'status', status: 502, text: 'bad gateway' } });
		const ids = demoIds(30);
		const result = await getStatus(ids.map((id) => ({ id })), { concurrency: 1, maxRetries: 5 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(welink.emulator.count(STATUS)).toBe(3 + 4);
	});

	test('the rate limit option keeps calls under WeLink\'s limit: no 48503 is drawn', async () => {
		welink.setRatePerSecond(4);
		const ids = demoIds(60);
		const result = await getStatus(ids.map((id) => ({ id })), { ratePerSecond: 4, concurrency: 4 });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(60);
		expect(welink.emulator.count(STATUS)).toBe(6);
		expect(welink.rateLimitedCount()).toBe(0);
	});

	test('Wait Until Final polls until every person is final', async () => {
		welink.addPendingPersons(['wait01', 'wait02', 'wait03', 'wait04', 'wait05', 'wait06', 'wait07', 'wait08', 'wait09', 'wait10', 'wait11']);
		welink.addPendingPersons(['waitFail'], 'failed');
		welink.addPendingPersons(['waitSaved'], 'saved');
		const ids = [...Array.from({ length: 11 }, (_, i) => `wait${String(i + 1).padStart(2, '0')}`), 'waitFail', 'waitSaved', 'nobody'];
		const result = await getStatus(ids.map((id) => ({ id })), { waitUntilFinal: true, pollIntervalMs: 5, maxWaitSeconds: 30 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(result.items.every((item) => item.json.final === true && item.json.timedOut === false)).toBe(true);
		const states = Object.fromEntries(result.items.map((item) => [item.json.identifier, item.json.state]));
		expect(states).toMatchObject({ wait01: 'opened', waitFail: 'failed', waitSaved: 'saved', nobody: 'notExist' });
		expect(result.items.find((item) => item.json.identifier === 'waitFail')?.json.code).toBe('47110');
		// pending → processing → opening → final: four polls for a new person, one for the unknown.
		expect(result.items[0].json.polls).toBe(4);
		expect(result.items[13].json.polls).toBe(1);
		// 14 persons: 2 requests per round while 13 are open, 4 rounds.
		expect(welink.emulator.count(STATUS)).toBe(2 + 2 + 2 + 2);
	});

	test('Wait Until Final marks persons still pending when the maximum wait passes', async () => {
		welink.addPendingPersons(['slow1', 'slow2']);
		const result = await getStatus([{ id: 'slow1' }, { id: 'slow2' }], { waitUntilFinal: true, pollIntervalMs: 50, maxWaitSeconds: 0 });
		expect(result.items.map((item) => [item.json.state, item.json.final, item.json.timedOut])).toEqual([
			['pending', false, true],
			['pending', false, true],
		]);
	});

	test('mixed identifier kinds in one run', async () => {
		const items = [
			{ kind: 'corpUserId', value: 'demo0003' },
			{ kind: 'mobileNumber', value: '13800000007' },
			{ kind: 'userEmail', value: 'DEMO0009@example.com' },
			{ kind: 'mobileNumber', value: '19999999999' },
			{ kind: 'email', value: 'demo0010@example.com' },
		];
		const result = await runNode({
			type: TYPE,
			items,
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: '={{ $json.kind }}',
				identifier: '={{ $json.value }}',
				options: {},
			},
			credentials: creds(),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.identifierType, item.json.corpUserId, item.json.state])).toEqual([
			['corpUserId', 'demo0003', 'opened'],
			['mobileNumber', 'demo0007', 'opened'],
			['userEmail', 'demo0009', 'opened'],
			['mobileNumber', '', 'notExist'],
			['userEmail', 'demo0010', 'opened'],
		]);
		expect(welink.emulator.count(STATUS)).toBe(1);
	});

	test('an item with no identifier is an item error naming the field; nothing is sent without Continue On Fail', async () => {
		const stopped = await getStatus([{ id: 'demo0001' }, { id: '' }, { id: 'demo0002' }]);
		expect(stopped.error?.message).toMatch(/Identifier is empty.*item 1.*Identifier/);
		expect(welink.emulator.count(STATUS)).toBe(0);

		const continued = await getStatus([{ id: 'demo0001' }, {}, { id: 'demo0002' }], {}, { continueOnFail: true });
		expect(continued.items).toHaveLength(3);
		expect(paired(continued.items)).toEqual([0, 1, 2]);
		expect(String(continued.items[1].json.error)).toMatch(/Identifier is empty.*item 1/);
		expect(continued.items[2].json.state).toBe('opened');
	});

	test('vendor parameter errors (47004) are item errors with WeLink\'s message', async () => {
		welink.emulator.injectFault({
			path: STATUS,
			fault: { kind: 'status', status: 200, json: { code: '47004', message: 'The mobile number is wrong', data: [] } },
		});
		const result = await getStatus([{ id: 'demo0001' }], {}, { continueOnFail: true });
		expect(String(result.items[0].json.error)).toContain('WeLink error [47004]: The mobile number is wrong (item 0)');
	});
});

describe('User Sync → Submit', () => {
	test('Submit → Get Status (Wait Until Final) provisions every person in one workflow', async () => {
		const persons = Array.from({ length: 12 }, (_, i) => ({
			corpUserId: `new${i}`,
			name: `新员工${i}`,
			email: i === 4 ? `new${i}@fail.example.com` : `new${i}@example.com`,
		}));
		const run = await runWorkflow({
			nodes: [
				{ name: 'Start', type: 'test.items', parameters: { items: JSON.stringify(persons) } },
				{
					name: 'Submit',
					type: TYPE,
					parameters: {
						resource: 'userSync',
						operation: 'submit',
						corpUserId: '={{ $json.corpUserId }}',
						userNameCn: '={{ $json.name }}',
						additionalFields: { userEmail: '={{ $json.email }}', corpDeptCode: 'D001', isOpenAccount: true },
						options: {},
					},
					credentials: { weLinkApi: 'weLinkApi' },
				},
				{
					name: 'Status',
					type: TYPE,
					parameters: {
						resource: 'userSync',
						operation: 'getStatus',
						identifierType: 'corpUserId',
						identifier: '={{ $json.corpUserId }}',
						options: { waitUntilFinal: true, pollIntervalMs: 5, maxWaitSeconds: 30 },
					},
					credentials: { weLinkApi: 'weLinkApi' },
				},
			],
			chain: ['Start', 'Submit', 'Status'],
			credentials: creds(),
		});
		const submitted = run.output('Submit');
		expect(submitted.map((item) => item.json.accepted)).toEqual(persons.map(() => true));
		const status = run.output('Status');
		expect(status.map((item) => item.json.corpUserId)).toEqual(persons.map((p) => p.corpUserId));
		expect(status.map((item) => item.json.state)).toEqual(persons.map((_, i) => (i === 4 ? 'failed' : 'opened')));
		expect(paired(status)).toEqual(persons.map((_, i) => i));
		expect(welink.emulator.count(BULK)).toBe(2);
		expect(welink.emulator.count(TICKETS)).toBe(1);
	});

	test('a refused person is an item error with the vendor message; the rest are accepted', async () => {
		const result = await runNode({
			type: TYPE,
			items: [
				{ id: 'ok1', email: 'ok1@example.com' },
				{ id: 'bad1', email: 'not-an-email' },
			],
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '={{ $json.id }}',
				additionalFields: { userEmail: '={{ $json.email }}' },
				options: {},
			},
			credentials: creds(),
			continueOnFail: true,
		});
		expect(result.items[0].json).toMatchObject({ corpUserId: 'ok1', accepted: true });
		expect(String(result.items[1].json.error)).toContain('[47004]: The email format is wrong (item 1)');
		expect(paired(result.items)).toEqual([0, 1]);
	});

	test('Submit is retried after a 48503 refusal but never after a 5xx that may have reached the service', async () => {
		welink.emulator.injectFault({ path: BULK, times: 1, fault: { kind: 'status', status: 200, json: { code: '48503', message: 'limit' } } });
		welink.emulator.injectFault({ path: BULK, skip: 1, times: 1, fault: { kind: 'status', status: 500, json: { code: '500', message: 'system error' } } });
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
		expect(result.items.slice(10).every((item) => /WeLink error \[500\]/.test(String(item.json.error)))).toBe(true);
		expect(paired(result.items)).toEqual(items.map((_, i) => i));
	});
});

describe('User → Get WeLink ID', () => {
	test('looks up 55 ids in 2 requests (numeric code 0), unknown ids are not found', async () => {
		const ids = [...demoIds(54), 'ghost'];
		const result = await runNode({
			type: TYPE,
			items: ids.map((id) => ({ id })),
			parameters: { resource: 'user', operation: 'getWeLinkId', corpUserId: '={{ $json.id }}', options: {} },
			credentials: creds(),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ corpUserId: 'demo0001', userId: 'wl-demo0001', found: true });
		expect(result.items[54].json).toEqual({ corpUserId: 'ghost', userId: null, found: false });
		expect(welink.emulator.count(ACCOUNTS)).toBe(2);
	});
});

describe('credential', () => {
	test('the credential test passes, and fails on a wrong secret without showing it', async () => {
		expect(await testCredential('weLinkApi', { ...welink.credentials })).toEqual({ ok: true, message: expect.any(String) });
		const wrong = await testCredential('weLinkApi', { ...welink.credentials, clientSecret: 'wrong-secret-value-123' });
		expect(wrong.ok).toBe(false);
		expect(wrong.message).not.toContain('wrong-secret-value-123');
	});

	test('works through the HTTP Request node path: preAuthentication fills the token', async () => {
		const helper = credentialsHelper();
		const before = helper.preAuthenticationRuns.get('weLinkApi') ?? 0;
		const result = await runNode({
			type: 'test.authenticatedRequest',
			items: [{}, {}],
			parameters: {
				credentialType: 'weLinkApi',
				method: 'POST',
				url: `${welink.baseUrl}${STATUS}`,
				body: JSON.stringify({ personInfo: [{ corpUserId: 'demo0001' }] }),
			},
			credentials: { 'weLinkApi:http': { ...welink.credentials } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.code)).toEqual(['0', '0']);
		expect((result.items[0].json.data as IDataObject[])[0]).toMatchObject({ corpUserId: 'demo0001', code: '47109' });
		expect(helper.preAuthenticationRuns.get('weLinkApi')).toBe(before + 1);
		expect(welink.issuedTokens()).toContain(helper.stored('weLinkApi:http')?.accessToken);
		expect(welink.emulator.count(TICKETS)).toBe(1);
	});

	test('no output or error contains the client secret or a token', async () => {
		const ok = await getStatus(demoIds(12).map((id) => ({ id })));
		const wrong = await runNode({
			type: TYPE,
			items: [{ id: 'demo0001' }],
			parameters: { resource: 'userSync', operation: 'getStatus', identifierType: 'corpUserId', identifier: '={{ $json.id }}', options: {} },
			credentials: creds({ clientSecret: 'another-wrong-secret-456' }),
		});
		expect(wrong.error?.message).toContain('10007');
		// A vendor echoing the token back in a failure must not reveal it either.
		const token = welink.issuedTokens().at(-1);
		welink.emulator.injectFault({ path: STATUS, fault: { kind: 'status', status: 400, json: { code: '47008', message: `bad token ${token}` } } });
		const echoed = await getStatus([{ id: 'demo0001' }]);
		expect(echoed.error?.message).toContain('47008');
		for (const text of [visible(ok), visible(wrong), visible(echoed)]) {
			expect(text).not.toContain(String(welink.credentials.clientSecret));
			expect(text).not.toContain('another-wrong-secret-456');
			for (const issued of welink.issuedTokens()) expect(text).not.toContain(issued);
		}
	});
});
