import { STATUS_LEFT } from './codes';
import { idFromKey, idKey, pack, repack, statusToken, tag, unpack } from './employeeMemory';
import type { EmployeeMemory } from './employeeMemory';

/**
 * How one listing compares with what the Shiheng Trigger remembers between polls (the memory's
 * form: ./employeeMemory.ts).
 */

export type EmployeeEventName = 'employeeJoined' | 'employeeChanged' | 'employeeLeft';

/** Why an event fired, for users who route on it. */
export type EventReason = 'new' | 'reactivated' | 'statusLeft' | 'notListed' | 'fieldsChanged';

export interface FieldChange {
	/** Absent when only a tag was kept. */
	previous?: unknown;
	current: unknown;
}

export interface EmployeeEvent {
	event: EmployeeEventName;
	reason: EventReason;
	/** The employee as listed now; for one no longer listed, what is known of them. */
	employee: Record<string, unknown>;
	changes?: Record<string, FieldChange>;
}

export interface EmployeeDiff {
	events: EmployeeEvent[];
	memory: EmployeeMemory;
	/** How many employees the previous memory held (the base of Max Leavers per Poll's shares). */
	remembered: number;
}

/** Whether a status is 5 (left the company), whether it came as a number or as text. */
export function isLeft(status: unknown): boolean {
	return (
		(typeof status === 'number' || typeof status === 'string') && Number(status) === STATUS_LEFT
	);
}

/**
 * A listed employee as the comparison takes it: the row, or only its key when the employee is
 * packed exactly as remembered under the same fields (nothing to report, nothing to rewrite).
 */
export type ComparedRow = Record<string, unknown> | string;

/** Whether the memory's fields are the ones to remember now, in the same order. */
function sameFieldsAs(previous: EmployeeMemory, fields: readonly string[]): boolean {
	return (
		previous.fields.length === fields.length &&
		previous.fields.every((field, index) => field === fields[index])
	);
}

/**
 * Reduces each row, as its page arrives, to what the comparison needs: an employee packed exactly
 * as remembered becomes their key, so a poll holds the rows of those who changed, not of all
 * 100,000 employees, and the comparison at the end has little left to do. Every other row is
 * kept whole. diffEmployees treats a key exactly as it treats such a row.
 */
export function rowReducer(
	previous: EmployeeMemory,
	now: { fields: readonly string[]; keepValues: boolean },
): (row: Record<string, unknown>) => ComparedRow {
	if (!sameFieldsAs(previous, now.fields)) return (row) => row;
	return (row) => {
		const key = idKey(row);
		if (key === undefined || !Object.hasOwn(previous.employees, key)) return row;
		return previous.employees[key] === pack(row, now.fields, now.keepValues) ? key : row;
	};
}

/** Builds the memory of a listing without any event (the first activation's baseline). */
export function baseline(
	rows: ComparedRow[],
	fields: readonly string[],
	keepValues: boolean,
): EmployeeMemory {
	const employees: Record<string, string> = {};
	for (const row of rows) {
		// Only rowReducer makes a key, and only against a memory, which a baseline does not have.
		if (typeof row === 'string')
			throw new Error(`A baseline needs every row whole; employee ${row} came as a key only`);
		const key = idKey(row);
		if (key !== undefined) employees[key] = pack(row, fields, keepValues);
	}
	return { fields: [...fields], employees };
}

/**
 * Compares a listing with the memory. `complete` says the listing holds every employee there is:
 * only then does someone missing from it count as missing, and only when they were missing from
 * `confirmAbsence` complete listings in a row have they left; until then, and in a listing that
 * is not complete, they keep their memory. Someone listed again is no longer missing.
 * Someone new fires Joined, unless already at status 5 (remembered silently).
 * An employee whose status became 5 has left (Left); one whose status went from 5 to anything
 * else is back (Joined, reason "reactivated"); other differences in watched fields (and in the
 * status, when `watchStatus`) are Changed.
 */
export function diffEmployees(
	previous: EmployeeMemory,
	rows: ComparedRow[],
	now: {
		/** What to remember of each employee besides the status. */
		fields: readonly string[];
		/** Which of them count for Changed (every one of them unless values are kept for more). */
		compare: readonly string[];
		watchStatus: boolean;
		keepValues: boolean;
		complete: boolean;
		/** In how many complete listings in a row someone must be missing to have left (1: the first). */
		confirmAbsence: number;
	},
): EmployeeDiff {
	const events: EmployeeEvent[] = [];
	// Most of a large list is as remembered: copying the memory and changing what changed costs a
	// fraction of inserting 100,000 keys one by one (ids are integer-like keys: a dictionary).
	const employees: Record<string, string> = { ...previous.employees };
	const listed = new Set<string>();
	const absent: Record<string, number> = {};
	const wasAbsent = previous.absent ?? {};
	// Under the same fields, an employee packed exactly as remembered has nothing to report: most do.
	const sameFields = sameFieldsAs(previous, now.fields);
	for (const row of rows) {
		if (typeof row === 'string') {
			// Reduced by rowReducer: as remembered, so only listed.
			listed.add(row);
			continue;
		}
		const key = idKey(row);
		if (key === undefined || listed.has(key)) continue;
		listed.add(key);
		const packedNow = pack(row, now.fields, now.keepValues);
		const packed = Object.hasOwn(previous.employees, key) ? previous.employees[key] : undefined;
		if (packed !== packedNow) employees[key] = packedNow;
		if (sameFields && packed === packedNow) continue;
		if (packed === undefined) {
			// Someone first seen with status 5 joined and left unobserved: a Joined would open an account for a leaver.
			if (!isLeft(row.status))
				events.push({ event: 'employeeJoined', reason: 'new', employee: row });
			continue;
		}
		const before = unpack(packed, previous.fields);
		const statusChange: Record<string, FieldChange> = {
			status: { previous: before.status, current: row.status ?? null },
		};
		if (!isLeft(before.status) && isLeft(row.status)) {
			events.push({
				event: 'employeeLeft',
				reason: 'statusLeft',
				employee: row,
				changes: statusChange,
			});
			continue;
		}
		if (isLeft(before.status) && !isLeft(row.status)) {
			events.push({
				event: 'employeeJoined',
				reason: 'reactivated',
				employee: row,
				changes: statusChange,
			});
			continue;
		}
		const changes: Record<string, FieldChange> = {};
		if (now.watchStatus && statusToken(before.status) !== statusToken(row.status))
			changes.status = statusChange.status;
		for (const field of now.compare) {
			const beforeTag = before.tagOf(field);
			if (beforeTag === undefined || beforeTag === tag(row[field])) continue;
			const kept = before.valueOf(field);
			changes[field] = kept.known
				? { previous: kept.value ?? null, current: row[field] ?? null }
				: { current: row[field] ?? null };
		}
		if (Object.keys(changes).length > 0) {
			const named = Object.fromEntries(
				Object.keys(changes)
					.sort()
					.map((field) => [field, changes[field]]),
			);
			events.push({
				event: 'employeeChanged',
				reason: 'fieldsChanged',
				employee: row,
				changes: named,
			});
		}
	}
	// Object.keys, not for…in with an own-property check: half the time over 100,000 integer-like ids.
	const rememberedKeys = Object.keys(previous.employees);
	for (const key of rememberedKeys) {
		if (listed.has(key)) continue;
		const packed = previous.employees[key];
		const missing = (Object.hasOwn(wasAbsent, key) ? wasAbsent[key] : 0) + (now.complete ? 1 : 0);
		if (!now.complete || missing < now.confirmAbsence) {
			// Not seen, but not yet proven gone: keep what is known, say nothing.
			employees[key] = repack(packed, previous, now);
			if (missing > 0) absent[key] = missing;
			continue;
		}
		delete employees[key];
		const before = unpack(packed, previous.fields);
		// Someone already reported as left who is now gone from the list has nothing new to say.
		if (isLeft(before.status)) continue;
		const known: Record<string, unknown> = { id: idFromKey(key), status: before.status };
		for (const field of previous.fields) {
			const kept = before.valueOf(field);
			if (kept.known) known[field] = kept.value;
		}
		events.push({ event: 'employeeLeft', reason: 'notListed', employee: known });
	}
	const memory: EmployeeMemory = { fields: [...now.fields], employees };
	if (Object.keys(absent).length > 0) memory.absent = absent;
	return { events, memory, remembered: rememberedKeys.length };
}
