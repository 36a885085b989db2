import { MINGDAO_PATHS, MINGDAO_UPSERT_MAX } from '../../nodes/Mingdao/transport/client';
import { vendorFactsFixture } from '../fixtures/vendor-pages';
import { runNode } from '../harness/run-workflow';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { MINGDAO_TYPE as TYPE, mingdaoCredentials, paired, useMingdaoEmulator } from './fixtures';

/**
 * The contract of Upsert and Remove: paths, the 500 limit and the field names as
 * test/fixtures/vendor-pages/mingdao-user-writes.json records them (from vendor-facts.md and the
 * Mingdao pages it names), checked on what the node sends; the documented answers served byte
 * for byte.
 */

interface WritesPage {
	upsertUsers: {
		method: string;
		path: string;
		listField: string;
		maxPerRequest: number;
		userFields: Record<string, string>;
	};
	removeUser: {
		method: string;
		path: string;
		parameterTypes: Record<string, string>;
		dataType: string;
	};
	examples: { removeRequest: string; removeSuccess: string; failure: string };
}

const { page } = vendorFactsFixture<WritesPage>('mingdao-user-writes');
const removeRequest = JSON.parse(page.examples.removeRequest) as Record<string, unknown>;
const PREFIX = '/generalintegrateapi';

const emulator = useMingdaoEmulator({ users: 20 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

function typeName(value: unknown): string {
	if (Array.isArray(value)) return `${value.length > 0 ? typeName(value[0]) : 'unknown'}[]`;
	return value === null ? 'null' : typeof value;
}

const typesOf = (object: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(object).map(([key, value]) => [key, typeName(value)]));

/** The JSON bodies the emulator accepted at a path. */
function bodiesAt(path: string): Array<Record<string, unknown>> {
	return md.writeCalls.filter((call) => call.path === path).map((call) => call.params);
}

test('paths and the batch limit are the documented ones', () => {
	expect(MINGDAO_PATHS.upsertUsers).toBe(page.upsertUsers.path);
	expect(MINGDAO_PATHS.removeUser).toBe(page.removeUser.path);
	expect(MINGDAO_UPSERT_MAX).toBe(page.upsertUsers.maxPerRequest);
});

test('Upsert sends {users: [...]} and the common parameters; each user carries exactly the documented fields, as text', async () => {
	const { error } = await runNode({
		type: TYPE,
		items: [{ id: 'contract-1' }, { id: 'contract-2' }],
		credentials: mingdaoCredentials(md),
		parameters: {
			resource: 'user',
			operation: 'upsert',
			corpUserId: '={{ $json.id }}',
			name: '张三',
			email: 'z@example.com',
			mobilePhone: '13800000000',
		},
	});
	expect(error).toBeUndefined();
	const bodies = bodiesAt(`${PREFIX}${page.upsertUsers.path}`);
	expect(bodies).toHaveLength(1);
	expect(Object.keys(bodies[0]).sort()).toEqual(
		[page.upsertUsers.listField, 'appKey', 'sign', 'timestamp', 'projectId'].sort(),
	);
	expect(typesOf(bodies[0])).toMatchObject({
		appKey: 'string',
		sign: 'string',
		timestamp: 'number',
		projectId: 'string',
	});
	const users = bodies[0][page.upsertUsers.listField] as Array<Record<string, unknown>>;
	expect(users.map((user) => typesOf(user))).toEqual([
		page.upsertUsers.userFields,
		page.upsertUsers.userFields,
	]);
	expect(users.map((user) => user.corpUserId)).toEqual(['contract-1', 'contract-2']);
});

test('Remove sends exactly the field names and types of the documented request example', async () => {
	const { error } = await runNode({
		type: TYPE,
		items: [{ id: md.userIds[0] }],
		credentials: mingdaoCredentials(md),
		parameters: { resource: 'user', operation: 'remove', corpUserIds: '={{ $json.id }}' },
	});
	expect(error).toBeUndefined();
	const [body] = bodiesAt(`${PREFIX}${page.removeUser.path}`);
	expect(Object.keys(body).sort()).toEqual(Object.keys(removeRequest).sort());
	expect(typesOf(body)).toEqual(typesOf(removeRequest));
	expect(typesOf({ corpUserId: body.corpUserId })).toEqual(page.removeUser.parameterTypes);
});

test('the documented removeUser answers, served byte for byte: success is removed = true, the failure an error with its code', async () => {
	const path = `${PREFIX}${page.removeUser.path}`;
	const serve = (text: string) =>
		md.emulator.injectFault({
			path,
			times: 1,
			fault: { kind: 'status', status: 200, text, headers: { 'content-type': 'application/json' } },
		});
	serve(page.examples.removeSuccess);
	const success = await runNode({
		type: TYPE,
		items: [{ id: 'served' }],
		credentials: mingdaoCredentials(md),
		parameters: { resource: 'user', operation: 'remove', corpUserIds: '={{ $json.id }}' },
	});
	expect(success.items.map((item) => [paired(item), item.json])).toEqual([
		[0, { corpUserId: 'served', removed: true }],
	]);

	serve(page.examples.failure);
	const failure = JSON.parse(page.examples.failure) as { code: number; message: string };
	const failed = await runNode({
		type: TYPE,
		items: [{ id: 'served' }],
		credentials: mingdaoCredentials(md),
		parameters: { resource: 'user', operation: 'remove', corpUserIds: '={{ $json.id }}' },
	});
	expect(failed.error?.message).toBe(
		`Mingdao error [${failure.code}]: ${failure.message} (item 0)`,
	);
});
