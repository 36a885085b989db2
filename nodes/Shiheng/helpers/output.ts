import type { IDataObject } from 'n8n-workflow';

import { statusLabel } from './codes';

/** How Shiheng's answers become output items. */

/** The fields Simplify keeps (the node's hint lists them from here). */
export const SIMPLE_EMPLOYEE_FIELDS: readonly string[] = [
	'id',
	'weComUserId',
	'userId',
	'name',
	'status',
	'statusCode',
	'corpId',
	'followUserFlag',
	'mobileNumber',
	'phone',
	'emailAddress',
	'businessEmail',
];

/** `status` becomes its label, the original number is kept as `statusCode`. */
export function readableEmployee(
	employee: Record<string, unknown>,
	simplify: boolean,
): IDataObject {
	const status = statusLabel(employee.status);
	const statusCode = (employee.status ?? null) as IDataObject[string];
	if (!simplify) return { ...(employee as IDataObject), status, statusCode };
	// Picked straight from the answer (no full copy first): this runs once per employee listed.
	const simple: IDataObject = {};
	for (const field of SIMPLE_EMPLOYEE_FIELDS) {
		if (field === 'status') simple.status = status;
		else if (field === 'statusCode') simple.statusCode = statusCode;
		else if (field in employee) simple[field] = employee[field] as IDataObject[string];
	}
	return simple;
}

/** Every customer of a listing carries where a later run should continue. */
export function withResumeStartId(
	customers: IDataObject[],
	resumeStartId: number | string,
): IDataObject[] {
	return customers.map((customer) => ({ ...customer, resumeStartId }));
}

/** What "Add Listing Details" adds to an employee: what the listing stated, for audits. */
export function withListingDetails(
	item: IDataObject,
	listing: { total?: number; pages?: number; complete: boolean | undefined; passes: number },
	traceId: string | undefined,
): IDataObject {
	return {
		...item,
		listing: {
			total: listing.total ?? null,
			pages: listing.pages ?? null,
			traceId: traceId ?? null,
			complete: listing.complete ?? null,
			passes: listing.passes,
		},
	};
}

/** One Shiheng Trigger event as an output item's json. */
export function employeeEventJson(
	event: {
		event: string;
		reason: string;
		employee: Record<string, unknown>;
		changes?: Record<string, { previous?: unknown; current: unknown }>;
	},
	simplify: boolean,
): IDataObject {
	const json: IDataObject = {
		event: event.event,
		reason: event.reason,
		employee: readableEmployee(event.employee, simplify),
	};
	if (event.changes) {
		json.changedFields = Object.keys(event.changes);
		json.changes = event.changes as IDataObject;
	}
	return json;
}
