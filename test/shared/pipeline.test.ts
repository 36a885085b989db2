import { BatchPipeline } from '../../nodes/shared/execution/batching';
import type { UniqueRequest } from '../../nodes/shared/execution/batching';
import { ItemScopedError, VendorApiError } from '../../nodes/shared/errors';
import { AbortedError } from '../../nodes/shared/http/abort';

/** A send whose answers the test releases by hand, recording what was sent and how many at once. */
function controlledSend() {
	const sent: string[][] = [];
	const releases: Array<() => void> = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const send = async (batch: Array<UniqueRequest<string>>) => {
		sent.push(batch.map((entry) => entry.key));
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		await new Promise<void>((resolve) => releases.push(resolve));
		inFlight--;
		return new Map(batch.map((entry) => [entry.key, `answer:${entry.key}`]));
	};
	const releaseAll = async () => {
		while (releases.length > 0) {
			releases.shift()?.();
			await new Promise((resolve) => setImmediate(resolve));
		}
	};
	return { send, sent, releaseAll, maxInFlight: () => maxInFlight };
}

const request = (itemIndex: number, key = `id-${itemIndex}`) => ({ itemIndex, key, value: key });

test('a full batch is sent at once, before later requests are added', () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({
		batchSize: 10,
		concurrency: 4,
		send: control.send,
		missing: () => ({ ok: true, value: 'none' }),
	});
	for (let i = 0; i < 9; i++) expect(pipeline.add(request(i))).toBe(false);
	expect(control.sent).toHaveLength(0);
	expect(pipeline.add(request(9))).toBe(true);
	expect(control.sent).toEqual([Array.from({ length: 10 }, (_, i) => `id-${i}`)]);
});

test('never more batches in flight than the concurrency, and every request answered in order', async () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({
		batchSize: 3,
		concurrency: 2,
		send: control.send,
		missing: () => ({ ok: true, value: 'none' }),
	});
	for (let i = 0; i < 20; i++) pipeline.add(request(i));
	expect(control.sent).toHaveLength(2);
	const finished = pipeline.finish();
	await control.releaseAll();
	const answers = await finished;
	expect(control.maxInFlight()).toBe(2);
	expect(control.sent).toHaveLength(7);
	expect(answers.map((answer) => (answer.ok ? answer.value : 'error'))).toEqual(
		Array.from({ length: 20 }, (_, i) => `answer:id-${i}`),
	);
});

test('a duplicate added after its batch left still gets that batch answer, and is not sent again', async () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({
		batchSize: 2,
		concurrency: 1,
		send: control.send,
		missing: () => ({ ok: true, value: 'none' }),
	});
	pipeline.add(request(0, 'a'));
	pipeline.add(request(1, 'b'));
	pipeline.add(request(2, 'a'));
	pipeline.add(request(3, 'c'));
	const finished = pipeline.finish();
	await control.releaseAll();
	const answers = await finished;
	expect(control.sent).toEqual([['a', 'b'], ['c']]);
	expect(answers.map((answer) => (answer.ok ? answer.value : 'error'))).toEqual([
		'answer:a',
		'answer:b',
		'answer:a',
		'answer:c',
	]);
});

test('after stop, batches not started answer as aborted and are never sent', async () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({
		batchSize: 1,
		concurrency: 1,
		send: control.send,
		missing: () => ({ ok: true, value: 'none' }),
	});
	pipeline.add(request(0));
	pipeline.add(request(1));
	pipeline.add(request(2));
	pipeline.stop();
	const finished = pipeline.finish();
	await control.releaseAll();
	const answers = await finished;
	expect(control.sent).toEqual([['id-0']]);
	expect(answers[0].ok).toBe(true);
	expect(
		answers
			.slice(1)
			.map(
				(answer) =>
					!answer.ok && (answer.error as { inner?: unknown }).inner instanceof AbortedError,
			),
	).toEqual([true, true]);
});

/** A batch's error as the pipeline hands it back (scoped to the request's item). */
const innerError = (answer: { ok: boolean; error?: unknown }) =>
	(answer.error as { inner?: unknown }).inner;

describe('a failure that dooms the rest (issue 21)', () => {
	test('without Continue On Fail (stopOnFailure) the first failed batch stops the queue: 1,000 requests, send always throws', async () => {
		let sends = 0;
		const failure = new Error('the vendor refused');
		const pipeline = new BatchPipeline<string, string>({
			batchSize: 10,
			concurrency: 4,
			stopOnFailure: true,
			send: async () => {
				sends++;
				await new Promise((resolve) => setTimeout(resolve, 5));
				throw failure;
			},
			missing: () => ({ ok: true, value: 'none' }),
		});
		for (let i = 0; i < 1_000; i++) pipeline.add(request(i));
		const answers = await pipeline.finish();
		// Only the batches already in flight when the first one failed were sent (today: all 100).
		expect(sends).toBe(4);
		expect(answers).toHaveLength(1_000);
		expect(answers.every((answer) => !answer.ok && innerError(answer) === failure)).toBe(true);
		expect(pipeline.failure).toBe(failure);
	});

	test('with Continue On Fail an ordinary failure stays its batch: every other batch is still sent', async () => {
		let sends = 0;
		const pipeline = new BatchPipeline<string, string>({
			batchSize: 10,
			concurrency: 2,
			send: async (batch) => {
				sends++;
				await new Promise((resolve) => setTimeout(resolve, 1));
				if (batch[0].key === 'id-10') throw new Error('one batch failed');
				return new Map(batch.map((entry) => [entry.key, 'ok']));
			},
			missing: () => ({ ok: true, value: 'none' }),
		});
		for (let i = 0; i < 50; i++) pipeline.add(request(i));
		const answers = await pipeline.finish();
		expect(sends).toBe(5);
		expect(answers.map((answer) => answer.ok)).toEqual(
			Array.from({ length: 50 }, (_, i) => i < 10 || i >= 20),
		);
		expect(pipeline.failure).toBeUndefined();
	});

	test('a refusal of the whole run stops the queue even with Continue On Fail: later batches get that refusal, unsent', async () => {
		let sends = 0;
		const refusal = new VendorApiError({
			vendor: 'Test',
			code: '10007',
			message: 'wrong secret',
			refusesRun: true,
		});
		const pipeline = new BatchPipeline<string, string>({
			batchSize: 10,
			concurrency: 1,
			send: async () => {
				sends++;
				await new Promise((resolve) => setTimeout(resolve, 1));
				throw new ItemScopedError(0, refusal);
			},
			missing: () => ({ ok: true, value: 'none' }),
		});
		for (let i = 0; i < 10_000; i++) pipeline.add(request(i));
		const answers = await pipeline.finish();
		expect(sends).toBe(1);
		// Unwrapped from the item it first met, then scoped to each request's own item.
		expect(pipeline.failure).toBe(refusal);
		expect(answers.slice(10).every((answer) => !answer.ok && innerError(answer) === refusal)).toBe(
			true,
		);
		expect(
			answers
				.slice(10)
				.map((answer) => (answer.ok ? -1 : (answer.error as ItemScopedError).itemIndex)),
		).toEqual(Array.from({ length: 9_990 }, (_, i) => 10 + i));
	});

	test('an AbortedError thrown by send stops the queue: nothing queued is sent', async () => {
		let sends = 0;
		const pipeline = new BatchPipeline<string, string>({
			batchSize: 1,
			concurrency: 1,
			send: async () => {
				sends++;
				await new Promise((resolve) => setTimeout(resolve, 1));
				throw new AbortedError();
			},
			missing: () => ({ ok: true, value: 'none' }),
		});
		for (let i = 0; i < 5; i++) pipeline.add(request(i));
		const answers = await pipeline.finish();
		expect(sends).toBe(1);
		expect(
			answers.every((answer) => !answer.ok && innerError(answer) instanceof AbortedError),
		).toBe(true);
		// An abort is no failure of the vendor's: the error items are the execution's stop.
		expect(pipeline.failure).toBeUndefined();
	});

	test('an aborted signal: no batch is sent, every request answers as aborted', async () => {
		let sends = 0;
		const controller = new AbortController();
		controller.abort();
		const pipeline = new BatchPipeline<string, string>({
			batchSize: 2,
			concurrency: 1,
			signal: controller.signal,
			send: async (batch) => {
				sends++;
				return new Map(batch.map((entry) => [entry.key, 'ok']));
			},
			missing: () => ({ ok: true, value: 'none' }),
		});
		for (let i = 0; i < 6; i++) pipeline.add(request(i));
		const answers = await pipeline.finish();
		expect(sends).toBe(0);
		expect(
			answers.every((answer) => !answer.ok && innerError(answer) instanceof AbortedError),
		).toBe(true);
	});

	test('stop with a reason: batches not started answer with it; a second stop keeps the first reason', async () => {
		const control = controlledSend();
		const pipeline = new BatchPipeline<string, string>({
			batchSize: 1,
			concurrency: 1,
			send: control.send,
			missing: () => ({ ok: true, value: 'none' }),
		});
		pipeline.add(request(0));
		pipeline.add(request(1));
		const first = new Error('first');
		pipeline.stop(new ItemScopedError(0, first));
		pipeline.stop(new Error('second'));
		pipeline.add(request(2));
		const finished = pipeline.finish();
		await control.releaseAll();
		const answers = await finished;
		expect(control.sent).toEqual([['id-0']]);
		expect(answers[0].ok).toBe(true);
		expect(answers.slice(1).map(innerError)).toEqual([first, first]);
	});
});
