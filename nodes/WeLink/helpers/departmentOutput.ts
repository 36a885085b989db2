import type { IDataObject } from 'n8n-workflow';

import type { Answer } from '../../shared/execution/batching';
import { VendorApiError } from '../../shared/errors';

import { ACCEPTED_CODES, DEPARTMENT_CODES, REFUSED_CODES, WELINK_VENDOR } from './codes';
import type { DepartmentStateName } from './codes';
import { text } from './output';

/** How WeLink's department answers (departments/status, departments/bulk) become output items. */

export interface DepartmentStatus extends IDataObject {
	corpDeptCode: string;
	code: string;
	state: DepartmentStateName;
	final: boolean;
	message: string;
	/** Only for `failed`: WeLink's message, or the code's meaning when WeLink gives none. */
	reason?: string;
	polls?: number;
	timedOut?: boolean;
}

/** A department's departments/status entry (47119 succeeded, 47118 processing, 47114 failed). */
export function departmentStatusOf(entry: Record<string, unknown>): DepartmentStatus {
	const code = text(entry.code);
	const message = text(entry.message);
	const known = Object.hasOwn(DEPARTMENT_CODES, code) ? DEPARTMENT_CODES[code] : undefined;
	const status: DepartmentStatus = {
		corpDeptCode: text(entry.corpDeptCode),
		code,
		state: known?.state ?? 'unknown',
		final: known?.final ?? false,
		message,
	};
	if (known?.state === 'failed') status.reason = message || known.meaning;
	return status;
}

export const DEPARTMENT_NOT_REPORTED_MESSAGE = 'WeLink did not report this department';

export function unreportedDepartmentStatus(corpDeptCode: string): DepartmentStatus {
	return {
		corpDeptCode,
		code: '',
		state: 'unknown',
		final: false,
		message: DEPARTMENT_NOT_REPORTED_MESSAGE,
	};
}

export interface DepartmentSubmitResult extends IDataObject {
	corpDeptCode: string;
	accepted: boolean;
	code: string;
	message: string;
}

/**
 * A department's departments/bulk entry. The answer's per-department shape is not published; it
 * is read like users/bulk's (corpDeptCode, code, message): refusals of values fail the item.
 */
export function departmentSubmitResultOf(
	entry: Record<string, unknown>,
): Answer<DepartmentSubmitResult> {
	const code = text(entry.code);
	const message = text(entry.message);
	if (REFUSED_CODES[code]) {
		return {
			ok: false,
			error: new VendorApiError({
				vendor: WELINK_VENDOR,
				code,
				message: message || 'WeLink refused the department',
				hint: REFUSED_CODES[code],
			}),
		};
	}
	return {
		ok: true,
		value: {
			corpDeptCode: text(entry.corpDeptCode),
			accepted: ACCEPTED_CODES.has(code) || code === '47118' || code === '47119',
			code,
			message,
		},
	};
}
