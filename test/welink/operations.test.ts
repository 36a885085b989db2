import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode, runWorkflow } from '../harness/run-workflow';

import {
	ACCOUNTS,
	BULK,
	STATUS,
	TICKETS,
	TYPE,
	creds,
	currentEmulator,
	demoIds,
	getStatus,
	paired,
	useWeLinkEmulator,
} from './fixtures';

/** The operations: what each returns for the items it gets, and how many requests it takes. */

useWeLinkEmulator();
let welink: WeLinkEmulatorHandle;
beforeAll(() => {
	welink = currentEmulator();
});

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

	test('Wait Until Final polls until every person is final', async () => {
		welink.addPendingPersons([
			'wait01',
			'wait02',
			'wait03',
			'wait04',
			'wait05',
			'wait06',
			'wait07',
			'wait08',
			'wait09',
			'wait10',
			'wait11',
		]);
		welink.addPendingPersons(['waitFail'], 'failed');
		welink.addPendingPersons(['waitSaved'], 'saved');
		const ids = [
			...Array.from({ length: 11 }, (_, i) => `wait${String(i + 1).padStart(2, '0')}`),
			'waitFail',
			'waitSaved',
			'nobody',
		];
		const result = await getStatus(
			ids.map((id) => ({ id })),
			{ waitUntilFinal: true, pollIntervalMs: 5, maxWaitSeconds: 30 },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.identifier)).toEqual(ids);
		expect(
			result.items.every((item) => item.json.final === true && item.json.timedOut === false),
		).toBe(true);
		const states = Object.fromEntries(
			result.items.map((item) => [item.json.identifier, item.json.state]),
		);
		expect(states).toMatchObject({
			wait01: 'opened',
			waitFail: 'failed',
			waitSaved: 'saved',
			nobody: 'notExist',
		});
		expect(result.items.find((item) => item.json.identifier === 'waitFail')?.json.code).toBe(
			'47110',
		);
		// pending → processing → opening → final: four polls for a new person, one for the unknown.
		expect(result.items[0].json.polls).toBe(4);
		expect(result.items[13].json.polls).toBe(1);
		// 14 persons: 2 requests per round while 13 are open, 4 rounds.
		expect(welink.emulator.count(STATUS)).toBe(2 + 2 + 2 + 2);
	});

	test('Wait Until Final marks persons still pending when the maximum wait passes', async () => {
		welink.addPendingPersons(['slow1', 'slow2']);
		const result = await getStatus([{ id: 'slow1' }, { id: 'slow2' }], {
			waitUntilFinal: true,
			pollIntervalMs: 50,
			maxWaitSeconds: 0,
		});
		expect(
			result.items.map((item) => [item.json.state, item.json.final, item.json.timedOut]),
		).toEqual([
			['pending', false, true],
			['pending', false, true],
		]);
	});

	test('Wait Until Final stops at 47105 and 47106: final failures that carry their reason', async () => {
		welink.addPendingPersons(['noSecretary'], 'secretaryMissing');
		welink.addPendingPersons(['noParentDept'], 'parentDepartmentMissing');
		const result = await getStatus([{ id: 'noSecretary' }, { id: 'noParentDept' }], {
			waitUntilFinal: true,
			pollIntervalMs: 5,
			maxWaitSeconds: 3,
		});
		expect(result.error).toBeUndefined();
		expect(
			result.items.map((item) => [
				item.json.code,
				item.json.state,
				item.json.final,
				item.json.timedOut,
				item.json.reason,
			]),
		).toEqual([
			['47105', 'failed', true, false, 'The secretary account has not been created'],
			['47106', 'failed', true, false, 'The parent department has not been created'],
		]);
		// pending → processing → opening → the failure: polling ends there, not at Max Wait.
		expect(result.items.map((item) => item.json.polls)).toEqual([4, 4]);
	});

	test("a failed account opening (47110) carries WeLink's message as its reason; other states have none", async () => {
		welink.addPendingPersons(['openFails'], 'failed');
		const result = await getStatus([{ id: 'openFails' }, { id: 'demo0001' }], {
			waitUntilFinal: true,
			pollIntervalMs: 5,
			maxWaitSeconds: 30,
		});
		expect(result.items[0].json).toMatchObject({
			code: '47110',
			state: 'failed',
			reason: 'Failed to get the company email suffix information.',
		});
		expect(result.items[1].json.state).toBe('opened');
		expect(result.items[1].json).not.toHaveProperty('reason');
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
		expect(
			result.items.map((item) => [item.json.identifierType, item.json.corpUserId, item.json.state]),
		).toEqual([
			['corpUserId', 'demo0003', 'opened'],
			['mobileNumber', 'demo0007', 'opened'],
			['userEmail', 'demo0009', 'opened'],
			['mobileNumber', '', 'notExist'],
			['userEmail', 'demo0010', 'opened'],
		]);
		// corpUserId persons and mobile/email persons are asked in requests of their own (issue 13).
		expect(welink.emulator.count(STATUS)).toBe(2);
	});

	test('an item with no identifier is an item error naming the field; nothing is sent without Continue On Fail', async () => {
		const stopped = await getStatus([{ id: 'demo0001' }, { id: '' }, { id: 'demo0002' }]);
		expect(stopped.error?.message).toMatch(/Identifier is empty.*item 1.*Identifier/);
		expect(welink.emulator.count(STATUS)).toBe(0);

		const continued = await getStatus(
			[{ id: 'demo0001' }, {}, { id: 'demo0002' }],
			{},
			{ continueOnFail: true },
		);
		expect(continued.items).toHaveLength(3);
		expect(paired(continued.items)).toEqual([0, 1, 2]);
		expect(String(continued.items[1].json.error)).toMatch(/Identifier is empty.*item 1/);
		expect(continued.items[2].json.state).toBe('opened');
	});
});

describe('User Sync → Get Status: pairing answers with persons', () => {
	afterEach(() => welink.setStatusAnswerMode('as-asked'));

	/** Persons by kind: WeLink answers every one of them with the person's corpUserId only. */
	async function statusOfPersons(
		items: Array<{ kind: string; value: string }>,
		options: INodeParameters = {},
	) {
		return await runNode({
			type: TYPE,
			items,
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: '={{ $json.kind }}',
				identifier: '={{ $json.value }}',
				options,
			},
			credentials: creds(),
		});
	}

	test('an answer in another order: corpUserId persons are paired by id, never by position', async () => {
		welink.setStatusAnswerMode('reversed');
		welink.addPendingPersons(['pairA'], 'failed');
		const result = await statusOfPersons([
			{ kind: 'mobileNumber', value: '13800000002' },
			{ kind: 'corpUserId', value: 'pairA' },
			{ kind: 'corpUserId', value: 'demo0003' },
		]);
		expect(result.error).toBeUndefined();
		expect(
			result.items.map((item) => [item.json.identifier, item.json.corpUserId, item.json.state]),
		).toEqual([
			['13800000002', 'demo0002', 'opened'],
			['pairA', 'pairA', 'pending'],
			['demo0003', 'demo0003', 'opened'],
		]);
		expect(paired(result.items)).toEqual([0, 1, 2]);
	});

	test('an answer missing an entry: mobile and email persons are asked again one by one; a corpUserId person left out is "not reported"', async () => {
		welink.setStatusAnswerMode('drop-first');
		const result = await statusOfPersons([
			{ kind: 'mobileNumber', value: '13800000002' },
			{ kind: 'userEmail', value: 'demo0004@example.com' },
			{ kind: 'corpUserId', value: 'demo0001' },
			{ kind: 'corpUserId', value: 'demo0003' },
		]);
		expect(result.error).toBeUndefined();
		expect(
			result.items.map((item) => [item.json.identifier, item.json.corpUserId, item.json.state]),
		).toEqual([
			['13800000002', 'demo0002', 'opened'],
			['demo0004@example.com', 'demo0004', 'opened'],
			['demo0001', '', 'unknown'],
			['demo0003', 'demo0003', 'opened'],
		]);
		expect(result.items[2].json.message).toBe('WeLink did not report this person');
		// corpUserId persons: 1 request. Mobile and email persons: 1 request, 2 entries short, then 1 each.
		expect(welink.emulator.count(STATUS)).toBe(1 + 1 + 2);
		const asked = welink.statusBodies().slice(-4) as Array<{ personInfo: IDataObject[] }>;
		expect(asked.map((body) => body.personInfo)).toEqual([
			[{ corpUserId: 'demo0001' }, { corpUserId: 'demo0003' }],
			[{ mobileNumber: '13800000002' }, { userEmail: 'demo0004@example.com' }],
			[{ mobileNumber: '13800000002' }],
			[{ userEmail: 'demo0004@example.com' }],
		]);
	});

	test('Ask Mobile/Email Persons One by One: no pairing by position at all, whatever order WeLink answers in', async () => {
		welink.setStatusAnswerMode('reversed');
		const result = await statusOfPersons(
			[
				{ kind: 'mobileNumber', value: '13800000002' },
				{ kind: 'userEmail', value: 'demo0004@example.com' },
				{ kind: 'corpUserId', value: 'demo0001' },
				{ kind: 'mobileNumber', value: '13800000005' },
				{ kind: 'corpUserId', value: 'demo0006' },
			],
			{ askContactsOneByOne: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.corpUserId)).toEqual([
			'demo0002',
			'demo0004',
			'demo0001',
			'demo0005',
			'demo0006',
		]);
		expect(welink.emulator.count(STATUS)).toBe(1 + 3);
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
						additionalFields: {
							userEmail: '={{ $json.email }}',
							corpDeptCode: 'D001',
							isOpenAccount: true,
						},
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
		expect(status.map((item) => item.json.state)).toEqual(
			persons.map((_, i) => (i === 4 ? 'failed' : 'opened')),
		);
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
		expect(String(result.items[1].json.error)).toContain(
			'[47004]: The email format is wrong (item 1)',
		);
		expect(paired(result.items)).toEqual([0, 1]);
	});
	test('answer entries are paired by corpUserId only: a refusal for one person never lands on another', async () => {
		welink.emulator.injectFault({
			path: BULK,
			fault: {
				kind: 'status',
				status: 200,
				json: {
					code: '0',
					message: 'success',
					data: [
						{ corpUserId: 'subB', code: '47004', message: 'The email format is wrong' },
						{ corpUserId: 'someone-else', code: '0', message: 'success' },
					],
				},
			},
		});
		const result = await runNode({
			type: TYPE,
			items: [{ id: 'subA' }, { id: 'subB' }],
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '={{ $json.id }}',
				additionalFields: {},
				options: {},
			},
			credentials: creds(),
			continueOnFail: true,
		});
		expect(result.items[0].json).toEqual({
			corpUserId: 'subA',
			accepted: false,
			code: '',
			message: 'WeLink did not report this person',
		});
		expect(String(result.items[1].json.error)).toContain(
			'[47004]: The email format is wrong (item 1)',
		);
		expect(paired(result.items)).toEqual([0, 1]);
	});
});

describe('User Sync → Submit is a write: a bad item stops the run before WeLink sees anything', () => {
	test('25 persons, the 21st without a name: no batch was sent, even the two full ones before it', async () => {
		const items = Array.from({ length: 25 }, (_, i) => ({
			id: `late${i}`,
			name: i === 20 ? '' : `Person ${i}`,
		}));
		const result = await runNode({
			type: TYPE,
			items,
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '={{ $json.name }}',
				additionalFields: {},
				options: {},
			},
			credentials: creds(),
		});
		expect(result.error?.message).toMatch(/Name \(Chinese\) is empty.*item 20/);
		// A batch sent early would still be on its way (token first): give it time to arrive.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(welink.emulator.count(BULK)).toBe(0);
	});
});

describe('User → Get WeLink ID', () => {
	test('looks up 55 ids in 2 requests (numeric code 0), unknown ids are not found', async () => {
		const ids = [...demoIds(54), 'ghost'];
		const result = await runNode({
			type: TYPE,
			items: ids.map((id) => ({ id })),
			parameters: {
				resource: 'user',
				operation: 'getWeLinkId',
				corpUserId: '={{ $json.id }}',
				options: {},
			},
			credentials: creds(),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			corpUserId: 'demo0001',
			userId: 'wl-demo0001',
			found: true,
		});
		expect(result.items[54].json).toEqual({ corpUserId: 'ghost', userId: null, found: false });
		expect(welink.emulator.count(ACCOUNTS)).toBe(2);
	});
});
