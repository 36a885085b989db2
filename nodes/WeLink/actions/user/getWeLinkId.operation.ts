import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import { itemParameterReader } from '../../../shared/execution/parameters';
import type { OperationRun } from '../../../shared/execution/router';
import { requiredString } from '../../../shared/validate';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { weLinkIdNotFound, weLinkIdsOf } from '../../helpers/output';
import type { WeLinkIdResult } from '../../helpers/output';
import { createClient } from '../../transport/client';
import { ACCOUNTS_BATCH } from '../../transport/limits';
import type { WeLinkConnection } from '../../transport/connection';
import { optionsCollection } from '../../../shared/descriptions/options';
import { corpUserIdField, rateLimitOptions, WELINK_TUNING } from '../common.descriptions';

const show = { resource: ['user'], operation: ['getWeLinkId'] };

export const description: INodeProperties[] = [
	corpUserIdField(
		show,
		"The person's unique ID in your own system (corpUserId, e.g. zhangsan); up to 50 are looked up per request",
	),
	optionsCollection({ show, tuning: WELINK_TUNING, own: rateLimitOptions }),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<WeLinkConnection>,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { client, concurrency } = createClient(run, options);

	const corpUserIdOf = itemParameterReader(this, 'corpUserId');
	return await lookUpAcrossItems<string, WeLinkIdResult>(this, run.redactor, {
		read: (itemIndex) => [requiredString(corpUserIdOf(itemIndex), 'Corp User ID')],
		warmUp: async () => await client.warmUp(),
		key: (id) => id,
		batchSize: ACCOUNTS_BATCH,
		concurrency,
		signal: run.signal,
		send: async (batch) =>
			weLinkIdsOf((await client.lookUpAccounts(batch.map((request) => request.value))).data),
		missing: (request) => ({ ok: true, value: weLinkIdNotFound(request.value) }),
		toItems: (_itemIndex, _ids, [result]) => [{ ...result }],
	});
}

export const outcomes: OutcomeSummary = {
	noun: 'ids',
	classify: (json) => (json.found === false ? 'have no WeLink account' : undefined),
};
