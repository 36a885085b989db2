import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['employee'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many employees',
				description: 'List the WeCom employees of the app, page by page',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
