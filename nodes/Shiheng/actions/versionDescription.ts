import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

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
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
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
