import type { INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../shared/descriptions';
import { requestTuningFields } from '../../shared/node-kit';

export const EMPLOYEE_DEFAULT_CONCURRENCY = 5;
export const EMPLOYEE_MAX_PAGE_SIZE = 50;

const show = { resource: ['employee'], operation: ['getAll'] };

export const employeeOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['employee'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many employees',
				description: 'List the WeCom employees of the app, page by page',
			},
		],
		default: 'getAll',
	},
];

export const employeeFields: INodeProperties[] = [
	{
		displayName: 'Endpoint Path',
		name: 'endpointPath',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: 'e.g. /path/from/your/api/doc',
		description:
			"Path of the WeCom employee list API. Shiheng does not publish its paths: take it from your onboarding documents (the API document of your app). It is added to the credential's Base URL.",
	},
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
		hint: 'Simplified: id, weComUserId, userId, name, status, statusCode, corpId, followUserFlag, mobileNumber, phone, emailAddress, businessEmail',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: requestTuningFields({ concurrency: EMPLOYEE_DEFAULT_CONCURRENCY }).map((field) =>
			field.name === 'concurrency'
				? {
						...field,
						description:
							'How many pages are requested at once after the first (which tells the page count). Pages are still output in order.',
					}
				: field,
		),
	},
];
