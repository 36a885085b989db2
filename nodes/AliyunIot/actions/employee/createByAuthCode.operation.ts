import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ParameterError } from '../../../shared/errors';
import { forEachItem } from '../../../shared/execution/item-loop';
import type { OperationRun } from '../../../shared/execution/router';
import { requiredString } from '../../../shared/validate';

import { CODE_TYPES } from '../../helpers/codes';
import { asObject } from '../../helpers/output';
import { ALIYUN_IOT_PATHS, API_VERSIONS, createClient } from '../../transport/client';
import type { AliyunIotConnection } from '../../transport/connection';

const show = { resource: ['employee'], operation: ['createByAuthCode'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Auth Code',
		name: 'authCode',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		displayOptions: { show },
		default: '',
		description:
			'The code the OA login returned. It can be used once: the node never resends this request once it may have reached the platform.',
	},
	{
		displayName: 'Code Type',
		name: 'codeType',
		type: 'options',
		displayOptions: { show },
		options: [
			{
				name: 'Auth Code (PC Login)',
				value: 'AUTH_CODE',
				description: 'The auth code of a login on a PC (web) client',
			},
			{
				name: 'Session ID (App Login)',
				value: 'SESSION_ID',
				description: 'The session ID of a login in the mobile app',
			},
		],
		default: 'AUTH_CODE',
		description: 'What kind of code Auth Code holds',
	},
];

export async function execute(
	this: IExecuteFunctions,
	run: OperationRun<AliyunIotConnection>,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, run.redactor, async (itemIndex) => {
		const authCode = requiredString(this.getNodeParameter('authCode', itemIndex), 'Auth Code');
		run.redactor.add(authCode);
		const codeType = requiredString(this.getNodeParameter('codeType', itemIndex), 'Code Type');
		if (!(CODE_TYPES as readonly string[]).includes(codeType)) {
			throw new ParameterError(
				'Code Type',
				`Code Type must be AUTH_CODE or SESSION_ID, got "${codeType}"`,
			);
		}
		const { client } = createClient(
			run,
			this.getNodeParameter('options', itemIndex, {}) as IDataObject,
		);
		// Single-use: never repeated once it may have reached the platform.
		const data = await client.call(
			ALIYUN_IOT_PATHS.createByAuthCode,
			API_VERSIONS.createByAuthCode,
			{ authCode, codeType },
			{
				idempotent: false,
				unsureOutcomeNote:
					'The request may have reached the platform, so it was not repeated (an auth code works once). Check with Get Many by Company whether the employee was created before using a new code.',
			},
		);
		return [asObject(data)];
	});
}
