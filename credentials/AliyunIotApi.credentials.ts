import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { credentialTestRules } from '../nodes/AliyunIot/helpers/codes';
import { signN8nRequest } from '../nodes/AliyunIot/transport/auth';
import { ALIYUN_IOT_PATHS, API_VERSIONS } from '../nodes/AliyunIot/transport/client';
import { ENVELOPE_VERSION } from '../nodes/AliyunIot/transport/envelope';
import {
	CHINA_HOST,
	CUSTOM_HOST,
	INTERNATIONAL_HOST,
} from '../nodes/AliyunIot/transport/connection';

export class AliyunIotApi implements ICredentialType {
	name = 'aliyunIotApi';

	displayName = 'Aliyun IoT Living Link API';

	documentationUrl = 'https://help.aliyun.com/document_detail/128741.html';

	icon = {
		light: 'file:../nodes/AliyunIot/aliyunIot.svg',
		dark: 'file:../nodes/AliyunIot/aliyunIot.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'AppKey',
			name: 'appKey',
			type: 'string',
			default: '',
			required: true,
			description: 'The AppKey of the app created in the IoT Living Link console',
		},
		{
			displayName: 'AppSecret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The AppSecret of that app. It signs every request and is never sent.',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'options',
			options: [
				{ name: 'China (api.link.aliyun.com)', value: CHINA_HOST },
				{ name: 'International (api-iot.ap-southeast-1.aliyuncs.com)', value: INTERNATIONAL_HOST },
				{ name: 'Custom', value: CUSTOM_HOST },
			],
			default: CHINA_HOST,
			description: 'The API gateway of the region the app belongs to',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customHost',
			type: 'string',
			default: '',
			placeholder: 'https://gateway.example.com',
			displayOptions: { show: { host: [CUSTOM_HOST] } },
			description: 'Base URL of another gateway (a proxy, a private endpoint, a local emulator)',
		},
		{
			displayName: 'Allow Insecure HTTP',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			displayOptions: { show: { host: [CUSTOM_HOST] } },
			description:
				'Whether a plain http:// Custom Base URL is accepted for a host other than this machine. Requests travel unencrypted then.',
		},
	];

	/**
	 * Signs any request with the gateway scheme, so the credential works in the HTTP Request node
	 * too. The body is serialised here and sent as exactly the signed bytes.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signN8nRequest(credentials, requestOptions);
	}

	/**
	 * The platform's connectivity test (no side effect, no user identity). Only code 200 passes:
	 * a refused signature, timestamp or AppKey is an HTTP 400 from the gateway, and every error
	 * code in the body (403 request forbidden: no permission for the app …) fails with its message.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: ALIYUN_IOT_PATHS.ping,
			body: {
				version: ENVELOPE_VERSION,
				request: { apiVer: API_VERSIONS.ping },
				params: { input: 'n8n credential test' },
			},
		},
		rules: credentialTestRules(),
	};
}
