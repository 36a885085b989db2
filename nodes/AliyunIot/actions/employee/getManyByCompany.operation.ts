import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions/limit';
import { forEachItem } from '../../../shared/execution/item-loop';
import { fetchNumberedPages } from '../../../shared/execution/paging';
import type { OperationRun } from '../../../shared/execution/router';
import { intInRange, requiredString } from '../../../shared/validate';

import { employeeKey, employeePage } from '../../helpers/output';
import {
	ALIYUN_IOT_PATHS,
	API_VERSIONS,
	MAX_PAGE_SIZE,
	createClient,
} from '../../transport/client';
import type { AliyunIotConnection } from '../../transport/connection';

const show = { resource: ['employee'], operation: ['getManyByCompany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Company ID',
		name: 'companyId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		description: 'ID of the company whose employees to list',
	},
	...returnAllOrLimit(show),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<AliyunIotConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const companyId = requiredString(this.getNodeParameter('companyId', itemIndex), 'Company ID');
		const limit = readLimit(this, itemIndex);
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const { client, concurrency } = createClient(run, options);
		const requestedSize = intInRange(
			options.pageSize ?? MAX_PAGE_SIZE,
			'Page Size',
			1,
			MAX_PAGE_SIZE,
		);
		// A small limit needs no bigger page than itself.
		const pageSize = limit !== undefined ? Math.min(requestedSize, limit) : requestedSize;
		return await fetchNumberedPages<IDataObject>({
			pageSize,
			limit,
			concurrency,
			signal: run.signal,
			// Employees added while paging shift later pages; drop the repeats that causes.
			key: employeeKey,
			fetchPage: async (pageNo) =>
				employeePage(
					await client.call(
						ALIYUN_IOT_PATHS.queryByCompanyId,
						API_VERSIONS.queryByCompanyId,
						{ companyId, pageNo, pageSize },
						{ idempotent: true },
					),
					pageSize,
				),
		});
	});
}
