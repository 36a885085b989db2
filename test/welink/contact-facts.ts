/**
 * What WeLink publishes about the contact endpoints beyond the seed page, as vendor-facts records
 * it (section 1, "Sibling contact endpoints"). Source: support.huaweicloud.com/devg-welink/start-10.html
 * and the contact doc pages it links. Paths are relative to the base URL `…/api`.
 */

export const CONTACT_SOURCE = 'https://support.huaweicloud.com/devg-welink/start-10.html';

export const DEPARTMENTS_BULK = {
	method: 'POST',
	path: '/contact/v2/departments/bulk',
	listField: 'deptInfo',
	maxPerRequest: 10,
	fields: [
		'corpDeptCode',
		'corpParentCode',
		'deptNameCn',
		'deptNameEn',
		'deptLevel',
		'managerId',
		'valid',
		'orderNo',
	],
	/** corpParentCode of a top department. */
	topParentCode: '0',
	/** valid "0" removes the department. */
	removeValid: '0',
} as const;

export const DEPARTMENTS_STATUS = {
	method: 'POST',
	path: '/contact/v2/departments/status',
	listField: 'deptInfo',
	entryFields: ['corpDeptCode'],
	codes: { '47119': 'succeeded', '47118': 'processing', '47114': 'failed' },
} as const;

export const USERS_UPDATE = {
	method: 'PUT',
	path: '/contact/v1/users/update',
	/** vendor-facts says only "async update": the body is not recorded. */
} as const;

export const USERS_OF_DEPARTMENT = {
	method: 'GET',
	path: '/contact/v1/user/users',
	query: ['deptCode', 'pageNo', 'pageSize'],
	maxPageSize: 50,
	answer: ['pageNo', 'pages', 'pageSize', 'total', 'data'],
} as const;
