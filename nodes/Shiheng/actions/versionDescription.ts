/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the description lives here as in n8n's own versioned nodes (actions/versionDescription.ts) */
import type { INodeTypeDescription } from 'n8n-workflow';

import * as customer from './customer/Customer.resource';
import * as employee from './employee/Employee.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Shiheng',
	name: 'shiheng',
	icon: { light: 'file:shiheng.svg', dark: 'file:shiheng.dark.svg' },
	group: ['input'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Read WeCom employees and customers from the Shiheng (食亨) open platform',
	defaults: { name: 'Shiheng' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: [{ name: 'shihengApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'WeCom Customer', value: 'customer' },
				{ name: 'WeCom Employee', value: 'employee' },
			],
			default: 'employee',
		},
		...employee.description,
		...customer.description,
	],
};
