import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Answer } from '../../../shared/execution/batching';
import { lookUpAcrossItems } from '../../../shared/execution/lookup';
import { collectionReader, itemParameterReader } from '../../../shared/execution/parameters';
import type { OperationRun } from '../../../shared/execution/router';
import { requiredString } from '../../../shared/validate';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { NOT_REPORTED_MESSAGE, personWriteAnswers } from '../../helpers/output';
import type { SubmitResult } from '../../helpers/output';
import { createClient } from '../../transport/client';
import { PERSON_BATCH } from '../../transport/limits';
import type { WeLinkConnection } from '../../transport/connection';
import { optionsCollection } from '../../../shared/descriptions/options';
import { corpUserIdField, rateLimitOptions, WELINK_TUNING } from '../common.descriptions';

const show = { resource: ['userSync'], operation: ['submit'] };

export const description: INodeProperties[] = [
	corpUserIdField(show, "The person's unique ID in your own system (corpUserId)"),
	{
		displayName: 'Name (Chinese)',
		name: 'userNameCn',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		description: "The person's name as shown in WeLink (userNameCn)",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		displayOptions: { show },
		default: {},
		options: [
			{
				displayName: 'Department Code',
				name: 'corpDeptCode',
				type: 'string',
				default: '',
				description: "Code of the person's department in your own system (corpDeptCode)",
			},
			{
				displayName: 'Email',
				name: 'userEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'English Name',
				name: 'userNameEn',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Mobile Number',
				name: 'mobileNumber',
				type: 'string',
				default: '',
				description: 'Mobile number, e.g. 13800000000 or +86-13800000000',
			},
			{
				displayName: 'Open Account',
				name: 'isOpenAccount',
				type: 'boolean',
				default: true,
				description:
					'Whether to open a WeLink account for the person; off only saves the person in the address book',
			},
			{
				displayName: 'Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				description: 'Landline number',
			},
			{
				displayName: 'Sex',
				name: 'sex',
				type: 'options',
				options: [
					{ name: 'Female', value: 'F' },
					{ name: 'Male', value: 'M' },
				],
				default: 'M',
			},
			{
				displayName: 'Valid',
				name: 'valid',
				type: 'boolean',
				default: true,
				description: 'Whether the person stays valid; off removes the account',
			},
		],
	},
	optionsCollection({ show, tuning: WELINK_TUNING, own: rateLimitOptions }),
];

/** The person fields users/bulk takes, as WeLink spells them. */
export type PersonInfo = Record<string, string>;

export const SUBMIT_TEXT_FIELDS = [
	'corpDeptCode',
	'mobileNumber',
	'phoneNumber',
	'sex',
	'userEmail',
	'userNameEn',
];

export function personInfo(
	corpUserId: unknown,
	userNameCn: unknown,
	additional: IDataObject,
): PersonInfo {
	const person: PersonInfo = {
		corpUserId: requiredString(corpUserId, 'Corp User ID'),
		userNameCn: requiredString(userNameCn, 'Name (Chinese)'),
	};
	for (const field of SUBMIT_TEXT_FIELDS) {
		const value = additional[field];
		if (value !== undefined && value !== null && String(value).trim() !== '')
			person[field] = String(value).trim();
	}
	if (additional.isOpenAccount !== undefined)
		person.isOpenAccount = additional.isOpenAccount === false ? '0' : '1';
	if (additional.valid !== undefined) person.valid = additional.valid === false ? '0' : '1';
	return person;
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<WeLinkConnection>,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { client, concurrency } = createClient(run, options);
	// Plain `{{ $json.field }}` parameters are read from the item: an expression per item and field costs more than the requests.
	const read = {
		corpUserId: itemParameterReader(this, 'corpUserId'),
		userNameCn: itemParameterReader(this, 'userNameCn'),
		additionalFields: collectionReader(this, 'additionalFields'),
	};

	// Each answer is itself an Answer: a refused person fails its item while its batch succeeded.
	return await lookUpAcrossItems<PersonInfo, Answer<SubmitResult>>(this, run.redactor, {
		read: (itemIndex) => [
			personInfo(
				read.corpUserId(itemIndex),
				read.userNameCn(itemIndex),
				read.additionalFields(itemIndex),
			),
		],
		key: (_person, itemIndex) => String(itemIndex),
		batchSize: PERSON_BATCH,
		concurrency,
		signal: run.signal,
		// Every item is its own submission, even when two carry the same person.
		dedupe: false,
		// A write: every item is read before anything is sent, so a bad item changes nothing at WeLink.
		readAllFirst: true,
		warmUp: async () => await client.warmUp(),
		// Not idempotent: only refusals before the service (48503, invalid token) are repeated.
		send: async (batch) =>
			personWriteAnswers(batch, await client.submitPersons(batch.map((request) => request.value))),
		missing: (request) => ({
			ok: true,
			value: {
				ok: true,
				value: {
					corpUserId: request.value.corpUserId,
					accepted: false,
					code: '',
					message: NOT_REPORTED_MESSAGE,
				},
			},
		}),
		toItems: (_itemIndex, _persons, [result]) => {
			if (!result.ok) throw result.error;
			return [{ ...result.value }];
		},
	});
}

export const outcomes: OutcomeSummary = {
	noun: 'persons',
	classify: (json) => (json.accepted === false ? 'were not accepted by WeLink' : undefined),
};
