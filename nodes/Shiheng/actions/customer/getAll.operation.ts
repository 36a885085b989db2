import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../../shared/descriptions';
import { ParameterError } from '../../../shared/errors';
import { forEachItem, requestTuningFields } from '../../../shared/node-kit';
import { followCursor } from '../../../shared/paging';
import type { OperationRun } from '../../../shared/router';
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
					'Whether to add "resumeStartId" to every customer: the Start ID to use next time to continue where this run stopped (save it, e.g. in workflow static data, for a schedule). When the list was read to its end it is the startId of the last page, which is read again next time, so dedupe by customer ID downstream.',
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
async function listCustomers(
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
	return withResumeStartId(customers, resumeStartId);
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<ShihengConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const path = endpointPath(this.getNodeParameter('endpointPath', itemIndex), 'Endpoint Path');
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll
			? undefined
			: intInRange(this.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
		// The cursor is followed one page after another, so the concurrency default is moot.
		const { client } = clientFor(run.connection, run.redactor, run.signal, options, { concurrency: 1 });
		const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, CUSTOMER_MAX_PAGE_SIZE);
		return await listCustomers(client, path, pageSize, limit, options, run.signal);
	});
}
