/** How Mingdao's answers become output items: one item per asked id, with `found`. */

import type { IDataObject } from 'n8n-workflow';

import type { DepartmentRelation, UserRelation } from '../transport/types';

export const ID_FIELD_OPTION = 'Read IDs From Field';

export function userRelationJson(
	corpUserId: string,
	relation: UserRelation | undefined,
): IDataObject {
	return {
		corpUserId,
		found: relation !== undefined,
		accountId: relation?.accountId ?? null,
		projectId: relation?.projectId ?? null,
	};
}

export function departmentRelationJson(
	corpDepartmentId: string,
	relation: DepartmentRelation | undefined,
): IDataObject {
	if (!relation) return { corpDepartmentId, found: false, departmentId: null, projectId: null };
	return {
		departmentId: null,
		projectId: null,
		...(relation as IDataObject),
		corpDepartmentId,
		found: true,
	};
}
