import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { cancelSignal } from '../shared/node-kit';
import { Redactor } from '../shared/redact';
import {
	createClient,
	departmentGetRelations,
	unknownOperation,
	userGetMany,
	userGetRelation,
	userGetRelations,
} from './MingdaoOperations';
import { departmentFields, departmentOperations } from './descriptions/DepartmentDescription';
import { userFields, userOperations } from './descriptions/UserDescription';

export class Mingdao implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mingdao',
		name: 'mingdao',
		icon: { light: 'file:mingdao.svg', dark: 'file:mingdao.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Map third-party (WeCom, DingTalk …) users and departments to Mingdao 明道云 accounts',
		defaults: { name: 'Mingdao' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'mingdaoApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Department', value: 'department' },
					{ name: 'User', value: 'user' },
				],
				default: 'user',
			},
			...userOperations,
			...departmentOperations,
			...userFields,
			...departmentFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const redactor = new Redactor();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const signal = cancelSignal(this);

		const client = await createClient(this, redactor, signal);

		if (resource === 'user' && operation === 'getRelations') return [await userGetRelations(this, client, redactor)];
		if (resource === 'department' && operation === 'getRelations') return [await departmentGetRelations(this, client, redactor)];
		if (resource === 'user' && operation === 'getRelation') return [await userGetRelation(this, client, redactor)];
		if (resource === 'user' && operation === 'getMany') return [await userGetMany(this, client, redactor, signal)];
		return unknownOperation(this, redactor, resource, operation);
	}
}
