import fc from 'fast-check';

import { baseline, diffEmployees, rowReducer } from '../../nodes/Shiheng/helpers/changes';
import type { ComparedRow } from '../../nodes/Shiheng/helpers/changes';
import { idFromKey, idKey, pack } from '../../nodes/Shiheng/helpers/employeeMemory';
import type { EmployeeMemory } from '../../nodes/Shiheng/helpers/employeeMemory';
import {
	DEFAULT_MAX_LEAVERS,
	STATE_VERSION,
	endPoll,
	isFirstPollSinceActivation,
	leaverLimit,
	markPolled,
	memoryOf,
	sourceFingerprint,
	startPoll,
	whyNewBaseline,
} from '../../nodes/Shiheng/trigger/state';
import { propertySeed } from '../harness/fc-seed';

/**
 * The Shiheng Trigger's comparison and state rules on their own, without an emulator: fast enough
 * for mutation testing (npm run test:mutation; see README, Development).
 */

type Row = Record<string, unknown>;
const options = (extra: Partial<Parameters<typeof diffEmployees>[2]> = {}) => ({
	fields: ['name'],
	compare: ['name'],
	watchStatus: false,
	keepValues: false,
	complete: true,
	confirmAbsence: 1,
	...extra,
});
const brief = (
	memory: EmployeeMemory,
	rows: Row[],
	extra: Partial<Parameters<typeof diffEmployees>[2]> = {},
) =>
	diffEmployees(memory, rows, options(extra)).events.map((event) => [
		event.event,
		event.reason,
		event.employee.id,
		event.changes,
	]);

describe('pack', () => {
	test('the status exactly, then a 3-character tag per field; with values, a JSON array', () => {
		expect(pack({ id: 1, status: 4, name: 'a' }, ['name'], false)).toMatch(/^4[\w-]{3}$/);
		expect(pack({ id: 1, status: 4, name: 'a' }, ['name'], false)).not.toBe(
			pack({ id: 1, status: 4, name: 'b' }, ['name'], false),
		);
		expect(pack({ id: 1, status: 4 }, ['name'], false)).toBe(
			pack({ id: 1, status: 4, name: null }, ['name'], false),
		);
		expect(pack({ id: 1, status: 4 }, [], false)).toBe('4');
		expect(pack({ id: 1 }, [], false)).toBe('');
		expect(pack({ id: 1, status: '4' }, [], false)).toBe('"4"');
		expect(pack({ id: 1, status: [4] }, [], false)).toBe(' [4]');
		expect(pack({ id: 1, status: -2 }, [], false)).toBe('-2');
		expect(pack({ id: 1, status: 0 }, [], false)).toBe('0');
		expect(pack({ id: 1, status: 4, name: 'a' }, ['name'], true)).toBe('[4,"a"]');
		expect(pack({ id: 1, name: 'a' }, ['name', 'phone'], true)).toBe('[null,"a",null]');
	});

	test('the tags are those earlier releases stored (the first 3 base64url characters of a SHA-1 of the JSON value): a saved state stays comparable', () => {
		// Computed outside Node (Python's hashlib) for these values.
		expect(
			pack(
				{ id: 1, status: 1, mobileNumber: '13800000001', name: 'Employee 1' },
				['mobileNumber', 'name', 'phone'],
				false,
			),
		).toBe('1tpNp5lK-i');
		// A field given as null is tagged as one left out ("K-i", the SHA-1 of the JSON text null).
		expect(
			pack(
				{ id: 1, status: 1, mobileNumber: '13800000001', name: 'Employee 1', phone: null },
				['mobileNumber', 'name', 'phone'],
				false,
			),
		).toBe('1tpNp5lK-i');
	});
});

describe('diffEmployees: the unchanged fast path', () => {
	const fields = ['name', 'mobileNumber'];
	const rows = [
		{ id: 1, status: 1, name: 'A', mobileNumber: '1' },
		{ id: 2, status: 1, name: 'B', mobileNumber: '2' },
	];
	const base = (): EmployeeMemory => baseline(rows, fields, false);
	const run = (memory: EmployeeMemory, now: Array<Record<string, unknown>>, nowFields = fields) =>
		diffEmployees(memory, now, {
			fields: nowFields,
			compare: nowFields,
			watchStatus: true,
			keepValues: false,
			complete: true,
			confirmAbsence: 1,
		});

	test('a remembered form under other fields is compared field by field, never taken as unchanged', () => {
		// Same fields in another order: the packed strings differ, the values do not: nothing fires.
		const memory = baseline(rows, ['mobileNumber', 'name'], false);
		expect(run(memory, rows).events).toEqual([]);
		// A field no longer watched and one newly watched: a change of a still-watched field fires.
		const changed = [{ ...rows[0], name: 'A2' }, rows[1]];
		expect(run(memory, changed, ['name', 'phone']).events.map((e) => e.employee.id)).toEqual([1]);
	});

	test('watched fields given in another order are not "the same fields": two values that swapped fire Changed although the packed strings agree', () => {
		const before = [{ id: 1, status: 1, name: 'Y', mobileNumber: 'X' }];
		const after = [{ id: 1, status: 1, name: 'X', mobileNumber: 'Y' }];
		const memory = baseline(before, ['name', 'mobileNumber'], false);
		const swapped = ['mobileNumber', 'name'];
		// The tags line up in the other order: the same string, but not the same employee.
		expect(pack(after[0], swapped, false)).toBe(memory.employees['1']);
		const diff = run(memory, after, swapped);
		expect(diff.events.map((event) => [event.event, Object.keys(event.changes ?? {})])).toEqual([
			['employeeChanged', ['mobileNumber', 'name']],
		]);
		// Three fields, one still in its place: still not the same fields.
		const three = baseline(
			[{ ...before[0], phone: 'P' }],
			['phone', 'name', 'mobileNumber'],
			false,
		);
		const threeNow = ['phone', 'mobileNumber', 'name'];
		expect(pack({ ...after[0], phone: 'P' }, threeNow, false)).toBe(three.employees['1']);
		expect(run(three, [{ ...after[0], phone: 'P' }], threeNow).events).toHaveLength(1);
	});

	test('an employee packed as remembered fires nothing and keeps the same memory string', () => {
		const memory = base();
		const diff = run(memory, rows);
		expect(diff.events).toEqual([]);
		expect(diff.memory.employees).toEqual(memory.employees);
	});

	test('the diff counts the employees remembered before it, listed or not (Max Leavers per Poll takes its share of them)', () => {
		const memory = baseline([...rows, { id: 3, status: 1, name: 'C' }], fields, false);
		expect(run(memory, rows).remembered).toBe(3);
		expect(run(memory, []).remembered).toBe(3);
		expect(run(base(), [...rows, { id: 4, status: 1 }]).remembered).toBe(2);
	});
});

describe('rowReducer: what a poll keeps of each row as its page arrives', () => {
	const fields = ['name', 'mobileNumber'];
	const rows = [
		{ id: 1, status: 1, name: 'A', mobileNumber: '1' },
		{ id: 2, status: 1, name: 'B', mobileNumber: '2' },
	];
	const memory = baseline(rows, fields, false);

	test('an employee packed as remembered becomes their key; a changed, new or id-less one stays whole', () => {
		const reduce = rowReducer(memory, { fields, keepValues: false });
		expect(reduce(rows[0])).toBe('1');
		const changed = { ...rows[1], name: 'B2' };
		expect(reduce(changed)).toBe(changed);
		const newcomer = { id: 3, status: 1, name: 'C' };
		expect(reduce(newcomer)).toBe(newcomer);
		const idless = { status: 1, name: 'A', mobileNumber: '1' };
		expect(reduce(idless)).toBe(idless);
		const left = { ...rows[0], status: 5 };
		expect(reduce(left)).toBe(left);
	});

	test('under other fields (another order too) or the other form, nothing is reduced', () => {
		for (const now of [
			{ fields: ['mobileNumber', 'name'], keepValues: false },
			{ fields: ['name'], keepValues: false },
			{ fields, keepValues: true },
		])
			expect(rowReducer(memory, now)(rows[0])).toBe(rows[0]);
		// The two values swapped between fields now watched in the other order: the packed string is
		// the remembered one, yet both fields changed, so the row must reach the comparison whole.
		const swapped = { ...rows[0], name: '1', mobileNumber: 'A' };
		const now = { fields: ['mobileNumber', 'name'], keepValues: false };
		expect(pack(swapped, now.fields, false)).toBe(memory.employees['1']);
		expect(rowReducer(memory, now)(swapped)).toBe(swapped);
	});

	test('a baseline refuses a key: it has no memory to stand for the row', () => {
		expect(() => baseline(['1'], fields, false)).toThrow('employee 1 came as a key only');
	});

	test('property: a diff of the reduced rows is the diff of the rows, events and memory alike', () => {
		const value = fc.constantFrom<unknown>(null, undefined, 'a', 'b', 1, 0, true, ['a'], { x: 1 });
		const employee = fc.record({
			id: fc.constantFrom<unknown>(1, 2, 3, 4, '5', 'x', 6.5, undefined, ''),
			status: fc.constantFrom<unknown>(0, 1, 2, 5, '5', null, undefined),
			name: value,
			mobileNumber: value,
			phone: value,
		});
		const fieldSets = fc.constantFrom(
			['name', 'mobileNumber'],
			['mobileNumber', 'name'],
			['name'],
			['name', 'mobileNumber', 'phone'],
			[],
		);
		fc.assert(
			fc.property(
				fc.array(employee, { maxLength: 8 }),
				fc.array(employee, { maxLength: 8 }),
				fieldSets,
				fieldSets,
				fc.boolean(),
				fc.boolean(),
				fc.record({
					watchStatus: fc.boolean(),
					complete: fc.boolean(),
					confirmAbsence: fc.integer({ min: 1, max: 3 }),
				}),
				(before, after, thenFields, nowFields, thenValues, nowValues, rest) => {
					const rowsBefore = before as Array<Record<string, unknown>>;
					const rowsNow = after as Array<Record<string, unknown>>;
					// Some of the list unchanged, as in most polls.
					const listed = [...rowsBefore.slice(0, 4), ...rowsNow];
					const previous = baseline(rowsBefore, thenFields, thenValues);
					const now = { ...rest, fields: nowFields, compare: nowFields, keepValues: nowValues };
					const reduced: ComparedRow[] = listed.map(rowReducer(previous, now));
					expect(diffEmployees(previous, reduced, now)).toEqual(
						diffEmployees(previous, listed, now),
					);
				},
			),
			{ seed: propertySeed('rowReducer property'), numRuns: 2000 },
		);
	});
});

describe('ids', () => {
	test.each([
		[1, '1'],
		[0, '0'],
		['u12', 'u12'],
		['', undefined],
		[' ', undefined],
		[Number.NaN, undefined],
		[Number.POSITIVE_INFINITY, undefined],
		[null, undefined],
		[true, undefined],
	])('idKey(%p) = %p', (id, key) => {
		expect(idKey({ id })).toBe(key);
	});

	test.each([
		['12', 12],
		['0', 0],
		['-3', -3],
		['0012', '0012'],
		['u12', 'u12'],
		['1.5', '1.5'],
		['99999999999999999999', '99999999999999999999'],
		['12a', '12a'],
		['a12', 'a12'],
	])('idFromKey(%p) = %p', (key, id) => {
		expect(idFromKey(key)).toBe(id);
	});
});

describe('diffEmployees', () => {
	const base = (rows: Row[], fields = ['name'], keepValues = false) =>
		baseline(rows, fields, keepValues);

	test('baseline keeps each usable id once, with the fields', () => {
		const memory = base([
			{ id: 1, status: 1, name: 'a' },
			{ id: '', status: 1 },
			{ id: 2, status: 5 },
		]);
		expect(memory.fields).toEqual(['name']);
		expect(Object.keys(memory.employees)).toEqual(['1', '2']);
		expect(memory).not.toHaveProperty('absent');
	});

	test('joined, changed, left by status, reactivated, unchanged', () => {
		const memory = base([
			{ id: 1, status: 1, name: 'a' },
			{ id: 2, status: 1, name: 'b' },
			{ id: 3, status: 5, name: 'c' },
			{ id: 4, status: 1, name: 'd' },
		]);
		const rows = [
			{ id: 1, status: 1, name: 'A' },
			{ id: 2, status: 5, name: 'b' },
			{ id: 3, status: 1, name: 'c' },
			{ id: 4, status: 1, name: 'd' },
			{ id: 5, status: 2, name: 'e' },
			{ id: 6, status: 5, name: 'f' },
		];
		expect(brief(memory, rows)).toEqual([
			['employeeChanged', 'fieldsChanged', 1, { name: { current: 'A' } }],
			['employeeLeft', 'statusLeft', 2, { status: { previous: 1, current: 5 } }],
			['employeeJoined', 'reactivated', 3, { status: { previous: 5, current: 1 } }],
			['employeeJoined', 'new', 5, undefined],
		]);
	});

	test('a row listed twice counts once', () => {
		const memory = base([]);
		expect(
			brief(memory, [
				{ id: 1, status: 1 },
				{ id: 1, status: 1 },
			]),
		).toEqual([['employeeJoined', 'new', 1, undefined]]);
	});

	test('text "5" is a leave, "" and other text are not', () => {
		const memory = base(
			[
				{ id: 1, status: 1 },
				{ id: 2, status: 1 },
				{ id: 3, status: 1 },
				{ id: 4, status: 1 },
			],
			[],
		);
		expect(
			brief(
				memory,
				[
					{ id: 1, status: '5' },
					{ id: 2, status: '' },
					{ id: 3, status: 'x' },
					{ id: 4, status: true },
				],
				{ fields: [], compare: [] },
			).map((event) => event.slice(0, 3)),
		).toEqual([['employeeLeft', 'statusLeft', 1]]);
		const left = base(
			[
				{ id: 1, status: 5 },
				{ id: 2, status: '5' },
			],
			[],
		);
		expect(
			brief(
				left,
				[
					{ id: 1, status: 1 },
					{ id: 2, status: 5 },
				],
				{ fields: [], compare: [] },
			).map((event) => event.slice(0, 3)),
		).toEqual([['employeeJoined', 'reactivated', 1]]);
	});

	test('Watch Status: any status change is Changed, with the previous status', () => {
		const memory = base([
			{ id: 1, status: 1, name: 'a' },
			{ id: 2, status: 1, name: 'b' },
		]);
		expect(
			brief(
				memory,
				[
					{ id: 1, status: 2, name: 'a' },
					{ id: 2, status: 1, name: 'b' },
				],
				{ watchStatus: true },
			),
		).toEqual([['employeeChanged', 'fieldsChanged', 1, { status: { previous: 1, current: 2 } }]]);
		expect(
			brief(memory, [
				{ id: 1, status: 2, name: 'a' },
				{ id: 2, status: 1, name: 'b' },
			]),
		).toEqual([]);
		expect(
			brief(
				memory,
				[
					{ id: 1, name: 'a' },
					{ id: 2, status: 1, name: 'b' },
				],
				{ watchStatus: true },
			),
		).toEqual([
			['employeeChanged', 'fieldsChanged', 1, { status: { previous: 1, current: null } }],
		]);
	});

	test('with values kept, every change gives its previous value, sorted by field', () => {
		const fields = ['name', 'phone'];
		const memory = base([{ id: 1, status: 1, name: 'a', phone: 'p' }], fields, true);
		expect(
			brief(memory, [{ id: 1, status: 2, name: 'b' }], {
				fields,
				compare: fields,
				keepValues: true,
				watchStatus: true,
			}),
		).toEqual([
			[
				'employeeChanged',
				'fieldsChanged',
				1,
				{
					name: { previous: 'a', current: 'b' },
					phone: { previous: 'p', current: null },
					status: { previous: 1, current: 2 },
				},
			],
		]);
	});

	test('only compared fields count; kept-only fields are remembered', () => {
		const memory = base([{ id: 1, status: 1, name: 'a', userId: 'u' }], ['name', 'userId'], true);
		const diff = diffEmployees(
			memory,
			[{ id: 1, status: 1, name: 'a', userId: 'v' }],
			options({ fields: ['name', 'userId'], compare: ['name'], keepValues: true }),
		);
		expect(diff.events).toEqual([]);
		expect(diff.memory.employees['1']).toBe('[1,"a","v"]');
	});

	test('a field not watched before is learnt without an event; tags and values forms both', () => {
		for (const keepValues of [false, true]) {
			const memory = base([{ id: 1, status: 1, name: 'a' }], ['name'], keepValues);
			const wider = ['name', 'phone'];
			const learnt = diffEmployees(
				memory,
				[{ id: 1, status: 1, name: 'a', phone: 'p' }],
				options({ fields: wider, compare: wider, keepValues }),
			);
			expect(learnt.events).toEqual([]);
			expect(learnt.memory.fields).toEqual(wider);
			expect(
				brief(learnt.memory, [{ id: 1, status: 1, name: 'a', phone: 'q' }], {
					fields: wider,
					compare: wider,
					keepValues,
				}).map((event) => Object.keys(event[3] as object)),
			).toEqual([['phone']]);
		}
	});

	describe('absence', () => {
		const three = () =>
			base([
				{ id: 1, status: 1, name: 'a' },
				{ id: 2, status: 1, name: 'b' },
				{ id: 3, status: 5, name: 'c' },
			]);

		test('confirmAbsence 1: Left at once with what is known; a status-5 one goes silently', () => {
			const diff = diffEmployees(three(), [{ id: 2, status: 1, name: 'b' }], options());
			// Strictly: a field only a fingerprint was kept of is not there at all (Simplify would output it, empty).
			expect(diff.events).toStrictEqual([
				{ event: 'employeeLeft', reason: 'notListed', employee: { id: 1, status: 1 } },
			]);
			expect(Object.keys(diff.memory.employees)).toEqual(['2']);
			expect(diff.memory).not.toHaveProperty('absent');
		});

		test('with values kept, a not-listed Left carries them', () => {
			const memory = base([{ id: 1, status: 1, name: 'a' }], ['name'], true);
			expect(diffEmployees(memory, [], options({ keepValues: true })).events[0].employee).toEqual({
				id: 1,
				status: 1,
				name: 'a',
			});
		});

		test('confirmAbsence 2: counted, then Left; listed again resets the count', () => {
			const once = diffEmployees(
				three(),
				[{ id: 2, status: 1, name: 'b' }],
				options({ confirmAbsence: 2 }),
			);
			expect(once.events).toEqual([]);
			expect(once.memory.absent).toEqual({ 1: 1, 3: 1 });
			expect(once.memory.employees).toEqual(three().employees);
			const back = diffEmployees(
				once.memory,
				[
					{ id: 1, status: 1, name: 'a' },
					{ id: 2, status: 1, name: 'b' },
				],
				options({ confirmAbsence: 2 }),
			);
			expect(back.events).toEqual([]);
			// Employee 3 (status 5) is confirmed gone: dropped silently.
			expect(back.memory).not.toHaveProperty('absent');
			expect(Object.keys(back.memory.employees)).toEqual(['1', '2']);
			const twice = diffEmployees(
				once.memory,
				[{ id: 2, status: 1, name: 'b' }],
				options({ confirmAbsence: 2 }),
			);
			expect(twice.events.map((event) => [event.reason, event.employee.id])).toEqual([
				['notListed', 1],
			]);
			expect(Object.keys(twice.memory.employees)).toEqual(['2']);
			expect(twice.memory).not.toHaveProperty('absent');
		});

		test('an incomplete listing neither counts nor fires, even when the count had reached the confirmation', () => {
			const once = diffEmployees(
				three(),
				[{ id: 2, status: 1, name: 'b' }],
				options({ confirmAbsence: 2 }),
			);
			const incomplete = diffEmployees(
				once.memory,
				[{ id: 2, status: 1, name: 'b' }],
				options({ confirmAbsence: 1, complete: false }),
			);
			expect(incomplete.events).toEqual([]);
			expect(incomplete.memory.absent).toEqual({ 1: 1, 3: 1 });
			expect(Object.keys(incomplete.memory.employees).sort()).toEqual(['1', '2', '3']);
			const fresh = diffEmployees(
				three(),
				[{ id: 2, status: 1, name: 'b' }],
				options({ complete: false }),
			);
			expect(fresh.memory).not.toHaveProperty('absent');
		});

		test('kept under new fields: values carried when all are known, tags otherwise', () => {
			const memory = base(
				[
					{ id: 1, status: 1, name: 'a', phone: 'p' },
					{ id: 2, status: 1, name: 'b', phone: 'q' },
				],
				['name', 'phone'],
				true,
			);
			const narrower = diffEmployees(
				memory,
				[],
				options({ fields: ['name'], compare: ['name'], keepValues: true, complete: false }),
			);
			expect(narrower.memory.employees['1']).toBe('[1,"a"]');
			const wider = diffEmployees(
				memory,
				[],
				options({
					fields: ['mobileNumber', 'name'],
					compare: ['mobileNumber', 'name'],
					keepValues: true,
					complete: false,
				}),
			);
			expect(wider.memory.employees['1']).toMatch(/^1\.\.\.[\w-]{3}$/);
			const same = diffEmployees(
				memory,
				[],
				options({
					fields: ['name', 'phone'],
					compare: ['name', 'phone'],
					keepValues: true,
					complete: false,
				}),
			);
			expect(same.memory.employees['1']).toBe(memory.employees['1']);
			const tags = base([{ id: 1, status: 1, name: 'a' }], ['name'], false);
			const keptTags = diffEmployees(
				tags,
				[],
				options({ fields: ['name'], compare: ['name'], keepValues: true, complete: false }),
			);
			expect(keptTags.memory.employees['1']).toBe(tags.employees['1']);
			// Later, the unknown field is learnt, the known one still compared.
			const later = diffEmployees(
				wider.memory,
				[{ id: 1, status: 1, name: 'z', mobileNumber: 'm' }],
				options({
					fields: ['mobileNumber', 'name'],
					compare: ['mobileNumber', 'name'],
					keepValues: true,
				}),
			);
			expect(later.events.map((event) => event.changes)).toEqual([{ name: { current: 'z' } }]);
		});

		test('Remember Previous Values turned off: someone a listing missed keeps a fingerprint only, like everyone else', () => {
			// Watching name, user ID and WeCom user ID, the fields are the same with the option on or off.
			const fields = ['name', 'userId', 'weComUserId'];
			const one = { id: 1, status: 1, name: 'a', userId: 'u' };
			const two = { id: 2, status: 1, name: 'b', userId: 'v' };
			const off = { fields, compare: fields, keepValues: false, confirmAbsence: 2 };
			const missed = diffEmployees(
				base([one, two], fields, true),
				[two],
				options({ ...off, complete: false }),
			);
			expect(missed.memory.employees).toEqual(baseline([one, two], fields, false).employees);
			// The option's promise: off, previous values are given for the status only.
			const renamed = diffEmployees(missed.memory, [{ ...one, name: 'z' }, two], options(off));
			expect(renamed.events.map((event) => event.changes)).toStrictEqual([
				{ name: { current: 'z' } },
			]);
		});
	});
});

describe('state rules', () => {
	test('the source fingerprint: 16 characters, differs by base URL, App ID and path, ignores a trailing slash, holds no input', () => {
		const fp = sourceFingerprint('https://open.example.com', 'app-1', '/list');
		expect(fp).toMatch(/^[\w-]{16}$/);
		expect(sourceFingerprint('https://open.example.com/', 'app-1', '/list')).toBe(fp);
		expect(sourceFingerprint('https://open.example.com//', 'app-1', '/list')).toBe(fp);
		expect(sourceFingerprint('https://other.example.com', 'app-1', '/list')).not.toBe(fp);
		expect(sourceFingerprint('https://open.example.com', 'app-2', '/list')).not.toBe(fp);
		expect(sourceFingerprint('https://open.example.com', 'app-1', '/list2')).not.toBe(fp);
		expect(sourceFingerprint('https://open.example.com/x', 'app-1', '')).not.toBe(
			sourceFingerprint('https://open.example.com', 'app-1', '/x'),
		);
		expect(fp).not.toContain('app');
	});

	test('memoryOf and whyNewBaseline', () => {
		const memory = { source: 's1', startId: 3 };
		expect(memoryOf({ version: STATE_VERSION }, memory, 's1')).toBe(memory);
		expect(memoryOf({ version: STATE_VERSION }, memory, 's2')).toBeUndefined();
		expect(memoryOf({ version: 1 }, memory, 's1')).toBeUndefined();
		expect(memoryOf({}, memory, 's1')).toBeUndefined();
		expect(memoryOf({ version: STATE_VERSION }, undefined, 's1')).toBeUndefined();
		expect(whyNewBaseline({ version: STATE_VERSION }, memory, 's1')).toBeUndefined();
		expect(whyNewBaseline({ version: STATE_VERSION }, undefined, 's1')).toBeUndefined();
		expect(whyNewBaseline({ version: 1 }, memory, 's1')).toMatch(/earlier version/);
		expect(whyNewBaseline({ version: STATE_VERSION }, memory, 's2')).toMatch(/Base URL or App ID/);
		expect(STATE_VERSION).toBe(2);
	});

	test.each([
		[DEFAULT_MAX_LEAVERS, 100, 5, '5% of 100 known employees'],
		[DEFAULT_MAX_LEAVERS, 20_000, 500, '500'],
		[DEFAULT_MAX_LEAVERS, 10_000, 500, '5% of 10000 known employees'],
		[DEFAULT_MAX_LEAVERS, 10, 1, '5% of 10 known employees'],
		['20', 5, 20, '20'],
		['2.5%', 100, 3, '2.5% of 100 known employees'],
		['2.25%', 400, 9, '2.25% of 400 known employees'],
		[' 10 % ', 100, 10, '10% of 100 known employees'],
		['0', 100, 0, '0'],
		['7, 3, 9', 100, 3, '3'],
		['100%,', 40, 40, '100% of 40 known employees'],
	])('leaverLimit(%p, %p known) = %p (%s)', (setting, known, limit, explained) => {
		expect(leaverLimit(setting, known)).toEqual({ limit, explained });
	});

	test.each([[''], [' , '], ['many'], ['-1'], ['5%%'], ['1.5'], ['%'], ['-5%'], ['x5%']])(
		'leaverLimit(%p) names what is wrong',
		(setting) => {
			expect(() => leaverLimit(setting, 100)).toThrow(/Max Leavers per Poll/);
		},
	);

	test('one poll at a time per key; released, it can start again; other keys are independent', () => {
		expect(startPoll('w\u0000a')).toBe(true);
		expect(startPoll('w\u0000a')).toBe(false);
		expect(startPoll('w\u0000b')).toBe(true);
		endPoll('w\u0000a');
		expect(startPoll('w\u0000a')).toBe(true);
		endPoll('w\u0000a');
		endPoll('w\u0000b');
	});

	test('the first poll since activation is known by the state object', () => {
		const state = {};
		expect(isFirstPollSinceActivation(state)).toBe(true);
		markPolled(state);
		expect(isFirstPollSinceActivation(state)).toBe(false);
		expect(isFirstPollSinceActivation({})).toBe(true);
	});
});
