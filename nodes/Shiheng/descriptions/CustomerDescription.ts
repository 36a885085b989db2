import type { INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../shared/descriptions';
import { requestTuningFields } from '../../shared/node-kit';

export const CUSTOMER_MAX_PAGE_SIZE = 100;

const show = { resource: ['customer'], operation: ['getAll'] };

export const customerOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many customers',
				description: 'List the WeCom customers (external contacts), following the startId cursor',
			},
		],
		default: 'getAll',
	},
];

// Cursor pages depend on each other, so the concurrency option does not apply here.
const tuning = requestTuningFields({ concurrency: 1 }).filter((field) => field.name !== 'concurrency');

export const customerFields: INodeProperties[] = [
	{
		displayName: 'Endpoint Path',
		name: 'endpointPath',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: 'e.g. /path/from/your/api/doc',
		description:
			"Path of the WeCom customer list API. Shiheng does not publish its paths: take it from your onboarding documents (the API document of your app). It is added to the credential's Base URL.",
	},
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
