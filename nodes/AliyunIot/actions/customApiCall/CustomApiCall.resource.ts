import type { INodeProperties } from 'n8n-workflow';

import * as call from './call.operation';

export { call };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customApiCall'] } },
		options: [
			{
				name: 'Call',
				value: 'call',
				description:
					'Call any IoT Living Link API with the signed request envelope. It writes when the API called writes. Returns the API answer.',
				action: 'Call an API by path - may write and returns the answer',
			},
		],
		default: 'call',
	},
	...call.description,
];
