import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { toNodeError } from '../shared/errors';
import { Redactor } from '../shared/redact';
import { properties } from './trigger/description';
import { pollOnce, sample } from './trigger/poll';
import { readSettings } from './trigger/settings';

export class ShihengTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shiheng Trigger',
		name: 'shihengTrigger',
		icon: { light: 'file:shiheng.svg', dark: 'file:shiheng.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts a workflow when WeCom employees join, change or leave, or customers are added, on the Shiheng (食亨) open platform',
		defaults: { name: 'Shiheng Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'shihengApi', required: true }],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const redactor = new Redactor();
		const credentials = await this.getCredentials('shihengApi');
		redactor.add(credentials.appSecret);
		try {
			const settings = readSettings(this, redactor, credentials);
			if (this.getMode() === 'manual') {
				const items = await sample(settings);
				return items.length > 0 ? [items] : null;
			}
			return await pollOnce(this, settings);
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0, redactor);
		}
	}
}
