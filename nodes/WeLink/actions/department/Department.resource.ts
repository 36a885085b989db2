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
		displayOptions: { show: { resource: ['department'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description:
					'Get the result of the asynchronous department sync for each department code (succeeded, processing or failed). Reads only; returns one item per input item with state and final.',
				action: 'Get sync status of departments',
			},
			{
				name: 'Submit',
				value: 'submit',
				description:
					'Create, update or remove departments in WeLink (writes). Needs a department code, its parent code ("0" for a top department) and a Chinese name per item; parents are sent before their children. Returns one item per input item with accepted, code and, when waited for, the final state.',
				action: 'Submit departments for sync',
			},
		],
		default: 'submit',
	},
	...submit.description,
	...getStatus.description,
];
