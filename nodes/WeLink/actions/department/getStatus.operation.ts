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
import { requiredString } from '../../../shared/validate';
import type { OutcomeSummary } from '../../../shared/execution/outcome-hint';
import { unreportedDepartmentStatus } from '../../helpers/departmentOutput';
import { departmentStatusSender } from '../../helpers/statusSender';
import type { DepartmentStatus } from '../../helpers/departmentOutput';
import { createClient, numberOption } from '../../transport/client';
import { DEPARTMENT_BATCH } from '../../transport/limits';
import type { WeLinkConnection } from '../../transport/connection';
import { optionsCollection } from '../../../shared/descriptions/options';
import { pollingOptions, rateLimitOptions, WELINK_TUNING } from '../common.descriptions';

const show = { resource: ['department'], operation: ['getStatus'] };

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
			"The department's code in your own system (corpDeptCode), as it was submitted; up to 10 are asked per request",
	},
	optionsCollection({
		show,
		tuning: WELINK_TUNING,
		own: [
			...rateLimitOptions,
			...pollingOptions,
			{
				displayName: 'Wait Until Final',
				name: 'waitUntilFinal',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep polling departments that are still processing (47118) until each has succeeded (47119) or failed (47114), or Max Wait passes',
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

	const batches: BatchOptions<string, DepartmentStatus> = {
		batchSize: DEPARTMENT_BATCH,
		concurrency,
		signal: run.signal,
		send: departmentStatusSender(client),
		missing: (request) => ({ ok: true, value: unreportedDepartmentStatus(request.value) }),
	};
	const codeOf = itemParameterReader(this, 'corpDeptCode');
	return await lookUpAcrossItems<string, DepartmentStatus>(this, run.redactor, {
		...batches,
		warmUp: async () => await client.warmUp(),
		read: (itemIndex) => [requiredString(codeOf(itemIndex), 'Department Code')],
		key: (code) => code,
		followUp:
			options.waitUntilFinal === true
				? async (requests, first) =>
						await waitUntilFinal(batches, requests, first, {
							deadline,
							pollIntervalMs: numberOption(options, 'pollIntervalMs', 2000),
							signal: run.signal,
						})
				: undefined,
		toItems: (_itemIndex, _codes, [status]) => [{ ...status }],
	});
}

export const outcomes: OutcomeSummary = {
	noun: 'departments',
	classify: (json) =>
		json.timedOut === true
			? 'were still processing when Max Wait passed'
			: json.state === 'failed'
				? 'failed'
				: undefined,
};
