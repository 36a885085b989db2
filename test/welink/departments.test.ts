import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';

import {
	BULK,
	STATUS,
	TYPE,
	creds,
	currentEmulator,
	paired,
	useWeLinkEmulator,
	visible,
} from './fixtures';

/** Department → Submit and Get Status against the emulated asynchronous department sync. */

const DEPT_BULK = '/api/contact/v2/departments/bulk';
const DEPT_STATUS = '/api/contact/v2/departments/status';

useWeLinkEmulator({ latencyMs: 2, demoPersons: 5, departmentPolls: 2 });
let welink: WeLinkEmulatorHandle;
beforeAll(() => {
	welink = currentEmulator();
});

const FAST = { pollIntervalMs: 5, maxWaitSeconds: 20 };

async function submitDepartments(
	items: IDataObject[],
	options: INodeParameters = FAST,
	continueOnFail = false,
) {
	return await runNode({
		type: TYPE,
		items,
		parameters: {
			resource: 'department',
			operation: 'submit',
			corpDeptCode: '={{ $json.code }}',
			corpParentCode: '={{ $json.parent }}',
			deptNameCn: '={{ $json.name }}',
			additionalFields: { valid: '={{ $json.valid ?? true }}' },
			options,
		},
		credentials: creds(),
		continueOnFail,
	});
}

async function departmentStatus(codes: string[], options: INodeParameters = {}) {
	return await runNode({
		type: TYPE,
		items: codes.map((code) => ({ code })),
		parameters: {
			resource: 'department',
			operation: 'getStatus',
			corpDeptCode: '={{ $json.code }}',
			options,
		},
		credentials: creds(),
	});
}

const dept = (code: string, parent: string) => ({ code, parent, name: `部门${code}` });

describe('Department → Submit', () => {
	test('parents go before children across items, level by level, each level final before the next', async () => {
		// Given children first: 12 top departments, 3 below T01, one below M01.
		const top = Array.from({ length: 12 }, (_, i) =>
			dept(`T${String(i + 1).padStart(2, '0')}`, '0'),
		);
		const items = [
			dept('C01', 'M01'),
			dept('M01', 'T01'),
			dept('M02', 'T01'),
			dept('M03', 'T01'),
			...top,
		];
		const result = await submitDepartments(items);
		expect(result.error).toBeUndefined();
		expect(paired(result.items)).toEqual(items.map((_, i) => i));
		expect(result.items.map((item) => item.json.corpDeptCode)).toEqual(
			items.map((item) => item.code),
		);
		expect(result.items.map((item) => item.json.level)).toEqual([2, 1, 1, 1, ...top.map(() => 0)]);
		expect(
			result.items.every((item) => item.json.accepted === true && item.json.skipped === false),
		).toBe(true);

		const order = welink.submittedDepartments().slice(-items.length);
		expect(order.slice(0, 12)).toEqual(top.map((d) => d.code));
		expect(order.slice(12, 15)).toEqual(['M01', 'M02', 'M03']);
		expect(order[15]).toBe('C01');
		// 12 top departments in two requests of at most 10, then one per lower level.
		expect(welink.emulator.count(DEPT_BULK)).toBe(4);
		// Only parents are waited for: T01 (level 0) and M01 (level 1); the last level is not polled.
		expect(result.items[15 - 11].json).toMatchObject({
			corpDeptCode: 'T01',
			state: 'succeeded',
			final: true,
			statusCode: '47119',
		});
		expect(result.items[1].json).toMatchObject({
			corpDeptCode: 'M01',
			state: 'succeeded',
			polls: 3,
		});
		expect(result.items[0].json.state).toBeUndefined();

		// The child was sent after its parent existed: it succeeds too.
		const status = await departmentStatus(['C01'], { waitUntilFinal: true, ...FAST });
		expect(status.items[0].json).toMatchObject({
			corpDeptCode: 'C01',
			state: 'succeeded',
			code: '47119',
		});
	});

	test('without Wait for Parents a child sent while its parent is still processing fails at WeLink (47114)', async () => {
		const result = await submitDepartments([dept('NW-C', 'NW-P'), dept('NW-P', '0')], {
			...FAST,
			waitForParents: false,
		});
		expect(result.error).toBeUndefined();
		expect(welink.emulator.count(DEPT_STATUS)).toBe(0);
		expect(welink.submittedDepartments().slice(-2)).toEqual(['NW-P', 'NW-C']);
		const status = await departmentStatus(['NW-P', 'NW-C'], { waitUntilFinal: true, ...FAST });
		expect(status.items.map((item) => [item.json.state, item.json.code])).toEqual([
			['succeeded', '47119'],
			['failed', '47114'],
		]);
		expect(status.items[1].json.reason).toBe('The parent department does not exist');
	});

	test('a parent that fails at WeLink: its children are not sent but output as skipped, with the reason', async () => {
		const items = [
			dept('MX-OK', '0'),
			dept('MX-ORPHAN', 'NOWHERE'),
			dept('MX-CHILD', 'MX-ORPHAN'),
			dept('MX-GRANDCHILD', 'MX-CHILD'),
		];
		const result = await submitDepartments(items);
		expect(result.error).toBeUndefined();
		expect(
			result.items.map((item) => [item.json.corpDeptCode, item.json.skipped, item.json.state]),
		).toEqual([
			['MX-OK', false, undefined],
			['MX-ORPHAN', false, 'failed'],
			['MX-CHILD', true, undefined],
			['MX-GRANDCHILD', true, undefined],
		]);
		expect(result.items[2].json.reason).toMatch(
			/parent department "MX-ORPHAN" failed at WeLink \(47114/,
		);
		expect(result.items[3].json.reason).toMatch(/parent department "MX-CHILD" was not sent/);
		expect(welink.submittedDepartments()).not.toContain('MX-CHILD');
	});

	test('a cycle of parents is an error naming the items, and nothing is sent', async () => {
		const before = welink.emulator.count(DEPT_BULK);
		const result = await submitDepartments([
			dept('CY-OK', '0'),
			dept('CY-A', 'CY-B'),
			dept('CY-B', 'CY-A'),
		]);
		expect(result.error?.message).toMatch(
			/cycle \("CY-A" → "CY-B" → "CY-A"; items 1, 2\)|cycle \("CY-B" → "CY-A" → "CY-B"; items 1, 2\)/,
		);
		expect(result.error?.message).toMatch(/Nothing was sent/);
		expect(welink.emulator.count(DEPT_BULK)).toBe(before);
	});

	test('a code given twice is an error naming both items, and nothing is sent', async () => {
		const result = await submitDepartments([
			dept('DU-1', '0'),
			dept('DU-X', '0'),
			dept('DU-X', 'DU-1'),
		]);
		expect(result.error?.message).toMatch(/"DU-X" is given by more than one item \(items 1, 2\)/);
		expect(welink.emulator.count(DEPT_BULK)).toBe(0);
	});

	test('Continue On Fail: the cycle and what hangs below it become error items in order; the rest is sent', async () => {
		const items = [
			dept('CF-A', 'CF-B'),
			dept('CF-OK', '0'),
			dept('CF-B', 'CF-A'),
			dept('CF-UNDER', 'CF-A'),
			{ code: '', parent: '0', name: 'x' },
		];
		const result = await submitDepartments(items, FAST, true);
		expect(result.error).toBeUndefined();
		expect(paired(result.items)).toEqual([0, 1, 2, 3, 4]);
		expect(
			result.items.map((item) => (item.json.error ? 'error' : item.json.corpDeptCode)),
		).toEqual(['error', 'CF-OK', 'error', 'error', 'error']);
		expect(String(result.items[0].json.error)).toMatch(/cycle/);
		expect(String(result.items[3].json.error)).toMatch(
			/parent department "CF-A" cannot be submitted/,
		);
		expect(String(result.items[4].json.error)).toMatch(/Department Code/);
		expect(welink.submittedDepartments().slice(-1)).toEqual(['CF-OK']);
	});

	test('valid off removes a department: persons can no longer be placed in it', async () => {
		await submitDepartments([dept('RM-1', '0')]);
		await departmentStatus(['RM-1'], { waitUntilFinal: true, ...FAST });
		expect(welink.departments.get('RM-1')?.exists).toBe(true);
		const removed = await submitDepartments([{ ...dept('RM-1', '0'), valid: false }]);
		expect(removed.items[0].json.accepted).toBe(true);
		await departmentStatus(['RM-1'], { waitUntilFinal: true, ...FAST });
		expect(welink.departments.get('RM-1')?.exists).toBe(false);
	});

	test('a person in an unknown department ends 47106; after the department is submitted the person opens', async () => {
		const person = (id: string) => ({
			type: TYPE,
			items: [{ id }],
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '新人',
				additionalFields: { corpDeptCode: 'NEW-DEPT' },
				options: {},
			},
			credentials: creds(),
		});
		const status = async () =>
			await runNode({
				type: TYPE,
				items: [{ id: 'joiner-1' }],
				parameters: {
					resource: 'userSync',
					operation: 'getStatus',
					identifierType: 'corpUserId',
					identifier: '={{ $json.id }}',
					options: { waitUntilFinal: true, ...FAST },
				},
				credentials: creds(),
			});
		await runNode(person('joiner-1'));
		expect((await status()).items[0].json).toMatchObject({ code: '47106', state: 'failed' });
		await submitDepartments([dept('NEW-DEPT', '0')]);
		await departmentStatus(['NEW-DEPT'], { waitUntilFinal: true, ...FAST });
		await runNode(person('joiner-1'));
		expect((await status()).items[0].json).toMatchObject({ code: '47109', state: 'opened' });
		expect(welink.emulator.count(BULK)).toBe(2);
		expect(welink.emulator.count(STATUS)).toBeGreaterThan(0);
	});

	test('nothing secret reaches the output', async () => {
		const result = await submitDepartments([dept('SEC-1', '0')]);
		const shown = visible(result);
		for (const token of welink.issuedTokens()) expect(shown).not.toContain(token);
		expect(shown).not.toContain(String(welink.credentials.clientSecret));
	});
});

describe('Department → Get Status', () => {
	test('25 codes take 3 requests; Wait Until Final polls processing departments until final; unknown ones fail', async () => {
		const codes = Array.from({ length: 24 }, (_, i) => `GS-${i}`);
		await submitDepartments(
			codes.map((code) => dept(code, '0')),
			{ waitForParents: false },
		);
		welink.emulator.resetCounters();
		const first = await departmentStatus([...codes, 'GS-UNKNOWN']);
		expect(welink.emulator.count(DEPT_STATUS)).toBe(3);
		expect(first.items[0].json).toMatchObject({ state: 'processing', final: false, code: '47118' });
		const final = await departmentStatus([...codes, 'GS-UNKNOWN'], {
			waitUntilFinal: true,
			...FAST,
		});
		expect(paired(final.items)).toEqual([...codes, 'x'].map((_, i) => i));
		expect(
			final.items
				.slice(0, 24)
				.every((item) => item.json.state === 'succeeded' && item.json.final === true),
		).toBe(true);
		expect(final.items[24].json).toMatchObject({
			corpDeptCode: 'GS-UNKNOWN',
			state: 'failed',
			code: '47114',
		});
	});

	test('Max Wait 0 marks processing departments timedOut', async () => {
		await submitDepartments([dept('TO-1', '0')], { waitForParents: false });
		const result = await departmentStatus(['TO-1'], {
			waitUntilFinal: true,
			pollIntervalMs: 50,
			maxWaitSeconds: 0,
		});
		expect(result.items[0].json).toMatchObject({
			state: 'processing',
			final: false,
			timedOut: true,
		});
	});
});
