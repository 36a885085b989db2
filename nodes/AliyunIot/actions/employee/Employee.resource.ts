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
				description:
					'Writes to the platform: creates the employee of an OA login from its auth code or session ID (single-use). Returns the created employee.',
				action: 'Create an employee by auth code - writes and returns the new employee',
			},
			{
				name: 'Get Many by Company',
				value: 'getManyByCompany',
				description:
					'List the employees of a company, by company ID. Returns one item per employee.',
				action: 'Get many employees by company ID - returns each employee',
			},
		],
		default: 'createByAuthCode',
	},
	...createByAuthCode.description,
	...getManyByCompany.description,
];
