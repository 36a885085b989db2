import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ParameterError } from '../../../shared/errors';
import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import { itemParameterReader } from '../../../shared/execution/parameters';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { optionsCollection } from '../../../shared/descriptions/options';
import { intInRange } from '../../../shared/validate';
import { refuseOnSaas } from '../../helpers/deployment';
import type { MingdaoConnection } from '../../transport/connection';
import { MINGDAO_UPSERT_MAX, createClient } from '../../transport/client';
import type { MingdaoUserWrite, UpsertAnswer } from '../../transport/types';
import { FIELD, userEntry } from '../../helpers/userEntry';
import { MINGDAO_TUNING } from '../common.descriptions';

/**
 * User → Upsert (upsertUsers). Mingdao clears every field of the user that the request leaves
 * out, so nothing here is optional by accident: the documented fields are parameters of their
 * own, further fields are passed through as the user spells them, and an empty value fails its
 * item unless Empty Values says to clear on purpose.
 */

const show = { resource: ['user'], operation: ['upsert'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Mingdao clears every field of the user that this request leaves out or sends empty (its documentation says so). Give every field you want to keep. Needs a private deployment: Mingdao SaaS does not offer it.',
		name: 'upsertNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: FIELD.corpUserId,
		name: 'corpUserId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.userid }}',
		displayOptions: { show },
		description:
			"The user's ID in WeCom, DingTalk or your own system (corpUserId): a user with this ID is updated, otherwise created",
	},
	{
		displayName: FIELD.name,
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show },
		description: "The user's name (name, required by Mingdao)",
	},
	{
		displayName: FIELD.email,
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		displayOptions: { show },
		description:
			"Email (email). Mingdao needs Email or Mobile Phone; left empty, it clears the user's email.",
	},
	{
		displayName: FIELD.mobilePhone,
		name: 'mobilePhone',
		type: 'string',
		default: '',
		displayOptions: { show },
		description:
			"Mobile number (mobilePhone). Mingdao needs Email or Mobile Phone; left empty, it clears the user's mobile number.",
	},
	{
		displayName: FIELD.otherFields,
		name: 'otherFields',
		type: 'json',
		default: '{}',
		displayOptions: { show },
		description:
			"Further fields of Mingdao's User entity, named as your deployment's API documentation names them. The node knows only corpUserId, name, email and mobilePhone from Mingdao's documentation and sends these unchecked; any User field you leave out is cleared by Mingdao.",
	},
	{
		displayName: FIELD.emptyValues,
		name: 'emptyValues',
		type: 'options',
		displayOptions: { show },
		options: [
			{
				name: 'Fail the Item',
				value: 'fail',
				description:
					'An empty Email, Mobile Phone or other field fails its item, naming the field; nothing is sent for it',
			},
			{
				name: 'Send Them (Clears the Field in Mingdao)',
				value: 'clear',
				description: 'Empty values are sent empty, and Mingdao clears those fields of the user',
			},
		],
		default: 'fail',
		description: 'What an empty value does: Mingdao would clear that field of the user',
	},
	optionsCollection({
		show,
		tuning: MINGDAO_TUNING,
		own: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MINGDAO_UPSERT_MAX },
				default: MINGDAO_UPSERT_MAX,
				description:
					'How many users one request carries, gathered across all items (Mingdao takes at most 500)',
			},
		],
	}),
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
): Promise<INodeExecutionData[]> {
	const refused = refuseOnSaas(this, run, 'Upsert');
	if (refused) return refused;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	// A write whose fate is unknown is not sent again: a timed-out upsert may still be running in
	// Mingdao, and a repeat would race it (two creates of one user).
	const { client, concurrency } = createClient(run, options, { idempotent: false });
	// The batch carries users of many items, so its size is the node's, not an item's.
	const batchSize = intInRange(
		options.batchSize ?? MINGDAO_UPSERT_MAX,
		'Batch Size',
		1,
		MINGDAO_UPSERT_MAX,
	);
	/** Which item first upserts each user: two items writing one user would race. */
	const firstItem = new Map<string, number>();
	// A plain `{{ $json.field }}` is read straight from the item: with thousands of users the
	// per-item expression evaluation would be most of the node's time.
	const param = {
		corpUserId: itemParameterReader(this, 'corpUserId'),
		name: itemParameterReader(this, 'name'),
		email: itemParameterReader(this, 'email', ''),
		mobilePhone: itemParameterReader(this, 'mobilePhone', ''),
		otherFields: itemParameterReader(this, 'otherFields', '{}'),
		emptyValues: itemParameterReader(this, 'emptyValues', 'fail'),
	};
	return await lookUpAcrossItems<MingdaoUserWrite, UpsertAnswer | undefined>(this, run.redactor, {
		read: (itemIndex) => {
			const entry = userEntry(
				{
					corpUserId: param.corpUserId(itemIndex),
					name: param.name(itemIndex),
					email: param.email(itemIndex),
					mobilePhone: param.mobilePhone(itemIndex),
					otherFields: param.otherFields(itemIndex),
				},
				param.emptyValues(itemIndex) === 'clear',
			);
			const earlier = firstItem.get(entry.corpUserId);
			if (earlier !== undefined) {
				throw new ParameterError(
					FIELD.corpUserId,
					`${FIELD.corpUserId} "${entry.corpUserId}" is also upserted by item ${earlier}; one run upserts each user once`,
				);
			}
			firstItem.set(entry.corpUserId, itemIndex);
			return [entry];
		},
		key: (entry) => entry.corpUserId,
		batchSize,
		concurrency,
		signal: run.signal,
		// A write: every item is read before anything is sent, so a bad item changes nobody.
		readAllFirst: true,
		send: async (batch) => await client.upsertUsers(batch.map((request) => request.value)),
		// Code 1 accepted the whole batch; the answer need not list each user.
		missing: () => ({ ok: true, value: undefined }),
		toItems: (_itemIndex, [entry], [answer]) => [
			{
				corpUserId: entry.corpUserId,
				upserted: true,
				accountId: typeof answer?.accountId === 'string' ? answer.accountId : null,
			},
		],
	});
}

export const outcomes: OutcomeSummary = {
	noun: 'users',
	classify: (json) => (json.upserted === false ? 'were not upserted' : undefined),
};
