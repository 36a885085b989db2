/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the description lives here in n8n's
   own versioned-node layout (Airtable v2) and Mingdao.node.ts uses it; the rule is for single-file nodes. */
import type { INodeTypeDescription } from 'n8n-workflow';

import * as department from './department/Department.resource';
import * as user from './user/User.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Mingdao',
	name: 'mingdao',
	icon: { light: 'file:mingdao.svg', dark: 'file:mingdao.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Map third-party (WeCom, DingTalk …) users and departments to Mingdao 明道云 accounts',
	defaults: { name: 'Mingdao' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: [{ name: 'mingdaoApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Department', value: 'department' },
				{ name: 'User', value: 'user' },
			],
			default: 'user',
		},
		...user.description,
		...department.description,
	],
};
