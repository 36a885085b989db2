import { MINGDAO_PATHS } from '../../nodes/Mingdao/transport/client';
import { seedPage } from '../harness/seeds';
import { testCredential } from '../harness/credential-test';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { RELATIONS_PATH, paired, runGetRelations, useMingdaoEmulator } from './fixtures';

/**
 * The seed contract: Mingdao's own page for getUserRelations (shared/seeds), read at test time.
 * Its request example fixes the field names and types the node must send, its success and failure
 * examples are served to the node byte for byte. Nothing of the page is copied into this file.
 */

/** The seed page about getUserRelations, found by its content rather than its file name. */
function seedText(): string {
	return seedPage('getUserRelations', (text) => /\/v2\/user\/getUserRelations\b/.test(text)).text;
}

function decodeHtml(text: string): string {
	return text
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&');
}

/** The literal text of the code block that follows a bold heading (提交数据示例, 成功, 失败). */
function exampleAfter(page: string, heading: string): string {
	const match = new RegExp(`<strong>${heading}</strong></p>\\s*<pre><code>([\\s\\S]*?)</code></pre>`).exec(page);
	if (!match) throw new Error(`The seed page has no example after "${heading}"`);
	return decodeHtml(match[1]);
}

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

const page = seedText();
const requestExample = JSON.parse(exampleAfter(page, '提交数据示例')) as Record<string, unknown>;
const successText = exampleAfter(page, '成功');
const failureText = exampleAfter(page, '失败');
const success = JSON.parse(successText) as { data: SeedRelation[]; code: number; message: string };
const failure = JSON.parse(failureText) as { code: number; message: string };
const endpoint = /<code>\{Host\}(\/[^<]+)<\/code>/.exec(page)?.[1];

const emulator = useMingdaoEmulator({ users: 50 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

function serve(text: string): void {
	md.emulator.injectFault({ path: RELATIONS_PATH, fault: { kind: 'status', status: 200, text, headers: { 'content-type': 'application/json' } } });
}

test('the seed page is the getUserRelations contract this test expects', () => {
	expect(endpoint).toBe(MINGDAO_PATHS.getUserRelations);
	// The parameter table and the request example agree on the one business parameter.
	const table = /<td[^>]*>corpUserIds<\/td>\s*<td[^>]*>[^<]*<\/td>\s*<td[^>]*>([^<]+)<\/td>/.exec(page);
	expect(table?.[1]).toBe(typeName(requestExample.corpUserIds));
	expect(success.code).toBe(1);
	expect(failure.code).not.toBe(success.code);
});

test('the client sends exactly the seed request example\'s field names and types', async () => {
	const ids = md.userIds.slice(0, 3);
	const { error } = await runGetRelations(md, ids.map((id) => ({ id })));
	expect(error).toBeUndefined();
	expect(md.emulator.records.map((record) => `${record.method} ${record.path}`)).toEqual([`POST /generalintegrateapi${String(endpoint)}`]);
	const sent = md.relationCalls[0].params;
	expect(Object.keys(sent).sort()).toEqual(Object.keys(requestExample).sort());
	expect(typesOf(sent)).toEqual(typesOf(requestExample));
	expect(sent.corpUserIds).toEqual(ids);
	expect(sent.projectId).toBe(md.projectId);
	expect(sent.appKey).toBe(md.appKey);
});

test('the seed success answer, served byte for byte, becomes one item per asked id', async () => {
	serve(successText);
	const asked = [...success.data.map((relation) => relation.corpUserId), 'an-id-the-seed-answer-leaves-out'];
	const { items, error } = await runGetRelations(md, asked.map((id) => ({ id })));
	expect(error).toBeUndefined();
	expect(md.emulator.records.map((record) => record.fault)).toEqual(['status']);
	expect(items.map((item) => [paired(item), item.json])).toEqual([
		...success.data.map((relation, index) => [
			index,
			{ corpUserId: relation.corpUserId, found: true, accountId: relation.accountId, projectId: relation.projectId },
		]),
		[success.data.length, { corpUserId: asked[asked.length - 1], found: false, accountId: null, projectId: null }],
	]);
});

test('the seed failure answer becomes the node error with its code and message, naming the item', async () => {
	serve(failureText);
	const stopped = await runGetRelations(md, [{ id: md.userIds[0] }]);
	expect(stopped.error?.message).toBe(`Mingdao error [${failure.code}]: ${failure.message} (item 0)`);
	expect((stopped.error as { description?: string }).description).toMatch(/did not accept the parameters/);

	serve(failureText);
	const continued = await runGetRelations(md, [{ id: md.userIds[0] }, { id: md.userIds[1] }], {}, true);
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
	expect(result.message).toContain(`Mingdao refused the credential (code ${failure.code}): ${failure.message}`);
});
