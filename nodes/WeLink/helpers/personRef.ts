/** A person as an item names them: Corp User ID, mobile number or email (with the aliases an expression may give). */

import { ParameterError } from '../../shared/errors';
import { requiredString } from '../../shared/validate';

export type IdentifierType = 'corpUserId' | 'mobileNumber' | 'userEmail';

const IDENTIFIER_ALIASES: Record<string, IdentifierType> = {
	corpuserid: 'corpUserId',
	mobilenumber: 'mobileNumber',
	mobile: 'mobileNumber',
	useremail: 'userEmail',
	email: 'userEmail',
};

export function identifierType(value: unknown): IdentifierType {
	const type =
		typeof value === 'string' ? IDENTIFIER_ALIASES[value.trim().toLowerCase()] : undefined;
	if (!type) {
		throw new ParameterError(
			'Identify By',
			`Identify By must be corpUserId, mobileNumber or userEmail, got ${JSON.stringify(value ?? null)}`,
		);
	}
	return type;
}

export interface PersonRef {
	type: IdentifierType;
	value: string;
}

export function personRef(typeValue: unknown, identifier: unknown): PersonRef {
	const type = identifierType(typeValue);
	const value = requiredString(
		identifier,
		'Identifier',
		`The item needs a ${type} to look the person up. Check the expression in "Identifier".`,
	);
	return { type, value };
}
