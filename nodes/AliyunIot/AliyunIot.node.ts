import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { cancelSignal, forEachItem } from '../shared/node-kit';
import { Redactor } from '../shared/redact';

import type { AliyunIotClient } from './AliyunIotClient';
import { customCallFields, customCallOperations } from './descriptions/CustomCallDescription';
import { employeeFields, employeeOperations } from './descriptions/EmployeeDescription';
import { optionsCollection } from './descriptions/OptionsDescription';
import { clientFor, runItem } from './operations';

export class AliyunIot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Aliyun IoT Living Link',
		name: 'aliyunIot',
		icon: { light: 'file:aliyunIot.svg', dark: 'file:aliyunIot.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Create and list employees on Alibaba Cloud IoT Living Link (飞燕), and call its other APIs with the gateway signature',
		defaults: { name: 'Aliyun IoT Living Link' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'aliyunIotApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Employee', value: 'employee' },
				],
				default: 'employee',
			},
			...employeeOperations,
			...customCallOperations,
			...employeeFields,
			...customCallFields,
			optionsCollection,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const raw = await this.getCredentials('aliyunIotApi');
		const redactor = new Redactor([raw.appSecret, raw.appKey]);
		const signal = cancelSignal(this);
		let client: AliyunIotClient | undefined;
		const make = () => (client ??= clientFor(this, raw, redactor, signal));
		const out = await forEachItem(this, redactor, async (itemIndex) =>
			await runItem(this, `${resource}.${operation}`, itemIndex, make, redactor, signal),
		);
		return [out];
	}
}
