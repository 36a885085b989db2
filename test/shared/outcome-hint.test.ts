import type { INodeExecutionData } from 'n8n-workflow';

import { ERROR_ITEM_PHRASE, outcomeHint } from '../../nodes/shared/execution/outcome-hint';
import { hintsOf, runNode } from '../harness/run-workflow';
import { useMingdaoEmulator, runGetRelations } from '../mingdao/fixtures';
import { TYPE, creds, demoIds, useWeLinkEmulator } from '../welink/fixtures';

/** The one hint above an action node's output that says how many items did not succeed. */

const items = (...jsons: Array<Record<string, unknown>>): INodeExecutionData[] =>
	jsons.map((json, item) => ({ json, pairedItem: { item } }) as INodeExecutionData);
const notFound = {
	noun: 'ids',
	classify: (json: Record<string, unknown>) =>
		json.found === false ? 'have no account' : undefined,
};

describe('outcomeHint', () => {
	test('nothing when every item succeeded', () => {
		expect(outcomeHint(items({ found: true }, { found: true }), notFound, true)).toBeUndefined();
		expect(outcomeHint([], notFound, true)).toBeUndefined();
	});

	test('one warning counting each reason out of all items', () => {
		const hint = outcomeHint(
			items({ found: false }, { found: true }, { error: 'boom' }, { found: false }),
			notFound,
			true,
		);
		expect(hint).toEqual({
			type: 'warning',
			location: 'outputPane',
			message: `2 of 4 ids have no account; 1 of 4 ids ${ERROR_ITEM_PHRASE}.`,
		});
	});

	test('an error field is an error item only with Continue On Fail and only when it is all the item holds', () => {
		expect(outcomeHint(items({ error: 'x' }), undefined, false)).toBeUndefined();
		expect(outcomeHint(items({ error: 'x', found: true }), notFound, true)).toBeUndefined();
		expect(outcomeHint(items({ error: 'x', description: 'y' }), undefined, true)?.message).toBe(
			`1 of 1 items ${ERROR_ITEM_PHRASE}.`,
		);
	});
});

describe('in the nodes', () => {
	useWeLinkEmulator({ latencyMs: 1, demoPersons: 5 });
	const mingdao = useMingdaoEmulator({ users: 20, unmatchedEvery: 5 });

	const weLinkIds = async (ids: string[]) =>
		await runNode({
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

	test('WeLink Get WeLink ID: "2 of 5 ids have no WeLink account"; no hint when all are found', async () => {
		const some = await weLinkIds([...demoIds(3), 'ghost-1', 'ghost-2']);
		expect(hintsOf(some).map((hint) => hint.message)).toEqual([
			'2 of 5 ids have no WeLink account.',
		]);
		const all = await weLinkIds(demoIds(3));
		expect(hintsOf(all)).toEqual([]);
	});

	test('Mingdao Get Relations: the unmatched ids are counted', async () => {
		const { md } = mingdao;
		const ids = md.userIds.slice(0, 10);
		const result = await runGetRelations(
			md,
			ids.map((id) => ({ id })),
		);
		const missing = result.items.filter((item) => item.json.found === false).length;
		expect(missing).toBeGreaterThan(0);
		expect(hintsOf(result).map((hint) => hint.message)).toEqual([
			`${missing} of 10 ids have no Mingdao account.`,
		]);
	});

	test('Continue On Fail: error items are counted', async () => {
		const result = await runNode({
			type: TYPE,
			items: [{ id: 'demo0001' }, { id: '' }],
			parameters: {
				resource: 'user',
				operation: 'getWeLinkId',
				corpUserId: '={{ $json.id }}',
				options: {},
			},
			credentials: creds(),
			continueOnFail: true,
		});
		expect(hintsOf(result).map((hint) => hint.message)).toEqual([
			`1 of 2 ids ${ERROR_ITEM_PHRASE}.`,
		]);
	});
});
