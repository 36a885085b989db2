/** Department Submit level by level: each level's departments sent, then (with Wait for Parents) polled until final before their children go. */

import { runBatched } from '../../shared/execution/batching';
import type { Answer, BatchOptions, Request } from '../../shared/execution/batching';
import type { HierarchyOrder } from '../../shared/execution/hierarchy';
import { waitUntilFinal } from '../../shared/execution/polling';
import type { WeLinkClient } from '../transport/client';
import { DEPARTMENT_BATCH } from '../transport/limits';
import { departmentSubmitSender, unsentDepartment } from './departmentSubmit';
import type { DepartmentInfo, DepartmentOutcome } from './departmentSubmit';
import { unreportedDepartmentStatus } from './departmentOutput';
import type { DepartmentStatus, DepartmentSubmitResult } from './departmentOutput';
import { departmentStatusSender } from './statusSender';

export interface LevelSettings {
	concurrency: number;
	signal: AbortSignal | undefined;
	waitForParents: boolean;
	/** When polling for parents stops (ms since the epoch). */
	deadline: number;
	pollIntervalMs: number;
}

/** Sends the departments of `order` level by level and records each item's outcome in `outcomes`. */
export async function submitByLevels(
	client: WeLinkClient,
	order: HierarchyOrder,
	infos: Map<number, DepartmentInfo>,
	outcomes: Map<number, DepartmentOutcome>,
	settings: LevelSettings,
): Promise<void> {
	const parentCodes = new Set([...infos.values()].map((info) => info.corpParentCode));
	/** Codes children cannot be sent under, and why. */
	const unavailable = new Map<string, string>();
	const submitBatches: BatchOptions<DepartmentInfo, Answer<DepartmentSubmitResult>> = {
		batchSize: DEPARTMENT_BATCH,
		concurrency: settings.concurrency,
		signal: settings.signal,
		// Every item is its own submission.
		dedupe: false,
		send: departmentSubmitSender(client),
		missing: (request) => unsentDepartment(request.value),
	};
	const statusBatches: BatchOptions<string, DepartmentStatus> = {
		batchSize: DEPARTMENT_BATCH,
		concurrency: settings.concurrency,
		signal: settings.signal,
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
		if (!settings.waitForParents || level === order.levels.length - 1 || toWaitFor.length === 0)
			continue;

		const first = await runBatched(toWaitFor, statusBatches);
		const statuses = await waitUntilFinal(statusBatches, toWaitFor, first, {
			deadline: settings.deadline,
			pollIntervalMs: settings.pollIntervalMs,
			signal: settings.signal,
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
}
