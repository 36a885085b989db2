import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ParameterError } from '../../../shared/errors';
import { forEachItem } from '../../../shared/execution/item-loop';
import type { OperationRun } from '../../../shared/execution/router';
import { jsonObject, requiredString } from '../../../shared/validate';

import { callResultItem, withoutTokens } from '../../helpers/output';
import { createClient } from '../../transport/client';
import type { AliyunIotConnection } from '../../transport/connection';

const show = { resource: ['customApiCall'], operation: ['call'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: '/user/account/employee/querybycompanyid',
		description: 'The API path, directly under the host, as the API document gives it',
	},
	{
		displayName: 'API Version',
		name: 'apiVer',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '1.0.0',
		description: 'The API\'s version ("版本号" in the API document), sent as request.apiVer',
	},
	{
		displayName: 'Parameters',
		name: 'params',
		type: 'json',
		displayOptions: { show },
		default: '{}',
		description: "The API's parameters as a JSON object, sent as params",
	},
];

/** Checks a Custom API Call path: it goes directly under the host. */
function apiPath(value: unknown): string {
	const path = requiredString(value, 'Path');
	if (!path.startsWith('/') || /^\/\//.test(path) || /[?#\s]/.test(path)) {
		throw new ParameterError(
			'Path',
			'Path must start with "/" and hold no query, fragment or spaces',
			'Example: /user/account/employee/querybycompanyid',
		);
	}
	return path;
}

function optionalText(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<AliyunIotConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const { client } = createClient(run, options);
		// Secrets like the credential's: masked in every error from here on, and in the output.
		const iotToken = optionalText(options.iotToken);
		const cloudToken = optionalText(options.cloudToken);
		run.redactor.add(iotToken).add(cloudToken);
		const path = apiPath(this.getNodeParameter('path', itemIndex));
		const apiVer = requiredString(this.getNodeParameter('apiVer', itemIndex), 'API Version');
		const params = jsonObject(this.getNodeParameter('params', itemIndex, '{}'), 'Parameters');
		const idempotent = options.idempotent === true;
		const data = await client.call(path, apiVer, params, {
			idempotent,
			iotToken,
			cloudToken,
			unsureOutcomeNote: idempotent
				? undefined
				: 'The request may have reached the platform, so it was not repeated. Turn on "Safe to Repeat" for APIs that only read.',
		});
		return [withoutTokens(callResultItem(data), [iotToken, cloudToken])];
	});
}
