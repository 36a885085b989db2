import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as department from './department/Department.resource';
import * as user from './user/User.resource';
import * as userSync from './userSync/UserSync.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'WeLink',
	name: 'weLink',
	icon: { light: 'file:welink.svg', dark: 'file:welink.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
	description: 'Sync persons to Huawei WeLink and follow their account provisioning',
	defaults: { name: 'WeLink' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'weLinkApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Department', value: 'department' },
				{ name: 'User', value: 'user' },
				{ name: 'User Sync', value: 'userSync' },
			],
			default: 'userSync',
		},
		{
			displayName:
				"Persons from all input items are sent together in batches (10 per request for sync and departments, 50 for IDs), within WeLink's rate limit. Each output item is paired with its input item.",
			name: 'batchingNotice',
			type: 'notice',
			default: '',
		},
		...userSync.description,
		...user.description,
		...department.description,
	],
};
