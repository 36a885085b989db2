import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many customers up to a limit - returns each customer with its ID',
				description:
					'List the WeCom customers (external contacts), following the startId cursor, up to Limit (or all). Returns one item per customer.',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
