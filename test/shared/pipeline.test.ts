import { BatchPipeline } from '../../nodes/shared/batching';
import type { UniqueRequest } from '../../nodes/shared/batching';
import { AbortedError } from '../../nodes/shared/retry';

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
	const pipeline = new BatchPipeline<string, string>({ batchSize: 10, concurrency: 4, send: control.send, missing: () => ({ ok: true, value: 'none' }) });
	for (let i = 0; i < 9; i++) expect(pipeline.add(request(i))).toBe(false);
	expect(control.sent).toHaveLength(0);
	expect(pipeline.add(request(9))).toBe(true);
	expect(control.sent).toEqual([Array.from({ length: 10 }, (_, i) => `id-${i}`)]);
});

test('never more batches in flight than the concurrency, and every request answered in order', async () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({ batchSize: 3, concurrency: 2, send: control.send, missing: () => ({ ok: true, value: 'none' }) });
	for (let i = 0; i < 20; i++) pipeline.add(request(i));
	expect(control.sent).toHaveLength(2);
	const finished = pipeline.finish();
	await control.releaseAll();
	const answers = await finished;
	expect(control.maxInFlight()).toBe(2);
	expect(control.sent).toHaveLength(7);
	expect(answers.map((answer) => (answer.ok ? answer.value : 'error'))).toEqual(Array.from({ length: 20 }, (_, i) => `answer:id-${i}`));
});

test('a duplicate added after its batch left still gets that batch answer, and is not sent again', async () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({ batchSize: 2, concurrency: 1, send: control.send, missing: () => ({ ok: true, value: 'none' }) });
	pipeline.add(request(0, 'a'));
	pipeline.add(request(1, 'b'));
	pipeline.add(request(2, 'a'));
	pipeline.add(request(3, 'c'));
	const finished = pipeline.finish();
	await control.releaseAll();
	const answers = await finished;
	expect(control.sent).toEqual([['a', 'b'], ['c']]);
	expect(answers.map((answer) => (answer.ok ? answer.value : 'error'))).toEqual(['answer:a', 'answer:b', 'answer:a', 'answer:c']);
});

test('after stop, batches not started answer as aborted and are never sent', async () => {
	const control = controlledSend();
	const pipeline = new BatchPipeline<string, string>({ batchSize: 1, concurrency: 1, send: control.send, missing: () => ({ ok: true, value: 'none' }) });
	pipeline.add(request(0));
	pipeline.add(request(1));
	pipeline.add(request(2));
	pipeline.stop();
	const finished = pipeline.finish();
	await control.releaseAll();
	const answers = await finished;
	expect(control.sent).toEqual([['id-0']]);
	expect(answers[0].ok).toBe(true);
	expect(answers.slice(1).map((answer) => !answer.ok && (answer.error as { inner?: unknown }).inner instanceof AbortedError)).toEqual([true, true]);
});
