import type { INodeProperties } from 'n8n-workflow';

import * as getRelations from './getRelations.operation';

export { getRelations };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['department'] } },
		options: [
			{
				name: 'Get Relations',
				value: 'getRelations',
				description: 'Look up the Mingdao departments of many third-party department IDs, in batches across all items',
				action: 'Get the relations of departments',
			},
		],
		default: 'getRelations',
	},
	...getRelations.description,
];
