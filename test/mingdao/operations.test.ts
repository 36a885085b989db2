import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../harness/run-workflow';
import { MINGDAO_CODES } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import {
	MINGDAO_TYPE as TYPE,
	RELATIONS_PATH,
	mingdaoCredentials,
	paired,
	runGetRelations,
	useMingdaoEmulator,
} from './fixtures';

const emulator = useMingdaoEmulator({ users: 2_000 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

function credentials(overrides: Record<string, string | boolean> = {}) {
	return mingdaoCredentials(md, overrides);
}

async function getRelations(
	items: IDataObject[],
	extra: IDataObject = {},
	continueOnFail = false,
	creds = credentials(),
) {
	return await runGetRelations(md, items, extra, continueOnFail, creds);
}

test('1,050 ids with batch size 100 take 11 requests; every id comes back once, found or not, paired with its item', async () => {
	const ids = md.userIds.slice(0, 1_050);
	const { items, error } = await getRelations(
		ids.map((id) => ({ id })),
		{ options: { batchSize: 100 } },
	);
	expect(error).toBeUndefined();
	expect(md.emulator.count(RELATIONS_PATH)).toBe(11);
	// Batches run concurrently, so they may arrive in any order.
	expect(md.relationCalls.map((call) => call.ids.length).sort((x, y) => y - x)).toEqual([
		...Array(10).fill(100),
		50,
	]);
	const asked = md.relationCalls.flatMap((call) => call.ids);
	expect(new Set(asked).size).toBe(1_050);
	expect(items).toHaveLength(1_050);
	items.forEach((item, index) => {
		expect(paired(item)).toBe(index);
		expect(item.json.corpUserId).toBe(ids[index]);
		const account = md.accountOf(ids[index]);
		expect(item.json).toEqual({
			corpUserId: ids[index],
			found: account !== undefined,
			accountId: account ?? null,
			projectId: account ? md.projectId : null,
		});
	});
	// One in five has no relation in the emulator's data set.
	expect(items.filter((item) => item.json.found === false)).toHaveLength(210);
});

test('duplicate ids are asked once and answered for every item that asked', async () => {
	const [a, b, missing] = [md.userIds[0], md.userIds[1], md.userIds[4]];
	const { items, error } = await getRelations([
		{ id: a },
		{ id: b },
		{ id: a },
		{ id: missing },
		{ id: a },
		{ id: missing },
	]);
	expect(error).toBeUndefined();
	expect(md.relationCalls).toHaveLength(1);
	expect(md.relationCalls[0].ids).toEqual([a, b, missing]);
	expect(items.map((item) => [item.json.corpUserId, item.json.found, paired(item)])).toEqual([
		[a, true, 0],
		[b, true, 1],
		[a, true, 2],
		[missing, false, 3],
		[a, true, 4],
		[missing, false, 5],
	]);
	expect(items[2].json.accountId).toBe(md.accountOf(a));
});

test('an item may carry a list of ids: one output per id, all paired with that item', async () => {
	const list = md.userIds.slice(10, 15);
	const { items, error } = await getRelations([{ id: list }, { id: md.userIds[20] }], {
		options: { batchSize: 2 },
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.corpUserId)).toEqual([...list, md.userIds[20]]);
	expect(items.map(paired)).toEqual([0, 0, 0, 0, 0, 1]);
	expect(md.relationCalls.map((call) => call.ids.length)).toEqual([2, 2, 2]);
});

test('an empty id fails only its item with Continue On Fail, naming item and field', async () => {
	const { items, error } = await getRelations(
		[{ id: md.userIds[0] }, { id: '' }, { other: 1 }, { id: md.userIds[1] }],
		{},
		true,
	);
	expect(error).toBeUndefined();
	expect(items).toHaveLength(4);
	expect(items[0].json).toMatchObject({ corpUserId: md.userIds[0], found: true });
	expect(String(items[1].json.error)).toMatch(/Third-Party User IDs.*item 1/);
	expect(String(items[1].json.error)).toContain('field "Third-Party User IDs"');
	expect(paired(items[1])).toBe(1);
	expect(String(items[2].json.error)).toMatch(/item 2/);
	expect(items[3].json).toMatchObject({ corpUserId: md.userIds[1], found: true });
	expect(md.relationCalls).toHaveLength(1);
	expect(md.relationCalls[0].ids).toEqual([md.userIds[0], md.userIds[1]]);
});

test('without Continue On Fail an empty id stops the run before any request', async () => {
	const { error } = await getRelations([{ id: md.userIds[0] }, { id: '  ' }]);
	expect(error?.message).toMatch(
		/Third-Party User IDs is empty.*item 1, field "Third-Party User IDs"/,
	);
	expect(md.emulator.count()).toBe(0);
});

test('Only Found drops ids without relation; Fail When Not Found fails the item and lists them', async () => {
	const ids = md.userIds.slice(0, 10);
	const only = await getRelations(
		ids.map((id) => ({ id })),
		{ options: { onlyFound: true } },
	);
	expect(only.items.map((item) => item.json.corpUserId)).toEqual(
		ids.filter((id) => md.accountOf(id)),
	);
	expect(only.items.every((item) => item.json.found === true)).toBe(true);

	const strict = await getRelations(
		[{ id: ids.slice(0, 3) }, { id: ids.slice(3, 10) }],
		{ options: { failWhenNotFound: true } },
		true,
	);
	expect(strict.items.slice(0, 3).map((item) => item.json.corpUserId)).toEqual(ids.slice(0, 3));
	const failed = strict.items[3];
	expect(paired(failed)).toBe(1);
	expect(String(failed.json.error)).toContain(
		`No Mingdao account is linked to 2 IDs: ${ids[4]}, ${ids[9]}`,
	);
});

test('a wrong secret gives a clear error naming Mingdao and its code, without the secret or a signature', async () => {
	const secret = 'definitely-wrong-secret-9876';
	const { error } = await getRelations(
		[{ id: md.userIds[0] }],
		{},
		false,
		credentials({ secretKey: secret }),
	);
	expect(error).toBeDefined();
	const text = `${error?.message} ${(error as { description?: string }).description ?? ''}`;
	expect(error?.message).toContain(`Mingdao error [${MINGDAO_CODES.badSignature}]`);
	expect(error?.message).toContain('item 0');
	expect(text).toMatch(/check App Key, Secret Key and Project ID/);
	expect(text).toContain('HTTP status 403');
	expect(text).not.toContain(secret);
	expect(JSON.stringify(error)).not.toContain(secret);
	// A refused signature is not retried.
	expect(md.emulator.count(RELATIONS_PATH)).toBe(1);
});

test('a failed batch fails only the items in it; the other batches still answer (Continue On Fail)', async () => {
	md.emulator.injectFault({
		path: RELATIONS_PATH,
		skip: 1,
		times: 1,
		fault: { kind: 'status', status: 400, json: { code: 10001, message: '参数错误' } },
	});
	const ids = md.userIds.slice(0, 4);
	const { items, error } = await getRelations(
		ids.map((id) => ({ id })),
		{ options: { batchSize: 2, concurrency: 1 } },
		true,
	);
	expect(error).toBeUndefined();
	expect(items.slice(0, 2).map((item) => item.json.corpUserId)).toEqual(ids.slice(0, 2));
	expect(String(items[2].json.error)).toMatch(/Mingdao error \[10001\]: 参数错误 \(item 2\)/);
	expect(String(items[3].json.error)).toMatch(/item 3/);
	expect(items.map(paired)).toEqual([0, 1, 2, 3]);
});

test('a 503 and a reset are retried (reads are idempotent) and nothing is lost or duplicated', async () => {
	md.emulator.injectFault({
		path: RELATIONS_PATH,
		times: 1,
		fault: { kind: 'status', status: 503, text: 'busy' },
	});
	md.emulator.injectFault({
		path: RELATIONS_PATH,
		skip: 1,
		times: 1,
		fault: { kind: 'reset-after-read' },
	});
	const ids = md.userIds.slice(0, 30);
	const { items, error } = await getRelations(
		ids.map((id) => ({ id })),
		{ options: { batchSize: 10, concurrency: 1 } },
	);
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.corpUserId)).toEqual(ids);
	expect(md.emulator.count(RELATIONS_PATH)).toBe(5);
});

test('private deployment: requests go to <address>/generalintegrateapi, whether or not the address carries the path', async () => {
	for (const privateUrl of [`${md.baseUrl}/`, `${md.baseUrl}/generalintegrateapi`]) {
		md.emulator.resetCounters();
		const { items, error } = await getRelations(
			[{ id: md.userIds[0] }],
			{},
			false,
			credentials({ privateUrl }),
		);
		expect(error).toBeUndefined();
		expect(items[0].json.found).toBe(true);
		expect(md.emulator.records.map((record) => record.path)).toEqual([RELATIONS_PATH]);
	}
});

test('SaaS-shaped path /generalintegrate through a custom base URL', async () => {
	const { items, error } = await getRelations(
		[{ id: md.userIds[0] }],
		{},
		false,
		credentials({
			deployment: 'custom',
			customBaseUrl: `${md.baseUrl}/generalintegrate`,
		}),
	);
	expect(error).toBeUndefined();
	expect(items[0].json.found).toBe(true);
	expect(md.emulator.records.map((record) => record.path)).toEqual([
		'/generalintegrate/v2/user/getUserRelations',
	]);
});

test('User → Get Relation sends a signed GET per item', async () => {
	const { items, error } = await runNode({
		type: TYPE,
		items: [{ id: md.userIds[0] }, { id: md.userIds[4] }],
		credentials: credentials(),
		parameters: { resource: 'user', operation: 'getRelation', corpUserId: '={{ $json.id }}' },
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json)).toEqual([
		{
			corpUserId: md.userIds[0],
			found: true,
			accountId: md.accountOf(md.userIds[0]),
			projectId: md.projectId,
		},
		{ corpUserId: md.userIds[4], found: false, accountId: null, projectId: null },
	]);
	expect(md.emulator.records.map((record) => `${record.method} ${record.path}`)).toEqual([
		'GET /generalintegrateapi/v2/user/getUserRelation',
		'GET /generalintegrateapi/v2/user/getUserRelation',
	]);
});

test('Department → Get Relations batches numeric ids across items and refuses text ids when numeric', async () => {
	const ids = md.departmentIds.slice(0, 8);
	const { items, error } = await runNode({
		type: TYPE,
		items: ids.map((id) => ({ dept: id })),
		credentials: credentials(),
		parameters: {
			resource: 'department',
			operation: 'getRelations',
			corpDepartmentIds: '={{ $json.dept }}',
			isNumber: true,
			options: { batchSize: 5 },
		},
	});
	expect(error).toBeUndefined();
	expect(md.relationCalls.map((call) => call.ids.length)).toEqual([5, 3]);
	expect(items.map((item) => [item.json.corpDepartmentId, item.json.found])).toEqual(
		ids.map((id, index) => [id, (index + 1) % 4 !== 0]),
	);
	expect(items[0].json).toMatchObject({
		departmentId: expect.any(String),
		projectId: md.projectId,
	});
	expect(items[3].json).toEqual({
		corpDepartmentId: ids[3],
		found: false,
		departmentId: null,
		projectId: null,
	});

	const refused = await runNode({
		type: TYPE,
		items: [{ dept: 'sales' }],
		credentials: credentials(),
		parameters: {
			resource: 'department',
			operation: 'getRelations',
			corpDepartmentIds: '={{ $json.dept }}',
			isNumber: true,
		},
	});
	expect(refused.error?.message).toMatch(/must be numbers when "Numeric IDs" is on.*item 0/);
});

test('User → Get Many pages through getUsers with Return All, a Limit and a status filter', async () => {
	const all = await runNode({
		type: TYPE,
		credentials: credentials(),
		parameters: {
			resource: 'user',
			operation: 'getMany',
			returnAll: true,
			options: { pageSize: 300 },
		},
	});
	expect(all.error).toBeUndefined();
	expect(all.items).toHaveLength(1_600);
	expect(new Set(all.items.map((item) => item.json.accountId)).size).toBe(1_600);
	expect(md.emulator.count('/generalintegrateapi/v2/user/getUsers')).toBe(6);

	md.emulator.resetCounters();
	const limited = await runNode({
		type: TYPE,
		credentials: credentials(),
		parameters: {
			resource: 'user',
			operation: 'getMany',
			returnAll: false,
			limit: 150,
			filters: { userStatus: 4 },
			options: { pageSize: 100 },
		},
	});
	expect(limited.items).toHaveLength(150);
	expect(limited.items.every((item) => item.json.status === 4 && paired(item) === 0)).toBe(true);
	expect(md.emulator.count('/generalintegrateapi/v2/user/getUsers')).toBe(2);
});

test('User → Get Relation: Fail When Not Found makes an error item for that item only', async () => {
	const { items, error } = await runNode({
		type: TYPE,
		items: [{ id: md.userIds[4] }, { id: md.userIds[0] }],
		credentials: credentials(),
		continueOnFail: true,
		parameters: {
			resource: 'user',
			operation: 'getRelation',
			corpUserId: '={{ $json.id }}',
			options: { failWhenNotFound: true },
		},
	});
	expect(error).toBeUndefined();
	expect(String(items[0].json.error)).toContain(
		`No Mingdao account is linked to ID: ${md.userIds[4]} (item 0, field "Third-Party User ID")`,
	);
	expect(items[1].json).toMatchObject({ corpUserId: md.userIds[0], found: true });
	expect(items.map(paired)).toEqual([0, 1]);
});

describe('Read IDs From Field (no expression per item)', () => {
	test('reads single ids, lists and nested fields straight from the items, with the same output', async () => {
		const [a, b, c, d] = md.userIds;
		const items = [
			{ who: { id: a } },
			{ who: { id: [b, c] } },
			{ who: { id: a } },
			{ who: { id: d } },
		];
		// The option takes precedence: the (still required) IDs expression is not evaluated then.
		const viaField = await getRelations(items, {
			corpUserIds: '={{ $json.who.id }}',
			options: { idField: 'who.id' },
		});
		const viaExpression = await getRelations(items, { corpUserIds: '={{ $json.who.id }}' });
		expect(viaField.error).toBeUndefined();
		expect(viaField.items.map((item) => [paired(item), item.json])).toEqual(
			viaExpression.items.map((item) => [paired(item), item.json]),
		);
		expect(viaField.items.map((item) => item.json.corpUserId)).toEqual([a, b, c, a, d]);
	});

	test('an item without the field is an item error naming the option and the field', async () => {
		const { items } = await getRelations(
			[{ id: md.userIds[0] }, { other: 1 }],
			{ options: { idField: 'id' } },
			true,
		);
		expect(items).toHaveLength(2);
		expect(items[0].json.found).toBeDefined();
		expect(paired(items[1])).toBe(1);
		expect(String(items[1].json.error)).toContain('item 1, field "Read IDs From Field "id""');
	});
});

describe('a plain {{ $json.field }} is read straight from the item, with the same result n8n would give', () => {
	// The second expression is no plain field read, so n8n evaluates it per item: the reference.
	const evaluatedByN8n = '={{ $json.id === undefined ? $json.id : $json.id }}';
	const items: IDataObject[] = [
		{ id: 'placeholder-0' },
		{ id: 12345 },
		{ id: ['placeholder-1', 'placeholder-2'] },
		{ id: '  ' },
		{ other: 'no id field' },
		{ id: 'placeholder-0' },
	];
	const withIds = () =>
		items.map((item, index) =>
			'id' in item && typeof item.id === 'string' && item.id.startsWith('placeholder-')
				? { id: md.userIds[Number(item.id.slice(-1))] }
				: index === 2
					? { id: [md.userIds[1], md.userIds[2]] }
					: item,
		);

	test('ids, numbers, lists, empty and missing fields give identical items and errors', async () => {
		const fast = await getRelations(withIds(), {}, true);
		const evaluated = await getRelations(withIds(), { corpUserIds: evaluatedByN8n }, true);
		expect(fast.error).toBeUndefined();
		expect(fast.items.map((item) => item.json)).toEqual(evaluated.items.map((item) => item.json));
		expect(fast.items.map(paired)).toEqual(evaluated.items.map(paired));
		expect(String(fast.items.find((item) => item.json.error)?.json.error)).toMatch(
			/Third-Party User IDs.*item 3/,
		);
	});

	test('an option given by expression is still evaluated per item', async () => {
		const ids = [md.userIds[0], md.userIds[4]];
		expect(md.accountOf(ids[1])).toBeUndefined();
		const { items, error } = await getRelations(
			[
				{ id: ids[1], only: true },
				{ id: ids[1], only: false },
			],
			{ options: { onlyFound: '={{ $json.only }}' } },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.corpUserId, item.json.found, paired(item)])).toEqual([
			[ids[1], false, 1],
		]);
	});
});
