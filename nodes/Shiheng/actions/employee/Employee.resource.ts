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
				action: 'Get many employees up to a limit - returns each employee with user ID and status',
				description:
					'List the WeCom employees of the app, page by page, up to Limit (or all). Returns one item per employee with weComUserId, name and status.',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
