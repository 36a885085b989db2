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
				description:
					'Get the result of the asynchronous person sync (account opening) for each person, found by corpUserId, mobile number or email. Returns state (e.g. opened, failed, notExist), final and code.',
				action:
					'Get the sync status of a person by corp user ID or mobile number or email - returns state and final',
			},
			{
				name: 'Submit',
				value: 'submit',
				description:
					'Writes to WeLink: submits persons for asynchronous sync, which creates, updates or removes their accounts. Needs corpUserId and the Chinese name. Returns accepted and code per person.',
				action:
					'Submit a person for sync - writes to the address book and returns whether it was accepted',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
	...submit.description,
];
