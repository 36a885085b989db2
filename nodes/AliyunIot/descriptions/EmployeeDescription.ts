import type { INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../shared/descriptions';

const showEmployee = { resource: ['employee'] };
const showCreate = { resource: ['employee'], operation: ['createByAuthCode'] };
const showList = { resource: ['employee'], operation: ['getManyByCompany'] };

export const employeeOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showEmployee },
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
];

export const employeeFields: INodeProperties[] = [
	{
		displayName: 'Auth Code',
		name: 'authCode',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		displayOptions: { show: showCreate },
		default: '',
		description:
			'The code the OA login returned. It can be used once: the node never resends this request once it may have reached the platform.',
	},
	{
		displayName: 'Code Type',
		name: 'codeType',
		type: 'options',
		displayOptions: { show: showCreate },
		options: [
			{
				name: 'Auth Code (PC Login)',
				value: 'AUTH_CODE',
				description: 'The auth code of a login on a PC (web) client',
			},
			{
				name: 'Session ID (App Login)',
				value: 'SESSION_ID',
				description: 'The session ID of a login in the mobile app',
			},
		],
		default: 'AUTH_CODE',
		description: 'What kind of code Auth Code holds',
	},
	{
		displayName: 'Company ID',
		name: 'companyId',
		type: 'string',
		required: true,
		displayOptions: { show: showList },
		default: '',
		description: 'ID of the company whose employees to list',
	},
	...returnAllOrLimit(showList),
];
