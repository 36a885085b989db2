import { createHash } from 'node:crypto';

import { STATUS_LEFT } from './codes';

/**
 * What the Shiheng Trigger remembers between polls, and how one listing compares with it.
 *
 * Per employee it keeps one short string, not the row: the status exactly (Left and re-activation
 * depend on it), then one 3-character tag per watched field (18 bits of a SHA-1 of the value), or,
 * when the user asks to remember previous values, a JSON array of the status and the watched values.
 * A tag names the field that changed; it cannot give back the value it was made from. Each string
 * says which form it has (a JSON array starts with "["; a status token never does).
 */

export type EmployeeEventName = 'employeeJoined' | 'employeeChanged' | 'employeeLeft';

/** Why an event fired, for users who route on it. */
export type EventReason = 'new' | 'reactivated' | 'statusLeft' | 'notListed' | 'fieldsChanged';

export interface EmployeeMemory {
	/** The watched fields besides the status (always kept exactly), in the order the packed strings hold them. */
	fields: string[];
	/** Employee id → packed state. */
	employees: Record<string, string>;
	/**
	 * Employee id → in how many complete listings in a row they were missing, for those missing
	 * now and not yet reported (absence is confirmed over several listings before it is a Left).
	 */
	absent?: Record<string, number>;
}

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
}

const TAG_LENGTH = 3;
/** A field whose earlier value is not known (it was not watched then): never compared. */
const UNKNOWN_TAG = '...';

function tag(value: unknown): string {
	return createHash('sha1')
		.update(JSON.stringify(value ?? null))
		.digest('base64url')
		.slice(0, TAG_LENGTH);
}

function statusToken(status: unknown): string {
	if (status === undefined || status === null) return '';
	// Its JSON text (for the integer the doc gives, its digits), so any status comes back as it was; an
	// array's gets a leading space (JSON allows it), as a packed string starting with "[" is the values form.
	const text = JSON.stringify(status);
	return text.startsWith('[') ? ` ${text}` : text;
}

function statusFromToken(token: string): unknown {
	if (token === '') return null;
	return JSON.parse(token) as unknown;
}

function isLeft(status: unknown): boolean {
	return (
		(typeof status === 'number' || typeof status === 'string') && Number(status) === STATUS_LEFT
	);
}

/** One employee as remembered. */
export function pack(
	row: Record<string, unknown>,
	fields: readonly string[],
	keepValues: boolean,
): string {
	if (keepValues)
		return JSON.stringify([row.status ?? null, ...fields.map((field) => row[field] ?? null)]);
	return statusToken(row.status) + fields.map((field) => tag(row[field])).join('');
}

interface Remembered {
	status: unknown;
	/** The tag of a watched field, or undefined when the field was not watched then. */
	tagOf(field: string): string | undefined;
	/** The value of a watched field, when values were kept. */
	valueOf(field: string): { known: boolean; value?: unknown };
}

function unpack(packed: string, fields: readonly string[]): Remembered {
	if (packed.startsWith('[')) {
		const [status, ...values] = JSON.parse(packed) as unknown[];
		const valueOf = (field: string) => {
			const index = fields.indexOf(field);
			return index < 0 ? { known: false } : { known: true, value: values[index] };
		};
		return {
			status,
			tagOf: (field) => (fields.includes(field) ? tag(valueOf(field).value) : undefined),
			valueOf,
		};
	}
	const tags = packed.slice(packed.length - fields.length * TAG_LENGTH);
	const status = statusFromToken(packed.slice(0, packed.length - tags.length));
	return {
		status,
		tagOf: (field) => {
			const index = fields.indexOf(field);
			const found =
				index < 0 ? undefined : tags.slice(index * TAG_LENGTH, (index + 1) * TAG_LENGTH);
			return found === UNKNOWN_TAG ? undefined : found;
		},
		valueOf: () => ({ known: false }),
	};
}

/** The key an employee is remembered under; undefined for a row without a usable id (never an event). */
export function idKey(row: Record<string, unknown>): string | undefined {
	const id = row.id;
	if (Number.isFinite(id)) return String(id);
	if (typeof id === 'string' && id.trim() !== '') return id;
	return undefined;
}

/** The id as the list gave it: a key written from a whole number goes back to that number, any other stays text. */
export function idFromKey(key: string): number | string {
	return /^(0|-?[1-9]\d*)$/.test(key) && Number.isSafeInteger(Number(key)) ? Number(key) : key;
}

/** Builds the memory of a listing without any event (the first activation's baseline). */
export function baseline(
	rows: Array<Record<string, unknown>>,
	fields: readonly string[],
	keepValues: boolean,
): EmployeeMemory {
	const employees: Record<string, string> = {};
	for (const row of rows) {
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
	rows: Array<Record<string, unknown>>,
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
	const employees: Record<string, string> = {};
	const absent: Record<string, number> = {};
	const wasAbsent = previous.absent ?? {};
	for (const row of rows) {
		const key = idKey(row);
		if (key === undefined || Object.hasOwn(employees, key)) continue;
		employees[key] = pack(row, now.fields, now.keepValues);
		const packed = Object.hasOwn(previous.employees, key) ? previous.employees[key] : undefined;
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
	for (const [key, packed] of Object.entries(previous.employees)) {
		if (Object.hasOwn(employees, key)) continue;
		const missing = (Object.hasOwn(wasAbsent, key) ? wasAbsent[key] : 0) + (now.complete ? 1 : 0);
		if (!now.complete || missing < now.confirmAbsence) {
			// Not seen, but not yet proven gone: keep what is known, say nothing.
			employees[key] = repack(packed, previous, now);
			if (missing > 0) absent[key] = missing;
			continue;
		}
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
	return { events, memory };
}

/**
 * A remembered employee carried over under the current fields and form, keeping whatever can be
 * kept. Also when the fields are the same: with Remember Previous Values turned off, values are
 * not kept for someone a listing missed either.
 */
function repack(
	packed: string,
	previous: EmployeeMemory,
	now: { fields: readonly string[]; keepValues: boolean },
): string {
	const before = unpack(packed, previous.fields);
	const values = now.fields.map((field) => before.valueOf(field));
	if (now.keepValues && values.every((value) => value.known)) {
		return JSON.stringify([before.status ?? null, ...values.map((value) => value.value ?? null)]);
	}
	return (
		statusToken(before.status) +
		now.fields.map((field) => before.tagOf(field) ?? UNKNOWN_TAG).join('')
	);
}
