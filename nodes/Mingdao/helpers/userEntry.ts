import { ParameterError } from '../../shared/errors';
import { jsonObject, requiredString } from '../../shared/validate';
import type { MingdaoUserWrite } from '../transport/types';

/** User → Upsert's user entry of one item: the documented fields checked, the rest passed through. */

export const FIELD = {
	corpUserId: 'Third-Party User ID',
	name: 'Name',
	email: 'Email',
	mobilePhone: 'Mobile Phone',
	otherFields: 'Other User Fields (JSON)',
	emptyValues: 'Empty Values',
} as const;

/** The User fields Mingdao's upsertUsers page names; the rest of its User entity is passed through. */
const DOCUMENTED_FIELDS = ['corpUserId', 'name', 'email', 'mobilePhone'] as const;

function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** A documented text field: trimmed text, or '' when empty. */
function textOf(value: unknown, field: string): string {
	if (isEmpty(value)) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw new ParameterError(field, `${field} must be text, got ${typeof value}`);
}

const keepHint = (field: string) =>
	`Map ${field} to the value the user should keep, or set "${FIELD.emptyValues}" to "Send Them" to clear it on purpose`;

/** The user entry of one item, every field checked; throws a ParameterError naming the field. */
export function userEntry(
	values: {
		corpUserId: unknown;
		name: unknown;
		email: unknown;
		mobilePhone: unknown;
		otherFields: unknown;
	},
	clearEmpty: boolean,
): MingdaoUserWrite {
	const corpUserId = requiredString(values.corpUserId, FIELD.corpUserId);
	const name = requiredString(values.name, FIELD.name);
	const email = textOf(values.email, FIELD.email);
	const mobilePhone = textOf(values.mobilePhone, FIELD.mobilePhone);
	if (email === '' && mobilePhone === '') {
		throw new ParameterError(
			FIELD.email,
			`${FIELD.email} and ${FIELD.mobilePhone} are both empty; Mingdao needs at least one of them`,
		);
	}
	if (!clearEmpty) {
		if (email === '')
			throw new ParameterError(
				FIELD.email,
				`${FIELD.email} is empty: Mingdao would clear the user's email`,
				keepHint(FIELD.email),
			);
		if (mobilePhone === '') {
			throw new ParameterError(
				FIELD.mobilePhone,
				`${FIELD.mobilePhone} is empty: Mingdao would clear the user's mobile number`,
				keepHint(FIELD.mobilePhone),
			);
		}
	}
	const other = jsonObject(values.otherFields ?? {}, FIELD.otherFields);
	for (const [key, value] of Object.entries(other)) {
		if ((DOCUMENTED_FIELDS as readonly string[]).includes(key)) {
			throw new ParameterError(
				FIELD.otherFields,
				`${FIELD.otherFields} repeats "${key}", which has a parameter of its own`,
			);
		}
		if (!clearEmpty && isEmpty(value)) {
			const field = `${FIELD.otherFields} "${key}"`;
			throw new ParameterError(
				field,
				`${field} is empty: Mingdao would clear this field of the user`,
				keepHint(`"${key}"`),
			);
		}
	}
	return { ...other, corpUserId, name, email, mobilePhone };
}
