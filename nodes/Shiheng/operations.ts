import type { IDataObject } from 'n8n-workflow';

import { ParameterError } from '../shared/errors';
import { fetchNumberedPages, followCursor } from '../shared/paging';
import type { ShihengClient } from './ShihengClient';
import { readableEmployee } from './employees';

/** The node's operations, apart from n8n plumbing so they read (and throw kit errors) plainly. */

export function rethrow(error: unknown): never {
	throw error;
}

export function unknownOperation(resource: string, operation: string): never {
	throw new ParameterError('Operation', `The operation "${operation}" is not known for "${resource}"`);
}

/** Page 1 tells the page count; the rest are fetched concurrently and output in page order. */
export async function listEmployees(
	client: ShihengClient,
	path: string,
	pageSize: number,
	limit: number | undefined,
	concurrency: number,
	simplify: boolean,
	signal: AbortSignal | undefined,
): Promise<IDataObject[]> {
	let unkeyed = 0;
	const employees = await fetchNumberedPages<Record<string, unknown>>({
		pageSize,
		limit,
		concurrency,
		signal,
		fetchPage: async (pageNum) => {
			const page = await client.employeePage(path, pageNum, pageSize);
			return { items: page.result, totalPages: page.pages };
		},
		// An employee appearing on two pages (the list shifted while paging) is output once.
		key: (employee) =>
			typeof employee.id === 'number' || typeof employee.id === 'string' ? `id:${employee.id}` : `row:${unkeyed++}`,
	});
	return employees.map((employee) => readableEmployee(employee, simplify));
}

type Cursor = number | string;

function parseStartId(value: unknown): Cursor {
	if (value === undefined || value === null || value === '') return 0;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
		const number = Number(value.trim());
		return Number.isSafeInteger(number) ? number : value.trim();
	}
	throw new ParameterError('Start ID', `Start ID must be a whole number of 0 or more, got "${String(value)}"`);
}

/**
 * Follows the startId cursor and works out where a later run should resume: after the last page
 * fully output, or at the start of a page cut short by the limit or read at the list's end.
 */
export async function listCustomers(
	client: ShihengClient,
	path: string,
	pageSize: number,
	limit: number | undefined,
	options: IDataObject,
	signal: AbortSignal | undefined,
): Promise<IDataObject[]> {
	const start = parseStartId(options.startId);
	const pages: Array<{ startId: Cursor; next: Cursor | null; size: number }> = [];
	const result = await followCursor<Record<string, unknown>, Cursor>({
		start,
		limit,
		signal,
		fetch: async (startId) => {
			const page = await client.customerPage(path, startId, pageSize);
			pages.push({ startId, next: page.nextStartId, size: page.result.length });
			return { items: page.result, next: page.nextStartId };
		},
	});
	const customers = result.items as IDataObject[];
	if (options.addResumeStartId === false || customers.length === 0) return customers;

	const last = pages[pages.length - 1];
	const outputOfLast = customers.length - pages.slice(0, -1).reduce((sum, page) => sum + page.size, 0);
	const resumeStartId = last.next !== null && outputOfLast >= last.size ? last.next : last.startId;
	return customers.map((customer) => ({ ...customer, resumeStartId }));
}
