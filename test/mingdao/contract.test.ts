import { MINGDAO_PATHS } from '../../nodes/Mingdao/transport/client';
import { vendorPage } from '../fixtures/vendor-pages';
import { testCredential } from '../harness/credential-test';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { RELATIONS_PATH, paired, runGetRelations, useMingdaoEmulator } from './fixtures';

/**
 * The seed contract: Mingdao's own page for getUserRelations, transcribed in
 * test/fixtures/vendor-pages/mingdao-getuserrelations.json (its drift check keeps it equal to the
 * page). Its request example fixes the field names and types the node must send, its success and
 * failure examples are served to the node byte for byte.
 */

/** A JSON value's type as the seed's tables write it: string, number, string[] … */
function typeName(value: unknown): string {
	if (Array.isArray(value)) return `${value.length > 0 ? typeName(value[0]) : 'unknown'}[]`;
	return value === null ? 'null' : typeof value;
}

function typesOf(object: Record<string, unknown>): Record<string, string> {
	return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, typeName(value)]));
}

interface SeedRelation {
	corpUserId: string;
	projectId: string;
	accountId: string;
}

const { page } = vendorPage('mingdao-getuserrelations');
const requestExample = JSON.parse(page.examples.request) as Record<string, unknown>;
const successText = page.examples.success;
const failureText = page.examples.failure;
const success = JSON.parse(successText) as { data: SeedRelation[]; code: number; message: string };
const failure = JSON.parse(failureText) as { code: number; message: string };
const endpoint = page.endpoint.path;

const emulator = useMingdaoEmulator({ users: 50 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

function serve(text: string): void {
	md.emulator.injectFault({
		path: RELATIONS_PATH,
		fault: { kind: 'status', status: 200, text, headers: { 'content-type': 'application/json' } },
	});
}

test('the seed page is the getUserRelations contract this test expects', () => {
	expect(endpoint).toBe(MINGDAO_PATHS.getUserRelations);
	expect(page.endpoint.method).toBe('POST');
	// The parameter table and the request example agree on the one business parameter.
	expect(page.parameterTypes).toEqual({ corpUserIds: typeName(requestExample.corpUserIds) });
	expect(success.code).toBe(1);
	expect(failure.code).not.toBe(success.code);
});

test("the client sends exactly the seed request example's field names and types", async () => {
	const ids = md.userIds.slice(0, 3);
	const { error } = await runGetRelations(
		md,
		ids.map((id) => ({ id })),
	);
	expect(error).toBeUndefined();
	expect(md.emulator.records.map((record) => `${record.method} ${record.path}`)).toEqual([
		`POST /generalintegrateapi${String(endpoint)}`,
	]);
	const sent = md.relationCalls[0].params;
	expect(Object.keys(sent).sort()).toEqual(Object.keys(requestExample).sort());
	expect(typesOf(sent)).toEqual(typesOf(requestExample));
	expect(sent.corpUserIds).toEqual(ids);
	expect(sent.projectId).toBe(md.projectId);
	expect(sent.appKey).toBe(md.appKey);
});

test('the seed success answer, served byte for byte, becomes one item per asked id', async () => {
	serve(successText);
	const asked = [
		...success.data.map((relation) => relation.corpUserId),
		'an-id-the-seed-answer-leaves-out',
	];
	const { items, error } = await runGetRelations(
		md,
		asked.map((id) => ({ id })),
	);
	expect(error).toBeUndefined();
	expect(md.emulator.records.map((record) => record.fault)).toEqual(['status']);
	expect(items.map((item) => [paired(item), item.json])).toEqual([
		...success.data.map((relation, index) => [
			index,
			{
				corpUserId: relation.corpUserId,
				found: true,
				accountId: relation.accountId,
				projectId: relation.projectId,
			},
		]),
		[
			success.data.length,
			{ corpUserId: asked[asked.length - 1], found: false, accountId: null, projectId: null },
		],
	]);
});

test('the seed failure answer becomes the node error with its code and message, naming the item', async () => {
	serve(failureText);
	const stopped = await runGetRelations(md, [{ id: md.userIds[0] }]);
	expect(stopped.error?.message).toBe(
		`Mingdao error [${failure.code}]: ${failure.message} (item 0)`,
	);
	expect((stopped.error as { description?: string }).description).toMatch(
		/did not accept the parameters/,
	);

	serve(failureText);
	const continued = await runGetRelations(
		md,
		[{ id: md.userIds[0] }, { id: md.userIds[1] }],
		{},
		true,
	);
	expect(continued.error).toBeUndefined();
	expect(continued.items.map((item) => [paired(item), item.json.error])).toEqual([
		[0, `Mingdao error [${failure.code}]: ${failure.message} (item 0)`],
		[1, `Mingdao error [${failure.code}]: ${failure.message} (item 1)`],
	]);
});

test('the seed failure answer fails the credential Test with its code and message', async () => {
	serve(failureText);
	const result = await testCredential('mingdaoApi', { ...md.credentials });
	expect(result.ok).toBe(false);
	expect(result.message).toContain(
		`Mingdao refused the credential (code ${failure.code}): ${failure.message}`,
	);
});
