import type { INodeProperties } from 'n8n-workflow';

import * as getWeLinkId from './getWeLinkId.operation';

export { getWeLinkId };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get WeLink ID',
				value: 'getWeLinkId',
				description: "Get the person's WeLink user ID from your Corp User ID",
				action: 'Get the user ID of a person',
			},
		],
		default: 'getWeLinkId',
	},
	...getWeLinkId.description,
];
