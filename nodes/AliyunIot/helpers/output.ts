import type { IDataObject } from 'n8n-workflow';

import { REDACTION_MASK } from '../../shared/redact';
import { objectRows } from '../../shared/http/body';

/** How IoT Living Link answers (`data` of the envelope) become output items. */

export function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** One page of querybycompanyid: its employees and, when the platform says, the page count. */
export function employeePage(
	data: unknown,
	pageSize: number,
): { items: IDataObject[]; totalPages?: number } {
	const page = asObject(data);
	const items = objectRows<IDataObject>(page.employeeList);
	const totalPages =
		typeof page.pageCount === 'number'
			? page.pageCount
			: typeof page.total === 'number'
				? Math.ceil(page.total / pageSize)
				: undefined;
	return { items, totalPages };
}

/** The key that tells employees apart when a page shifts under paging. */
export function employeeKey(employee: IDataObject): string {
	return String(employee.employeeId ?? JSON.stringify(employee));
}

/** A custom call's `data`: an object is the item; anything else is wrapped as `{ data }`. */
export function callResultItem(data: unknown): IDataObject {
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as IDataObject;
	return { data: data === undefined ? null : (data as IDataObject['data']) };
}

/** Shorter values are not tokens; masking them would mangle ordinary text (as in the Redactor). */
const MIN_TOKEN_LENGTH = 4;

function maskIn(value: unknown, tokens: string[]): unknown {
	if (typeof value === 'string')
		return tokens.reduce((text, token) => text.split(token).join(REDACTION_MASK), value);
	if (Array.isArray(value)) return value.map((entry) => maskIn(entry, tokens));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [key, maskIn(entry, tokens)]),
		);
	}
	return value;
}

/**
 * The item with the tokens the user gave (IoT Token, Cloud Token) masked wherever the platform
 * echoed them. Only those exact values: a token the platform issues in its answer (a login, a
 * refresh) is the output the user asked for and stays.
 */
export function withoutTokens(item: IDataObject, tokens: Array<string | undefined>): IDataObject {
	const given = tokens.filter(
		(token): token is string => token !== undefined && token.length >= MIN_TOKEN_LENGTH,
	);
	return given.length === 0 ? item : (maskIn(item, given) as IDataObject);
}
