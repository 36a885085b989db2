import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { agentSafeWaitSeconds } from '../../../shared/execution/agent-tool';
import { ParameterError } from '../../../shared/errors';
import { orderByParent } from '../../../shared/execution/hierarchy';
import { failItem } from '../../../shared/execution/item-loop';
import { collectionReader, itemParameterReader } from '../../../shared/execution/parameters';
import type { OperationRun } from '../../../shared/execution/router';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { createClient, numberOption } from '../../transport/client';
import type { WeLinkConnection } from '../../transport/connection';
import { departmentInfo, departmentSubmitOutput } from '../../helpers/departmentSubmit';
import { submitByLevels } from '../../helpers/departmentLevels';
import type { DepartmentInfo, DepartmentOutcome } from '../../helpers/departmentSubmit';
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

	await submitByLevels(client, order, infos, outcomes, {
		concurrency,
		signal: run.signal,
		waitForParents,
		deadline,
		pollIntervalMs: numberOption(options, 'pollIntervalMs', 2000),
	});

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
