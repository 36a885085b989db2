import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { agentSafeWaitSeconds } from '../../../shared/execution/agent-tool';
import { runBatched } from '../../../shared/execution/batching';
import type { Answer, BatchOptions, Request } from '../../../shared/execution/batching';
import { ParameterError } from '../../../shared/errors';
import { orderByParent } from '../../../shared/execution/hierarchy';
import { failItem } from '../../../shared/execution/item-loop';
import { collectionReader, itemParameterReader } from '../../../shared/execution/parameters';
import { waitUntilFinal } from '../../../shared/execution/polling';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { unreportedDepartmentStatus } from '../../helpers/output';
import type { DepartmentStatus, DepartmentSubmitResult } from '../../helpers/output';
import { DEPARTMENT_BATCH, createClient, numberOption } from '../../transport/client';
import type { WeLinkConnection } from '../../transport/connection';
import {
	departmentInfo,
	departmentSubmitOutput,
	departmentSubmitSender,
	unsentDepartment,
} from '../../helpers/departmentSubmit';
import type { DepartmentInfo, DepartmentOutcome } from '../../helpers/departmentSubmit';
import { departmentStatusSender } from '../../helpers/statusSender';
import { optionsCollection } from '../../../shared/descriptions/options';
import { pollingOptions, rateLimitOptions, WELINK_TUNING } from '../common.descriptions';

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
		description:
			"The department's unique code in your own system (corpDeptCode); persons name it as their Department Code",
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
				description:
					'Sent as orderNo, unchanged: the position of the department among its siblings',
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
	optionsCollection({
		show,
		tuning: WELINK_TUNING,
		own: [
			...rateLimitOptions,
			{
				...pollingOptions[0],
				description:
					'With Wait for Parents: how long to keep polling departments that are still processing, for the whole run. Children of departments still not final then are skipped.',
			},
			{
				...pollingOptions[1],
				description: `With Wait for Parents: ${String(pollingOptions[1].description).toLowerCase()}`,
			},
			{
				displayName: 'Wait for Parents',
				name: 'waitForParents',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait until the departments of one level are final at WeLink (departments/status) before their children are sent. WeLink syncs departments asynchronously, so a child sent earlier may fail because its parent is not there yet. Children of a parent that failed or was still processing at Max Wait are not sent (skipped, with the reason).',
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
	const waitForParents = options.waitForParents !== false;
	const deadline =
		Date.now() + agentSafeWaitSeconds(this, numberOption(options, 'maxWaitSeconds', 300)) * 1000;
	void client.warmUp().catch(() => undefined);

	// A write: every item is read and the tree checked before anything is sent.
	const infos = new Map<number, DepartmentInfo>();
	const outcomes = new Map<number, DepartmentOutcome>();
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
				departmentInfo(
					read.corpDeptCode(itemIndex),
					read.corpParentCode(itemIndex),
					read.deptNameCn(itemIndex),
					read.additionalFields(itemIndex),
				),
			);
		} catch (error) {
			failItem(this, error, itemIndex, run.redactor);
			outcomes.set(itemIndex, { kind: 'error', error });
		}
	}
	const order = orderByParent(
		[...infos].map(([itemIndex, info]) => ({
			itemIndex,
			code: info.corpDeptCode,
			parentCode: info.corpParentCode,
		})),
	);
	for (const problem of order.problems) {
		const error = new ParameterError(
			'Parent Department Code',
			`${problem.message}. Nothing was sent.`,
		);
		failItem(this, error, problem.itemIndex, run.redactor);
		outcomes.set(problem.itemIndex, {
			kind: 'error',
			error: new ParameterError('Parent Department Code', problem.message),
		});
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
		send: departmentSubmitSender(client),
		missing: (request) => unsentDepartment(request.value),
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
				outcomes.set(itemIndex, {
					kind: 'skipped',
					reason: `Not sent: its parent department "${info.corpParentCode}" ${why}`,
				});
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
			else if (!answer.value.value.accepted)
				unavailable.set(code, `was not accepted (${answer.value.value.code || 'no code'})`);
			else if (parentCodes.has(code))
				toWaitFor.push({ itemIndex: request.itemIndex, key: code, value: code });
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
			else if (status.value.state === 'failed')
				unavailable.set(
					request.value,
					`failed at WeLink (${status.value.code}: ${status.value.reason ?? ''})`,
				);
			else if (status.value.state !== 'succeeded')
				unavailable.set(request.value, `was still ${status.value.state} when Max Wait passed`);
		});
	}

	return departmentSubmitOutput(this, run.redactor, itemCount, infos, outcomes, order.levelOf);
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
