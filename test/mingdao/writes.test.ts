import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { hintsOf, runNode } from '../harness/run-workflow';
import { MINGDAO_CODES } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import {
	MINGDAO_TYPE as TYPE,
	UPSERT_MAPPED,
	mingdaoCredentials,
	paired,
	useMingdaoEmulator,
} from './fixtures';

/** User → Upsert and User → Remove (private deployment only) against the emulator. */

const UPSERT_PATH = '/generalintegrateapi/v2/user/upsertUsers';
const REMOVE_PATH = '/generalintegrateapi/v2/user/removeUser';

const emulator = useMingdaoEmulator({ users: 200 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

/** Ids nobody else in this file uses, so tests do not see each other's writes. */
let serial = 0;
const fresh = (count: number, label: string) =>
	Array.from({ length: count }, (_, i) => `${label}-${++serial}-${i}`);

const person = (corpUserId: string, extra: IDataObject = {}): IDataObject => ({
	id: corpUserId,
	name: `Name ${corpUserId}`,
	email: `${corpUserId}@example.com`,
	mobile: '13800000000',
	...extra,
});

async function upsert(
	items: IDataObject[],
	extra: IDataObject = {},
	continueOnFail = false,
	creds = mingdaoCredentials(md),
) {
	return await runNode({
		type: TYPE,
		items,
		credentials: creds,
		continueOnFail,
		parameters: { ...UPSERT_MAPPED, ...extra },
	});
}

async function remove(
	items: IDataObject[],
	extra: IDataObject = {},
	continueOnFail = false,
	creds = mingdaoCredentials(md),
) {
	return await runNode({
		type: TYPE,
		items,
		credentials: creds,
		continueOnFail,
		parameters: { resource: 'user', operation: 'remove', corpUserIds: '={{ $json.id }}', ...extra },
	});
}

describe('Upsert', () => {
	test('1,050 users from 1,050 items go in requests of 500, 500 and 50; every output is paired with its item', async () => {
		const ids = fresh(1_050, 'batch');
		const { items, error } = await upsert(ids.map((id) => person(id)));
		expect(error).toBeUndefined();
		expect(md.emulator.count(UPSERT_PATH)).toBe(3);
		expect(
			md.writeCalls.map((call) => call.users?.length).sort((a, b) => (b ?? 0) - (a ?? 0)),
		).toEqual([500, 500, 50]);
		expect(
			new Set(md.writeCalls.flatMap((call) => call.users?.map((user) => user.corpUserId))).size,
		).toBe(1_050);
		expect(items).toHaveLength(1_050);
		items.forEach((item, index) => {
			expect(paired(item)).toBe(index);
			expect(item.json).toEqual({
				corpUserId: ids[index],
				upserted: true,
				accountId: md.accountOf(ids[index]),
			});
		});
		expect(md.profileOf(ids[7])).toEqual({
			name: `Name ${ids[7]}`,
			email: `${ids[7]}@example.com`,
			mobilePhone: '13800000000',
		});
		expect(hintsOf({ run: (await upsert([person(fresh(1, 'quiet')[0])])).run })).toEqual([]);
	});

	test('Batch Size splits further; Other User Fields (JSON) are passed through as given', async () => {
		const ids = fresh(5, 'other');
		const { error } = await upsert(
			ids.map((id) => person(id, { job: `J-${id}` })),
			{
				otherFields: '={{ { "jobNumber": $json.job, "departmentIds": ["d1"] } }}',
				options: { batchSize: 2 },
			},
		);
		expect(error).toBeUndefined();
		expect(md.writeCalls.map((call) => call.users?.length)).toEqual([2, 2, 1]);
		expect(md.profileOf(ids[0])).toMatchObject({ jobNumber: `J-${ids[0]}`, departmentIds: ['d1'] });
	});

	describe('the clearing guard: Mingdao clears what is not sent', () => {
		test('the emulator clears a field an upsert leaves out (the documented behaviour the guard protects against)', async () => {
			const [id] = fresh(1, 'cleared');
			await upsert([person(id)], { otherFields: '{"jobNumber": "J-1"}' });
			expect(md.profileOf(id)).toMatchObject({ jobNumber: 'J-1' });
			await upsert([person(id)]);
			expect(md.profileOf(id)).not.toHaveProperty('jobNumber');
		});

		test('an empty email fails its item by default, naming item and field; nothing is sent and the stored email stays', async () => {
			const [kept, other] = fresh(2, 'guard');
			await upsert([person(kept)]);
			md.emulator.resetCounters();
			const { error } = await upsert([person(other), person(kept, { email: '' })]);
			expect(error?.message).toMatch(
				/Email is empty: Mingdao would clear the user's email.*item 1, field "Email"/,
			);
			expect(md.emulator.count(UPSERT_PATH)).toBe(0);
			expect(md.profileOf(kept)?.email).toBe(`${kept}@example.com`);
			expect(md.profileOf(other)).toBeUndefined();
		});

		test('an unmapped Mobile Phone (parameter left empty) fails too: leaving a field out cannot happen by accident', async () => {
			const [id] = fresh(1, 'unmapped');
			const { error } = await upsert([person(id)], { mobilePhone: '' });
			expect(error?.message).toMatch(/Mobile Phone is empty.*field "Mobile Phone"/);
			expect((error as { description?: string }).description).toMatch(/Empty Values/);
			expect(md.emulator.count(UPSERT_PATH)).toBe(0);
		});

		test('an empty passed-through field fails naming it', async () => {
			const [id] = fresh(1, 'other-empty');
			const { error } = await upsert([person(id)], { otherFields: '{"jobNumber": ""}' });
			expect(error?.message).toContain('field "Other User Fields (JSON) "jobNumber""');
			expect(md.emulator.count(UPSERT_PATH)).toBe(0);
		});

		test('Empty Values = Send Them clears on purpose', async () => {
			const [id] = fresh(1, 'purpose');
			await upsert([person(id)]);
			const { items, error } = await upsert([person(id, { email: '' })], { emptyValues: 'clear' });
			expect(error).toBeUndefined();
			expect(items[0].json.upserted).toBe(true);
			expect(md.profileOf(id)).toMatchObject({ email: '', mobilePhone: '13800000000' });
		});

		test('Email and Mobile Phone both empty fail even when clearing (Mingdao needs one of them)', async () => {
			const [id] = fresh(1, 'neither');
			const { error } = await upsert([person(id, { email: '', mobile: '' })], {
				emptyValues: 'clear',
			});
			expect(error?.message).toMatch(/Email and Mobile Phone are both empty/);
			expect(md.emulator.count(UPSERT_PATH)).toBe(0);
		});

		test('a documented field repeated in Other User Fields (JSON) is refused', async () => {
			const [id] = fresh(1, 'repeat');
			const { error } = await upsert([person(id)], { otherFields: '{"email": "x@example.com"}' });
			expect(error?.message).toMatch(/repeats "email"/);
		});
	});

	test('Continue On Fail: bad items become error items naming item and field, a duplicate names the first item, the rest is upserted', async () => {
		const ids = fresh(4, 'cof');
		const { items, error } = await upsert(
			[
				person(ids[0]),
				person(ids[1], { name: '' }),
				person(ids[2]),
				person(ids[0]),
				person(ids[3]),
			],
			{},
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map(paired)).toEqual([0, 1, 2, 3, 4]);
		expect(items[0].json).toMatchObject({ corpUserId: ids[0], upserted: true });
		expect(String(items[1].json.error)).toMatch(/Name is empty.*item 1, field "Name"/);
		expect(String(items[3].json.error)).toMatch(
			new RegExp(`"${ids[0]}" is also upserted by item 0.*item 3`),
		);
		expect(items[4].json).toMatchObject({ corpUserId: ids[3], upserted: true });
		expect(md.writeCalls).toHaveLength(1);
		expect(md.writeCalls[0].users?.map((user) => user.corpUserId)).toEqual([
			ids[0],
			ids[2],
			ids[3],
		]);
		expect(
			hintsOf({ run: (await upsert([person(fresh(1, 'h')[0]), { id: 'x' }], {}, true)).run }).map(
				(hint) => hint.message,
			),
		).toEqual(['1 of 2 users failed with an error (see the error items).']);
	});

	test('a refused batch fails only its items; the other batches are upserted', async () => {
		md.emulator.injectFault({
			path: UPSERT_PATH,
			skip: 1,
			times: 1,
			fault: { kind: 'status', status: 200, json: { code: 10001, message: '参数错误' } },
		});
		const ids = fresh(5, 'refused');
		const { items, error } = await upsert(
			ids.map((id) => person(id)),
			{ options: { batchSize: 2, concurrency: 1 } },
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => (item.json.error ? 'error' : item.json.upserted))).toEqual([
			true,
			true,
			'error',
			'error',
			true,
		]);
		expect(String(items[2].json.error)).toMatch(/Mingdao error \[10001\]: 参数错误 \(item 2\)/);
	});

	test('a wrong secret stops after the first refused batch: no further batch is sent', async () => {
		const ids = fresh(6, 'secret');
		const { items, error } = await upsert(
			ids.map((id) => person(id)),
			{ options: { batchSize: 2, concurrency: 1 } },
			true,
			mingdaoCredentials(md, { secretKey: 'a-wrong-secret-4711' }),
		);
		expect(error).toBeUndefined();
		expect(md.emulator.count(UPSERT_PATH)).toBe(1);
		expect(
			items.every((item) =>
				String(item.json.error).includes(`Mingdao error [${MINGDAO_CODES.badSignature}]`),
			),
		).toBe(true);
		expect(JSON.stringify(items)).not.toContain('a-wrong-secret-4711');
	});
});

describe('SaaS', () => {
	const saas = () => mingdaoCredentials(md, { deployment: 'saas' });

	test.each([
		[
			'Upsert',
			async (cof: boolean) => await upsert([person('s-1'), person('s-2')], {}, cof, saas()),
		],
		[
			'Remove',
			async (cof: boolean) => await remove([{ id: 's-1' }, { id: 's-2' }], {}, cof, saas()),
		],
	])(
		'%s on a SaaS credential fails before sending, saying it needs a private deployment',
		async (operation, run) => {
			const stopped = await run(false);
			expect(stopped.error?.message).toMatch(
				new RegExp(
					`^${operation} needs a private deployment of Mingdao.*item 0, field "Deployment"`,
				),
			);
			expect((stopped.error as { description?: string }).description).toMatch(/Private Deployment/);
			const continued = await run(true);
			expect(continued.items.map(paired)).toEqual([0, 1]);
			expect(
				continued.items.every((item) => /needs a private deployment/.test(String(item.json.error))),
			).toBe(true);
			expect(md.emulator.count()).toBe(0);
		},
	);

	test("through a custom base URL that leads to the public cloud, Mingdao's refusal comes with the private-deployment hint", async () => {
		const { error } = await upsert(
			[person('c-1')],
			{},
			false,
			mingdaoCredentials(md, {
				deployment: 'custom',
				customBaseUrl: `${md.baseUrl}/generalintegrate`,
			}),
		);
		expect(error?.message).toBe(
			`Mingdao error [${MINGDAO_CODES.notOnPublicCloud}]: 公有云版本不支持 (item 0)`,
		);
		expect((error as { description?: string }).description).toMatch(
			/only work on a private deployment/,
		);
	});
});

describe('Remove', () => {
	test('one request per id, each id once; removed says what Mingdao answered; the relation is gone afterwards', async () => {
		const [a, b] = [md.userIds[0], md.userIds[1]];
		expect(md.accountOf(a)).toBeDefined();
		const { items, error } = await remove([{ id: a }, { id: [b, 'nobody-here'] }, { id: a }]);
		expect(error).toBeUndefined();
		expect(md.emulator.count(REMOVE_PATH)).toBe(3);
		expect(md.writeCalls.map((call) => call.corpUserId).sort()).toEqual(
			[a, b, 'nobody-here'].sort(),
		);
		expect(items.map((item) => [paired(item), item.json])).toEqual([
			[0, { corpUserId: a, removed: true }],
			[1, { corpUserId: b, removed: true }],
			[1, { corpUserId: 'nobody-here', removed: false }],
			[2, { corpUserId: a, removed: true }],
		]);
		expect(md.accountOf(a)).toBeUndefined();
		const hints = hintsOf({ run: (await remove([{ id: a }, { id: md.userIds[2] }])).run }).map(
			(hint) => hint.message,
		);
		expect(hints).toEqual(['1 of 2 users were not removed (Mingdao answered false).']);
	});

	test('an empty id stops the run before any removal, naming item and field', async () => {
		const { error } = await remove([{ id: md.userIds[3] }, { id: '' }]);
		expect(error?.message).toMatch(/Third-Party User IDs.*item 1, field "Third-Party User IDs"/);
		expect(md.emulator.count()).toBe(0);
		expect(md.accountOf(md.userIds[3])).toBeDefined();
	});

	test('a connection lost after the request was read is not repeated (a removal is not idempotent); Continue On Fail keeps the others', async () => {
		md.emulator.injectFault({ path: REMOVE_PATH, times: 1, fault: { kind: 'reset-after-read' } });
		const ids = [md.userIds[5], md.userIds[6]];
		const { items, error } = await remove(
			ids.map((id) => ({ id })),
			{ options: { concurrency: 1 } },
			true,
		);
		expect(error).toBeUndefined();
		expect(md.emulator.count(REMOVE_PATH)).toBe(2);
		expect(items[0].json.error).toBeDefined();
		expect(paired(items[0])).toBe(0);
		expect(items[1].json).toEqual({ corpUserId: ids[1], removed: true });
	});
});

describe('examples/mirror-wecom-into-mingdao.json', () => {
	const example = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', 'mirror-wecom-into-mingdao.json'), 'utf8'),
	) as {
		nodes: Array<{
			name: string;
			parameters: INodeParameters;
			onError?: string;
			credentials?: IDataObject;
		}>;
		connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	};
	const node = (name: string) => example.nodes.find((n) => n.name === name)!;
	const next = (name: string) =>
		example.connections[name].main.map((output) => output.map((link) => link.node));

	test('leavers go to Remove, everyone else to Create or Update with every field mapped and Empty Values at Fail', () => {
		expect(next('Left the Company?')).toEqual([
			['Remove Leaver from Mingdao'],
			['Create or Update in Mingdao'],
		]);
		expect(next('Create or Update in Mingdao')).toEqual([['Not Written?']]);
		const upsertNode = node('Create or Update in Mingdao');
		expect(upsertNode.parameters).toMatchObject({
			operation: 'upsert',
			corpUserId: '={{ $json.weComUserId }}',
			name: '={{ $json.name }}',
			email: '={{ $json.emailAddress }}',
			mobilePhone: '={{ $json.mobileNumber }}',
			emptyValues: 'fail',
		});
		expect(upsertNode.onError).toBe('continueRegularOutput');
		expect(upsertNode.credentials).toEqual({
			mingdaoApi: { id: 'mingdaoDemoCred1', name: 'Mingdao (demo emulator)' },
		});
	});

	test("its Mingdao nodes, on Shiheng's employee rows: the guard fails an employee without email, the rest is written", async () => {
		const [joiner, bare, leaver] = fresh(3, 'mirror');
		const rows = [
			{ weComUserId: joiner, name: 'Joiner', emailAddress: 'j@example.com', mobileNumber: '138' },
			{ weComUserId: bare, name: 'Bare', emailAddress: null, mobileNumber: '139' },
		];
		const written = await runNode({
			type: TYPE,
			items: rows,
			credentials: mingdaoCredentials(md),
			continueOnFail: true,
			parameters: node('Create or Update in Mingdao').parameters,
		});
		expect(
			written.items.map((item) => [paired(item), item.json.upserted ?? item.json.error]),
		).toEqual([
			[0, true],
			[1, expect.stringMatching(/Email is empty.*item 1, field "Email"/)],
		]);
		expect(md.profileOf(joiner)).toEqual({
			name: 'Joiner',
			email: 'j@example.com',
			mobilePhone: '138',
		});
		expect(md.profileOf(bare)).toBeUndefined();
		await upsert([person(leaver)]);
		const removed = await runNode({
			type: TYPE,
			items: [{ weComUserId: leaver, statusCode: 5 }],
			credentials: mingdaoCredentials(md),
			parameters: node('Remove Leaver from Mingdao').parameters,
		});
		expect(removed.items.map((item) => item.json)).toEqual([{ corpUserId: leaver, removed: true }]);
		expect(md.profileOf(leaver)).toBeUndefined();
	});
});
