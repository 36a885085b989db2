/** Reading Shiheng's employee list: numbered pages, re-read until it adds up to the stated total; the trigger's confirmed read for comparison. */

import type { NodeExecutionHint } from 'n8n-workflow';

import { PageCountMemory, readCountedListing } from '../../shared/execution/counted-listing';
import type { CountedListing } from '../../shared/execution/counted-listing';
import type { ShihengClient } from '../transport/client';
import { isLeft, rowReducer } from './changes';
import type { ComparedRow } from './changes';
import { idKey, unpack } from './employeeMemory';
import type { EmployeeMemory } from './employeeMemory';

export const EMPLOYEE_DEFAULT_CONCURRENCY = 5;
export const EMPLOYEE_MAX_PAGE_SIZE = 50;

/** Whole re-reads when the list changed while it was read; bounded, as a busy list may never settle. */
export const MAX_EXTRA_PASSES = 2;

export interface ListingRequest {
	pageSize: number;
	/** Undefined reads the whole list. */
	limit: number | undefined;
	concurrency: number;
	signal: AbortSignal | undefined;
	/**
	 * The page count the list had when last read (the trigger keeps it in its state); without it,
	 * the count this process last saw for the same list.
	 */
	pageCountHint?: number;
}

/** Who an employee is for telling the same one on two pages apart. */
export function listingKey(employee: Record<string, unknown>): string | undefined {
	return typeof employee.id === 'number' || typeof employee.id === 'string'
		? `id:${employee.id}`
		: undefined;
}

/**
 * Reads the employee list and reads it again (at most MAX_EXTRA_PASSES more times) while what was
 * read does not add up to the total Shiheng states. The first wave of pages goes out before any
 * answer tells the page count: as many as this process last saw for the same list, else
 * Concurrency pages (at most Concurrency - 1 requests past the end of a shorter list). An employee
 * met on two pages (the list shifted while paging) is kept once; one the shift moved past the
 * pages read is missing, which the total tells. Each employee is shaped as its page arrives
 * (`shape`), so a reader keeps only what it needs of the row; `key` tells the shaped employees
 * apart as listingKey does the rows.
 */
export async function readEmployeeList<T>(
	client: ShihengClient,
	path: string,
	request: ListingRequest,
	as: {
		shape: (employee: Record<string, unknown>, traceId: string | undefined) => T;
		key: (item: T) => string | undefined;
	},
): Promise<CountedListing<T>> {
	const memoryKey = client.listKey(path, request.pageSize);
	const listing = await readCountedListing<T>({
		...request,
		pageCountHint: request.pageCountHint ?? pageCounts.recall(memoryKey),
		speculative: true,
		maxExtraPasses: MAX_EXTRA_PASSES,
		fetchPage: async (pageNum, inFlight) => {
			const page = await client.employeePage(path, pageNum, request.pageSize, inFlight);
			return {
				items: page.result.map((employee) => as.shape(employee, page.traceId)),
				total: page.total,
				pages: page.pages,
			};
		},
		key: as.key,
	});
	pageCounts.remember(memoryKey, listing.pages);
	return listing;
}

/** Page counts of the lists read in this process: the next reading's first wave. */
const pageCounts = new PageCountMemory();

/** What an n8n user sees above the output when the list never added up. */
export function incompleteListingHint(
	listing: CountedListing<unknown>,
	itemIndex: number,
): NodeExecutionHint {
	return {
		type: 'warning',
		location: 'outputPane',
		message: `Item ${itemIndex}: Shiheng stated ${listing.total} employees, but ${listing.items.length} different ones were read (the list was read ${listing.passes} times). The list changed while it was being read, so some employees may be missing. Run again later; "Add Listing Details" in Options shows what each answer stated.`,
	};
}

/** What a read for comparison needs of the trigger's settings. */
export interface ListingSettings {
	client: ShihengClient;
	pageSize: number;
	concurrency: number;
	confirmAbsence: number;
	/** What is remembered of each employee (for reducing the rows as they arrive). */
	fields: readonly string[];
	keepValues: boolean;
}

/** A read for comparison: its items are the rows, or the keys of those exactly as remembered (rowReducer). */
export type ComparisonListing = CountedListing<ComparedRow>;

function keyOf(row: ComparedRow): string | undefined {
	return typeof row === 'string' ? row : idKey(row);
}

function idsOf(listing: ComparisonListing): Set<string> {
	const ids = new Set<string>();
	for (const row of listing.items) {
		const key = keyOf(row);
		if (key !== undefined) ids.add(key);
	}
	return ids;
}

/**
 * Under Confirm Absence Over 1, whether this listing alone would make someone leave: it misses a
 * remembered employee who has not left already. (With 2 or more, no Left rests on one listing: the
 * complete listings of earlier polls must have missed them too.)
 */
function missesSomeoneWhoStays(memory: EmployeeMemory, ids: Set<string>): boolean {
	for (const [key, packed] of Object.entries(memory.employees))
		if (!ids.has(key) && !isLeft(unpack(packed, memory.fields).status)) return true;
	return false;
}

const sameIds = (a: Set<string>, b: Set<string>) =>
	a.size === b.size && [...a].every((id) => b.has(id));

export class ListingError extends Error {}

/**
 * Reads the employee list for a comparison. A listing counts only when it adds up to the total
 * Shiheng states. A removal and an addition between two page reads keep the count right while
 * hiding someone who never left, so no Left may rest on one read: when this listing alone would
 * make someone leave (Confirm Absence Over 1), and when it is a baseline (a wrong one would report
 * someone as new later), a second read must give the very same ids. With Confirm Absence Over 2 or
 * more, the earlier polls' listings are that second read, and a poll reads the list once.
 * Bounded: after MAX_EXTRA_PASSES further reads the poll fails.
 * Undefined `complete` (Shiheng stated no total) is returned as is: absence then never counts.
 * Against a memory, each row is reduced as its page arrives (rowReducer): a poll of 100,000
 * employees holds the rows of those who changed, and most of the comparison is done by the time
 * the last page is in.
 */
export async function readForComparison(
	settings: ListingSettings,
	path: string,
	memory: EmployeeMemory | undefined,
): Promise<ComparisonListing> {
	const reduce = memory === undefined ? (row: ComparedRow) => row : rowReducer(memory, settings);
	const read = async (): Promise<ComparisonListing> =>
		await readEmployeeList<ComparedRow>(
			settings.client,
			path,
			{
				pageSize: settings.pageSize,
				limit: undefined,
				concurrency: settings.concurrency,
				signal: undefined,
			},
			{
				shape: reduce,
				// A key stands for a row with that id: `id:` as listingKey writes it.
				key: (row) => (typeof row === 'string' ? `id:${row}` : listingKey(row)),
			},
		);
	let listing = await read();
	let passes = listing.passes;
	if (listing.complete === false) {
		throw new ListingError(
			`Shiheng stated ${listing.total} employees, but ${listing.items.length} different ones were read, in each of ${passes} reads of the list. ` +
				'The list changed while it was read, or it lists an id more than once. Nothing was fired and nothing recorded; the next poll reads it again. ' +
				'If this keeps happening, look at the list with the Shiheng node (Employee → Get Many, Add Listing Details).',
		);
	}
	if (listing.complete !== true) return listing;
	if (memory !== undefined && settings.confirmAbsence > 1) return listing;
	let ids = idsOf(listing);
	if (memory !== undefined && !missesSomeoneWhoStays(memory, ids)) return listing;
	for (let confirm = 0; confirm < MAX_EXTRA_PASSES; confirm++) {
		const again = await read();
		passes += again.passes;
		const againIds = idsOf(again);
		if (again.complete === true && sameIds(ids, againIds)) return { ...again, passes };
		listing = again;
		ids = againIds;
	}
	throw new ListingError(
		`The employee list changed while it was read: ${passes} reads (Shiheng stated ${listing.total ?? 'no'} employees, the last read gave ${ids.size} ids) ` +
			'never gave the same ids twice in a row, so nobody could be counted as gone. Nothing was fired and nothing recorded; the next poll reads it again.',
	);
}
