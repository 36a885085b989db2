import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ParameterError } from '../../../shared/errors';
import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { departmentRelationJson } from '../../helpers/output';
import { relationLookup } from '../../helpers/relationLookup';
import type { MingdaoConnection } from '../../transport/connection';
import { createClient } from '../../transport/client';
import { optionsCollection } from '../../../shared/descriptions/options';
import { MINGDAO_TUNING, relationsOptions } from '../common.descriptions';

export const DEPARTMENT_IDS_FIELD = 'Third-Party Department IDs';

const show = { resource: ['department'], operation: ['getRelations'] };

export const description: INodeProperties[] = [
	{
		displayName: DEPARTMENT_IDS_FIELD,
		name: 'corpDepartmentIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.departmentId }}',
		displayOptions: { show },
		description:
			'The third-party department ID to look up, usually an expression that reads it from the input item. It may also be a list of IDs per item. One output item per ID.',
		hint: 'IDs from all input items are sent together in batches; each answer is paired with the item that asked',
	},
	{
		displayName: 'Numeric IDs',
		name: 'isNumber',
		type: 'boolean',
		default: true,
		displayOptions: { show },
		description:
			'Whether the third-party department IDs are numbers (sent as isNumber). Turn on for WeCom, DingTalk and WeLink integrations, whose department IDs are numeric; turn off for integrations with text IDs.',
	},
	optionsCollection({ show, tuning: MINGDAO_TUNING, own: relationsOptions }),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
): Promise<INodeExecutionData[]> {
	const { client } = createClient(run, this.getNodeParameter('options', 0, {}) as IDataObject);
	// One request carries ids of many items, so the flag is the node's, not an item's.
	const isNumber = this.getNodeParameter('isNumber', 0, true) as boolean;
	return await lookUpAcrossItems(
		this,
		run.redactor,
		relationLookup(this, run.signal, {
			parameter: 'corpDepartmentIds',
			field: DEPARTMENT_IDS_FIELD,
			noun: 'department',
			check: (id) => {
				if (isNumber && !/^-?\d+$/.test(id)) {
					throw new ParameterError(
						DEPARTMENT_IDS_FIELD,
						`${DEPARTMENT_IDS_FIELD} must be numbers when "Numeric IDs" is on, got "${id}"`,
						'Turn off "Numeric IDs" if your integration uses text department IDs',
					);
				}
			},
			send: async (ids) => await client.getDepartmentRelations(ids, isNumber),
			toJson: departmentRelationJson,
		}),
	);
}

export const outcomes: OutcomeSummary = {
	noun: 'ids',
	classify: (json) => (json.found === false ? 'have no Mingdao department' : undefined),
};
