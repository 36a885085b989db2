import { ItemScopedError } from '../../nodes/shared/errors';
import { chunk, runBatched, uniqueRequests } from '../../nodes/shared/execution/batching';
import { PageCountMemory } from '../../nodes/shared/execution/counted-listing';
import { fetchNumberedPages } from '../../nodes/shared/execution/paging';
import { followCursor } from '../../nodes/shared/execution/cursor-paging';

describe('numbered pages', () => {
	const source = Array.from({ length: 237 }, (_, i) => i + 1);
	const makeFetcher = (pageSize: number, asked: number[]) => async (page: number) => {
		asked.push(page);
		// Answer out of order in time, so order must come from the pager, not from arrival.
		await new Promise((resolve) => setTimeout(resolve, (page * 7) % 5));
		return {
			items: source.slice((page - 1) * pageSize, page * pageSize),
			totalPages: Math.ceil(source.length / pageSize),
		};
	};

	test('Return All fetches every page once and keeps page order', async () => {
		const asked: number[] = [];
		const items = await fetchNumberedPages({
			pageSize: 10,
			concurrency: 5,
			fetchPage: makeFetcher(10, asked),
		});
		expect(items).toEqual(source);
		expect([...asked].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
	});

	test('a limit fetches only the pages it needs', async () => {
		const asked: number[] = [];
		const items = await fetchNumberedPages({
			pageSize: 50,
			limit: 120,
			concurrency: 5,
			fetchPage: makeFetcher(50, asked),
		});
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

	test('pages answered last-first: page order decides which copy of a shifted item is kept, and where a limit ends', async () => {
		// Page 3 answers first, page 1 last; id 3 is on pages 1 and 2, id 6 on pages 2 and 3.
		const pages = [
			[{ id: 1 }, { id: 2 }, { id: 3, on: 1 }],
			[{ id: 3, on: 2 }, { id: 4 }, { id: 6, on: 2 }],
			[{ id: 6, on: 3 }, { id: 7 }],
		];
		const answeredLastFirst = async (page: number) => {
			await new Promise((resolve) => setTimeout(resolve, (4 - page) * 15));
			return { items: pages[page - 1], totalPages: 3 };
		};
		const options = {
			pageSize: 3,
			concurrency: 3,
			speculative: true,
			key: (item: { id: number }) => item.id,
			fetchPage: answeredLastFirst,
		};
		expect(await fetchNumberedPages(options)).toEqual([
			{ id: 1 },
			{ id: 2 },
			{ id: 3, on: 1 },
			{ id: 4 },
			{ id: 6, on: 2 },
			{ id: 7 },
		]);
		expect(await fetchNumberedPages({ ...options, limit: 5 })).toEqual([
			{ id: 1 },
			{ id: 2 },
			{ id: 3, on: 1 },
			{ id: 4 },
			{ id: 6, on: 2 },
		]);
	});
});

describe('numbered pages: the first wave before the page count is known', () => {
	/** A list of `length` items behind a pager that records what was asked and how many were in flight. */
	const makeList = (length: number, pageSize: number, options: { statesCount?: boolean } = {}) => {
		const asked: number[] = [];
		const askedBeforeFirstAnswer: number[] = [];
		let answered = 0;
		let inFlight = 0;
		let peakInFlight = 0;
		const fetchPage = async (page: number) => {
			asked.push(page);
			if (answered === 0) askedBeforeFirstAnswer.push(page);
			inFlight++;
			peakInFlight = Math.max(peakInFlight, inFlight);
			await new Promise((resolve) => setTimeout(resolve, 2 + ((page * 7) % 5)));
			inFlight--;
			answered++;
			const items = Array.from(
				{ length: Math.max(0, Math.min(pageSize, length - (page - 1) * pageSize)) },
				(_, i) => (page - 1) * pageSize + i + 1,
			);
			return options.statesCount === false
				? { items }
				: { items, totalPages: Math.ceil(length / pageSize) };
		};
		const expected = Array.from({ length }, (_, i) => i + 1);
		return { asked, askedBeforeFirstAnswer, fetchPage, expected, peak: () => peakInFlight };
	};

	test('speculative: the first `concurrency` pages go out before any answer; a long list costs no extra request', async () => {
		const list = makeList(237, 10);
		const items = await fetchNumberedPages({
			pageSize: 10,
			concurrency: 5,
			speculative: true,
			fetchPage: list.fetchPage,
		});
		expect(items).toEqual(list.expected);
		expect(list.askedBeforeFirstAnswer).toEqual([1, 2, 3, 4, 5]);
		expect([...list.asked].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 24 }, (_, i) => i + 1),
		);
		expect(list.peak()).toBeLessThanOrEqual(5);
	});

	test.each([0, 1, 3, 8])(
		'speculative: a list of %s items (fewer pages than concurrency) costs at most concurrency − 1 extra requests, and those pages add nothing',
		async (length) => {
			const list = makeList(length, 10);
			const items = await fetchNumberedPages({
				pageSize: 10,
				concurrency: 8,
				speculative: true,
				fetchPage: list.fetchPage,
			});
			expect(items).toEqual(list.expected);
			const realPages = Math.max(1, Math.ceil(length / 10));
			expect(list.asked.length).toBeLessThanOrEqual(realPages + 8 - 1);
			expect(new Set(list.asked).size).toBe(list.asked.length);
		},
	);

	test('a remembered page count that is right: the whole first wave at once and not one extra request', async () => {
		const list = makeList(237, 10);
		const items = await fetchNumberedPages({
			pageSize: 10,
			concurrency: 6,
			pageCountHint: 24,
			speculative: true,
			fetchPage: list.fetchPage,
		});
		expect(items).toEqual(list.expected);
		expect(list.askedBeforeFirstAnswer).toEqual([1, 2, 3, 4, 5, 6]);
		expect(list.asked).toHaveLength(24);
		expect(list.peak()).toBeLessThanOrEqual(6);
	});

	test('a remembered page count smaller than the list (it grew): the stated count is followed to the end', async () => {
		const list = makeList(237, 10);
		const items = await fetchNumberedPages({
			pageSize: 10,
			concurrency: 4,
			pageCountHint: 2,
			fetchPage: list.fetchPage,
		});
		expect(items).toEqual(list.expected);
		expect([...list.asked].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 24 }, (_, i) => i + 1),
		);
	});

	test('a remembered page count larger than the list (it shrank): at most concurrency − 1 pages past the end, answered empty', async () => {
		const list = makeList(25, 10);
		const items = await fetchNumberedPages({
			pageSize: 10,
			concurrency: 5,
			pageCountHint: 40,
			fetchPage: list.fetchPage,
		});
		expect(items).toEqual(list.expected);
		expect(list.asked.length).toBeGreaterThanOrEqual(3);
		expect(list.asked.length).toBeLessThanOrEqual(3 + 5 - 1);
	});

	test('a limit caps the first wave too', async () => {
		const list = makeList(237, 50);
		const items = await fetchNumberedPages({
			pageSize: 50,
			limit: 120,
			concurrency: 8,
			speculative: true,
			fetchPage: list.fetchPage,
		});
		expect(items).toEqual(list.expected.slice(0, 120));
		expect([...list.asked].sort((a, b) => a - b)).toEqual([1, 2, 3]);
	});

	test('no page count stated: after the speculative wave, one page after another until a short page', async () => {
		const list = makeList(237, 10, { statesCount: false });
		const items = await fetchNumberedPages({
			pageSize: 10,
			concurrency: 5,
			speculative: true,
			fetchPage: list.fetchPage,
		});
		expect(items).toEqual(list.expected);
		expect([...list.asked].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 24 }, (_, i) => i + 1),
		);

		const short = makeList(12, 10, { statesCount: false });
		expect(
			await fetchNumberedPages({
				pageSize: 10,
				concurrency: 5,
				speculative: true,
				fetchPage: short.fetchPage,
			}),
		).toEqual(short.expected);
		expect(short.asked.length).toBeLessThanOrEqual(2 + 5 - 1);
	});

	test('a failing page fails the listing once every page in flight has settled, and no page is asked for after it', async () => {
		let inFlight = 0;
		const asked: number[] = [];
		const listing = fetchNumberedPages({
			pageSize: 10,
			concurrency: 3,
			speculative: true,
			fetchPage: async (page) => {
				asked.push(page);
				inFlight++;
				await new Promise((resolve) => setTimeout(resolve, page === 2 ? 1 : 10));
				inFlight--;
				if (page === 2) throw new Error('page 2 failed');
				return { items: [page], totalPages: 50 };
			},
		});
		await expect(listing).rejects.toThrow('page 2 failed');
		expect(inFlight).toBe(0);
		expect(asked).toEqual([1, 2, 3]);
	});

	test('a stopped execution asks for no further page', async () => {
		const controller = new AbortController();
		const asked: number[] = [];
		const listing = fetchNumberedPages({
			pageSize: 1,
			concurrency: 2,
			speculative: true,
			signal: controller.signal,
			fetchPage: async (page) => {
				asked.push(page);
				if (page === 2) controller.abort();
				await new Promise((resolve) => setTimeout(resolve, 1));
				return { items: [page], totalPages: 100 };
			},
		});
		await expect(listing).rejects.toThrow();
		expect(asked.length).toBeLessThanOrEqual(2);
	});
});

describe("numbered pages: a page's place in flight is given back when its answer arrives", () => {
	const tick = async (ms = 0) => await new Promise((resolve) => setTimeout(resolve, ms));

	test('the next page goes out while an answer is still being read, never more than Concurrency in flight', async () => {
		const log: string[] = [];
		let inFlight = 0;
		let peak = 0;
		const items = await fetchNumberedPages({
			pageSize: 1,
			concurrency: 2,
			pageCountHint: 6,
			fetchPage: async (page, place) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				log.push(`sent ${page}`);
				await tick(2);
				inFlight--;
				place.release(); // the answer arrived: the transport gives the place back here
				await tick(5); // reading it
				log.push(`read ${page}`);
				return { items: [page], totalPages: 6 };
			},
		});
		expect(items).toEqual([1, 2, 3, 4, 5, 6]);
		expect(peak).toBe(2);
		// Page 3 went out before page 1 was read.
		expect(log.indexOf('sent 3')).toBeLessThan(log.indexOf('read 1'));
	});

	test('a retry waits for a place while all are taken, and gets the next one before any new page', async () => {
		const log: string[] = [];
		let inFlight = 0;
		let peak = 0;
		let retried = false;
		const items = await fetchNumberedPages({
			pageSize: 1,
			concurrency: 2,
			pageCountHint: 5,
			fetchPage: async (page, place) => {
				const attempt = async () => {
					inFlight++;
					peak = Math.max(peak, inFlight);
					log.push(`sent ${page}`);
					await tick(page === 2 ? 1 : 6);
					inFlight--;
					place.release();
				};
				await attempt();
				if (page === 2 && !retried) {
					retried = true;
					// Page 3 took the place page 2 gave back; page 1 is still out: the retry waits.
					await place.acquire();
					log.push('retry 2');
					await attempt();
				}
				return { items: [page], totalPages: 5 };
			},
		});
		expect(items).toEqual([1, 2, 3, 4, 5]);
		expect(peak).toBe(2);
		const retry = log.indexOf('retry 2');
		// Only once page 1 answered; and page 4 went out after the retry, not before it.
		expect(retry).toBeGreaterThan(log.indexOf('sent 3'));
		expect(log.indexOf('sent 4')).toBeGreaterThan(retry);
	});

	test('the listing ends only when every answer has been read, also the ones whose place went back early', async () => {
		let read = 0;
		const items = await fetchNumberedPages({
			pageSize: 1,
			concurrency: 3,
			pageCountHint: 3,
			fetchPage: async (page, place) => {
				place.release();
				await tick(10 * page);
				read++;
				return { items: [page], totalPages: 3 };
			},
		});
		expect(read).toBe(3);
		expect(items).toEqual([1, 2, 3]);
	});
});

describe('page count memory', () => {
	test('recalls the last count per key and forgets the list read longest ago past its capacity', () => {
		const memory = new PageCountMemory(2);
		memory.remember('a', 3);
		memory.remember('b', 4);
		memory.remember('a', 5);
		memory.remember('c', 6);
		expect(memory.recall('a')).toBe(5);
		expect(memory.recall('b')).toBeUndefined();
		expect(memory.recall('c')).toBe(6);
		memory.remember('c', undefined);
		memory.remember('c', -1);
		expect(memory.recall('c')).toBe(6);
	});
});

describe('cursor', () => {
	test('follows the cursor to the end', async () => {
		const result = await followCursor<number, number>({
			start: 0,
			fetch: async (cursor) => ({
				items: [cursor, cursor + 1],
				next: cursor >= 8 ? null : cursor + 2,
			}),
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
		const requests = Array.from({ length: 25 }, (_, i) => ({
			itemIndex: i,
			key: `k${i}`,
			value: i,
		}));
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
