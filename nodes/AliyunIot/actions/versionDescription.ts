import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationOptions } from './common.descriptions';
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
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
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
		operationOptions,
	],
};
