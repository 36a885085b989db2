import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { baseline, diffEmployees } from '../../nodes/Shiheng/helpers/changes';
import { ADMIN_PATHS } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import type { PollingTrigger } from '../harness/run-poll';
import { TRIGGER_TYPE, shihengTrigger, useShihengEmulator } from './fixtures';

/**
 * The Shiheng Trigger against the emulator, polled through n8n-core's real PollContext and
 * PollTriggerExecutor. The emulator's admin API (HTTP) changes the company between polls.
 */

const emulator = useShihengEmulator({ employees: 120, customers: 30 });
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});
afterEach(async () => {
	await sh.admin(ADMIN_PATHS.clearFailures, {});
});

/** Small pages, so a listing takes many concurrent requests. */
const SMALL_PAGES = { options: { pageSize: 10, concurrency: 4 } };

/** The n-th employee whose status is 1 now (tests change the list, so positions move). */
const active = (n: number): number =>
	sh.employeeIds().filter((id) => sh.employee(id)!.status === 1)[n];
const events = (emitted: INodeExecutionData[] | undefined) =>
	(emitted ?? []).map((item) => item.json);
const idOf = (json: IDataObject) => (json.employee as IDataObject).id;

async function activated(parameters: IDataObject = {}): Promise<PollingTrigger> {
	const trigger = shihengTrigger(sh, { ...SMALL_PAGES, ...parameters });
	const first = await trigger.poll();
	expect(first).toEqual({ emitted: undefined, error: undefined });
	return trigger;
}

async function quiet(trigger: PollingTrigger): Promise<void> {
	expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
}

describe('first activation', () => {
	test('records a baseline (a short digest per employee, not the rows) and fires nothing', async () => {
		const trigger = await activated({
			events: ['employeeJoined', 'employeeChanged', 'employeeLeft', 'customerAdded'],
		});
		const state = trigger.staticData() as {
			employees: { fields: string[]; employees: Record<string, string> };
			customers: { startId: number };
		};
		expect(Object.keys(state.employees.employees)).toHaveLength(sh.employeeCount());
		expect(Object.keys(state.employees.employees).map(Number).sort()).toEqual(
			sh.employeeIds().sort(),
		);
		// The status exactly, then 3 characters per other watched field (5 by default).
		expect(state.employees.fields).toEqual([
			'businessEmail',
			'emailAddress',
			'mobileNumber',
			'name',
			'userId',
		]);
		expect(
			Object.values(state.employees.employees).every((packed) => packed.length <= 1 + 5 * 3),
		).toBe(true);
		expect(JSON.stringify(state)).not.toContain('Employee 1"');
		expect(state.customers.startId).toBe(sh.customerId(sh.customerCount() - 1));
		await quiet(trigger);
	});
});

describe('Employee Joined', () => {
	test('new employees fire once each, shaped as the action node outputs them', async () => {
		const trigger = await activated();
		const { added } = (await sh.admin(ADMIN_PATHS.employees, {
			add: [
				{ name: '新员工 A', status: 1 },
				{ name: '新员工 B', status: 4, position: 0 },
			],
		})) as { added: number[] };
		const { emitted, error } = await trigger.poll();
		expect(error).toBeUndefined();
		expect(events(emitted).map((json) => [json.event, json.reason, idOf(json)])).toEqual(
			expect.arrayContaining(added.map((id) => ['employeeJoined', 'new', id])),
		);
		expect(events(emitted)).toHaveLength(2);
		const joinedB = events(emitted).find((json) => idOf(json) === added[1])!;
		expect(joinedB.employee).toMatchObject({
			id: added[1],
			name: '新员工 B',
			status: 'not activated',
			statusCode: 4,
		});
		expect(joinedB.employee).not.toHaveProperty('avatarUrl');
		await quiet(trigger);
	});
});

describe('Employee Changed', () => {
	test('only the watched fields count; each change names its fields with the new value', async () => {
		const trigger = await activated();
		const id = active(7);
		await sh.admin(ADMIN_PATHS.employees, {
			change: [{ id, mobileNumber: '13900000000', name: '改名' }],
		});
		await sh.admin(ADMIN_PATHS.employees, {
			change: [{ id: active(8), avatarUrl: 'https://example.com/new.png' }],
		});
		const { emitted } = await trigger.poll();
		expect(events(emitted)).toEqual([
			expect.objectContaining({
				event: 'employeeChanged',
				reason: 'fieldsChanged',
				changedFields: ['mobileNumber', 'name'],
				changes: { mobileNumber: { current: '13900000000' }, name: { current: '改名' } },
			}),
		]);
		expect(idOf(events(emitted)[0])).toBe(id);
		await quiet(trigger);
	});

	test('with Remember Previous Values, each change also gives the previous value', async () => {
		const trigger = await activated({
			options: { ...SMALL_PAGES.options, rememberPreviousValues: true },
		});
		const id = active(9);
		const before = sh.employee(id)!;
		await sh.admin(ADMIN_PATHS.employees, {
			change: [{ id, emailAddress: 'renamed@example.com', status: 2 }],
		});
		const { emitted } = await trigger.poll();
		expect(events(emitted)).toHaveLength(1);
		expect(events(emitted)[0]).toMatchObject({
			event: 'employeeChanged',
			changedFields: ['emailAddress', 'status'],
			changes: {
				emailAddress: { previous: before.emailAddress, current: 'renamed@example.com' },
				status: { previous: before.status, current: 2 },
			},
		});
	});

	test('the user picks the fields: a change of an unwatched field is silent', async () => {
		const trigger = await activated({ watchedFields: ['avatarUrl'] });
		await sh.admin(ADMIN_PATHS.employees, { change: [{ id: active(10), name: 'Only The Name' }] });
		await quiet(trigger);
		await sh.admin(ADMIN_PATHS.employees, {
			change: [{ id: active(10), avatarUrl: 'https://example.com/a.png' }],
		});
		const { emitted } = await trigger.poll();
		expect(events(emitted).map((json) => json.changedFields)).toEqual([['avatarUrl']]);
	});
});

describe('Employee Left', () => {
	test('status 5 fires Left once; re-activated, the employee fires Joined again (reason "reactivated")', async () => {
		const trigger = await activated();
		const id = active(11);
		const previous = sh.employee(id)!.status;
		expect(previous).not.toBe(5);
		await sh.admin(ADMIN_PATHS.employees, { change: [{ id, status: 5 }] });
		const left = await trigger.poll();
		expect(events(left.emitted)).toEqual([
			expect.objectContaining({
				event: 'employeeLeft',
				reason: 'statusLeft',
				changedFields: ['status'],
				changes: { status: { previous, current: 5 } },
			}),
		]);
		expect((events(left.emitted)[0].employee as IDataObject).status).toBe('left');
		await quiet(trigger);
		await sh.admin(ADMIN_PATHS.employees, { change: [{ id, status: 1 }] });
		const back = await trigger.poll();
		expect(events(back.emitted)).toEqual([
			expect.objectContaining({
				event: 'employeeJoined',
				reason: 'reactivated',
				changes: { status: { previous: 5, current: 1 } },
			}),
		]);
		await quiet(trigger);
	});

	test('with Remember Previous Values, one no longer listed leaves with their name and WeCom user ID (to act on)', async () => {
		const trigger = await activated({
			events: ['employeeJoined', 'employeeLeft'],
			options: { ...SMALL_PAGES.options, rememberPreviousValues: true },
		});
		const id = active(13);
		const { name, weComUserId } = sh.employee(id)!;
		await sh.admin(ADMIN_PATHS.employees, { remove: [id] });
		// Absence is confirmed over two complete listings (Confirm Absence Over, default 2).
		await quiet(trigger);
		const { emitted } = await trigger.poll();
		expect(events(emitted)).toEqual([
			{
				event: 'employeeLeft',
				reason: 'notListed',
				employee: expect.objectContaining({ id, name, weComUserId }),
			},
		]);
	});

	test('an employee no longer listed fires Left once, with what is known of them', async () => {
		const trigger = await activated();
		const id = active(12);
		const status = sh.employee(id)!.status;
		await sh.admin(ADMIN_PATHS.employees, { remove: [id] });
		// Absence is confirmed over two complete listings (Confirm Absence Over, default 2).
		await quiet(trigger);
		const { emitted } = await trigger.poll();
		expect(events(emitted)).toEqual([
			{
				event: 'employeeLeft',
				reason: 'notListed',
				employee: expect.objectContaining({ id, statusCode: status }),
			},
		]);
		await quiet(trigger);
		expect(trigger.staticData().employees).not.toHaveProperty(['employees', String(id)]);
	});
});

describe('incomplete listings and failed polls', () => {
	test('a list that never adds up fires no Left for the people it missed and keeps them; the next complete poll fires each real change once', async () => {
		// The churn removes far more than Max Leavers per Poll's default allows; that guard is tested on its own.
		const trigger = await activated({ options: { ...SMALL_PAGES.options, maxLeavers: '100%' } });
		const before = new Set(sh.employeeIds());
		sh.churnBetweenPages({ every: 3, remove: 1 });
		const during = await trigger.poll();
		sh.churnBetweenPages(undefined);
		// Issue 20: a listing that still does not add up after the bounded re-reads fails the poll
		// (it used to pass silently, firing nothing for those it missed).
		expect(during.error?.message).toMatch(
			/Shiheng stated \d+ employees, but \d+ different ones were read, in each of 3 reads/,
		);
		// Everybody removed so far is really gone, but the listing never added up: no Left yet.
		expect(events(during.emitted).filter((json) => json.event === 'employeeLeft')).toEqual([]);
		const remembered = Object.keys(
			(trigger.staticData().employees as { employees: object }).employees,
		).map(Number);
		expect(new Set(remembered)).toEqual(before);

		// Absence is confirmed over two complete listings (Confirm Absence Over, default 2).
		await quiet(trigger);
		const after = await trigger.poll();
		const gone = [...before].filter((id) => !sh.employeeIds().includes(id));
		expect(gone.length).toBeGreaterThan(3);
		expect(
			events(after.emitted)
				.map((json) => [json.event, idOf(json)])
				.sort(),
		).toEqual(gone.map((id) => ['employeeLeft', id]).sort());
		await quiet(trigger);
	});

	test('answers that state no total: the baseline is taken, but nobody missing is ever taken as having left', async () => {
		const page = (ids: number[]) =>
			JSON.stringify({
				code: '0',
				msg: null,
				traceId: 't',
				result: { pages: 1, result: ids.map((id) => ({ id, status: 1, name: `n${id}` })) },
			});
		try {
			sh.serveEmployeeAnswerText(page([1, 2, 3]));
			const trigger = await activated({ events: ['employeeJoined', 'employeeLeft'] });
			sh.serveEmployeeAnswerText(page([1, 3, 4]));
			const { emitted } = await trigger.poll();
			expect(events(emitted).map((json) => [json.event, idOf(json)])).toEqual([
				['employeeJoined', 4],
			]);
			expect(
				Object.keys((trigger.staticData().employees as { employees: object }).employees).sort(),
			).toEqual(['1', '2', '3', '4']);
		} finally {
			sh.serveEmployeeAnswerText(undefined);
		}
	});

	test('a page that fails fails the poll (n8n records it): nothing fires, nothing recorded changes, nothing is lost', async () => {
		const trigger = await activated({
			events: ['employeeJoined', 'employeeLeft', 'customerAdded'],
		});
		const saved = JSON.stringify(trigger.staticData());
		const { added } = (await sh.admin(ADMIN_PATHS.employees, {
			add: [{ name: 'Pending Joiner' }],
		})) as { added: number[] };
		sh.addCustomers(2);
		try {
			await sh.admin(ADMIN_PATHS.failPage, { pageNum: 3 });
			const failed = await trigger.poll();
			expect(failed.emitted).toBeUndefined();
			expect(failed.error?.message).toMatch(/Shiheng error \[50001\]: emulated failure of page 3/);
			expect(JSON.stringify(trigger.staticData())).toBe(saved);

			await sh.admin(ADMIN_PATHS.clearFailures, {});
			const { emitted } = await trigger.poll();
			expect(
				events(emitted)
					.map((json) => json.event)
					.sort(),
			).toEqual(['customerAdded', 'customerAdded', 'employeeJoined']);
			expect(idOf(events(emitted).find((json) => json.event === 'employeeJoined')!)).toBe(added[0]);
			await quiet(trigger);
		} finally {
			sh.addCustomers(-2);
		}
	});
});

describe('Customer Added', () => {
	test('follows the startId cursor: each new customer fires once', async () => {
		const trigger = await activated({ events: ['customerAdded'] });
		sh.addCustomers(4);
		try {
			const { emitted } = await trigger.poll();
			expect(events(emitted).map((json) => (json.customer as IDataObject).id)).toEqual(
				[0, 1, 2, 3].map((offset) => sh.customerId(sh.customerCount() - 4 + offset)),
			);
			expect(events(emitted).every((json) => json.event === 'customerAdded')).toBe(true);
			await quiet(trigger);
			// Employees were not asked for.
			expect(sh.served.every((entry) => entry.path === sh.customerPath)).toBe(true);
		} finally {
			sh.addCustomers(-4);
		}
	});
});

describe('Fetch Test Event', () => {
	test('returns real data for each chosen event and leaves what was recorded as it was', async () => {
		const trigger = shihengTrigger(sh, {
			events: ['employeeJoined', 'employeeChanged', 'employeeLeft', 'customerAdded'],
		});
		const sample = await trigger.fetchTestEvent();
		expect((sample ?? []).map((item) => item.json.event)).toEqual([
			'employeeJoined',
			'employeeChanged',
			'employeeLeft',
			'customerAdded',
		]);
		expect(sample?.[0].json).toMatchObject({
			sample: true,
			employee: { id: sh.employeeId(0), name: sh.employee(sh.employeeId(0))!.name },
		});
		expect(sample?.[3].json).toMatchObject({ sample: true, customer: { id: sh.customerId(0) } });
		expect(trigger.staticData()).toEqual({});

		await trigger.poll();
		const recorded = JSON.stringify(trigger.staticData());
		await sh.admin(ADMIN_PATHS.employees, { add: [{ name: 'Not Yet Reported' }] });
		await trigger.fetchTestEvent();
		expect(JSON.stringify(trigger.staticData())).toBe(recorded);
		const { emitted } = await trigger.poll();
		expect(events(emitted).map((json) => (json.employee as IDataObject).name)).toEqual([
			'Not Yet Reported',
		]);
	});
});

describe('the comparison on its own (helpers/changes.ts)', () => {
	const row = (id: number, fields: IDataObject) => ({
		id,
		status: 1,
		name: `n${id}`,
		phone: `p${id}`,
		...fields,
	});
	// confirmAbsence 1: these cases are about one comparison (absence over several is tested on its own).
	const now = (fields: string[], complete = true) => ({
		fields,
		compare: fields,
		watchStatus: false,
		keepValues: false,
		complete,
		confirmAbsence: 1,
	});

	test('a field watched only from now on is learnt silently, also for people an incomplete listing missed', () => {
		const before = baseline([row(1, {}), row(2, {})], ['name'], false);
		const first = diffEmployees(
			before,
			[row(1, { phone: 'changed' })],
			now(['name', 'phone'], false),
		);
		expect(first.events).toEqual([]);
		expect(Object.keys(first.memory.employees)).toEqual(['1', '2']);
		// Employee 2 was missed: their phone was never seen, so a later value is not a "change".
		const second = diffEmployees(
			first.memory,
			[row(1, { phone: 'changed' }), row(2, { phone: 'anything' })],
			now(['name', 'phone']),
		);
		expect(second.events).toEqual([]);
		const third = diffEmployees(
			second.memory,
			[row(1, {}), row(2, { phone: 'anything' })],
			now(['name', 'phone']),
		);
		expect(
			third.events.map((event) => [
				event.event,
				event.employee.id,
				Object.keys(event.changes ?? {}),
			]),
		).toEqual([['employeeChanged', 1, ['phone']]]);
	});

	test('someone who left by status and is then removed from the list does not leave twice', () => {
		const before = baseline([row(1, { status: 5 }), row(2, {})], [], false);
		const diff = diffEmployees(before, [row(2, {})], now([]));
		expect(diff.events).toEqual([]);
		expect(Object.keys(diff.memory.employees)).toEqual(['2']);
	});

	test('ids that look like object keys are employees like any other', () => {
		const before = baseline([{ id: 'constructor', status: 1 }], [], false);
		expect(
			diffEmployees(
				before,
				[
					{ id: 'toString', status: 1 },
					{ id: 'constructor', status: 1 },
				],
				now([]),
			).events.map((event) => event.employee.id),
		).toEqual(['toString']);
	});
});

describe('examples/joiners-and-leavers.json', () => {
	const example = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', 'joiners-and-leavers.json'), 'utf8'),
	) as {
		active: boolean;
		nodes: Array<{ name: string; type: string; parameters: IDataObject }>;
		connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	};
	const byName = (name: string) => example.nodes.find((node) => node.name === name)!;

	test('is inactive and wires trigger → switch → joiners (submit, wait until final, Mingdao) / leavers (submit invalid, status)', () => {
		expect(example.active).toBe(false);
		expect(byName('Shiheng Trigger').type).toBe(TRIGGER_TYPE);
		const [joiners, leavers] = example.connections['Joiner or Leaver'].main.map((output) =>
			output.map((link) => link.node),
		);
		const follow = (name: string): string[] => [
			name,
			...(example.connections[name]?.main[0] ?? []).flatMap((link) => follow(link.node)),
		];
		// Issue 25: a joiner that ends 47106 has the department created and is submitted again
		// (the first output of "Parent Department Missing?"); the others go straight to Mingdao.
		expect(
			joiners
				.flatMap(follow)
				.map((name) => [byName(name).parameters.operation, byName(name).type.split('.')[1]]),
		).toEqual([
			[undefined, 'code'],
			['submit', 'weLink'],
			['getStatus', 'weLink'],
			[undefined, 'if'],
			[undefined, 'code'],
			['submit', 'weLink'],
			['getStatus', 'weLink'],
			[undefined, 'code'],
			['submit', 'weLink'],
			['getStatus', 'weLink'],
			['getRelations', 'mingdao'],
		]);
		expect(
			example.connections['Parent Department Missing?'].main[1].map((link) => link.node),
		).toEqual(['Joiner Mingdao Account']);
		expect(byName('Joiner Account Status').parameters.options).toMatchObject({
			waitUntilFinal: true,
		});
		expect(leavers.flatMap(follow).map((name) => byName(name).parameters.operation)).toEqual([
			'submit',
			'getStatus',
		]);
		expect(byName(leavers[0]).parameters.additionalFields).toEqual({ valid: false });
		// Issue 20: the safe defaults, spelt out where a leaver closes an account.
		expect(byName('Shiheng Trigger').parameters.options).toMatchObject({
			confirmAbsenceOver: 2,
			maxLeavers: '5%, 500',
			onReactivation: 'reportChanges',
		});
	});

	test('its trigger, against the emulator, emits what the WeLink and Mingdao nodes read from each event', async () => {
		const parameters = {
			...byName('Shiheng Trigger').parameters,
			employeeListPath: sh.employeePath,
		};
		const trigger = shihengTrigger(sh, parameters);
		await quiet(trigger);
		const [leavesByStatus, removed] = sh
			.employeeIds()
			.filter((id) => sh.employee(id)!.status === 1);
		const { added } = (await sh.admin(ADMIN_PATHS.employees, {
			add: [{ name: '入职者', weComUserId: 'wx-new-hire', mobileNumber: '13700000000' }],
		})) as { added: number[] };
		await sh.admin(ADMIN_PATHS.employees, {
			change: [{ id: leavesByStatus, status: 5 }],
			remove: [removed],
		});
		// Status 5 leaves at once; the one no longer listed leaves when the next listing confirms it.
		const first = await trigger.poll();
		const confirming = await trigger.poll();
		const json = [...events(first.emitted), ...events(confirming.emitted)];
		expect(
			events(first.emitted)
				.map((event) => event.event)
				.sort(),
		).toEqual(['employeeJoined', 'employeeLeft']);
		expect(json.map((event) => event.event).sort()).toEqual([
			'employeeJoined',
			'employeeLeft',
			'employeeLeft',
		]);
		for (const event of json) {
			const employee = event.employee as IDataObject;
			// What the expressions of the WeLink and Mingdao nodes read.
			expect(typeof employee.weComUserId).toBe('string');
			expect(typeof employee.name).toBe('string');
		}
		expect(json.find((event) => event.event === 'employeeJoined')?.employee).toMatchObject({
			id: added[0],
			weComUserId: 'wx-new-hire',
		});
	});
});
