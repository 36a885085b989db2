/** Department Submit's pieces below the operation: one department's fields, the batch sender pairing WeLink's answer by code, the output items. */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Answer, UniqueRequest } from '../../shared/execution/batching';
import { objectRows } from '../../shared/http/body';
import { failItem } from '../../shared/execution/item-loop';
import type { Redactor } from '../../shared/redact';
import { requiredString } from '../../shared/validate';
import type { WeLinkClient } from '../transport/client';
import { pairByField } from './output';
import { DEPARTMENT_NOT_REPORTED_MESSAGE, departmentSubmitResultOf } from './departmentOutput';
import type { DepartmentStatus, DepartmentSubmitResult } from './departmentOutput';

/** The department fields departments/bulk takes, as WeLink spells them. */
export type DepartmentInfo = Record<string, string>;

const TEXT_FIELDS = ['deptNameEn', 'deptLevel', 'managerId', 'orderNo'];

export function departmentInfo(
	corpDeptCode: unknown,
	corpParentCode: unknown,
	deptNameCn: unknown,
	additional: IDataObject,
): DepartmentInfo {
	const info: DepartmentInfo = {
		corpDeptCode: requiredString(corpDeptCode, 'Department Code'),
		corpParentCode: requiredString(
			corpParentCode,
			'Parent Department Code',
			'Use 0 for a top department.',
		),
		deptNameCn: requiredString(deptNameCn, 'Name (Chinese)'),
	};
	for (const field of TEXT_FIELDS) {
		const value = additional[field];
		if (value !== undefined && value !== null && String(value).trim() !== '')
			info[field] = String(value).trim();
	}
	if (additional.valid !== undefined)
		info.valid = additional.valid === false || additional.valid === '0' ? '0' : '1';
	return info;
}

/** Sends a batch of departments to departments/bulk and pairs the answer's entries by corpDeptCode. */
export function departmentSubmitSender(
	client: WeLinkClient,
): (
	batch: Array<UniqueRequest<DepartmentInfo>>,
) => Promise<Map<string, Answer<DepartmentSubmitResult>>> {
	return async (batch) => {
		// Not idempotent: only refusals before the service (48503, invalid token) are repeated.
		const answer = await client.submitDepartments(batch.map((request) => request.value));
		if (!Array.isArray(answer.data)) {
			return new Map(
				batch.map((request): [string, Answer<DepartmentSubmitResult>] => [
					request.key,
					{
						ok: true,
						value: {
							corpDeptCode: request.value.corpDeptCode,
							accepted: true,
							code: '0',
							message: answer.message,
						},
					},
				]),
			);
		}
		return pairByField(
			'corpDeptCode',
			batch,
			objectRows(answer.data),
			(info) => info.corpDeptCode,
			departmentSubmitResultOf,
		);
	};
}

/** A department WeLink's answer did not mention: not accepted, with the reason. */
export function unsentDepartment(info: DepartmentInfo): Answer<Answer<DepartmentSubmitResult>> {
	return {
		ok: true,
		value: {
			ok: true,
			value: {
				corpDeptCode: info.corpDeptCode,
				accepted: false,
				code: '',
				message: DEPARTMENT_NOT_REPORTED_MESSAGE,
			},
		},
	};
}

/** What happened to one item's department. */
export type DepartmentOutcome =
	| { kind: 'error'; error: unknown }
	| { kind: 'skipped'; reason: string }
	| {
			kind: 'sent';
			answer: Answer<Answer<DepartmentSubmitResult>>;
			status?: Answer<DepartmentStatus>;
	  };

/** One output item per input item: the department's answer and status, the reason it was skipped, or its error. */
export function departmentSubmitOutput(
	ctx: IExecuteFunctions,
	redactor: Redactor,
	itemCount: number,
	infos: ReadonlyMap<number, DepartmentInfo>,
	outcomes: ReadonlyMap<number, DepartmentOutcome>,
	levelOf: ReadonlyMap<number, number>,
): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const outcome = outcomes.get(itemIndex);
		const info = infos.get(itemIndex);
		if (!outcome || outcome.kind === 'error' || !info) {
			out.push(
				failItem(
					ctx,
					outcome?.kind === 'error' ? outcome.error : new Error('The department was not handled'),
					itemIndex,
					redactor,
				),
			);
			continue;
		}
		const base: IDataObject = {
			corpDeptCode: info.corpDeptCode,
			corpParentCode: info.corpParentCode,
			level: levelOf.get(itemIndex) ?? 0,
		};
		if (outcome.kind === 'skipped') {
			out.push({
				json: { ...base, accepted: false, skipped: true, reason: outcome.reason },
				pairedItem: { item: itemIndex },
			});
			continue;
		}
		const answer = outcome.answer.ok ? outcome.answer.value : outcome.answer;
		if (!answer.ok) {
			out.push(failItem(ctx, answer.error, itemIndex, redactor));
			continue;
		}
		const json: IDataObject = { ...base, ...answer.value, skipped: false };
		if (outcome.status?.ok) {
			const status = outcome.status.value;
			Object.assign(json, {
				state: status.state,
				final: status.final,
				statusCode: status.code,
				statusMessage: status.message,
			});
			if (status.reason !== undefined) json.reason = status.reason;
			if (status.polls !== undefined) json.polls = status.polls;
			if (status.timedOut !== undefined) json.timedOut = status.timedOut;
		}
		out.push({ json, pairedItem: { item: itemIndex } });
	}
	return out;
}
