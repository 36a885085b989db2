import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions/limit';
import { forEachItem } from '../../../shared/execution/item-loop';
import { optionsCollection, readRequestTuning } from '../../../shared/descriptions/options';
import { fetchNumberedPages } from '../../../shared/execution/paging';
import type { OperationRun } from '../../../shared/execution/router';
import { intInRange } from '../../../shared/validate';
import type { MingdaoConnection } from '../../transport/connection';
import { createClient } from '../../transport/client';
import { MINGDAO_TUNING } from '../common.descriptions';

export const MINGDAO_MAX_PAGE_SIZE = 1000;

const show = { resource: ['user'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'This needs a private deployment of Mingdao, version 5.5.1 or later',
		name: 'getManyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...returnAllOrLimit(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'User Status',
				name: 'userStatus',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1,
				description:
					"Mingdao's status code to filter on (sent as userStatus). The codes are not published with this API; 1 is commonly an active user. Leave the filter out to list every user.",
			},
		],
	},
	optionsCollection({
		show,
		tuning: MINGDAO_TUNING,
		own: [
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MINGDAO_MAX_PAGE_SIZE },
				default: 500,
				description: 'How many users one request asks for (at most 1000)',
			},
		],
	}),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
): Promise<INodeExecutionData[]> {
	const { client } = createClient(run, this.getNodeParameter('options', 0, {}) as IDataObject);
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const limit = readLimit(this, itemIndex);
		const pageSize = intInRange(options.pageSize ?? 500, 'Page Size', 1, MINGDAO_MAX_PAGE_SIZE);
		const userStatus =
			filters.userStatus === undefined || filters.userStatus === ''
				? undefined
				: intInRange(filters.userStatus, 'User Status', 0, Number.MAX_SAFE_INTEGER);
		const concurrency = readRequestTuning(options, MINGDAO_TUNING).concurrency;
		const users = await fetchNumberedPages<Record<string, unknown>>({
			pageSize,
			limit,
			concurrency,
			signal: run.signal,
			fetchPage: async (pageIndex) => {
				const page = await client.getUsersPage(pageIndex, pageSize, userStatus);
				return {
					items: page.users,
					totalPages: page.total === undefined ? undefined : Math.ceil(page.total / pageSize),
				};
			},
			// A user shifting between pages while listing must not be output twice.
			key: (user) => String(user.accountId ?? JSON.stringify(user)),
		});
		return users as IDataObject[];
	});
}
