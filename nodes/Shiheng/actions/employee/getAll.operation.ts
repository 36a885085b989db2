import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions/limit';
import { forEachItem } from '../../../shared/execution/item-loop';
import { optionsCollection } from '../../../shared/descriptions/options';
import type { OperationRun } from '../../../shared/execution/router';
import { intInRange } from '../../../shared/validate';
import {
	EMPLOYEE_DEFAULT_CONCURRENCY,
	EMPLOYEE_MAX_PAGE_SIZE,
	incompleteListingHint,
	listingKey,
	readEmployeeList,
} from '../../helpers/employeeListing';
import { SIMPLE_EMPLOYEE_FIELDS, readableEmployee, withListingDetails } from '../../helpers/output';
import { createClient, endpointPath } from '../../transport/client';
import type { ShihengConnection } from '../../transport/connection';
import { endpointPathField } from '../common.descriptions';

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
	optionsCollection({
		show,
		tuning: { concurrency: EMPLOYEE_DEFAULT_CONCURRENCY },
		overrides: {
			concurrency: {
				description:
					'How many pages are requested at once, the first ones before Shiheng has told the page count. Pages are still output in order.',
			},
		},
		own: [
			{
				displayName: 'Add Listing Details',
				name: 'addListingDetails',
				type: 'boolean',
				default: false,
				description:
					'Whether to add "listing" to every employee, for audits: the total and page count Shiheng reported, the traceId of the answer the employee came from, whether the employees read matched that total, and how often the list was read',
			},
		],
	}),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<ShihengConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const path = endpointPath(this.getNodeParameter('endpointPath', itemIndex), 'Endpoint Path');
		const limit = readLimit(this, itemIndex);
		const { client, concurrency } = createClient(run, options, {
			concurrency: EMPLOYEE_DEFAULT_CONCURRENCY,
		});
		const pageSize = intInRange(
			this.getNodeParameter('pageSize', itemIndex),
			'Page Size',
			1,
			EMPLOYEE_MAX_PAGE_SIZE,
		);
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		// Each employee is made an output item as its page arrives, while later pages are on their way.
		const listing = await readEmployeeList(
			client,
			path,
			{ pageSize, limit, concurrency, signal: run.signal },
			{
				shape: (employee, traceId) => ({
					json: readableEmployee(employee, simplify),
					traceId,
					key: listingKey(employee),
				}),
				key: ({ key }) => key,
			},
		);
		if (listing.complete === false)
			this.addExecutionHints(incompleteListingHint(listing, itemIndex));
		if (options.addListingDetails !== true) return listing.items.map(({ json }) => json);
		return listing.items.map(({ json, traceId }) => withListingDetails(json, listing, traceId));
	});
}
