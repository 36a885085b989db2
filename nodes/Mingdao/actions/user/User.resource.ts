import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as getRelation from './getRelation.operation';
import * as getRelations from './getRelations.operation';
import * as remove from './remove.operation';
import * as upsert from './upsert.operation';

export { getMany, getRelation, getRelations, remove, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				// Its start and end are n8n's required wording for an upsert.
				description:
					'Create a new user (Returns corpUserId and upserted; writes to Mingdao, private deployment only, and clears fields not sent), or update the current one if it already exists (upsert)',
				action:
					'Create or update users by corp user ID - writes to the organisation and returns whether each was upserted',
			},
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
				action:
					'Find the users with given corp user ID values - returns found and account ID of each',
			},
			{
				name: 'Remove',
				value: 'remove',
				description:
					'Remove users (leave the organisation) by third-party user ID; writes to Mingdao, private deployment only. Returns corpUserId and removed per ID.',
				action:
					'Remove users by corp user ID - writes to the organisation and returns whether each was removed',
			},
		],
		default: 'getRelations',
	},
	...getRelations.description,
	...getRelation.description,
	...getMany.description,
	...upsert.description,
	...remove.description,
];
