import type { INodeProperties } from 'n8n-workflow';

const showCall = { resource: ['customApiCall'], operation: ['call'] };

export const customCallOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customApiCall'] } },
		options: [
			{
				name: 'Call',
				value: 'call',
				description: 'Call any IoT Living Link API with the signed request envelope',
				action: 'Call an API',
			},
		],
		default: 'call',
	},
];

export const customCallFields: INodeProperties[] = [
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		displayOptions: { show: showCall },
		default: '',
		placeholder: '/user/account/employee/querybycompanyid',
		description: 'The API path, directly under the host, as the API document gives it',
	},
	{
		displayName: 'API Version',
		name: 'apiVer',
		type: 'string',
		required: true,
		displayOptions: { show: showCall },
		default: '1.0.0',
		description: 'The API\'s version ("版本号" in the API document), sent as request.apiVer',
	},
	{
		displayName: 'Parameters',
		name: 'params',
		type: 'json',
		displayOptions: { show: showCall },
		default: '{}',
		description: 'The API\'s parameters as a JSON object, sent as params',
	},
];
