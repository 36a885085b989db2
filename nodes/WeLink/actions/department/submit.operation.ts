import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { agentSafeWaitSeconds } from '../../../shared/agent-tool';
import { runBatched } from '../../../shared/batching';
import type { Answer, BatchOptions, Request } from '../../../shared/batching';
import { ParameterError } from '../../../shared/errors';
import { orderByParent } from '../../../shared/hierarchy';
import { failItem } from '../../../shared/node-kit';
import { collectionReader, itemParameterReader } from '../../../shared/parameters';
import { waitUntilFinal } from '../../../shared/polling';
import type { OperationRun } from '../../../shared/router';
import { objectRows } from '../../../shared/transport';
import { requiredString } from '../../../shared/validate';
import type { OutcomeSummary } from '../../../shared/outcome-hint';
import { DEPARTMENT_NOT_REPORTED_MESSAGE, departmentSubmitResultOf, pairByField, unreportedDepartmentStatus } from '../../helpers/output';
import type { DepartmentStatus, DepartmentSubmitResult } from '../../helpers/output';
import { DEPARTMENT_BATCH, createClient, numberOption } from '../../transport/client';
import type { WeLinkConnection } from '../../transport/connection';
import { optionsCollection } from '../common.descriptions';

import { departmentStatusSender, pollingOptions } from './getStatus.operation';

const show = { resource: ['department'], operation: ['submit'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Department Code',
		name: 'corpDeptCode',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: '={{ $json.corpDeptCode }}',
		description: "The department's unique code in your own system (corpDeptCode); persons name it as their Department Code",
	},
	{
		displayName: 'Parent Department Code',
		name: 'corpParentCode',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '0',
		description:
			'Code of the parent department (corpParentCode); 0 for a top department. A parent given by another input item is submitted first.',
	},
	{
		displayName: 'Name (Chinese)',
		name: 'deptNameCn',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		description: "The department's name as shown in WeLink (deptNameCn)",
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
				displayName: 'English Name',
				name: 'deptNameEn',
				type: 'string',
				default: '',
				description: "The department's English name (deptNameEn)",
			},
			{
				displayName: 'Level',
				name: 'deptLevel',
				type: 'string',
				default: '',
				description:
					'Sent as deptLevel, unchanged. WeLink does not publish what values it takes; the order of submission is computed from the parent codes, not from this value.',
			},
			{
				displayName: 'Manager ID',
				name: 'managerId',
				type: 'string',
				default: '',
				description:
					'Sent as managerId, unchanged. WeLink does not publish whether it is a Corp User ID or a WeLink user ID; use what your WeLink onboarding says.',
			},
			{
				displayName: 'Order Number',
				name: 'orderNo',
				type: 'string',
				default: '',
				description: 'Sent as orderNo, unchanged: the position of the department among its siblings',
			},
			{
				displayName: 'Valid',
				name: 'valid',
				type: 'boolean',
				default: true,
				description: 'Whether the department stays valid; off removes the department (valid "0")',
			},
		],
	},
	optionsCollection(show, [
		{
			...pollingOptions[0],
			description:
				'With Wait for Parents: how long to keep polling departments that are still processing, for the whole run. Children of departments still not final then are skipped.',
		},
		{ ...pollingOptions[1], description: `With Wait for Parents: ${String(pollingOptions[1].description).toLowerCase()}` },
		{
			displayName: 'Wait for Parents',
			name: 'waitForParents',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until the departments of one level are final at WeLink (departments/status) before their children are sent. WeLink syncs departments asynchronously, so a child sent earlier may fail because its parent is not there yet. Children of a parent that failed or was still processing at Max Wait are not sent (skipped, with the reason).',
		},
	]),
];

/** The department fields departments/bulk takes, as WeLink spells them. */
export type DepartmentInfo = Record<string, string>;

const TEXT_FIELDS = ['deptNameEn', 'deptLevel', 'managerId', 'orderNo'];

export function departmentInfo(corpDeptCode: unknown, corpParentCode: unknown, deptNameCn: unknown, additional: IDataObject): DepartmentInfo {
	const info: DepartmentInfo = {
		corpDeptCode: requiredString(corpDeptCode, 'Department Code'),
		corpParentCode: requiredString(corpParentCode, 'Parent Department Code', 'Use 0 for a top department.'),
		deptNameCn: requiredString(deptNameCn, 'Name (Chinese)'),
	};
	for (const field of TEXT_FIELDS) {
		const value = additional[field];
		if (value !== undefined && value !== null && String(value).trim() !== '') info[field] = String(value).trim();
	}
	if (additional.valid !== undefined) info.valid = additional.valid === false || additional.valid === '0' ? '0' : '1';
	return info;
}

type Outcome =
	| { kind: 'error'; error: unknown }
	| { kind: 'skipped'; reason: string }
	| { kind: 'sent'; answer: Answer<Answer<DepartmentSubmitResult>>; status?: Answer<DepartmentStatus> };

export async function execute(this: IExecuteFunctions, run: OperationRun<WeLinkConnection>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { client, concurrency } = createClient(run, options);
	const waitForParents = options.waitForParents !== false;
	const deadline = Date.now() + agentSafeWaitSeconds(this, numberOption(options, 'maxWaitSeconds', 300)) * 1000;
	void client.warmUp().catch(() => undefined);

	// A write: every item is read and the tree checked before anything is sent.
	const infos = new Map<number, DepartmentInfo>();
	const outcomes = new Map<number, Outcome>();
	const itemCount = this.getInputData().length;
	// Plain `{{ $json.field }}` parameters are read from the item: an expression per item and field costs more than the requests.
	const read = {
		corpDeptCode: itemParameterReader(this, 'corpDeptCode'),
		corpParentCode: itemParameterReader(this, 'corpParentCode'),
		deptNameCn: itemParameterReader(this, 'deptNameCn'),
		additionalFields: collectionReader(this, 'additionalFields'),
	};
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			infos.set(
				itemIndex,
				departmentInfo(read.corpDeptCode(itemIndex), read.corpParentCode(itemIndex), read.deptNameCn(itemIndex), read.additionalFields(itemIndex)),
			);
		} catch (error) {
			failItem(this, error, itemIndex, run.redactor);
			outcomes.set(itemIndex, { kind: 'error', error });
		}
	}
	const order = orderByParent([...infos].map(([itemIndex, info]) => ({ itemIndex, code: info.corpDeptCode, parentCode: info.corpParentCode })));
	for (const problem of order.problems) {
		const error = new ParameterError('Parent Department Code', `${problem.message}. Nothing was sent.`);
		failItem(this, error, problem.itemIndex, run.redactor);
		outcomes.set(problem.itemIndex, { kind: 'error', error: new ParameterError('Parent Department Code', problem.message) });
	}

	const parentCodes = new Set([...infos.values()].map((info) => info.corpParentCode));
	/** Codes children cannot be sent under, and why. */
	const unavailable = new Map<string, string>();
	const submitBatches: BatchOptions<DepartmentInfo, Answer<DepartmentSubmitResult>> = {
		batchSize: DEPARTMENT_BATCH,
		concurrency,
		signal: run.signal,
		// Every item is its own submission.
		dedupe: false,
		send: async (batch) => {
			// Not idempotent: only refusals before the service (48503, invalid token) are repeated.
			const answer = await client.submitDepartments(batch.map((request) => request.value));
			if (!Array.isArray(answer.data)) {
				return new Map(
					batch.map((request): [string, Answer<DepartmentSubmitResult>] => [
						request.key,
						{ ok: true, value: { corpDeptCode: request.value.corpDeptCode, accepted: true, code: '0', message: answer.message } },
					]),
				);
			}
			return pairByField('corpDeptCode', batch, objectRows(answer.data), (info) => info.corpDeptCode, departmentSubmitResultOf);
		},
		missing: (request) => ({
			ok: true,
			value: { ok: true, value: { corpDeptCode: request.value.corpDeptCode, accepted: false, code: '', message: DEPARTMENT_NOT_REPORTED_MESSAGE } },
		}),
	};
	const statusBatches: BatchOptions<string, DepartmentStatus> = {
		batchSize: DEPARTMENT_BATCH,
		concurrency,
		signal: run.signal,
		send: departmentStatusSender(client),
		missing: (request) => ({ ok: true, value: unreportedDepartmentStatus(request.value) }),
	};

	for (const [level, indexes] of order.levels.entries()) {
		const requests: Array<Request<DepartmentInfo>> = [];
		for (const itemIndex of indexes) {
			const info = infos.get(itemIndex) as DepartmentInfo;
			const why = unavailable.get(info.corpParentCode);
			if (why !== undefined) {
				outcomes.set(itemIndex, { kind: 'skipped', reason: `Not sent: its parent department "${info.corpParentCode}" ${why}` });
				unavailable.set(info.corpDeptCode, 'was not sent');
			} else {
				requests.push({ itemIndex, key: String(itemIndex), value: info });
			}
		}
		const answers = await runBatched(requests, submitBatches);
		const toWaitFor: Array<Request<string>> = [];
		requests.forEach((request, position) => {
			const answer = answers[position];
			outcomes.set(request.itemIndex, { kind: 'sent', answer });
			const code = request.value.corpDeptCode;
			if (!answer.ok || !answer.value.ok) unavailable.set(code, 'could not be submitted');
			else if (!answer.value.value.accepted) unavailable.set(code, `was not accepted (${answer.value.value.code || 'no code'})`);
			else if (parentCodes.has(code)) toWaitFor.push({ itemIndex: request.itemIndex, key: code, value: code });
		});
		if (!waitForParents || level === order.levels.length - 1 || toWaitFor.length === 0) continue;

		const first = await runBatched(toWaitFor, statusBatches);
		const statuses = await waitUntilFinal(statusBatches, toWaitFor, first, {
			deadline,
			pollIntervalMs: numberOption(options, 'pollIntervalMs', 2000),
			signal: run.signal,
		});
		toWaitFor.forEach((request, position) => {
			const status = statuses[position];
			const outcome = outcomes.get(request.itemIndex);
			if (outcome?.kind === 'sent') outcome.status = status;
			if (!status.ok) unavailable.set(request.value, 'has a status WeLink could not report');
			else if (status.value.state === 'failed') unavailable.set(request.value, `failed at WeLink (${status.value.code}: ${status.value.reason ?? ''})`);
			else if (status.value.state !== 'succeeded') unavailable.set(request.value, `was still ${status.value.state} when Max Wait passed`);
		});
	}

	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const outcome = outcomes.get(itemIndex);
		const info = infos.get(itemIndex);
		if (!outcome || outcome.kind === 'error' || !info) {
			out.push(failItem(this, outcome?.kind === 'error' ? outcome.error : new Error('The department was not handled'), itemIndex, run.redactor));
			continue;
		}
		const base: IDataObject = { corpDeptCode: info.corpDeptCode, corpParentCode: info.corpParentCode, level: order.levelOf.get(itemIndex) ?? 0 };
		if (outcome.kind === 'skipped') {
			out.push({ json: { ...base, accepted: false, skipped: true, reason: outcome.reason }, pairedItem: { item: itemIndex } });
			continue;
		}
		const answer = outcome.answer.ok ? outcome.answer.value : outcome.answer;
		if (!answer.ok) {
			out.push(failItem(this, answer.error, itemIndex, run.redactor));
			continue;
		}
		const json: IDataObject = { ...base, ...answer.value, skipped: false };
		if (outcome.status?.ok) {
			const status = outcome.status.value;
			Object.assign(json, { state: status.state, final: status.final, statusCode: status.code, statusMessage: status.message });
			if (status.reason !== undefined) json.reason = status.reason;
			if (status.polls !== undefined) json.polls = status.polls;
			if (status.timedOut !== undefined) json.timedOut = status.timedOut;
		}
		out.push({ json, pairedItem: { item: itemIndex } });
	}
	return out;
}

export const outcomes: OutcomeSummary = {
	noun: 'departments',
	classify: (json) =>
		json.skipped === true
			? 'were not sent because a parent did not succeed'
			: json.timedOut === true
				? 'were still processing when Max Wait passed'
				: json.state === 'failed'
					? 'failed at WeLink'
					: json.accepted === false
						? 'were not accepted by WeLink'
						: undefined,
};
