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
					'Get the result of the asynchronous department sync for each department code (succeeded, processing or failed). Reads only. Returns one item per input item with state and final.',
				action: 'Get the sync status of a department by department code - returns state and final',
			},
			{
				name: 'Submit',
				value: 'submit',
				description:
					'Create, update or remove departments in WeLink (writes). Needs a department code, its parent code ("0" = top) and a Chinese name; parents go first. Returns accepted, code and the final state.',
				action:
					'Submit a department for sync - writes to the address book and returns whether it was accepted',
			},
		],
		default: 'submit',
	},
	...submit.description,
	...getStatus.description,
];
