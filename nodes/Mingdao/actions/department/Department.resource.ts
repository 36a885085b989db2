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
				description:
					'Look up the Mingdao departments of many third-party department IDs (e.g. WeCom department numbers), in batches across all items. Returns found and the Mingdao department ID per ID.',
				action:
					'Find the departments with given third party department ID values - returns found and department ID of each',
			},
		],
		default: 'getRelations',
	},
	...getRelations.description,
];
