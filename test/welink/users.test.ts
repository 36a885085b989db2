import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WELINK_PATHS } from '../../nodes/WeLink/transport/client';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { hintsOf, runNode } from '../harness/run-workflow';

import {
	TYPE,
	creds,
	currentEmulator,
	demoIds,
	getStatus,
	paired,
	useWeLinkEmulator,
} from './fixtures';

/** User → Update and User → Get Many against the emulated contact API. */

const USERS = '/api/contact/v1/user/users';

useWeLinkEmulator();
let welink: WeLinkEmulatorHandle;
beforeAll(() => {
	welink = currentEmulator();
});

async function update(
	items: IDataObject[],
	updateFields: INodeParameters,
	options: INodeParameters = {},
	continueOnFail = false,
) {
	return await runNode({
		type: TYPE,
		items,
		parameters: {
			resource: 'user',
			operation: 'update',
			corpUserId: '={{ $json.id }}',
			updateFields,
			options,
		},
		credentials: creds(),
		continueOnFail,
	});
}

async function getMany(items: IDataObject[], parameters: INodeParameters, continueOnFail = false) {
	return await runNode({
		type: TYPE,
		items,
		parameters: {
			resource: 'user',
			operation: 'getMany',
			deptCode: '={{ $json.dept }}',
			...parameters,
		},
		credentials: creds(),
		continueOnFail,
	});
}

describe('User → Update', () => {
	test('12 persons take two requests of personInfo (10 + 2); outputs are paired; only the given fields are sent', async () => {
		const ids = demoIds(12);
		const result = await update(
			ids.map((id) => ({ id })),
			{ userNameEn: 'Moved', corpDeptCode: 'D002' },
		);
		expect(result.error).toBeUndefined();
		expect(paired(result.items)).toEqual(ids.map((_, i) => i));
		expect(result.items.map((item) => item.json.corpUserId)).toEqual(ids);
		expect(result.items.every((item) => item.json.accepted === true)).toBe(true);
		const bodies = welink.bodiesOf(WELINK_PATHS.userUpdate).slice(-2) as Array<{
			personInfo: IDataObject[];
		}>;
		expect(bodies.map((body) => body.personInfo.length)).toEqual([10, 2]);
		expect(bodies[0].personInfo[0]).toEqual({
			corpUserId: 'demo0001',
			userNameEn: 'Moved',
			corpDeptCode: 'D002',
		});
		expect(welink.persons.get('demo0012')?.corpDeptCode).toBe('D002');
	});

	test('a mover into a department WeLink does not know ends 47106; an unknown person is not accepted', async () => {
		const result = await update([{ id: 'demo0020' }, { id: 'nobody-x' }], {
			corpDeptCode: 'NOT-THERE',
		});
		expect(
			result.items.map((item) => [item.json.corpUserId, item.json.accepted, item.json.code]),
		).toEqual([
			['demo0020', true, '0'],
			['nobody-x', false, '47111'],
		]);
		const status = await getStatus([{ id: 'demo0020' }], {
			waitUntilFinal: true,
			pollIntervalMs: 5,
			maxWaitSeconds: 10,
		});
		expect(status.items[0].json).toMatchObject({ code: '47106', state: 'failed' });
	});

	test('every item is read before anything is sent: a bad item stops the run and nothing changes', async () => {
		const before = welink.bodiesOf(WELINK_PATHS.userUpdate).length;
		const result = await update([{ id: 'demo0030' }, { id: '' }], { userNameEn: 'X' });
		expect(result.error?.message).toMatch(/Corp User ID/);
		expect(welink.bodiesOf(WELINK_PATHS.userUpdate).length).toBe(before);
		expect(welink.emulator.count(WELINK_PATHS.userUpdate)).toBe(0);
	});

	test('Continue On Fail: a bad item and a refused value become error items in order; the rest is sent', async () => {
		const result = await update(
			[{ id: 'demo0031' }, { id: '' }, { id: 'demo0032', email: 'bad' }],
			{ userEmail: '={{ $json.email ?? "ok@example.com" }}' },
			{},
			true,
		);
		expect(paired(result.items)).toEqual([0, 1, 2]);
		expect(result.items[0].json).toMatchObject({ corpUserId: 'demo0031', accepted: true });
		expect(String(result.items[1].json.error)).toMatch(/Corp User ID/);
		expect(String(result.items[2].json.error)).toMatch(/email/i);
	});

	test('nothing to update is an error naming the field', async () => {
		const result = await update([{ id: 'demo0033' }], {});
		expect(result.error?.message).toMatch(/Update Fields/);
	});

	test('One Person per Request sends each person at the top level; Extra Fields pass through but cannot change whom it is about', async () => {
		const result = await update(
			[{ id: 'demo0034' }, { id: 'demo0035' }],
			{ userNameCn: '新名', extraFields: '{"orderInDepts": "5", "corpUserId": "someone-else"}' },
			{ bodyFormat: 'single' },
		);
		expect(result.items.map((item) => item.json.accepted)).toEqual([true, true]);
		expect(welink.bodiesOf(WELINK_PATHS.userUpdate).slice(-2)).toEqual([
			{ orderInDepts: '5', userNameCn: '新名', corpUserId: 'demo0034' },
			{ orderInDepts: '5', userNameCn: '新名', corpUserId: 'demo0035' },
		]);
	});
});

describe('User → Get Many', () => {
	test('Return All reads page 1, then the rest; every person of the department once, in order', async () => {
		const result = await getMany([{ dept: 'D001' }], { returnAll: true, pageSize: 20 });
		expect(result.error).toBeUndefined();
		const expected = [...welink.persons.values()]
			.filter((person) => person.corpDeptCode === 'D001' && person.outcome !== 'removed')
			.map((person) => person.corpUserId)
			.sort();
		expect(expected.length).toBeGreaterThan(40);
		expect(result.items.map((item) => item.json.corpUserId)).toEqual(expected);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
		expect(welink.emulator.count(USERS)).toBe(Math.ceil(expected.length / 20));
		expect(hintsOf(result)).toEqual([]);
	});

	test('Limit reads only the pages it needs', async () => {
		const result = await getMany([{ dept: 'D001' }], { returnAll: false, limit: 25, pageSize: 10 });
		expect(result.items).toHaveLength(25);
		expect(welink.emulator.count(USERS)).toBe(3);
	});

	test('a total that does not add up is read again, then reported in a hint', async () => {
		welink.setListingTotalOffset(1);
		try {
			const result = await getMany([{ dept: 'D001' }], { returnAll: true, pageSize: 50 });
			expect(result.error).toBeUndefined();
			const pages = welink.emulator.count(USERS) / 3;
			expect(Number.isInteger(pages)).toBe(true);
			expect(
				hintsOf(result)
					.map((hint) => hint.message)
					.join(' '),
			).toMatch(
				/stated \d+ persons in department "D001", but \d+ different ones were read \(read 3 times\)/,
			);
		} finally {
			welink.setListingTotalOffset(0);
		}
	});

	test('one listing per item, paired; Continue On Fail gives an error item for an item without a department', async () => {
		const result = await getMany(
			[{ dept: 'D002' }, { dept: '' }, { dept: 'EMPTY-DEPT' }],
			{ returnAll: true },
			true,
		);
		expect(result.error).toBeUndefined();
		const errors = result.items.filter((item) => item.json.error !== undefined);
		expect(errors.map((item) => (item.pairedItem as { item: number }).item)).toEqual([1]);
		expect(String(errors[0].json.error)).toMatch(/Department Code/);
		expect(
			result.items.filter((item) => (item.pairedItem as { item: number }).item === 2),
		).toHaveLength(0);
	});

	test('Page Size above 50 is refused before any request', async () => {
		const result = await getMany([{ dept: 'D001' }], { returnAll: true, pageSize: 51 });
		expect(result.error?.message).toMatch(/Page Size/);
		expect(welink.emulator.count(USERS)).toBe(0);
	});
});
