import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { agentSafeWaitSeconds } from '../../../shared/execution/agent-tool';
import type { BatchOptions } from '../../../shared/execution/batching';
import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import { itemParameterReader } from '../../../shared/execution/parameters';
import { waitUntilFinal } from '../../../shared/execution/polling';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { NOT_REPORTED_MESSAGE, unreportedStatus } from '../../helpers/output';
import { personRef } from '../../helpers/personRef';
import type { PersonRef } from '../../helpers/personRef';
import { statusSender } from '../../helpers/statusSender';
import type { PolledStatus } from '../../helpers/output';
import { createClient, numberOption } from '../../transport/client';
import { PERSON_BATCH } from '../../transport/limits';
import type { WeLinkConnection } from '../../transport/connection';
import { optionsCollection } from '../../../shared/descriptions/options';
import { rateLimitOptions, WELINK_TUNING } from '../common.descriptions';

const show = { resource: ['userSync'], operation: ['getStatus'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Identify By',
		name: 'identifierType',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Corp User ID', value: 'corpUserId' },
			{ name: 'Email', value: 'userEmail' },
			{ name: 'Mobile Number', value: 'mobileNumber' },
		],
		default: 'corpUserId',
		description:
			'Which value identifies the person. Set it by expression to mix kinds across items, with an expression on the item giving corpUserId, mobileNumber or userEmail.',
	},
	{
		displayName: 'Identifier',
		name: 'identifier',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: '={{ $json.corpUserId }}',
		description:
			"The person's Corp User ID (your own ID, e.g. zhangsan), mobile number (13800000000 or +86-13800000000) or email, usually an expression on the input item",
	},
	optionsCollection({
		show,
		tuning: WELINK_TUNING,
		own: [
			...rateLimitOptions,
			{
				displayName: 'Ask Mobile/Email Persons One by One',
				name: 'askContactsOneByOne',
				type: 'boolean',
				default: false,
				description:
					"Whether to send each person identified by mobile number or email in a request of its own. WeLink's answer names persons only by Corp User ID, so several such persons in one request are paired with the answer by position (and asked again one by one when the count differs); this removes any reliance on WeLink keeping the order, at one request per person.",
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 300,
				description:
					'With Wait Until Final: how long to keep polling. Persons still not final then are output with timedOut set. Used as an AI Agent tool, the node waits at most 15 seconds.',
			},
			{
				displayName: 'Poll Interval (Ms)',
				name: 'pollIntervalMs',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 2000,
				description:
					'With Wait Until Final: the first pause between polls; each later pause is 1.5 times longer, up to 30 s',
			},
			{
				displayName: 'Wait Until Final',
				name: 'waitUntilFinal',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep polling persons whose sync is still pending, processing or opening until every person is final (saved, opened, failed with a reason, not existing) or Max Wait passes',
			},
		],
	}),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<WeLinkConnection>,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { client, concurrency } = createClient(run, options);
	const deadline =
		Date.now() + agentSafeWaitSeconds(this, numberOption(options, 'maxWaitSeconds', 300)) * 1000;

	const batches: BatchOptions<PersonRef, PolledStatus> = {
		batchSize: PERSON_BATCH,
		concurrency,
		signal: run.signal,
		send: statusSender(client, options.askContactsOneByOne === true),
		missing: () => ({ ok: true, value: unreportedStatus() }),
	};

	const identifierTypeOf = itemParameterReader(this, 'identifierType');
	const identifierOf = itemParameterReader(this, 'identifier');
	return await lookUpAcrossItems<PersonRef, PolledStatus>(this, run.redactor, {
		...batches,
		warmUp: async () => await client.warmUp(),
		read: (itemIndex) => [personRef(identifierTypeOf(itemIndex), identifierOf(itemIndex))],
		key: (ref) => `${ref.type}:${ref.type === 'userEmail' ? ref.value.toLowerCase() : ref.value}`,
		followUp:
			options.waitUntilFinal === true
				? async (requests, first) =>
						await waitUntilFinal(batches, requests, first, {
							deadline,
							pollIntervalMs: numberOption(options, 'pollIntervalMs', 2000),
							signal: run.signal,
						})
				: undefined,
		toItems: (_itemIndex, [ref], [status]) => [
			{ identifierType: ref.type, identifier: ref.value, ...status },
		],
	});
}

/** Persons the hint above the output counts as not done. */
export const outcomes: OutcomeSummary = {
	noun: 'persons',
	classify: (json) =>
		json.timedOut === true
			? 'were still not final when Max Wait passed'
			: json.state === 'failed'
				? 'failed'
				: json.state === 'notExist'
					? 'have no WeLink account'
					: json.message === NOT_REPORTED_MESSAGE
						? 'were not reported by WeLink'
						: undefined,
};
