import type { IDataObject } from 'n8n-workflow';

import { objectRows } from '../../shared/transport';

/** How IoT Living Link answers (`data` of the envelope) become output items. */

export function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** One page of querybycompanyid: its employees and, when the platform says, the page count. */
export function employeePage(data: unknown, pageSize: number): { items: IDataObject[]; totalPages?: number } {
	const page = asObject(data);
	const items = objectRows<IDataObject>(page.employeeList);
	const totalPages =
		typeof page.pageCount === 'number'
			? page.pageCount
			: typeof page.total === 'number'
				? Math.ceil(page.total / pageSize)
				: undefined;
	return { items, totalPages };
}

/** The key that tells employees apart when a page shifts under paging. */
export function employeeKey(employee: IDataObject): string {
	return String(employee.employeeId ?? JSON.stringify(employee));
}

/** A custom call's `data`: an object is the item; anything else is wrapped as `{ data }`. */
export function callResultItem(data: unknown): IDataObject {
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as IDataObject;
	return { data: data === undefined ? null : (data as IDataObject['data']) };
}
