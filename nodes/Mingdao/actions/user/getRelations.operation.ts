import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { userRelationJson } from '../../helpers/output';
import { relationLookup } from '../../helpers/relationLookup';
import type { MingdaoConnection } from '../../transport/connection';
import { createClient } from '../../transport/client';
import { optionsCollection } from '../../../shared/descriptions/options';
import { MINGDAO_TUNING, relationsOptions } from '../common.descriptions';

export const USER_IDS_FIELD = 'Third-Party User IDs';

const show = { resource: ['user'], operation: ['getRelations'] };

export const description: INodeProperties[] = [
	{
		displayName: USER_IDS_FIELD,
		name: 'corpUserIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.userid }}',
		displayOptions: { show },
		description:
			'The third-party (WeCom, DingTalk …) user ID to look up, usually an expression that reads it from the input item. It may also be a list of IDs per item. One output item per ID with corpUserId, found, accountId and projectId.',
		hint: 'IDs from all input items are sent together in batches; each answer is paired with the item that asked',
	},
	optionsCollection({ show, tuning: MINGDAO_TUNING, own: relationsOptions }),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
): Promise<INodeExecutionData[]> {
	const { client } = createClient(run, this.getNodeParameter('options', 0, {}) as IDataObject);
	return await lookUpAcrossItems(
		this,
		run.redactor,
		relationLookup(this, run.signal, {
			parameter: 'corpUserIds',
			field: USER_IDS_FIELD,
			noun: 'account',
			send: async (ids) => await client.getUserRelations(ids),
			toJson: userRelationJson,
		}),
	);
}

export const outcomes: OutcomeSummary = {
	noun: 'ids',
	classify: (json) => (json.found === false ? 'have no Mingdao account' : undefined),
};
