import type { INodeProperties } from 'n8n-workflow';

import * as createByAuthCode from './createByAuthCode.operation';
import * as getManyByCompany from './getManyByCompany.operation';

export { createByAuthCode, getManyByCompany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['employee'] } },
		options: [
			{
				name: 'Create by Auth Code',
				value: 'createByAuthCode',
				description: 'Create the employee of an OA login from its auth code or session ID (single-use)',
				action: 'Create an employee by auth code',
			},
			{
				name: 'Get Many by Company',
				value: 'getManyByCompany',
				description: 'List the employees of a company',
				action: 'Get many employees by company',
			},
		],
		default: 'createByAuthCode',
	},
	...createByAuthCode.description,
	...getManyByCompany.description,
];
