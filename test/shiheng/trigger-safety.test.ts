import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ShihengApi } from '../../credentials/ShihengApi.credentials';
import { baseline, diffEmployees } from '../../nodes/Shiheng/helpers/changes';
import { testCredential } from '../harness/credential-test';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import type { PollingTrigger } from '../harness/run-poll';
import { shihengTrigger, useShihengEmulator } from './fixtures';

/**
 * Issue 20: what makes the Shiheng Trigger safe to close accounts with. Every test polls through
 * n8n-core's real PollContext and PollTriggerExecutor against the emulator, and each fails on the
 * trigger as it was before the issue.
 */

const emulator = useShihengEmulator({ employees: 40, customers: 10 });
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});

const SMALL_PAGES = { pageSize: 5, concurrency: 3 };
const events = (emitted: INodeExecutionData[] | undefined) =>
	(emitted ?? []).map((item) => item.json);
const summary = (emitted: INodeExecutionData[] | undefined) =>
	events(emitted).map((json) => [
		json.event,
		json.reason,
		((json.employee ?? json.customer) as IDataObject).id,
	]);
const active = (n: number): number =>
	sh.employeeIds().filter((id) => sh.employee(id)!.status === 1)[n];

async function activated(parameters: IDataObject = {}): Promise<PollingTrigger> {
	const trigger = shihengTrigger(sh, {
		events: ['employeeJoined', 'employeeChanged', 'employeeLeft'],
		options: SMALL_PAGES,
		...parameters,
	});
	expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
	return trigger;
}

async function quiet(trigger: PollingTrigger): Promise<void> {
	expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
}

function logLines(): { lines: () => string[]; restore: () => void } {
	const logger = Container.get(Logger);
	const spy = jest.spyOn(logger, 'warn');
	return {
		lines: () => spy.mock.calls.map((call) => String(call[0])),
		restore: () => spy.mockRestore(),
	};
}

describe('memory bound to its source', () => {
	let other: ShihengEmulatorHandle;
	beforeAll(async () => {
		// Another company: its own app, its own employees (ids overlap nothing of the first's list after removals below).
		other = await startShihengEmulator({
			employees: 12,
			customers: 6,
			appId: 'sh-other-company',
			appSecret: 'sh-other-secret-51c2',
		});
		other.removeEmployees(other.employeeIds().slice(0, 6));
	});
	afterAll(async () => await other.stop());

	test('switching the credential to another company records a new baseline, fires nothing, logs one line; the customer cursor starts anew', async () => {
		const trigger = await activated({
			events: ['employeeJoined', 'employeeLeft', 'customerAdded'],
			options: { ...SMALL_PAGES, maxLeavers: '100%' },
		});
		const log = logLines();
		try {
			trigger.setCredential('shihengApi', other.credentials);
			expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
			expect(log.lines().filter((line) => /new employee baseline/.test(line))).toHaveLength(1);
			expect(log.lines().filter((line) => /customer cursor anew/.test(line))).toHaveLength(1);
			expect(log.lines().join('\n')).toMatch(/credential \(Base URL or App ID\) or the list path/);
			// Company B's own changes are reported from then on, against company B's memory.
			const [joiner] = other.addEmployees([{ name: 'B joiner', status: 1 }]);
			other.addCustomers(1);
			const { emitted, error } = await trigger.poll();
			expect(error).toBeUndefined();
			expect(summary(emitted)).toEqual([
				['employeeJoined', 'new', joiner],
				['customerAdded', undefined, other.customerId(other.customerCount() - 1)],
			]);
			await quiet(trigger);
		} finally {
			log.restore();
			other.addCustomers(-1);
			trigger.setCredential('shihengApi', sh.credentials);
		}
	});

	test('changing the Employee List Path also records anew; the state holds a fingerprint, never the secret', async () => {
		const trigger = await activated();
		const state = JSON.stringify(trigger.staticData());
		expect(state).not.toContain(String(sh.credentials.appSecret));
		expect(state).not.toContain(String(sh.credentials.appId));
		expect((trigger.staticData().employees as IDataObject).source).toMatch(/^[\w-]{16}$/);
		sh.removeEmployees([active(0)]);
		trigger.node.parameters.employeeListPath = `${sh.employeePath}?`;
		// The emulator does not answer that path the same way; what counts is that nothing is diffed against the old memory.
		const moved = await trigger.poll();
		expect(moved.emitted).toBeUndefined();
	});

	test('a state written before the source was recorded (version 1) is not compared with anything', async () => {
		const trigger = await activated({ events: ['employeeJoined', 'employeeLeft'] });
		const current = trigger.staticData();
		const employees = current.employees as IDataObject;
		current.version = 1;
		delete employees.source;
		// As in the issue: a memory of another company's ids.
		employees.employees = { '1': '1', '2': '1', '3': '1', '4': '1' };
		expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
		expect(
			Object.keys((trigger.staticData().employees as { employees: object }).employees),
		).toHaveLength(sh.employeeCount());
	});
});

describe('absence confirmed over complete listings', () => {
	test("the issue's paging race (ids 1..4, pages of 2, one removed and one added between the pages) fires nothing for employee 3", async () => {
		const removedForTheRace = sh.employeeIds().slice(4);
		sh.removeEmployees(removedForTheRace);
		const fresh = await activated({ options: { pageSize: 2, concurrency: 1 } });
		const [one, , three] = sh.employeeIds();
		let raced = false;
		sh.afterEmployeePage((pageNum) => {
			if (pageNum !== 1 || raced) return;
			raced = true;
			sh.removeEmployees([one]);
			sh.addEmployees([{ name: 'Five', status: 1 }]);
		});
		const first = await fresh.poll();
		expect(first.error).toBeUndefined();
		// Employee 1 really left, employee 5 really joined; employee 3 never left.
		expect(summary(first.emitted).filter(([, , id]) => id === three)).toEqual([]);
		// The raced read missed 3 (absent once), the next one misses 1 (absent once), the third confirms 1.
		const later = [await fresh.poll(), await fresh.poll()];
		for (const poll of later) expect(poll.error).toBeUndefined();
		const all = [first, ...later].flatMap((poll) => summary(poll.emitted));
		expect(all.filter(([event]) => event === 'employeeLeft')).toEqual([
			['employeeLeft', 'notListed', one],
		]);
		expect(all.filter(([, , id]) => id === three)).toEqual([]);
		await quiet(fresh);
		sh.afterEmployeePage(undefined);
		for (const id of removedForTheRace) sh.moveEmployee(id, sh.employeeCount());
	});

	test('with Confirm Absence Over 1, the same race is caught within the poll: the list is read again until two reads give the same ids, and employee 3 never leaves', async () => {
		const own = await startShihengEmulator({ employees: 4, customers: 0 });
		try {
			const trigger = shihengTrigger(own, {
				events: ['employeeJoined', 'employeeChanged', 'employeeLeft'],
				options: { pageSize: 2, concurrency: 1, confirmAbsenceOver: 1 },
			});
			expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
			const [one, , three] = own.employeeIds();
			let raced = false;
			own.afterEmployeePage((pageNum) => {
				if (pageNum !== 1 || raced) return;
				raced = true;
				own.removeEmployees([one]);
				own.addEmployees([{ name: 'Five', status: 1 }]);
			});
			own.emulator.resetCounters();
			const { emitted, error } = await trigger.poll();
			expect(error).toBeUndefined();
			// The raced read misses 3; it is read again (twice, until two reads agree): 3 reads of 2 pages each.
			expect(own.emulator.count(own.employeePath)).toBe(6);
			expect(summary(emitted).filter(([event]) => event === 'employeeLeft')).toEqual([
				['employeeLeft', 'notListed', one],
			]);
			expect(summary(emitted).filter(([, , id]) => id === three)).toEqual([]);
			expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
		} finally {
			await own.stop();
		}
	});

	test('with Confirm Absence Over 2 (the default), a poll reads the list once: missing someone counts them absent once, and the poll that fires their Left rests on the earlier listing', async () => {
		const trigger = await activated();
		const pages = Math.ceil(sh.employeeCount() / SMALL_PAGES.pageSize);
		const gone = active(6);
		sh.removeEmployees([gone]);
		const pagesNow = Math.ceil(sh.employeeCount() / SMALL_PAGES.pageSize);
		sh.emulator.resetCounters();
		await quiet(trigger);
		expect((trigger.staticData().employees as IDataObject).absent).toEqual({ [String(gone)]: 1 });
		// One read: the remembered page count, no second pass.
		expect(sh.emulator.count(sh.employeePath)).toBe(Math.max(pages, pagesNow));
		sh.emulator.resetCounters();
		const { emitted, error } = await trigger.poll();
		expect(error).toBeUndefined();
		expect(summary(emitted)).toEqual([['employeeLeft', 'notListed', gone]]);
		expect(sh.emulator.count(sh.employeePath)).toBe(pagesNow);
		sh.moveEmployee(gone, sh.employeeCount());
	});

	test('missing from one listing and listed again: nothing fires; missing from Confirm Absence Over (3) listings in a row: Left once', async () => {
		const trigger = await activated({ options: { ...SMALL_PAGES, confirmAbsenceOver: 3 } });
		const [back, gone] = [active(2), active(3)];
		const position = sh.employeeIds().indexOf(back);
		sh.removeEmployees([back, gone]);
		await quiet(trigger);
		expect((trigger.staticData().employees as IDataObject).absent).toEqual({
			[String(back)]: 1,
			[String(gone)]: 1,
		});
		sh.moveEmployee(back, position);
		await quiet(trigger);
		expect((trigger.staticData().employees as IDataObject).absent).toEqual({ [String(gone)]: 2 });
		const third = await trigger.poll();
		expect(summary(third.emitted)).toEqual([['employeeLeft', 'notListed', gone]]);
		expect(trigger.staticData().employees).not.toHaveProperty('absent');
		await quiet(trigger);
	});

	test('status 5 is still an immediate Left', async () => {
		const trigger = await activated();
		const id = active(4);
		sh.changeEmployee(id, { status: 5 });
		const { emitted } = await trigger.poll();
		expect(summary(emitted)).toEqual([['employeeLeft', 'statusLeft', id]]);
	});
});

describe('Max Leavers per Poll', () => {
	test('over the default (the stricter of 5% and 500): nothing fires, nothing is recorded, the error states count, limit and what to do; raised, the next poll goes through', async () => {
		const trigger = await activated();
		const known = sh.employeeCount();
		const limit = Math.ceil(known * 0.05);
		const leaving = Array.from({ length: limit + 1 }, (_, n) => active(5 + n));
		for (const id of leaving) sh.changeEmployee(id, { status: 5 });
		const saved = JSON.stringify(trigger.staticData());
		const blocked = await trigger.poll();
		expect(blocked.emitted).toBeUndefined();
		expect(blocked.error?.message).toMatch(
			new RegExp(
				`would fire ${limit + 1} Employee Left events, more than Max Leavers per Poll allows \\(${limit}: 5% of ${known} known employees\\).*raise Max Leavers per Poll.*to at least ${limit + 1}`,
			),
		);
		expect(JSON.stringify(trigger.staticData())).toBe(saved);
		// Still blocked: nothing was recorded, so nothing is lost either.
		expect((await trigger.poll()).error?.message).toMatch(
			new RegExp(`would fire ${limit + 1} Employee Left events`),
		);

		trigger.node.parameters.options = { ...SMALL_PAGES, maxLeavers: String(limit + 1) };
		const through = await trigger.poll();
		expect(through.error).toBeUndefined();
		expect(summary(through.emitted).sort()).toEqual(
			leaving.map((id) => ['employeeLeft', 'statusLeft', id]).sort(),
		);
		await quiet(trigger);
	});

	test('a number, a share, or both: the stricter applies; a wrong value is named', async () => {
		const trigger = await activated({ options: { ...SMALL_PAGES, maxLeavers: '50%, 1' } });
		sh.changeEmployee(active(12), { status: 5 });
		sh.changeEmployee(active(13), { status: 5 });
		expect((await trigger.poll()).error?.message).toMatch(
			/would fire 2 Employee Left events, more than Max Leavers per Poll allows \(1: 1\)/,
		);
		trigger.node.parameters.options = { ...SMALL_PAGES, maxLeavers: 'many' };
		expect((await trigger.poll()).error?.message).toMatch(
			/Max Leavers per Poll: "many" is neither a whole number nor a share/,
		);
	});
});

describe('one poll at a time', () => {
	test('two polls started together through PollTriggerExecutor: one skips with a log line, each event is delivered once', async () => {
		const trigger = await activated();
		const [joiner] = sh.addEmployees([{ name: 'Overlap Joiner', status: 1 }]);
		const log = logLines();
		try {
			const [a, b] = await Promise.all([trigger.poll(), trigger.poll()]);
			expect([a.error, b.error]).toEqual([undefined, undefined]);
			expect([...summary(a.emitted), ...summary(b.emitted)]).toEqual([
				['employeeJoined', 'new', joiner],
			]);
			expect(
				log
					.lines()
					.filter((line) =>
						/skipped a poll, because the previous poll of this trigger is still running/.test(line),
					),
			).toHaveLength(1);
		} finally {
			log.restore();
		}
		// The lock is released: the next poll runs.
		sh.changeEmployee(joiner, { name: 'Renamed' });
		expect(summary((await trigger.poll()).emitted)).toEqual([
			['employeeChanged', 'fieldsChanged', joiner],
		]);
	});
});

describe('no silent non-baseline', () => {
	test('a list that lists an id twice never adds up: the first poll fails with ids read, total stated and reads made', async () => {
		const rows = [1, 2, 2, 3].map((id) => ({ id, status: 1 }));
		sh.serveEmployeeAnswerText(
			JSON.stringify({
				code: '0',
				msg: null,
				traceId: 't',
				result: { pages: 1, total: 4, result: rows },
			}),
		);
		const trigger = shihengTrigger(sh, { options: SMALL_PAGES });
		const { emitted, error } = await trigger.poll();
		expect(emitted).toBeUndefined();
		expect(error?.message).toMatch(
			/Shiheng stated 4 employees, but 3 different ones were read, in each of 3 reads of the list/,
		);
		expect(trigger.staticData()).not.toHaveProperty('employees');
	});
});

describe('After Reactivation', () => {
	test('default: the first poll after reactivation reports what changed while the trigger was off', async () => {
		const trigger = await activated();
		trigger.reactivate();
		const [joiner] = sh.addEmployees([{ name: 'While Off', status: 1 }]);
		expect(summary((await trigger.poll()).emitted)).toEqual([['employeeJoined', 'new', joiner]]);
	});

	test('Start From Now: the first poll after reactivation records anew and fires nothing; later polls report', async () => {
		const trigger = await activated({
			options: { ...SMALL_PAGES, onReactivation: 'startFromNow' },
		});
		sh.addEmployees([{ name: 'While Off', status: 1 }]);
		trigger.reactivate();
		await quiet(trigger);
		const [joiner] = sh.addEmployees([{ name: 'After', status: 1 }]);
		expect(summary((await trigger.poll()).emitted)).toEqual([['employeeJoined', 'new', joiner]]);
	});
});

describe('credential Test', () => {
	test('accepts an answer without result.pages (the doc marks it optional) and still refuses one without result', async () => {
		sh.serveEmployeeAnswerText(
			JSON.stringify({
				code: '0',
				msg: null,
				traceId: 't',
				result: { total: 1, result: [{ id: 1, status: 1 }] },
			}),
		);
		await expect(testCredential('shihengApi', sh.credentials)).resolves.toEqual({
			ok: true,
			message: 'Connection tested successfully',
		});
		sh.serveEmployeeAnswerText(
			JSON.stringify({ code: '40001', msg: 'refused', traceId: 't', result: null }),
		);
		expect((await testCredential('shihengApi', sh.credentials)).ok).toBe(false);
		sh.serveEmployeeAnswerText(JSON.stringify({ code: '40001', msg: 'refused', traceId: 't' }));
		expect((await testCredential('shihengApi', sh.credentials)).ok).toBe(false);
		expect(new ShihengApi().test.rules).toHaveLength(2);
	});
});

describe('the comparison on its own: behaviours no test pinned (found by mutation testing)', () => {
	const now = (
		fields: string[],
		extra: Partial<{ complete: boolean; keepValues: boolean; confirmAbsence: number }> = {},
	) => ({
		fields,
		compare: fields.filter((field) => !['userId', 'weComUserId'].includes(field)),
		watchStatus: true,
		keepValues: false,
		complete: true,
		confirmAbsence: 1,
		...extra,
	});

	test.each([
		['missing', {}],
		['null', { status: null }],
		['text', { status: 'active' }],
		['an object', { status: { code: 1 } }],
		['a fraction', { status: 1.5 }],
		['a list', { status: [5] }],
		['negative', { status: -1 }],
	])(
		'an employee whose status is %s is remembered and compared without error, poll after poll',
		(_label, status) => {
			for (const keepValues of [false, true]) {
				const first = baseline([{ id: 1, name: 'a', ...status }], ['name'], keepValues);
				const second = diffEmployees(
					first,
					[{ id: 1, name: 'a', ...status }],
					now(['name'], { keepValues }),
				);
				expect(second.events).toEqual([]);
				const third = diffEmployees(
					second.memory,
					[{ id: 1, name: 'b', ...status }],
					now(['name'], { keepValues }),
				);
				expect(third.events.map((event) => Object.keys(event.changes ?? {}))).toEqual([['name']]);
				const gone = diffEmployees(third.memory, [], now(['name'], { keepValues }));
				expect(gone.events.map((event) => [event.reason, event.employee.status])).toEqual([
					['notListed', 'status' in status ? (status.status ?? null) : null],
				]);
			}
		},
	);

	test('a field newly watched while a listing is incomplete fires no Changed later (Remember Previous Values)', () => {
		const fields = ['name', 'userId', 'weComUserId'];
		const before = baseline(
			[
				{ id: 1, status: 1, name: 'a' },
				{ id: 2, status: 1, name: 'b' },
			],
			fields,
			true,
		);
		const wider = ['mobileNumber', ...fields];
		const missed = diffEmployees(
			before,
			[{ id: 2, status: 1, name: 'b', mobileNumber: 'm2' }],
			now(wider, { keepValues: true, complete: false }),
		);
		expect(missed.events).toEqual([]);
		const complete = diffEmployees(
			missed.memory,
			[
				{ id: 1, status: 1, name: 'a', mobileNumber: 'X' },
				{ id: 2, status: 1, name: 'b', mobileNumber: 'm2' },
			],
			now(wider, { keepValues: true }),
		);
		expect(complete.events).toEqual([]);
		// From now on employee 1's number is known, so a change of it counts, with its previous value.
		const changed = diffEmployees(
			complete.memory,
			[
				{ id: 1, status: 1, name: 'a', mobileNumber: 'Y' },
				{ id: 2, status: 1, name: 'b', mobileNumber: 'm2' },
			],
			now(wider, { keepValues: true }),
		);
		expect(changed.events.map((event) => event.changes)).toEqual([
			{ mobileNumber: { previous: 'X', current: 'Y' } },
		]);
	});

	test('kept values are carried across a change of the watched fields for someone a listing missed', () => {
		const before = baseline(
			[
				{ id: 1, status: 1, name: 'a', userId: 'u' },
				{ id: 2, status: 1, name: 'b', userId: 'v' },
			],
			['name', 'userId'],
			true,
		);
		const narrower = diffEmployees(
			before,
			[{ id: 2, status: 1, name: 'b' }],
			now(['name'], { keepValues: true, complete: false }),
		);
		expect(narrower.memory.employees['1']).toBe(JSON.stringify([1, 'a']));
		const left = diffEmployees(
			narrower.memory,
			[{ id: 2, status: 1, name: 'b' }],
			now(['name'], { keepValues: true }),
		);
		expect(left.events).toEqual([
			{ event: 'employeeLeft', reason: 'notListed', employee: { id: 1, status: 1, name: 'a' } },
		]);
	});

	test.each([[''], ['   ']])(
		'a row whose id is %j is never an employee: no Joined, nothing remembered',
		(id) => {
			const before = baseline(
				[
					{ id: 1, status: 1 },
					{ id, status: 1 },
				],
				[],
				false,
			);
			expect(Object.keys(before.employees)).toEqual(['1']);
			const diff = diffEmployees(
				before,
				[
					{ id: 1, status: 1 },
					{ id, status: 1 },
				],
				now([]),
			);
			expect(diff.events).toEqual([]);
		},
	);

	test.each([
		['u12', 'u12'],
		['0012', '0012'],
		['-', '-'],
	])(
		'a not-listed Left for text id %j gives the id as it was listed (never NaN)',
		(id, expected) => {
			const diff = diffEmployees(baseline([{ id, status: 1 }], [], false), [], now([]));
			expect(diff.events.map((event) => event.employee.id)).toEqual([expected]);
		},
	);

	test('a not-listed Left for a numeric id gives the number back', () => {
		const diff = diffEmployees(
			baseline(
				[
					{ id: 12, status: 1 },
					{ id: 0, status: 1 },
				],
				[],
				false,
			),
			[],
			now([]),
		);
		expect(diff.events.map((event) => event.employee.id)).toEqual([0, 12]);
	});
});
