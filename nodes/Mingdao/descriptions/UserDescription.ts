import type { INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../shared/descriptions';
import { requestTuningFields } from '../../shared/node-kit';

export const MINGDAO_DEFAULT_CONCURRENCY = 4;
export const MINGDAO_DEFAULT_BATCH_SIZE = 100;
export const MINGDAO_MAX_PAGE_SIZE = 1000;

export const USER_IDS_FIELD = 'Third-Party User IDs';
export const USER_ID_FIELD = 'Third-Party User ID';

const tuning = requestTuningFields({ concurrency: MINGDAO_DEFAULT_CONCURRENCY });
const [concurrencyField, connectTimeoutField, maxRetriesField, responseTimeoutField] = tuning;

export const batchSizeField: INodeProperties = {
	displayName: 'Batch Size',
	name: 'batchSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 10000 },
	default: MINGDAO_DEFAULT_BATCH_SIZE,
	description:
		'How many IDs are sent in one request. IDs from all input items are gathered, de-duplicated and sent in batches of this size. Mingdao publishes no maximum; lower it if your server refuses large requests.',
};

export const failWhenNotFoundField: INodeProperties = {
	displayName: 'Fail When Not Found',
	name: 'failWhenNotFound',
	type: 'boolean',
	default: false,
	description: 'Whether an ID without a Mingdao relation makes its item fail (instead of being output with found = false)',
};

export const ID_FIELD_OPTION = 'Read IDs From Field';

export const idFieldField: INodeProperties = {
	displayName: ID_FIELD_OPTION,
	name: 'idField',
	type: 'string',
	default: '',
	placeholder: 'e.g. corpUserId',
	description:
		'Name of the input field that holds each item\'s ID (or list of IDs). When set, it takes precedence over the IDs parameter: the IDs are read from the items directly instead of evaluating that expression once per item, which is much faster with thousands of items. Dots reach into nested fields.',
};

export const onlyFoundField: INodeProperties = {
	displayName: 'Only Found',
	name: 'onlyFound',
	type: 'boolean',
	default: false,
	description: 'Whether to output only the IDs that have a Mingdao relation',
};

/** Options of the batched relation look-ups (users and departments), alphabetical. */
export function relationsOptions(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			batchSizeField,
			concurrencyField,
			connectTimeoutField,
			failWhenNotFoundField,
			maxRetriesField,
			onlyFoundField,
			idFieldField,
			responseTimeoutField,
		],
	};
}

export const userOperations: INodeProperties[] = [
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
];

export const userFields: INodeProperties[] = [
	// User → Get Relations
	{
		displayName: USER_IDS_FIELD,
		name: 'corpUserIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.userid }}',
		displayOptions: { show: { resource: ['user'], operation: ['getRelations'] } },
		description:
			'The third-party (WeCom, DingTalk …) user ID to look up, usually an expression that reads it from the input item. It may also be a list of IDs per item. One output item per ID with corpUserId, found, accountId and projectId.',
		hint: 'IDs from all input items are sent together in batches; each answer is paired with the item that asked',
	},
	relationsOptions({ resource: ['user'], operation: ['getRelations'] }),

	// User → Get Relation
	{
		displayName: USER_ID_FIELD,
		name: 'corpUserId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.userid }}',
		displayOptions: { show: { resource: ['user'], operation: ['getRelation'] } },
		description: 'The third-party (WeCom, DingTalk …) user ID to look up',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['getRelation'] } },
		options: [
			concurrencyField,
			connectTimeoutField,
			failWhenNotFoundField,
			maxRetriesField,
			onlyFoundField,
			responseTimeoutField,
		],
	},

	// User → Get Many
	{
		displayName: 'This needs a private deployment of Mingdao, version 5.5.1 or later',
		name: 'getManyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['user'], operation: ['getMany'] } },
	},
	...returnAllOrLimit({ resource: ['user'], operation: ['getMany'] }),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['getMany'] } },
		options: [
			{
				displayName: 'User Status',
				name: 'userStatus',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1,
				description:
					'Mingdao\'s status code to filter on (sent as userStatus). The codes are not published with this API; 1 is commonly an active user. Leave the filter out to list every user.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['getMany'] } },
		options: [
			concurrencyField,
			connectTimeoutField,
			maxRetriesField,
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MINGDAO_MAX_PAGE_SIZE },
				default: 500,
				description: 'How many users one request asks for (at most 1000)',
			},
			responseTimeoutField,
		],
	},
];
