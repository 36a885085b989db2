/** Return All / Limit: the two fields of a listing, and the limit they give. */

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { intInRange } from '../validate';

/** Description fragments every listing operation shares, so they read the same in every node. */

type DisplayOptions = NonNullable<INodeProperties['displayOptions']>;

/** Return All and Limit, the n8n convention for listings. */
export function returnAllOrLimit(
	show: DisplayOptions['show'],
	maxLimit?: number,
): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: { show },
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

/** The item's Return All / Limit: undefined for Return All, else the checked limit. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false)) return undefined;
	return intInRange(
		ctx.getNodeParameter('limit', itemIndex, 50),
		'Limit',
		1,
		Number.MAX_SAFE_INTEGER,
	);
}
