import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { hintsOf } from '../harness/run-workflow';
import {
	customers as listCustomers,
	employees as listEmployees,
	ids,
	range,
	useShihengEmulator,
} from './fixtures';

/** The node's operations against the emulator: paging, limits, retries, item pairing, the cursor. */

const emulator = useShihengEmulator();
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});

const employees = (
	parameters: IDataObject,
	extra: {
		items?: IDataObject[];
		continueOnFail?: boolean;
		credentials?: ICredentialDataDecryptedObject;
	} = {},
) => listEmployees(sh, parameters, extra);

const customers = (parameters: IDataObject) => listCustomers(sh, parameters);

describe('WeCom Employee → Get Many', () => {
	test('Return All over 200 pages returns every employee once, in order, paired to its item', async () => {
		const { items, error } = await employees({
			returnAll: true,
			pageSize: 50,
			options: { concurrency: 8 },
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(10_000);
		expect(ids(items)).toEqual(range(10_000, sh.employeeId));
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		// Every page asked for exactly once.
		const pages = sh.served.map((entry) => entry.pageNum);
		expect(pages).toHaveLength(200);
		expect([...pages].sort((a, b) => a! - b!)).toEqual(range(200, (i) => i + 1));
		expect(pages[0]).toBe(1);
	});

	test('Limit 120 fetches exactly 3 pages', async () => {
		const { items, error } = await employees({ returnAll: false, limit: 120, pageSize: 50 });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(120, sh.employeeId));
		expect(sh.emulator.count(sh.employeePath)).toBe(3);
	});

	test('status becomes a readable label; Simplify keeps the common fields', async () => {
		const simple = await employees({ returnAll: false, limit: 20, pageSize: 20, simplify: true });
		const byCode = new Map(simple.items.map((item) => [item.json.statusCode, item.json.status]));
		expect(byCode.get(1)).toBe('active');
		expect(byCode.get(2)).toBe('disabled');
		expect(byCode.get(4)).toBe('not activated');
		expect(byCode.get(5)).toBe('left');
		expect(byCode.get(0)).toBe('unknown');
		expect(byCode.get(6)).toBe('unknown:6');
		expect(simple.items[0].json).not.toHaveProperty('avatarUrl');
		expect(simple.items[0].json).toHaveProperty('weComUserId', 'wx-emp-1');

		const raw = await employees({ returnAll: false, limit: 2, pageSize: 2, simplify: false });
		expect(raw.items[0].json).toHaveProperty('avatarUrl', null);
		expect(raw.items[0].json).toHaveProperty('status', 'active');
	});

	test.each([0, 51])(
		'page size %s is refused before any request, naming the field',
		async (size) => {
			const { error } = await employees(
				{ returnAll: true, pageSize: '={{ $json.size }}' },
				{ items: [{ size }] },
			);
			expect(error?.message).toMatch(
				/Page Size must be a whole number from 1 to 50.*item 0.*"Page Size"/,
			);
			expect(sh.emulator.count()).toBe(0);
		},
	);

	test('one listing per input item; Continue On Fail turns a failing item into an error item', async () => {
		const { items, error } = await employees(
			{ returnAll: false, limit: 3, pageSize: 3, endpointPath: '={{ $json.path }}' },
			{
				items: [{ path: sh.employeePath }, { path: '/not/there' }, { path: sh.employeePath }],
				continueOnFail: true,
			},
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(7);
		expect(items.slice(0, 3).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
		]);
		expect(items[3].pairedItem).toEqual({ item: 1 });
		expect(String(items[3].json.error)).toContain('item 1');
		expect(items.slice(4).map((item) => item.pairedItem)).toEqual([
			{ item: 2 },
			{ item: 2 },
			{ item: 2 },
		]);
	});

	test('a 5xx on pages is retried and the result is complete, in order and without duplicates', async () => {
		sh.emulator.injectFault({
			path: sh.employeePath,
			skip: 5,
			times: 2,
			fault: { kind: 'status', status: 503, json: {} },
		});
		sh.emulator.injectFault({
			path: sh.employeePath,
			skip: 40,
			times: 1,
			fault: {
				kind: 'status',
				status: 500,
				json: { code: '500', msg: 'internal error', traceId: 'x' },
			},
		});
		const { items, error } = await employees({
			returnAll: true,
			pageSize: 50,
			options: { concurrency: 4 },
		});
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(10_000, sh.employeeId));
		expect(new Set(ids(items)).size).toBe(10_000);
		expect(sh.emulator.count(sh.employeePath)).toBe(203);
		expect(sh.emulator.count(sh.employeePath, true)).toBe(200);
	});

	test('HTML pages, cut-short bodies and dropped connections are retried without loss or duplicates', async () => {
		sh.emulator.injectFault({ path: sh.employeePath, skip: 2, fault: { kind: 'html' } });
		sh.emulator.injectFault({ path: sh.employeePath, skip: 10, fault: { kind: 'truncated' } });
		sh.emulator.injectFault({
			path: sh.employeePath,
			skip: 20,
			fault: { kind: 'reset-after-read' },
		});
		const { items, error } = await employees({
			returnAll: true,
			pageSize: 50,
			options: { concurrency: 4 },
		});
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(10_000, sh.employeeId));
		expect(sh.emulator.count(sh.employeePath)).toBe(203);
	});

	test('with retries off, an unreadable answer fails the item with a clear error', async () => {
		sh.emulator.injectFault({ path: sh.employeePath, fault: { kind: 'truncated' } });
		const { error } = await employees({
			returnAll: false,
			limit: 5,
			pageSize: 5,
			options: { maxRetries: 0 },
		});
		expect(error?.message).toMatch(/Shiheng answered with a body that is not valid JSON.*item 0/);
	});
});

describe('WeCom Customer → Get Many', () => {
	test('the cursor runs to the end; a later run from resumeStartId fetches only from there', async () => {
		const { items, error } = await customers({ returnAll: true, pageSize: 100 });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(2_000, sh.customerId));
		expect(sh.served.map((entry) => entry.startId)).toEqual([
			0,
			...range(19, (i) => sh.customerId(i * 100 + 99)),
		]);
		// The end was reached: resume right after the last customer returned (nothing is read twice).
		const resume = items[0].json.resumeStartId;
		expect(resume).toBe(sh.customerId(1_999));
		expect(items.every((item) => item.json.resumeStartId === resume)).toBe(true);

		sh.addCustomers(30);
		try {
			const later = await customers({
				returnAll: true,
				pageSize: 100,
				options: { startId: String(resume) },
			});
			expect(later.error).toBeUndefined();
			expect(ids(later.items)).toEqual(range(30, sh.customerId, 2_000));
		} finally {
			sh.addCustomers(-30);
		}
	});

	test('a limit that ends mid-page: the next run starts at the first customer not returned', async () => {
		const first = await customers({ returnAll: false, limit: 150, pageSize: 100 });
		expect(ids(first.items)).toEqual(range(150, sh.customerId));
		expect(sh.emulator.count(sh.customerPath)).toBe(2);
		const resume = first.items[0].json.resumeStartId;
		expect(resume).toBe(sh.customerId(149));
		const next = await customers({
			returnAll: false,
			limit: 10,
			pageSize: 100,
			options: { startId: String(resume) },
		});
		expect(ids(next.items)).toEqual(range(10, sh.customerId, 150));
	});

	test('scheduled runs with a limit, each from the last resumeStartId, return every customer once, none skipped', async () => {
		const seen: unknown[] = [];
		let startId: unknown = '0';
		for (let run = 0; run < 6; run++) {
			const { items, error } = await customers({
				returnAll: false,
				limit: 70,
				pageSize: 30,
				options: { startId: String(startId) },
			});
			expect(error).toBeUndefined();
			seen.push(...ids(items));
			startId = items[items.length - 1].json.resumeStartId;
		}
		expect(seen).toEqual(range(420, sh.customerId));
	});

	test('customers without a usable id: the vendor cursor is used, and a page cut by the limit is read again rather than skipped', async () => {
		const page = {
			code: '0',
			msg: null,
			traceId: 't',
			result: { nextStartId: 77, pageSize: 2, result: [{ name: 'a' }, { name: 'b' }] },
		};
		sh.emulator.injectFault({
			path: sh.customerPath,
			times: 2,
			fault: { kind: 'status', status: 200, json: page },
		});
		const cut = await customers({
			returnAll: false,
			limit: 1,
			pageSize: 2,
			options: { startId: '5' },
		});
		expect(cut.items.map((item) => item.json.resumeStartId)).toEqual([5]);
		const whole = await customers({
			returnAll: false,
			limit: 2,
			pageSize: 2,
			options: { startId: '5' },
		});
		expect(whole.items.map((item) => item.json.resumeStartId)).toEqual([77, 77]);
	});

	test('customer page size 101 is refused before any request', async () => {
		const { error } = await customers({ returnAll: true, pageSize: 101 });
		expect(error?.message).toMatch(/Page Size must be a whole number from 1 to 100/);
		expect(sh.emulator.count()).toBe(0);
	});
});

describe('the first wave of pages (before Shiheng has told the page count)', () => {
	const short = useShihengEmulator({ employees: 60, customers: 1 });

	test('a list shorter than Concurrency costs at most Concurrency − 1 extra requests the first time, none once its page count is known', async () => {
		const sh = short();
		const first = await listEmployees(sh, {
			returnAll: true,
			pageSize: 50,
			options: { concurrency: 6 },
		});
		expect(first.error).toBeUndefined();
		expect(ids(first.items)).toEqual(range(60, sh.employeeId));
		const firstRequests = sh.emulator.count(sh.employeePath);
		expect(firstRequests).toBeGreaterThanOrEqual(2);
		expect(firstRequests).toBeLessThanOrEqual(2 + 6 - 1);

		// The same list again in this process: the page count seen last time shapes the first wave.
		sh.emulator.resetCounters();
		const again = await listEmployees(sh, {
			returnAll: true,
			pageSize: 50,
			options: { concurrency: 6 },
		});
		expect(ids(again.items)).toEqual(range(60, sh.employeeId));
		expect(sh.emulator.count(sh.employeePath)).toBe(2);
	});
});

describe('a list that changes while it is read (the total Shiheng states is checked)', () => {
	const small = useShihengEmulator({ employees: 1_000, customers: 10 });
	let list: ShihengEmulatorHandle;
	beforeAll(() => {
		list = small();
	});
	const everyone = (parameters: IDataObject = {}) =>
		listEmployees(list, {
			returnAll: true,
			pageSize: 50,
			...parameters,
			options: { concurrency: 4, addListingDetails: true, ...(parameters.options as IDataObject) },
		});

	test('employees removed between page reads: read again, nobody skipped or repeated, no warning', async () => {
		list.churnBetweenPages({ every: 3, remove: 2, times: 1 });
		const result = await everyone();
		expect(result.error).toBeUndefined();
		expect(ids(result.items)).toEqual(list.employeeIds());
		expect(result.items[0].json.listing).toMatchObject({
			total: list.employeeCount(),
			complete: true,
			passes: 2,
		});
		expect(hintsOf(result)).toEqual([]);
	});

	test('employees inserted at the front between page reads: read again, the newcomers are there', async () => {
		list.churnBetweenPages({ every: 3, insert: 3, times: 1 });
		const result = await everyone();
		expect(ids(result.items)).toEqual(list.employeeIds());
		expect(new Set(ids(result.items)).size).toBe(result.items.length);
		expect(result.items[0].json.listing).toMatchObject({ complete: true, passes: 2 });
	});

	test('a list that never settles: read 3 times at most, then a warning above the output, not a silent short list', async () => {
		list.churnBetweenPages({ every: 4, remove: 1 });
		const before = list.emulator.count(list.employeePath);
		const pagesPerRead = Math.ceil(list.employeeCount() / 50);
		const result = await everyone();
		expect(result.error).toBeUndefined();
		const reads = list.served.filter((entry) => entry.pageNum === 1).length;
		expect(reads).toBe(3);
		expect(list.emulator.count(list.employeePath) - before).toBeLessThanOrEqual(3 * pagesPerRead);
		const hints = hintsOf(result);
		expect(hints).toHaveLength(1);
		expect(hints[0]).toMatchObject({ type: 'warning', location: 'outputPane' });
		expect(hints[0].message).toMatch(
			/^Item 0: Shiheng stated \d+ employees, but \d+ different ones were read \(the list was read 3 times\)/,
		);
		expect(result.items[0].json.listing).toMatchObject({ complete: false, passes: 3 });
		// Every item stays paired to its input item.
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
	});

	test('Add Listing Details: the stated total and page count, and the traceId of the answer each employee came from', async () => {
		const result = await listEmployees(list, {
			returnAll: false,
			limit: 120,
			pageSize: 50,
			options: { addListingDetails: true },
		});
		const listings = result.items.map((item) => item.json.listing as IDataObject);
		expect(listings[0]).toMatchObject({
			total: list.employeeCount(),
			pages: Math.ceil(list.employeeCount() / 50),
			complete: true,
			passes: 1,
		});
		const traces = listings.map((listing) => listing.traceId);
		expect(traces.every((trace) => /^[0-9a-f]{32}$/.test(String(trace)))).toBe(true);
		expect(new Set(traces.slice(0, 50)).size).toBe(1);
		expect(new Set(traces).size).toBe(3);
		const plain = await listEmployees(list, { returnAll: false, limit: 5, pageSize: 5 });
		expect(plain.items[0].json).not.toHaveProperty('listing');
	});
});
