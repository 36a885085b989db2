import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions/limit';
import { ParameterError } from '../../../shared/errors';
import { forEachItem } from '../../../shared/execution/item-loop';
import { requestTuningFields } from '../../../shared/descriptions/options';
import { followCursor } from '../../../shared/execution/cursor-paging';
import type { OperationRun } from '../../../shared/execution/router';
import { intInRange } from '../../../shared/validate';
import { withResumeStartId } from '../../helpers/output';
import { clientFor, endpointPath } from '../../transport/client';
import type { ShihengClient } from '../../transport/client';
import type { ShihengConnection } from '../../transport/connection';
import { endpointPathField } from '../common.descriptions';

export const CUSTOMER_MAX_PAGE_SIZE = 100;

const show = { resource: ['customer'], operation: ['getAll'] };

// Cursor pages depend on each other, so the concurrency option does not apply here.
const tuning = requestTuningFields({ concurrency: 1 }).filter((field) => field.name !== 'concurrency');

export const description: INodeProperties[] = [
	endpointPathField(show, 'WeCom customer list'),
	...returnAllOrLimit(show),
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		displayOptions: { show },
		typeOptions: { minValue: 1, maxValue: CUSTOMER_MAX_PAGE_SIZE },
		default: CUSTOMER_MAX_PAGE_SIZE,
		description: 'Customers per request (pageSize), 1 to 100',
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
				displayName: 'Add Resume Start ID',
				name: 'addResumeStartId',
				type: 'boolean',
				default: true,
				description:
					'Whether to add "resumeStartId" to every customer: the Start ID a later run uses to continue right after the last customer returned here, whether the list ended or the limit stopped it (a startId selects the customers whose ID is greater). Save it, e.g. in workflow static data, for a schedule.',
			},
			...tuning,
			{
				displayName: 'Start ID',
				name: 'startId',
				type: 'string',
				default: '0',
				description:
					'The startId to begin from: 0 reads the list from its beginning; a resumeStartId from an earlier run fetches only what came after it',
			},
		],
	},
];

export type Cursor = number | string;

export function parseStartId(value: unknown): Cursor {
	if (value === undefined || value === null || value === '') return 0;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
		const number = Number(value.trim());
		return Number.isSafeInteger(number) ? number : value.trim();
	}
	throw new ParameterError('Start ID', `Start ID must be a whole number of 0 or more, got "${String(value)}"`);
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
	const returnedOfLast = customers.length - pages.slice(0, -1).reduce((sum, page) => sum + page.size, 0);
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
	request: { startId: Cursor; pageSize: number; limit: number | undefined; signal: AbortSignal | undefined },
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
	return { customers, resumeStartId: customers.length === 0 ? undefined : resumeStartIdAfter(customers, pages) };
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<ShihengConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const path = endpointPath(this.getNodeParameter('endpointPath', itemIndex), 'Endpoint Path');
		const limit = readLimit(this, itemIndex);
		// The cursor is followed one page after another, so the concurrency default is moot.
		const { client } = clientFor(run.connection, run.redactor, run.signal, run.egress, options, { concurrency: 1 });
		const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, CUSTOMER_MAX_PAGE_SIZE);
		const startId = parseStartId(options.startId);
		const { customers, resumeStartId } = await readCustomers(client, path, { startId, pageSize, limit, signal: run.signal });
		if (options.addResumeStartId === false || resumeStartId === undefined) return customers;
		return withResumeStartId(customers, resumeStartId);
	});
}
