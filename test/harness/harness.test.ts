import { Emulator } from '../emulators/frame';
import { runNode } from './run-workflow';

/**
 * The harness itself: a workflow runs through n8n-core's WorkflowExecute, n8n evaluates
 * expressions per item, and the shared kit (transport, pager, per-item errors) talks HTTP to an
 * emulator on 127.0.0.1.
 */

const TOTAL = 95;
let emulator: Emulator;

beforeAll(async () => {
	emulator = new Emulator('paged');
	emulator.route('GET', '/items', (request) => {
		const page = Number(request.query.get('page'));
		const pageSize = Number(request.query.get('pageSize'));
		const pages = Math.ceil(TOTAL / pageSize);
		const items = [];
		for (let id = (page - 1) * pageSize + 1; id <= Math.min(page * pageSize, TOTAL); id++)
			items.push({ id });
		return { json: { pages, items } };
	});
	await emulator.start();
});
afterAll(async () => await emulator.stop());
beforeEach(() => {
	emulator.resetCounters();
	emulator.clearFaults();
});

test('runs a node inside WorkflowExecute, evaluating expressions per item and pairing outputs', async () => {
	const { items, error } = await runNode({
		type: 'test.pagedList',
		items: [{ size: 10 }, { size: 50 }],
		parameters: { baseUrl: emulator.baseUrl, pageSize: '={{ $json.size }}', limit: 0 },
	});
	expect(error).toBeUndefined();
	expect(items).toHaveLength(2 * TOTAL);
	const first = items.slice(0, TOTAL);
	expect(first.map((item) => item.json.id)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
	expect(first.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	expect(items.slice(TOTAL).every((item) => (item.pairedItem as { item: number }).item === 1)).toBe(
		true,
	);
	// 10 pages for the first item, 2 for the second.
	expect(emulator.count('/items')).toBe(12);
});

test('a bad parameter on one item becomes an error item naming item and field with Continue On Fail', async () => {
	const { items } = await runNode({
		type: 'test.pagedList',
		items: [{ size: 10 }, { size: 0 }],
		parameters: { baseUrl: emulator.baseUrl, pageSize: '={{ $json.size }}', limit: 5 },
		continueOnFail: true,
	});
	expect(items).toHaveLength(6);
	const errorItem = items[5];
	expect(errorItem.pairedItem).toEqual({ item: 1 });
	expect(String(errorItem.json.error)).toContain('item 1');
	expect(String(errorItem.json.error)).toContain('Page Size');
});

test('without Continue On Fail the run stops with an error naming the item', async () => {
	const { error } = await runNode({
		type: 'test.pagedList',
		items: [{ size: 51 }],
		parameters: { baseUrl: emulator.baseUrl, pageSize: '={{ $json.size }}', limit: 0 },
	});
	expect(error?.message).toMatch(/Page Size must be a whole number from 1 to 50.*item 0/);
	expect(emulator.count()).toBe(0);
});

test('a 503 on one page is retried and the listing is still complete and in order', async () => {
	emulator.injectFault({
		path: '/items',
		skip: 3,
		times: 2,
		fault: { kind: 'status', status: 503, json: {} },
	});
	const { items, error } = await runNode({
		type: 'test.pagedList',
		parameters: { baseUrl: emulator.baseUrl, pageSize: 10, limit: 0 },
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.id)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
	expect(emulator.count('/items')).toBe(12);
});

test('stopping the execution aborts requests in flight', async () => {
	emulator.latencyMs = 2_000;
	const started = Date.now();
	const { run } = await runNode({
		type: 'test.pagedList',
		parameters: { baseUrl: emulator.baseUrl, pageSize: 10, limit: 0 },
		cancelAfterMs: 200,
	});
	emulator.latencyMs = 0;
	expect(Date.now() - started).toBeLessThan(1_800);
	expect(run.status).toBe('canceled');
	// Only the first page had been asked for when the stop came.
	expect(emulator.count('/items')).toBe(1);
});
