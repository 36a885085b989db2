import type { INodeProperties } from 'n8n-workflow';

import { sharedOptionFields, sortByName } from './common';

const showGetId = { resource: ['user'], operation: ['getWeLinkId'] };

export const userOperations: INodeProperties[] = [
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
];

export const userFields: INodeProperties[] = [
	{
		displayName: 'Corp User ID',
		name: 'corpUserId',
		type: 'string',
		required: true,
		displayOptions: { show: showGetId },
		default: '',
		description: "The person's unique ID in your own system (corpUserId); up to 50 are looked up per request",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show: showGetId },
		default: {},
		options: sortByName(sharedOptionFields()),
	},
];
