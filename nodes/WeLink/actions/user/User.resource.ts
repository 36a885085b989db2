import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as getWeLinkId from './getWeLinkId.operation';
import * as update from './update.operation';

export { getMany, getWeLinkId, update };

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
					'List the persons of a WeLink department by its department code (reads only). Returns one item per person, with the fields WeLink gives (corpUserId, userId, names, contacts); Return All or up to Limit.',
				action:
					'Get many users of a department by department code - returns each user with corp user ID and name',
			},
			{
				name: 'Get WeLink ID',
				value: 'getWeLinkId',
				description:
					"Get the person's WeLink user ID from your Corp User ID (corpUserId). Returns corpUserId, found and userId.",
				action: 'Get the user ID of a person by corp user ID - returns found and the user ID',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					"Change a person's data in WeLink (writes): name, department, contacts, by Corp User ID; only the fields given are sent. WeLink applies it asynchronously: follow it with User Sync → Get Status. Returns accepted and WeLink's code per item.",
				action:
					'Update a user by corp user ID - writes to the address book and returns whether it was accepted',
			},
		],
		default: 'getWeLinkId',
	},
	...getWeLinkId.description,
	...update.description,
	...getMany.description,
];
