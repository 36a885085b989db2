/** The node's operations, one function each; the node runs them per item (see forEachItem). */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ParameterError } from '../shared/errors';
import { readRequestTuning, transportSettings } from '../shared/node-kit';
import type { RequestTuning } from '../shared/node-kit';
import { fetchNumberedPages } from '../shared/paging';
import type { Redactor } from '../shared/redact';
import { objectRows } from '../shared/transport';
import { intInRange, jsonObject, requiredString } from '../shared/validate';

import { AliyunIotClient } from './AliyunIotClient';
import { DEFAULT_CONCURRENCY, MAX_PAGE_SIZE } from './descriptions/OptionsDescription';
import { API_VERSIONS, PATHS, apiPath, readGatewayCredentials } from './gateway';

const CODE_TYPES = ['AUTH_CODE', 'SESSION_ID'];

interface EmployeePage {
	total?: number;
	pageCount?: number;
	employeeList?: IDataObject[];
}

function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

function optionalText(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

interface ItemContext {
	ctx: IExecuteFunctions;
	client: AliyunIotClient;
	redactor: Redactor;
	signal: AbortSignal | undefined;
	itemIndex: number;
	options: IDataObject;
	tuning: RequestTuning;
}

async function createByAuthCode({ ctx, client, redactor, itemIndex }: ItemContext): Promise<IDataObject[]> {
	const authCode = requiredString(ctx.getNodeParameter('authCode', itemIndex), 'Auth Code');
	redactor.add(authCode);
	const codeType = requiredString(ctx.getNodeParameter('codeType', itemIndex), 'Code Type');
	if (!CODE_TYPES.includes(codeType)) {
		throw new ParameterError('Code Type', `Code Type must be AUTH_CODE or SESSION_ID, got "${codeType}"`);
	}
	// Single-use: never repeated once it may have reached the platform.
	const data = await client.call(
		PATHS.createByAuthCode,
		API_VERSIONS.createByAuthCode,
		{ authCode, codeType },
		{
			idempotent: false,
			unsureOutcomeNote:
				'The request may have reached the platform, so it was not repeated (an auth code works once). Check with Get Many by Company whether the employee was created before using a new code.',
		},
	);
	return [asObject(data)];
}

async function getManyByCompany({ ctx, client, signal, itemIndex, options, tuning }: ItemContext): Promise<IDataObject[]> {
	const companyId = requiredString(ctx.getNodeParameter('companyId', itemIndex), 'Company ID');
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? undefined
		: intInRange(ctx.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
	const requestedSize = intInRange(options.pageSize ?? MAX_PAGE_SIZE, 'Page Size', 1, MAX_PAGE_SIZE);
	// A small limit needs no bigger page than itself.
	const pageSize = limit !== undefined ? Math.min(requestedSize, limit) : requestedSize;
	return await fetchNumberedPages<IDataObject>({
		pageSize,
		limit,
		concurrency: tuning.concurrency,
		signal,
		// Employees added while paging shift later pages; drop the repeats that causes.
		key: (employee) => String(employee.employeeId ?? JSON.stringify(employee)),
		fetchPage: async (pageNo) => {
			const data = asObject(
				await client.call(
					PATHS.queryByCompanyId,
					API_VERSIONS.queryByCompanyId,
					{ companyId, pageNo, pageSize },
					{ idempotent: true },
				),
			) as EmployeePage;
			const items = objectRows<IDataObject>(data.employeeList);
			const totalPages =
				typeof data.pageCount === 'number'
					? data.pageCount
					: typeof data.total === 'number'
						? Math.ceil(data.total / pageSize)
						: undefined;
			return { items, totalPages };
		},
	});
}

async function customCall({ ctx, client, itemIndex, options }: ItemContext): Promise<IDataObject[]> {
	const path = apiPath(ctx.getNodeParameter('path', itemIndex));
	const apiVer = requiredString(ctx.getNodeParameter('apiVer', itemIndex), 'API Version');
	const params = jsonObject(ctx.getNodeParameter('params', itemIndex, '{}'), 'Parameters');
	const idempotent = options.idempotent === true;
	const data = await client.call(path, apiVer, params, {
		idempotent,
		iotToken: optionalText(options.iotToken),
		cloudToken: optionalText(options.cloudToken),
		unsureOutcomeNote: idempotent
			? undefined
			: 'The request may have reached the platform, so it was not repeated. Turn on "Safe to Repeat" for APIs that only read.',
	});
	if (data && typeof data === 'object' && !Array.isArray(data)) return [data as IDataObject];
	return [{ data: data === undefined ? null : (data as IDataObject['data']) }];
}

const OPERATIONS: Record<string, (item: ItemContext) => Promise<IDataObject[]>> = {
	'employee.createByAuthCode': createByAuthCode,
	'employee.getManyByCompany': getManyByCompany,
	'customApiCall.call': customCall,
};

/** Builds the client once per execution; a bad credential fails every item the same way. */
export function clientFor(ctx: IExecuteFunctions, raw: IDataObject, redactor: Redactor, signal: AbortSignal | undefined): AliyunIotClient {
	const credentials = readGatewayCredentials(raw);
	const tuning = readRequestTuning(ctx.getNodeParameter('options', 0, {}) as IDataObject, {
		concurrency: DEFAULT_CONCURRENCY,
	});
	const { idempotent: _perCall, ...settings } = transportSettings(tuning, { signal, idempotent: false });
	return new AliyunIotClient(credentials, redactor, settings);
}

export async function runItem(
	ctx: IExecuteFunctions,
	key: string,
	itemIndex: number,
	make: () => AliyunIotClient,
	redactor: Redactor,
	signal: AbortSignal | undefined,
): Promise<IDataObject[]> {
	const operation = OPERATIONS[key];
	if (!operation) throw new ParameterError('Operation', `Unknown operation "${key}"`);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const tuning = readRequestTuning(options, { concurrency: DEFAULT_CONCURRENCY });
	return await operation({ ctx, client: make(), redactor, signal, itemIndex, options, tuning });
}

