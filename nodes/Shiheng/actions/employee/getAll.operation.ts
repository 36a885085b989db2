import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../../shared/descriptions';
import { forEachItem, requestTuningFields } from '../../../shared/node-kit';
import { fetchNumberedPages } from '../../../shared/paging';
import type { OperationRun } from '../../../shared/router';
import { intInRange } from '../../../shared/validate';
import { SIMPLE_EMPLOYEE_FIELDS, readableEmployee } from '../../helpers/output';
import { clientFor, endpointPath } from '../../transport/client';
import type { ShihengClient } from '../../transport/client';
import type { ShihengConnection } from '../../transport/connection';
import { endpointPathField } from '../common.descriptions';

export const EMPLOYEE_DEFAULT_CONCURRENCY = 5;
export const EMPLOYEE_MAX_PAGE_SIZE = 50;

const show = { resource: ['employee'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	endpointPathField(show, 'WeCom employee list'),
	...returnAllOrLimit(show),
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		displayOptions: { show },
		typeOptions: { minValue: 1, maxValue: EMPLOYEE_MAX_PAGE_SIZE },
		default: EMPLOYEE_MAX_PAGE_SIZE,
		description: 'Employees per request (pageSize), 1 to 50. Larger pages mean fewer requests.',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		displayOptions: { show },
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		hint: `Simplified: ${SIMPLE_EMPLOYEE_FIELDS.join(', ')}`,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: requestTuningFields({ concurrency: EMPLOYEE_DEFAULT_CONCURRENCY }).map((field) =>
			field.name === 'concurrency'
				? {
						...field,
						description:
							'How many pages are requested at once after the first (which tells the page count). Pages are still output in order.',
					}
				: field,
		),
	},
];

/** Page 1 tells the page count; the rest are fetched concurrently and returned in page order. */
export async function listEmployees(
	client: ShihengClient,
	path: string,
	pageSize: number,
	limit: number | undefined,
	concurrency: number,
	signal: AbortSignal | undefined,
): Promise<Array<Record<string, unknown>>> {
	let unkeyed = 0;
	return await fetchNumberedPages<Record<string, unknown>>({
		pageSize,
		limit,
		concurrency,
		signal,
		fetchPage: async (pageNum) => {
			const page = await client.employeePage(path, pageNum, pageSize);
			return { items: page.result, totalPages: page.pages };
		},
		// An employee appearing on two pages (the list shifted while paging) is output once.
		key: (employee) =>
			typeof employee.id === 'number' || typeof employee.id === 'string' ? `id:${employee.id}` : `row:${unkeyed++}`,
	});
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<ShihengConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const path = endpointPath(this.getNodeParameter('endpointPath', itemIndex), 'Endpoint Path');
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll
			? undefined
			: intInRange(this.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
		const { client, concurrency } = clientFor(run.connection, run.redactor, run.signal, options, {
			concurrency: EMPLOYEE_DEFAULT_CONCURRENCY,
		});
		const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, EMPLOYEE_MAX_PAGE_SIZE);
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		const employees = await listEmployees(client, path, pageSize, limit, concurrency, run.signal);
		return employees.map((employee) => readableEmployee(employee, simplify));
	});
}
