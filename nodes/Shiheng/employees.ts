import type { IDataObject } from 'n8n-workflow';

/** Employee status codes as the employee-list doc lists them; anything else stays visible as unknown:<n>. */
const STATUS_LABELS: Record<number, string> = {
	0: 'unknown',
	1: 'active',
	2: 'disabled',
	4: 'not activated',
	5: 'left',
};

export function statusLabel(status: unknown): string | null {
	if (status === undefined || status === null || status === '') return null;
	const code = Number(status);
	if (Number.isInteger(code) && STATUS_LABELS[code] !== undefined) return STATUS_LABELS[code];
	return `unknown:${String(status)}`;
}

const SIMPLE_FIELDS = [
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
export function readableEmployee(employee: Record<string, unknown>, simplify: boolean): IDataObject {
	const readable: IDataObject = {
		...(employee as IDataObject),
		status: statusLabel(employee.status),
		statusCode: (employee.status ?? null) as IDataObject[string],
	};
	if (!simplify) return readable;
	const simple: IDataObject = {};
	for (const field of SIMPLE_FIELDS) if (field in readable) simple[field] = readable[field];
	return simple;
}
