import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	NodeExecutionHint,
} from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions/limit';
import { forEachItem } from '../../../shared/execution/item-loop';
import { requestTuningFields } from '../../../shared/descriptions/options';
import { PageCountMemory, readCountedListing } from '../../../shared/execution/paging';
import type { CountedListing } from '../../../shared/execution/paging';
import type { OperationRun } from '../../../shared/execution/router';
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

export interface EmployeeListing extends CountedListing<ListedEmployee> {
	/** Each employee once, in list order (the listing's items). */
	employees: ListedEmployee[];
}

/**
 * Reads the employee list and reads it again (at most MAX_EXTRA_PASSES more times) while what was
 * read does not add up to the total Shiheng states. The first wave of pages goes out before any
 * answer tells the page count: as many as this process last saw for the same list, else
 * Concurrency pages (at most Concurrency - 1 requests past the end of a shorter list). An employee
 * met on two pages (the list shifted while paging) is kept once; one the shift moved past the
 * pages read is missing, which the total tells.
 */
export async function readEmployees(client: ShihengClient, path: string, request: ListingRequest): Promise<EmployeeListing> {
	const memoryKey = client.listKey(path, request.pageSize);
	const listing = await readCountedListing<ListedEmployee>({
		...request,
		pageCountHint: request.pageCountHint ?? pageCounts.recall(memoryKey),
		speculative: true,
		maxExtraPasses: MAX_EXTRA_PASSES,
		fetchPage: async (pageNum) => {
			const page = await client.employeePage(path, pageNum, request.pageSize);
			return { items: page.result.map((employee) => ({ employee, traceId: page.traceId })), total: page.total, pages: page.pages };
		},
		key: ({ employee }) => (typeof employee.id === 'number' || typeof employee.id === 'string' ? `id:${employee.id}` : undefined),
	});
	pageCounts.remember(memoryKey, listing.pages);
	return { ...listing, employees: listing.items };
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
