import { BatchPipeline, chunk, runBatched } from '../../nodes/shared/execution/batching';
import type { UniqueRequest } from '../../nodes/shared/execution/batching';
import { ItemScopedError, VendorApiError } from '../../nodes/shared/errors';

/**
 * What the batch pipeline promises that mutation testing (stryker.pipeline.config.mjs) found no
 * test pinning: chunks without an empty tail, writes that are never merged (dedupe: false), what
 * `add` reports for a duplicate, and the failure that stops a run reaching every batch not started.
 */

const request = (itemIndex: number, key = `id-${itemIndex}`) => ({ itemIndex, key, value: key });
const missing = () => ({ ok: true as const, value: 'none' });

test('chunks cover the list exactly, with no empty chunk when the size divides it', () => {
	expect(chunk([1, 2, 3, 4], 2)).toEqual([
		[1, 2],
		[3, 4],
	]);
	expect(chunk([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
	expect(chunk([], 2)).toEqual([]);
});

test('dedupe: false sends every request, even with a repeated key, and answers each on its own', async () => {
	const sent: string[][] = [];
	const send = async (batch: Array<UniqueRequest<string>>) => {
		sent.push(batch.map((entry) => entry.value));
		return new Map(batch.map((entry) => [entry.key, `answer:${entry.key}`]));
	};
	const requests = [request(0, 'same'), request(1, 'same'), request(2, 'other')];
	const answers = await runBatched(requests, {
		batchSize: 10,
		concurrency: 1,
		send,
		missing,
		dedupe: false,
	});
	expect(sent).toEqual([['same', 'same', 'other']]);
	expect(answers).toEqual([
		{ ok: true, value: 'answer:same' },
		{ ok: true, value: 'answer:same' },
		{ ok: true, value: 'answer:other' },
	]);
	// The default de-duplicates: the repeated key goes once.
	sent.length = 0;
	await runBatched(requests, { batchSize: 10, concurrency: 1, send, missing });
	expect(sent).toEqual([['same', 'other']]);
});

/** A pipeline of batches of two whose send records the keys of each batch and answers nothing. */
function recordingPipeline(dedupe?: boolean) {
	const sent: string[][] = [];
	const pipeline = new BatchPipeline<string, string>({
		batchSize: 2,
		concurrency: 1,
		send: async (batch) => {
			sent.push(batch.map((entry) => entry.key));
			return new Map();
		},
		missing,
		dedupe,
	});
	return { pipeline, sent };
}

test('dedupe: false fills batches with the repeats too (each write counts against the batch size)', () => {
	const { pipeline, sent } = recordingPipeline(false);
	expect(pipeline.add(request(0, 'same'))).toBe(false);
	expect(pipeline.add(request(1, 'same'))).toBe(true);
	expect(sent).toEqual([['same', 'same']]);
});

test('adding a duplicate sends nothing, and add says so', () => {
	const { pipeline, sent } = recordingPipeline();
	expect(pipeline.add(request(0, 'a'))).toBe(false);
	expect(pipeline.add(request(1, 'a'))).toBe(false);
	expect(sent).toEqual([]);
});

test('the failure that stops the run is what every batch not started answers, and the pipeline tells it', async () => {
	const refusal = new VendorApiError({
		vendor: 'Mingdao',
		code: '10002',
		message: 'signature refused',
		refusesRun: true,
	});
	let calls = 0;
	const pipeline = new BatchPipeline<string, string>({
		batchSize: 1,
		concurrency: 1,
		send: async () => {
			calls++;
			throw refusal;
		},
		missing,
	});
	for (let i = 0; i < 3; i++) pipeline.add(request(i));
	const answers = await pipeline.finish();
	expect(calls).toBe(1);
	expect(pipeline.failure).toBe(refusal);
	for (const [itemIndex, answer] of answers.entries()) {
		expect(answer.ok).toBe(false);
		const error = (answer as { error: unknown }).error;
		expect(error).toBeInstanceOf(ItemScopedError);
		expect((error as ItemScopedError).itemIndex).toBe(itemIndex);
		expect((error as ItemScopedError).inner).toBe(refusal);
	}
});
