import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as department from './department/Department.resource';
import * as user from './user/User.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Mingdao',
	name: 'mingdao',
	icon: { light: 'file:mingdao.svg', dark: 'file:mingdao.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'Map third-party (WeCom, DingTalk …) users and departments to Mingdao 明道云 accounts; create, update and remove users on a private deployment',
	defaults: { name: 'Mingdao' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	// The credential's Test button is the node's function (Mingdao.node.ts, methods.credentialTest).
	credentials: [{ name: 'mingdaoApi', required: true, testedBy: 'mingdaoApiTest' }],
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
