import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	NodeExecutionHint,
} from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions/limit';
import { forEachItem } from '../../../shared/execution/item-loop';
import { readCountedListing } from '../../../shared/execution/counted-listing';
import type { CountedListing } from '../../../shared/execution/counted-listing';
import type { OperationRun } from '../../../shared/execution/router';
import { objectRows } from '../../../shared/http/body';
import { intInRange, requiredString } from '../../../shared/validate';
import { createClient } from '../../transport/client';
import { USERS_PAGE_MAX } from '../../transport/limits';
import type { WeLinkConnection } from '../../transport/connection';
import { optionsCollection } from '../../../shared/descriptions/options';
import { rateLimitOptions, WELINK_TUNING } from '../common.descriptions';

const show = { resource: ['user'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Department Code',
		name: 'deptCode',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: '={{ $json.corpDeptCode }}',
		description:
			'Code of the department whose persons are listed (deptCode); one listing per input item',
	},
	...returnAllOrLimit(show),
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		displayOptions: { show },
		typeOptions: { minValue: 1, maxValue: USERS_PAGE_MAX },
		default: USERS_PAGE_MAX,
		description: 'Persons per request (pageSize), 1 to 50. Larger pages mean fewer requests.',
	},
	optionsCollection({ show, tuning: WELINK_TUNING, own: rateLimitOptions }),
];

/** Whole re-reads when the department changed while it was read, as for Shiheng's list. */
const MAX_EXTRA_PASSES = 2;

const count = (value: unknown): number | undefined => {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
};

/** What an n8n user sees above the output when a department's persons never added up. */
export function incompleteDepartmentHint(
	deptCode: string,
	listing: CountedListing<IDataObject>,
	itemIndex: number,
): NodeExecutionHint {
	return {
		type: 'warning',
		location: 'outputPane',
		message: `Item ${itemIndex}: WeLink stated ${listing.total} persons in department "${deptCode}", but ${listing.items.length} different ones were read (read ${listing.passes} times). The department changed while it was read, so some persons may be missing. Run again later.`,
	};
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<WeLinkConnection>,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { client, concurrency } = createClient(run, options);
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const deptCode = requiredString(
			this.getNodeParameter('deptCode', itemIndex),
			'Department Code',
		);
		const limit = readLimit(this, itemIndex);
		const pageSize = intInRange(
			this.getNodeParameter('pageSize', itemIndex, USERS_PAGE_MAX),
			'Page Size',
			1,
			USERS_PAGE_MAX,
		);
		const listing = await readCountedListing<IDataObject>({
			pageSize,
			limit,
			concurrency,
			signal: run.signal,
			maxExtraPasses: MAX_EXTRA_PASSES,
			fetchPage: async (pageNo) => {
				const page = await client.departmentUsersPage(deptCode, pageNo, pageSize);
				return {
					items: objectRows(page.data) as IDataObject[],
					total: count(page.total),
					pages: count(page.pages),
				};
			},
			key: (person) =>
				typeof person.corpUserId === 'string' && person.corpUserId !== ''
					? person.corpUserId
					: undefined,
		});
		if (listing.complete === false)
			this.addExecutionHints(incompleteDepartmentHint(deptCode, listing, itemIndex));
		return listing.items.map((person) => ({ ...person }));
	});
}
