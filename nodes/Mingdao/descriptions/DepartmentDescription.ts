import type { INodeProperties } from 'n8n-workflow';

import { relationsOptions } from './UserDescription';

export const DEPARTMENT_IDS_FIELD = 'Third-Party Department IDs';

export const departmentOperations: INodeProperties[] = [
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
];

export const departmentFields: INodeProperties[] = [
	{
		displayName: DEPARTMENT_IDS_FIELD,
		name: 'corpDepartmentIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.departmentId }}',
		displayOptions: { show: { resource: ['department'], operation: ['getRelations'] } },
		description:
			'The third-party department ID to look up, usually an expression that reads it from the input item. It may also be a list of IDs per item. One output item per ID.',
		hint: 'IDs from all input items are sent together in batches; each answer is paired with the item that asked',
	},
	{
		displayName: 'Numeric IDs',
		name: 'isNumber',
		type: 'boolean',
		default: true,
		displayOptions: { show: { resource: ['department'], operation: ['getRelations'] } },
		description:
			'Whether the third-party department IDs are numbers (sent as isNumber). Turn on for WeCom, DingTalk and WeLink integrations, whose department IDs are numeric; turn off for integrations with text IDs.',
	},
	relationsOptions({ resource: ['department'], operation: ['getRelations'] }),
];
