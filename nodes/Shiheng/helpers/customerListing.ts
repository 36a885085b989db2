/** Reading Shiheng's customer list: the startId cursor followed page after page, and where a later read resumes. */

import type { IDataObject } from 'n8n-workflow';

import { ParameterError } from '../../shared/errors';
import { followCursor } from '../../shared/execution/cursor-paging';
import type { ShihengClient } from '../transport/client';

export const CUSTOMER_MAX_PAGE_SIZE = 100;

export type Cursor = number | string;

export function parseStartId(value: unknown): Cursor {
	if (value === undefined || value === null || value === '') return 0;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
		const number = Number(value.trim());
		return Number.isSafeInteger(number) ? number : value.trim();
	}
	throw new ParameterError(
		'Start ID',
		`Start ID must be a whole number of 0 or more, got "${String(value)}"`,
	);
}

/** A customer id usable as a startId: a whole number of 0 or more. */
function idAsCursor(id: unknown): Cursor | undefined {
	if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
	if (typeof id === 'string' && /^\d+$/.test(id)) return parseStartId(id);
	return undefined;
}

interface PageRead {
	startId: Cursor;
	next: Cursor | null;
	size: number;
}

/**
 * Where a later run continues so that its first customer is the first one not returned now. The
 * customer-list doc defines startId as "the customers whose id is greater", so that is the id of
 * the last customer returned, however the run ended (a limit mid-page, the list's end). A customer
 * without a usable id leaves only the vendor's own cursors: the next page's when the last page was
 * returned whole, else the start of that page (read again rather than skipped).
 */
function resumeStartIdAfter(customers: IDataObject[], pages: PageRead[]): Cursor {
	const afterLast = idAsCursor(customers[customers.length - 1].id);
	if (afterLast !== undefined) return afterLast;
	const last = pages[pages.length - 1];
	const returnedOfLast =
		customers.length - pages.slice(0, -1).reduce((sum, page) => sum + page.size, 0);
	return last.next !== null && returnedOfLast >= last.size ? last.next : last.startId;
}

export interface CustomerListing {
	customers: IDataObject[];
	/** Where a later read continues (undefined when nothing was read). */
	resumeStartId: Cursor | undefined;
}

/** Follows the startId cursor, one page after another, up to the limit. */
export async function readCustomers(
	client: ShihengClient,
	path: string,
	request: {
		startId: Cursor;
		pageSize: number;
		limit: number | undefined;
		signal: AbortSignal | undefined;
	},
): Promise<CustomerListing> {
	const pages: PageRead[] = [];
	const result = await followCursor<Record<string, unknown>, Cursor>({
		start: request.startId,
		limit: request.limit,
		signal: request.signal,
		fetch: async (startId) => {
			const page = await client.customerPage(path, startId, request.pageSize);
			pages.push({ startId, next: page.nextStartId, size: page.result.length });
			return { items: page.result, next: page.nextStartId };
		},
	});
	const customers = result.items as IDataObject[];
	return {
		customers,
		resumeStartId: customers.length === 0 ? undefined : resumeStartIdAfter(customers, pages),
	};
}
