import { ItemScopedError } from '../../nodes/shared/errors';
import { chunk, runBatched, uniqueRequests } from '../../nodes/shared/batching';
import { fetchNumberedPages, followCursor } from '../../nodes/shared/paging';

describe('numbered pages', () => {
	const source = Array.from({ length: 237 }, (_, i) => i + 1);
	const makeFetcher = (pageSize: number, asked: number[]) => async (page: number) => {
		asked.push(page);
		// Answer out of order in time, so order must come from the pager, not from arrival.
		await new Promise((resolve) => setTimeout(resolve, (page * 7) % 5));
		return { items: source.slice((page - 1) * pageSize, page * pageSize), totalPages: Math.ceil(source.length / pageSize) };
	};

	test('Return All fetches every page once and keeps page order', async () => {
		const asked: number[] = [];
		const items = await fetchNumberedPages({ pageSize: 10, concurrency: 5, fetchPage: makeFetcher(10, asked) });
		expect(items).toEqual(source);
		expect([...asked].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
	});

	test('a limit fetches only the pages it needs', async () => {
		const asked: number[] = [];
		const items = await fetchNumberedPages({ pageSize: 50, limit: 120, concurrency: 5, fetchPage: makeFetcher(50, asked) });
		expect(items).toEqual(source.slice(0, 120));
		expect(asked.sort()).toEqual([1, 2, 3]);
	});

	test('items that shift onto the next page are not output twice when a key is given', async () => {
		const pages = [[1, 2, 3], [3, 4, 5], [6]];
		const items = await fetchNumberedPages({
			pageSize: 3,
			concurrency: 2,
			key: (n: number) => n,
			fetchPage: async (page) => ({ items: pages[page - 1], totalPages: 3 }),
		});
		expect(items).toEqual([1, 2, 3, 4, 5, 6]);
	});
});

describe('cursor', () => {
	test('follows the cursor to the end', async () => {
		const result = await followCursor<number, number>({
			start: 0,
			fetch: async (cursor) => ({ items: [cursor, cursor + 1], next: cursor >= 8 ? null : cursor + 2 }),
		});
		expect(result.items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(result.pagesFetched).toBe(5);
	});

	test('a limit ends the listing inside a page: no further page is fetched', async () => {
		const asked: number[] = [];
		const result = await followCursor<number, number>({
			start: 0,
			limit: 5,
			fetch: async (cursor) => {
				asked.push(cursor);
				return { items: [cursor + 1, cursor + 2, cursor + 3], next: cursor + 3 };
			},
		});
		expect(result.items).toEqual([1, 2, 3, 4, 5]);
		expect(asked).toEqual([0, 3]);
		expect(result.pagesFetched).toBe(2);
	});

	test('a cursor that repeats is an error, not an endless loop', async () => {
		await expect(
			followCursor<number, number>({ start: 0, fetch: async () => ({ items: [1], next: 5 }) }),
		).rejects.toThrow('same cursor');
	});
});

describe('batching across items', () => {
	test('chunks and de-duplicates while remembering who asked', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		const unique = uniqueRequests([
			{ itemIndex: 0, key: 'a', value: 'a' },
			{ itemIndex: 1, key: 'b', value: 'b' },
			{ itemIndex: 2, key: 'a', value: 'a' },
		]);
		expect(unique).toEqual([
			{ key: 'a', value: 'a', positions: [0, 2] },
			{ key: 'b', value: 'b', positions: [1] },
		]);
	});

	test('a failing batch fails only its own items, scoped to each item', async () => {
		const requests = Array.from({ length: 25 }, (_, i) => ({ itemIndex: i, key: `k${i}`, value: i }));
		const sent: number[][] = [];
		const answers = await runBatched(requests, {
			batchSize: 10,
			concurrency: 2,
			send: async (batch) => {
				sent.push(batch.map((entry) => entry.value));
				if (batch[0].value === 10) throw new Error('batch failed');
				return new Map(batch.filter((e) => e.value % 2 === 0).map((e) => [e.key, e.value * 100]));
			},
			missing: () => ({ ok: true, value: -1 }),
		});
		expect(sent).toHaveLength(3);
		expect(answers[0]).toEqual({ ok: true, value: 0 });
		expect(answers[1]).toEqual({ ok: true, value: -1 });
		const failed = answers[12];
		expect(failed.ok).toBe(false);
		expect((failed as { error: ItemScopedError }).error.itemIndex).toBe(12);
		expect(answers.filter((answer) => !answer.ok)).toHaveLength(10);
	});
});
