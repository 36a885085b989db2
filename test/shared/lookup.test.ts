import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { UniqueRequest } from '../../nodes/shared/execution/batching';
import { ParameterError, VendorApiError } from '../../nodes/shared/errors';
import { lookUpAcrossItems } from '../../nodes/shared/execution/lookup';
import type { CrossItemLookup } from '../../nodes/shared/execution/lookup';
import { AbortedError } from '../../nodes/shared/http/abort';
import { Redactor } from '../../nodes/shared/redact';

/**
 * The engine's order of work, seen from the vendor's side: a stand-in for n8n's context (only what
 * the engine calls), and a `read` that records how far reading had got whenever something is sent.
 */
function contextFor(itemCount: number, continueOnFail = false): IExecuteFunctions {
	const items: INodeExecutionData[] = Array.from({ length: itemCount }, (_, i) => ({
		json: { id: `id-${i}` },
	}));
	return {
		getInputData: () => items,
		continueOnFail: () => continueOnFail,
		getNode: () => ({
			id: 'n',
			name: 'Lookup',
			type: 'test',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getExecutionId: () => 'e',
	} as unknown as IExecuteFunctions;
}

test('the first batch leaves while later items are still being read, and warm-up starts before any read', async () => {
	let itemsRead = 0;
	const events: string[] = [];
	const readsAtSend: number[] = [];
	const out = await lookUpAcrossItems(contextFor(1_000), new Redactor(), {
		warmUp: async () => {
			events.push(`warm-up after ${itemsRead} reads`);
		},
		read: (itemIndex) => {
			itemsRead++;
			return [`id-${itemIndex}`];
		},
		key: (id) => id,
		batchSize: 100,
		concurrency: 2,
		send: async (batch) => {
			readsAtSend.push(itemsRead);
			return new Map(batch.map((entry) => [entry.key, entry.value.toUpperCase()]));
		},
		missing: () => ({ ok: true, value: 'none' }),
		toItems: (_itemIndex, _ids, answers) => [{ answer: answers[0] }],
	});
	expect(events).toEqual(['warm-up after 0 reads']);
	expect(readsAtSend).toHaveLength(10);
	expect(readsAtSend[0]).toBe(100);
	expect(readsAtSend.filter((reads) => reads < 1_000).length).toBeGreaterThanOrEqual(9);
	expect(out.map((item) => item.json.answer)).toEqual(
		Array.from({ length: 1_000 }, (_, i) => `ID-${i}`),
	);
	expect(out.map((item) => (item.pairedItem as { item: number }).item)).toEqual(
		Array.from({ length: 1_000 }, (_, i) => i),
	);
});

test('readAllFirst (writes): nothing is sent before the last item was read', async () => {
	let itemsRead = 0;
	const readsAtSend: number[] = [];
	await lookUpAcrossItems(contextFor(250), new Redactor(), {
		readAllFirst: true,
		read: (itemIndex) => {
			itemsRead++;
			return [`id-${itemIndex}`];
		},
		key: (_id, itemIndex) => String(itemIndex),
		dedupe: false,
		batchSize: 10,
		concurrency: 4,
		send: async (batch) => {
			readsAtSend.push(itemsRead);
			return new Map(batch.map((entry) => [entry.key, 'ok']));
		},
		missing: () => ({ ok: true, value: 'none' }),
		toItems: () => [{}],
	});
	expect(readsAtSend).toHaveLength(25);
	expect(new Set(readsAtSend)).toEqual(new Set([250]));
});

/** Keeps the CPU busy for `ms`, as reading an item through n8n's expressions does. */
function busy(ms: number): void {
	const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
	while (process.hrtime.bigint() < end);
}

const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

const paired = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;

/** A lookup of `id-<n>` values answered in upper case, with the parts a test changes. */
function upperCase(
	overrides: Partial<CrossItemLookup<string, string>>,
): CrossItemLookup<string, string> {
	return {
		read: (itemIndex) => [`id-${itemIndex}`],
		key: (id) => id,
		batchSize: 10,
		concurrency: 2,
		send: async (batch: Array<UniqueRequest<string>>) => {
			await wait(1);
			return new Map(batch.map((entry) => [entry.key, entry.value.toUpperCase()]));
		},
		missing: () => ({ ok: true, value: 'none' }),
		toItems: (_itemIndex, _ids, answers) => [{ answer: answers[0] }],
		...overrides,
	};
}

describe('the event loop turns while items are read', () => {
	test('answers that need real I/O arrive while later items are still read', async () => {
		let itemsRead = 0;
		const readsAtAnswer: number[] = [];
		await lookUpAcrossItems(
			contextFor(2_000),
			new Redactor(),
			upperCase({
				read: (itemIndex) => {
					itemsRead++;
					busy(0.05);
					return [`id-${itemIndex}`];
				},
				batchSize: 100,
				send: async (batch) => {
					await wait(1);
					readsAtAnswer.push(itemsRead);
					return new Map(batch.map((entry) => [entry.key, entry.value]));
				},
			}),
		);
		// A loop that never yields reads all 2,000 items before the first timer can fire.
		expect(readsAtAnswer[0]).toBeLessThan(1_000);
	});

	test('a run that sends nothing while reading (readAllFirst) still yields every 256 items', async () => {
		let itemsRead = 0;
		let readsAtTimer = -1;
		setTimeout(() => (readsAtTimer = itemsRead), 1);
		await lookUpAcrossItems(
			contextFor(2_000),
			new Redactor(),
			upperCase({
				readAllFirst: true,
				read: (itemIndex) => {
					itemsRead++;
					busy(0.02);
					return [`id-${itemIndex}`];
				},
			}),
		);
		expect(readsAtTimer).toBeGreaterThanOrEqual(0);
		expect(readsAtTimer).toBeLessThan(2_000);
		expect(readsAtTimer % 256).toBe(0);
	});
});

describe('failures: error items in order with Continue On Fail, a stop without (issue 21)', () => {
	test('Continue On Fail: a read that throws, a failed batch and a toItems that throws each fail only their items', async () => {
		let sends = 0;
		const out = await lookUpAcrossItems(
			contextFor(40, true),
			new Redactor(),
			upperCase({
				read: (itemIndex) => {
					if (itemIndex === 3) throw new ParameterError('Corp User ID', 'is empty');
					return [`id-${itemIndex}`];
				},
				send: async (batch) => {
					sends++;
					await wait(1);
					if (batch.some((entry) => entry.key === 'id-15'))
						throw new VendorApiError({ vendor: 'Test', code: '500', message: 'batch refused' });
					return new Map(batch.map((entry) => [entry.key, entry.value.toUpperCase()]));
				},
				toItems: (itemIndex, _ids, answers) => {
					if (itemIndex === 30) throw new Error('cannot shape this answer');
					return [{ answer: answers[0] }];
				},
			}),
		);
		// 39 ids read, in batches of ten: every batch was sent, the failed one included.
		expect(sends).toBe(4);
		expect(out).toHaveLength(40);
		expect(out.map(paired)).toEqual(Array.from({ length: 40 }, (_, i) => i));
		const failed = out.flatMap((item, index) => (item.json.error === undefined ? [] : [index]));
		// Item 3 read nothing, so the batch holding id-15 is items 11 to 20.
		expect(failed).toEqual([3, ...Array.from({ length: 10 }, (_, i) => 11 + i), 30]);
		expect(out[3].json.error).toContain('Corp User ID');
		expect(out[15].json.error).toContain('batch refused');
		expect(out[15].json.error).toContain('item 15');
		expect(out[30].json.error).toContain('cannot shape this answer');
		expect(out[31].json).toEqual({ answer: 'ID-31' });
	});

	test('without Continue On Fail a read that throws stops the run, and batches queued are never sent', async () => {
		const sent: string[] = [];
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const run = lookUpAcrossItems(
			contextFor(100),
			new Redactor(),
			upperCase({
				batchSize: 1,
				concurrency: 1,
				read: (itemIndex) => {
					if (itemIndex === 5) throw new ParameterError('Corp User ID', 'is empty');
					return [`id-${itemIndex}`];
				},
				send: async (batch) => {
					sent.push(batch[0].key);
					// The first batch is still in flight when item 5 fails; id-1 to id-4 wait in the queue.
					await gate;
					return new Map(batch.map((entry) => [entry.key, entry.value]));
				},
			}),
		);
		await expect(run).rejects.toThrow('is empty (item 5, field "Corp User ID")');
		release();
		await wait(50);
		expect(sent).toEqual(['id-0']);
	});

	test('without Continue On Fail the first failed batch stops the run: nothing more is sent, the node fails naming its item', async () => {
		let sends = 0;
		let itemsRead = 0;
		const run = lookUpAcrossItems(
			contextFor(1_000),
			new Redactor(),
			upperCase({
				read: (itemIndex) => {
					itemsRead++;
					return [`id-${itemIndex}`];
				},
				send: async () => {
					sends++;
					await wait(1);
					throw new VendorApiError({ vendor: 'Test', code: '500', message: 'the vendor failed' });
				},
			}),
		);
		await expect(run).rejects.toThrow('Test error [500]: the vendor failed (item 0)');
		// Today all 100 batches went out (issue 21); now only those in flight at the first failure.
		expect(sends).toBeLessThanOrEqual(2);
		expect(itemsRead).toBeLessThan(1_000);
	});

	test('a refusal of the whole run with Continue On Fail: one request, then an error item per item, in order', async () => {
		let sends = 0;
		const out = await lookUpAcrossItems(
			contextFor(300, true),
			new Redactor().add('s3cr3t-value'),
			upperCase({
				concurrency: 4,
				send: async () => {
					sends++;
					await wait(5);
					throw new VendorApiError({
						vendor: 'Test',
						code: '10007',
						message: 'secret s3cr3t-value is wrong',
						refusesRun: true,
					});
				},
			}),
		);
		expect(sends).toBeLessThanOrEqual(4);
		expect(out).toHaveLength(300);
		expect(out.map(paired)).toEqual(Array.from({ length: 300 }, (_, i) => i));
		expect(
			out.every(
				(item, index) =>
					String(item.json.error).startsWith('Test error [10007]: secret [redacted] is wrong') &&
					String(item.json.error).endsWith(`(item ${index})`),
			),
		).toBe(true);
	});

	test('an AbortedError from send is the execution being stopped, not an item failure', async () => {
		const run = lookUpAcrossItems(
			contextFor(30, true),
			new Redactor(),
			upperCase({
				send: async () => {
					await wait(1);
					throw new AbortedError();
				},
			}),
		);
		await expect(run).rejects.toThrow('cancelled');
	});

	test('followUp gets every request and answer, and its answers are the ones output', async () => {
		const out = await lookUpAcrossItems(
			contextFor(12),
			new Redactor(),
			upperCase({
				read: (itemIndex) => [`id-${itemIndex % 6}`],
				followUp: async (requests, answers) => {
					expect(requests.map((request) => request.itemIndex)).toEqual(
						Array.from({ length: 12 }, (_, i) => i),
					);
					return answers.map((answer) =>
						answer.ok ? { ok: true, value: `${answer.value}!` } : answer,
					);
				},
			}),
		);
		expect(out.map((item) => item.json.answer)).toEqual(
			Array.from({ length: 12 }, (_, i) => `ID-${i % 6}!`),
		);
	});
});
