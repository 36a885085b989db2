import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { cancelSignal, forEachItem, readRequestTuning, transportSettings } from '../shared/node-kit';
import { Redactor } from '../shared/redact';
import { intInRange } from '../shared/validate';
import { ShihengClient, connectionFromCredentials, endpointPath } from './ShihengClient';
import type { ShihengConnection } from './ShihengClient';
import { CUSTOMER_MAX_PAGE_SIZE, customerFields, customerOperations } from './descriptions/CustomerDescription';
import {
	EMPLOYEE_DEFAULT_CONCURRENCY,
	EMPLOYEE_MAX_PAGE_SIZE,
	employeeFields,
	employeeOperations,
} from './descriptions/EmployeeDescription';
import { listCustomers, listEmployees, rethrow, unknownOperation } from './operations';

export class Shiheng implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shiheng',
		name: 'shiheng',
		icon: { light: 'file:shiheng.svg', dark: 'file:shiheng.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read WeCom employees and customers from the Shiheng (食亨) open platform',
		defaults: { name: 'Shiheng' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'shihengApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'WeCom Customer', value: 'customer' },
					{ name: 'WeCom Employee', value: 'employee' },
				],
				default: 'employee',
			},
			...employeeOperations,
			...customerOperations,
			...employeeFields,
			...customerFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('shihengApi');
		const redactor = new Redactor([credentials.appSecret]);
		const signal = cancelSignal(this);
		let connection: ShihengConnection | undefined;
		let connectionError: unknown;
		try {
			connection = connectionFromCredentials(credentials);
		} catch (error) {
			// Reported per item below, so Continue On Fail still yields one error item per input.
			connectionError = error;
		}

		const out = await forEachItem(this, redactor, async (itemIndex) => {
			if (!connection) return rethrow(connectionError);
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const path = endpointPath(this.getNodeParameter('endpointPath', itemIndex), 'Endpoint Path');
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const limit = returnAll
				? undefined
				: intInRange(this.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
			const tuning = readRequestTuning(options, { concurrency: EMPLOYEE_DEFAULT_CONCURRENCY });
			// Both operations only read lists, so a retry after the request reached Shiheng is harmless.
			const settings = transportSettings(tuning, { signal, idempotent: true });
			const client = new ShihengClient(connection, settings, redactor);

			if (resource === 'employee' && operation === 'getAll') {
				const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, EMPLOYEE_MAX_PAGE_SIZE);
				const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
				return await listEmployees(client, path, pageSize, limit, tuning.concurrency, simplify, signal);
			}

			if (resource === 'customer' && operation === 'getAll') {
				const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, CUSTOMER_MAX_PAGE_SIZE);
				return await listCustomers(client, path, pageSize, limit, options, signal);
			}

			return unknownOperation(resource, operation);
		});
		return [out];
	}
}
