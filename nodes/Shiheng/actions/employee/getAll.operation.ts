import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	NodeExecutionHint,
} from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions';
import { forEachItem, requestTuningFields } from '../../../shared/node-kit';
import { PageCountMemory, fetchNumberedPages } from '../../../shared/paging';
import type { OperationRun } from '../../../shared/router';
import { intInRange } from '../../../shared/validate';
import { SIMPLE_EMPLOYEE_FIELDS, readableEmployee, withListingDetails } from '../../helpers/output';
import { clientFor, endpointPath } from '../../transport/client';
import type { ShihengClient } from '../../transport/client';
import type { ShihengConnection } from '../../transport/connection';
import { endpointPathField } from '../common.descriptions';

export const EMPLOYEE_DEFAULT_CONCURRENCY = 5;
export const EMPLOYEE_MAX_PAGE_SIZE = 50;

const show = { resource: ['employee'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	endpointPathField(show, 'WeCom employee list'),
	...returnAllOrLimit(show),
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		displayOptions: { show },
		typeOptions: { minValue: 1, maxValue: EMPLOYEE_MAX_PAGE_SIZE },
		default: EMPLOYEE_MAX_PAGE_SIZE,
		description: 'Employees per request (pageSize), 1 to 50. Larger pages mean fewer requests.',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		displayOptions: { show },
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		hint: `Simplified: ${SIMPLE_EMPLOYEE_FIELDS.join(', ')}`,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: [
			{
				displayName: 'Add Listing Details',
				name: 'addListingDetails',
				type: 'boolean',
				default: false,
				description:
					'Whether to add "listing" to every employee, for audits: the total and page count Shiheng reported, the traceId of the answer the employee came from, whether the employees read matched that total, and how often the list was read',
			},
			...requestTuningFields({ concurrency: EMPLOYEE_DEFAULT_CONCURRENCY }).map((field) =>
				field.name === 'concurrency'
					? {
							...field,
							description:
								'How many pages are requested at once, the first ones before Shiheng has told the page count. Pages are still output in order.',
						}
					: field,
			),
		],
	},
];

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

export interface ListedEmployee {
	employee: Record<string, unknown>;
	/** traceId of the answer the employee came from. */
	traceId?: string;
}

export interface EmployeeListing {
	/** Each employee once, in list order. */
	employees: ListedEmployee[];
	/** The vendor's total and page count in the latest answer (undefined when it reports none). */
	total?: number;
	pages?: number;
	/**
	 * Whether the employees read are all there are: as many different ones as `total` says (or the
	 * limit allows), with every answer stating the same total. Undefined when Shiheng stated no total.
	 */
	complete: boolean | undefined;
	/** How often the list was read. */
	passes: number;
}

/**
 * One read of the list: the first pages are asked for at once, the answers tell the page count,
 * the rest are fetched concurrently, and all are kept in page order. An employee met on two pages (the list shifted while paging) is kept once; one the
 * shift moved past the pages read is missing, which the total tells.
 */
async function readOnce(client: ShihengClient, path: string, request: ListingRequest): Promise<Omit<EmployeeListing, 'passes'>> {
	const { pageSize, limit, concurrency, signal } = request;
	const totals = new Set<number>();
	let total: number | undefined;
	let pages: number | undefined;
	let unkeyed = 0;
	const employees = await fetchNumberedPages<ListedEmployee>({
		pageSize,
		limit,
		concurrency,
		signal,
		// The first wave goes out before any answer tells the page count (at most concurrency − 1
		// requests past the end of a list shorter than expected).
		pageCountHint: request.pageCountHint,
		speculative: true,
		fetchPage: async (pageNum) => {
			const page = await client.employeePage(path, pageNum, pageSize);
			if (page.total !== undefined) {
				totals.add(page.total);
				total = page.total;
			}
			pages = page.pages ?? pages;
			return { items: page.result.map((employee) => ({ employee, traceId: page.traceId })), totalPages: page.pages };
		},
		key: ({ employee }) =>
			typeof employee.id === 'number' || typeof employee.id === 'string' ? `id:${employee.id}` : `row:${unkeyed++}`,
	});
	let complete: boolean | undefined;
	if (total !== undefined) {
		const expected = limit === undefined ? total : Math.min(limit, total);
		complete = totals.size === 1 && employees.length === expected;
	}
	return { employees, total, pages, complete };
}

/**
 * Reads the employee list, and reads it again (at most MAX_EXTRA_PASSES more times) while what was
 * read does not add up to the total Shiheng states: a list that changes during concurrent paging
 * can otherwise lose or repeat people silently. The last read is returned, marked incomplete if
 * it still does not add up.
 */
export async function readEmployees(client: ShihengClient, path: string, request: ListingRequest): Promise<EmployeeListing> {
	const memoryKey = client.listKey(path, request.pageSize);
	const read = async (pageCountHint: number | undefined) => {
		const once = await readOnce(client, path, { ...request, pageCountHint });
		pageCounts.remember(memoryKey, once.pages);
		return once;
	};
	let listing = await read(request.pageCountHint ?? pageCounts.recall(memoryKey));
	let passes = 1;
	while (listing.complete === false && passes <= MAX_EXTRA_PASSES) {
		listing = await read(listing.pages);
		passes++;
	}
	return { ...listing, passes };
}

/** Page counts of the lists read in this process: the next reading's first wave. */
const pageCounts = new PageCountMemory();

/** What an n8n user sees above the output when the list never added up. */
export function incompleteListingHint(listing: EmployeeListing, itemIndex: number): NodeExecutionHint {
	return {
		type: 'warning',
		location: 'outputPane',
		message: `Item ${itemIndex}: Shiheng stated ${listing.total} employees, but ${listing.employees.length} different ones were read (the list was read ${listing.passes} times). The list changed while it was being read, so some employees may be missing. Run again later; "Add Listing Details" in Options shows what each answer stated.`,
	};
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<ShihengConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const path = endpointPath(this.getNodeParameter('endpointPath', itemIndex), 'Endpoint Path');
		const limit = readLimit(this, itemIndex);
		const { client, concurrency } = clientFor(run.connection, run.redactor, run.signal, run.egress, options, {
			concurrency: EMPLOYEE_DEFAULT_CONCURRENCY,
		});
		const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, EMPLOYEE_MAX_PAGE_SIZE);
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		const listing = await readEmployees(client, path, { pageSize, limit, concurrency, signal: run.signal });
		if (listing.complete === false) this.addExecutionHints(incompleteListingHint(listing, itemIndex));
		const details = options.addListingDetails === true;
		return listing.employees.map(({ employee, traceId }) => {
			const item = readableEmployee(employee, simplify);
			return details ? withListingDetails(item, listing, traceId) : item;
		});
	});
}
