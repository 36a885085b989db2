import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { lookUpAcrossItems } from '../../nodes/shared/lookup';
import { Redactor } from '../../nodes/shared/redact';

/**
 * The engine's order of work, seen from the vendor's side: a stand-in for n8n's context (only what
 * the engine calls), and a `read` that records how far reading had got whenever something is sent.
 */
function contextFor(itemCount: number): IExecuteFunctions {
	const items: INodeExecutionData[] = Array.from({ length: itemCount }, (_, i) => ({ json: { id: `id-${i}` } }));
	return {
		getInputData: () => items,
		continueOnFail: () => false,
		getNode: () => ({ id: 'n', name: 'Lookup', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
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
	expect(out.map((item) => item.json.answer)).toEqual(Array.from({ length: 1_000 }, (_, i) => `ID-${i}`));
	expect(out.map((item) => (item.pairedItem as { item: number }).item)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
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
