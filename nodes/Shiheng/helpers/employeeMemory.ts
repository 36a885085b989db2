import * as crypto from 'node:crypto';

/**
 * What the Shiheng Trigger remembers between polls.
 *
 * Per employee it keeps one short string, not the row: the status exactly (Left and re-activation
 * depend on it), then one 3-character tag per watched field (18 bits of a SHA-1 of the value), or,
 * when the user asks to remember previous values, a JSON array of the status and the watched values.
 * A tag names the field that changed; it cannot give back the value it was made from. Each string
 * says which form it has (a JSON array starts with "["; a status token never does).
 */

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

const TAG_LENGTH = 3;
/** A field whose earlier value is not known (it was not watched then): never compared. */
const UNKNOWN_TAG = '...';

/** Node's one-shot digest (21.7+) where there is one: a poll tags every watched field of every employee. */
const sha1Base64url: (text: string) => string =
	typeof crypto.hash === 'function'
		? (text) => crypto.hash('sha1', text, 'base64url')
		: (text) => crypto.createHash('sha1').update(text).digest('base64url');

/** An empty field (null or missing) is the commonest single value: its tag is computed once. */
const NULL_TAG = sha1Base64url('null').slice(0, TAG_LENGTH);

export function tag(value: unknown): string {
	if (value === null || value === undefined) return NULL_TAG;
	return sha1Base64url(JSON.stringify(value)).slice(0, TAG_LENGTH);
}

export function statusToken(status: unknown): string {
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

/** One employee as remembered. */
export function pack(
	row: Record<string, unknown>,
	fields: readonly string[],
	keepValues: boolean,
): string {
	if (keepValues)
		return JSON.stringify([row.status ?? null, ...fields.map((field) => row[field] ?? null)]);
	let packed = statusToken(row.status);
	for (const field of fields) packed += tag(row[field]);
	return packed;
}

export interface Remembered {
	status: unknown;
	/** The tag of a watched field, or undefined when the field was not watched then. */
	tagOf(field: string): string | undefined;
	/** The value of a watched field, when values were kept. */
	valueOf(field: string): { known: boolean; value?: unknown };
}

export function unpack(packed: string, fields: readonly string[]): Remembered {
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

/**
 * A remembered employee carried over under the current fields and form, keeping whatever can be
 * kept. Also when the fields are the same: with Remember Previous Values turned off, values are
 * not kept for someone a listing missed either.
 */
export function repack(
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
