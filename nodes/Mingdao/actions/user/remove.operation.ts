import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import { itemParameterReader } from '../../../shared/execution/parameters';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { optionsCollection } from '../../../shared/descriptions/options';
import { stringList } from '../../../shared/validate';
import { refuseOnSaas } from '../../helpers/deployment';
import type { MingdaoConnection } from '../../transport/connection';
import { createClient } from '../../transport/client';
import { MINGDAO_TUNING } from '../common.descriptions';

export const REMOVE_IDS_FIELD = 'Third-Party User IDs';

const show = { resource: ['user'], operation: ['remove'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'This needs a private deployment of Mingdao (Mingdao SaaS does not offer it). Removing a user is Mingdao\'s "leave the organisation" (离职).',
		name: 'removeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: REMOVE_IDS_FIELD,
		name: 'corpUserIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.userid }}',
		displayOptions: { show },
		description:
			"The third-party user ID (corpUserId) of the user to remove, usually an expression reading it from the input item. It may also be a list of IDs per item. One output item per ID with corpUserId and removed, which is Mingdao's answer as it comes (Mingdao does not document when it answers false, e.g. for an unknown user).",
		hint: 'Mingdao removes one user per request; the requests of all items run concurrently, each ID once',
	},
	optionsCollection({ show, tuning: MINGDAO_TUNING }),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
): Promise<INodeExecutionData[]> {
	const refused = refuseOnSaas(this, run, 'Remove');
	if (refused) return refused;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	// A second removal of the same user may answer differently: only requests that cannot have
	// reached Mingdao are repeated.
	const { client, concurrency } = createClient(run, options, { idempotent: false });
	const idsOf = itemParameterReader(this, 'corpUserIds');
	return await lookUpAcrossItems<string, boolean>(this, run.redactor, {
		read: (itemIndex) => stringList(idsOf(itemIndex), REMOVE_IDS_FIELD),
		key: (id) => id,
		// removeUser takes one corpUserId per request.
		batchSize: 1,
		concurrency,
		signal: run.signal,
		// A write: every item is read before anything is sent, so a bad item removes nobody.
		readAllFirst: true,
		send: async ([request]) => new Map([[request.key, await client.removeUser(request.value)]]),
		missing: () => ({ ok: true, value: false }),
		toItems: (_itemIndex, ids, removed) =>
			ids.map((corpUserId, i) => ({ corpUserId, removed: removed[i] })),
	});
}

export const outcomes: OutcomeSummary = {
	noun: 'users',
	classify: (json) =>
		json.removed === false ? 'were not removed (Mingdao answered false)' : undefined,
};
