import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus.operation';
import * as submit from './submit.operation';

export { getStatus, submit };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['userSync'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get the result of the asynchronous person sync (account opening) for each person',
				action: 'Get sync status of persons',
			},
			{
				name: 'Submit',
				value: 'submit',
				description: 'Submit persons for asynchronous sync (create, update or remove accounts)',
				action: 'Submit persons for sync',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
	...submit.description,
];
