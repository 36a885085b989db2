import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ParameterError } from '../../../shared/errors';
import { forEachItem } from '../../../shared/execution/item-loop';
import type { OperationRun } from '../../../shared/execution/router';
import { requiredString } from '../../../shared/validate';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { userRelationJson } from '../../helpers/output';
import type { MingdaoConnection } from '../../transport/connection';
import { createClient } from '../../transport/client';
import { optionsCollection } from '../../../shared/descriptions/options';
import { failWhenNotFoundField, MINGDAO_TUNING, onlyFoundField } from '../common.descriptions';

export const USER_ID_FIELD = 'Third-Party User ID';

const show = { resource: ['user'], operation: ['getRelation'] };

export const description: INodeProperties[] = [
	{
		displayName: USER_ID_FIELD,
		name: 'corpUserId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.userid }}',
		displayOptions: { show },
		description:
			"The third-party user ID to look up (corpUserId): the user's ID in WeCom, DingTalk or WeLink as the integration stores it, e.g. zhangsan",
	},
	optionsCollection({ show, tuning: MINGDAO_TUNING, own: [failWhenNotFoundField, onlyFoundField] }),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
): Promise<INodeExecutionData[]> {
	const { client } = createClient(run, this.getNodeParameter('options', 0, {}) as IDataObject);
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const corpUserId = requiredString(
			this.getNodeParameter('corpUserId', itemIndex),
			USER_ID_FIELD,
		);
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const relation = await client.getUserRelation(corpUserId);
		if (!relation && options.failWhenNotFound === true) {
			throw new ParameterError(USER_ID_FIELD, `No Mingdao account is linked to ID: ${corpUserId}`);
		}
		if (!relation && options.onlyFound === true) return [];
		return [userRelationJson(corpUserId, relation)];
	});
}

export const outcomes: OutcomeSummary = {
	noun: 'ids',
	classify: (json) => (json.found === false ? 'have no Mingdao account' : undefined),
};
