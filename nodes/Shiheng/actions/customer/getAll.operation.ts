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
import { CUSTOMER_MAX_PAGE_SIZE, parseStartId, readCustomers } from '../../helpers/customerListing';
import { withResumeStartId } from '../../helpers/output';
import { createClient, endpointPath } from '../../transport/client';
import type { ShihengConnection } from '../../transport/connection';
import { endpointPathField } from '../common.descriptions';

const show = { resource: ['customer'], operation: ['getAll'] };

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
	optionsCollection({
		show,
		// Cursor pages depend on each other, so the concurrency option does not apply here.
		tuning: { concurrency: 1 },
		omit: ['concurrency'],
		own: [
			{
				displayName: 'Add Resume Start ID',
				name: 'addResumeStartId',
				type: 'boolean',
				default: true,
				description:
					'Whether to add "resumeStartId" to every customer: the Start ID a later run uses to continue right after the last customer returned here, whether the list ended or the limit stopped it (a startId selects the customers whose ID is greater). Save it, e.g. in workflow static data, for a schedule.',
			},
			{
				displayName: 'Start ID',
				name: 'startId',
				type: 'string',
				default: '0',
				description:
					'The startId to begin from: 0 reads the list from its beginning; a resumeStartId from an earlier run fetches only what came after it',
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
		// The cursor is followed one page after another, so the concurrency default is moot.
		const { client } = createClient(run, options, { concurrency: 1 });
		const pageSize = intInRange(
			this.getNodeParameter('pageSize', itemIndex),
			'Page Size',
			1,
			CUSTOMER_MAX_PAGE_SIZE,
		);
		const startId = parseStartId(options.startId);
		const { customers, resumeStartId } = await readCustomers(client, path, {
			startId,
			pageSize,
			limit,
			signal: run.signal,
		});
		if (options.addResumeStartId === false || resumeStartId === undefined) return customers;
		return withResumeStartId(customers, resumeStartId);
	});
}
