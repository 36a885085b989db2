import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Answer } from '../../../shared/execution/batching';
import { ParameterError } from '../../../shared/errors';
import { lookUpAcrossItems } from '../../../shared/execution/lookup';
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
import { SUBMIT_TEXT_FIELDS } from '../userSync/submit.operation';

const show = { resource: ['user'], operation: ['update'] };

export const description: INodeProperties[] = [
	corpUserIdField(
		show,
		"The person's unique ID in your own system (corpUserId) whose WeLink data is changed",
	),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		displayOptions: { show },
		default: {},
		description: 'Only the fields added here are sent',
		options: [
			{
				displayName: 'Department Code',
				name: 'corpDeptCode',
				type: 'string',
				default: '',
				description:
					"Code of the person's new department (corpDeptCode); it must exist in WeLink, else the person ends 47106",
			},
			{
				displayName: 'Email',
				name: 'userEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{ displayName: 'English Name', name: 'userNameEn', type: 'string', default: '' },
			{
				displayName: 'Extra Fields (JSON)',
				name: 'extraFields',
				type: 'json',
				default: '{}',
				description:
					'Further person fields sent unchanged, as WeLink spells them (for example orderInDepts). WeLink does not publish the fields of users/update; the node passes these through without checking them.',
			},
			{
				displayName: 'Mobile Number',
				name: 'mobileNumber',
				type: 'string',
				default: '',
				description: 'Mobile number, e.g. 13800000000 or +86-13800000000',
			},
			{
				displayName: 'Name (Chinese)',
				name: 'userNameCn',
				type: 'string',
				default: '',
				description: "The person's name as shown in WeLink (userNameCn)",
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
		],
	},
	optionsCollection({
		show,
		tuning: WELINK_TUNING,
		own: [
			...rateLimitOptions,
			{
				displayName: 'Body Format',
				name: 'bodyFormat',
				type: 'options',
				options: [
					{
						name: 'Person List (personInfo, up to 10)',
						value: 'personInfo',
						description: 'Like users/bulk: {"personInfo": [...]}, up to 10 persons per request',
					},
					{
						name: 'One Person per Request',
						value: 'single',
						description: "The person's fields at the top level of the body",
					},
				],
				default: 'personInfo',
				description:
					'WeLink does not publish the body of users/update. The default sends persons the way users/bulk takes them; choose One Person per Request if your WeLink documentation shows that form.',
			},
		],
	}),
];

type PersonUpdate = Record<string, string>;

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

function extraFields(value: unknown): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	const parsed = typeof value === 'string' ? parseJson(value) : value;
	if (parsed === NOT_JSON)
		throw new ParameterError('Extra Fields (JSON)', 'Extra Fields (JSON) is not valid JSON');
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ParameterError(
			'Extra Fields (JSON)',
			'Extra Fields (JSON) must be a JSON object of field names and values',
		);
	}
	return parsed as IDataObject;
}

export function personUpdate(corpUserId: unknown, fields: IDataObject): PersonUpdate {
	const update: PersonUpdate = {};
	for (const [name, value] of Object.entries(extraFields(fields.extraFields))) {
		if (value !== undefined && value !== null)
			update[name] = typeof value === 'string' ? value : JSON.stringify(value);
	}
	for (const field of [...SUBMIT_TEXT_FIELDS, 'userNameCn']) {
		const value = fields[field];
		if (value !== undefined && value !== null && String(value).trim() !== '')
			update[field] = String(value).trim();
	}
	// The person it is about is never taken from Extra Fields.
	update.corpUserId = requiredString(corpUserId, 'Corp User ID');
	if (Object.keys(update).length === 1) {
		throw new ParameterError(
			'Update Fields',
			'Nothing to update: add at least one field under Update Fields',
		);
	}
	return update;
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<WeLinkConnection>,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { client, concurrency } = createClient(run, options);
	const single = options.bodyFormat === 'single';

	return await lookUpAcrossItems<PersonUpdate, Answer<SubmitResult>>(this, run.redactor, {
		read: (itemIndex) => [
			personUpdate(
				this.getNodeParameter('corpUserId', itemIndex),
				this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject,
			),
		],
		key: (_person, itemIndex) => String(itemIndex),
		batchSize: single ? 1 : PERSON_BATCH,
		concurrency,
		signal: run.signal,
		dedupe: false,
		// A write: every item is read before anything is sent, so a bad item changes nothing at WeLink.
		readAllFirst: true,
		warmUp: async () => await client.warmUp(),
		// Not idempotent: only refusals before the service (48503, invalid token) are repeated.
		send: async (batch) =>
			personWriteAnswers(
				batch,
				await client.updatePersons(
					single ? batch[0].value : { personInfo: batch.map((request) => request.value) },
				),
			),
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
