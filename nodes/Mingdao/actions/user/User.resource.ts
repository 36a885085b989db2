import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as getRelation from './getRelation.operation';
import * as getRelations from './getRelations.operation';

export { getMany, getRelation, getRelations };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the users of the organisation (private deployment 5.5.1 or later)',
				action: 'Get many users',
			},
			{
				name: 'Get Relation',
				value: 'getRelation',
				description: 'Look up the Mingdao account of one third-party user ID',
				action: 'Get the relation of a user',
			},
			{
				name: 'Get Relations',
				value: 'getRelations',
				description: 'Look up the Mingdao accounts of many third-party user IDs, in batches across all items',
				action: 'Get the relations of users',
			},
		],
		default: 'getRelations',
	},
	...getRelations.description,
	...getRelation.description,
	...getMany.description,
];
