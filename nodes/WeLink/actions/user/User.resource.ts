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
				description:
					"Get the person's WeLink user ID from your Corp User ID (corpUserId). Returns corpUserId, found and userId.",
				action: 'Get the user ID of a person by corp user ID - returns found and the user ID',
			},
		],
		default: 'getWeLinkId',
	},
	...getWeLinkId.description,
];
