import type { INodeProperties } from 'n8n-workflow';

import type { TuningDefaults } from '../../shared/descriptions/options';
import { ID_FIELD_OPTION } from '../helpers/output';
import { MINGDAO_DEFAULT_BATCH_SIZE, MINGDAO_DEFAULT_CONCURRENCY } from '../transport/client';

/** Options several operations share: the request-tuning defaults and the relation look-ups' own options. */

export const MINGDAO_TUNING: TuningDefaults = { concurrency: MINGDAO_DEFAULT_CONCURRENCY };

export const batchSizeField: INodeProperties = {
	displayName: 'Batch Size',
	name: 'batchSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 10000 },
	default: MINGDAO_DEFAULT_BATCH_SIZE,
	description:
		'How many IDs are sent in one request. IDs from all input items are gathered, de-duplicated and sent in batches of this size. Mingdao publishes no maximum; lower it if your server refuses large requests.',
};

export const failWhenNotFoundField: INodeProperties = {
	displayName: 'Fail When Not Found',
	name: 'failWhenNotFound',
	type: 'boolean',
	default: false,
	description:
		'Whether an ID without a Mingdao relation makes its item fail (instead of being output with found = false)',
};

export const idFieldField: INodeProperties = {
	displayName: ID_FIELD_OPTION,
	name: 'idField',
	type: 'string',
	default: '',
	placeholder: 'e.g. corpUserId',
	description:
		"Name of the input field that holds each item's ID (or list of IDs). When set, it takes precedence over the IDs parameter: the IDs are read from the items directly instead of evaluating that expression once per item, which is much faster with thousands of items. Dots reach into nested fields.",
};

export const onlyFoundField: INodeProperties = {
	displayName: 'Only Found',
	name: 'onlyFound',
	type: 'boolean',
	default: false,
	description: 'Whether to output only the IDs that have a Mingdao relation',
};

/** The own options of the batched relation look-ups (users and departments). */
export const relationsOptions: INodeProperties[] = [
	batchSizeField,
	failWhenNotFoundField,
	onlyFoundField,
	idFieldField,
];
