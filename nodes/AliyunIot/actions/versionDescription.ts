/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the description lives beside the router, as in n8n's own versioned nodes; AliyunIot.node.ts uses it */
import type { INodeTypeDescription } from 'n8n-workflow';

import { optionsCollection } from './common.descriptions';
import * as customApiCall from './customApiCall/CustomApiCall.resource';
import * as employee from './employee/Employee.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Aliyun IoT Living Link',
	name: 'aliyunIot',
	icon: { light: 'file:aliyunIot.svg', dark: 'file:aliyunIot.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'Create and list employees on Alibaba Cloud IoT Living Link (飞燕), and call its other APIs with the gateway signature',
	defaults: { name: 'Aliyun IoT Living Link' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: [{ name: 'aliyunIotApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Custom API Call', value: 'customApiCall' },
				{ name: 'Employee', value: 'employee' },
			],
			default: 'employee',
		},
		...employee.description,
		...customApiCall.description,
		optionsCollection,
	],
};
