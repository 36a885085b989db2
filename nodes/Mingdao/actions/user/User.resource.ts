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
				description:
					'List the users of the organisation (private deployment 5.5.1 or later). Returns one item per user with its accountId.',
				action: 'Get many users - returns each user with its account ID',
			},
			{
				name: 'Get Relation',
				value: 'getRelation',
				description:
					'Look up the Mingdao account of one third-party user ID (corpUserId, e.g. a WeCom user ID). Returns corpUserId, found, accountId and projectId.',
				action: 'Find the user with a corp user ID - returns found and the account ID',
			},
			{
				name: 'Get Relations',
				value: 'getRelations',
				description:
					'Look up the Mingdao accounts of many third-party user IDs (corpUserId), in batches across all items. Returns corpUserId, found and accountId per ID.',
				action: 'Find the users with given corp user ID values - returns found and account ID of each',
			},
		],
		default: 'getRelations',
	},
	...getRelations.description,
	...getRelation.description,
	...getMany.description,
];
