import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_WELINK_BASE_URL,
	TOKEN_HEADER,
	getToken,
	invalidateToken,
	peekToken,
	readWeLinkConfig,
} from '../nodes/WeLink/WeLinkAuth';

export class WeLinkApi implements ICredentialType {
	name = 'weLinkApi';

	displayName = 'WeLink API';

	// The camelCase rule is meant for n8n's own repository; a community credential links its docs.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://support.huaweicloud.com/devg-welink/start-09.html';

	icon = { light: 'file:../nodes/WeLink/welink.svg', dark: 'file:../nodes/WeLink/welink.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The client_id of your WeLink app (WeLink open platform console)',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The client_secret of your WeLink app',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_WELINK_BASE_URL,
			description: 'WeLink open API host, without /api. Change it only for a private deployment or a proxy.',
		},
		{
			displayName: 'Allow Insecure HTTP',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether a plain http:// Base URL may be used on a trusted network. Otherwise only https:// (or a loopback address) is accepted, so the secret and tokens never travel unencrypted.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/**
	 * Runs when n8n has no token stored, or after a request was refused with HTTP 401. A stored
	 * token reaching here was refused, so it is dropped from the process cache before asking.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const config = readWeLinkConfig(credentials);
		if (typeof credentials.accessToken === 'string' && credentials.accessToken !== '') {
			invalidateToken(config, credentials.accessToken);
		}
		return { accessToken: await getToken(config) };
	}

	/**
	 * Sends the token as WeLink wants it: the raw value in `x-wlk-Authorization`. A newer token this
	 * process already holds for the same credential wins over the stored one, since WeLink reports
	 * expiry in a 200 body that n8n does not recognise as a reason to refresh.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const config = readWeLinkConfig(credentials);
		const stored = typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
		const token = peekToken(config) ?? (stored !== '' ? stored : await getToken(config));
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, [TOKEN_HEADER]: token },
		};
	}

	/**
	 * n8n fetches a token first (preAuthentication: a wrong Client ID or Secret fails there with
	 * WeLink's 10007), then this call proves the token is accepted by the contact API.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/contact/v1/users/accounts',
			method: 'POST',
			body: { corpUserIds: ['n8n-credential-test'] },
		},
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'code', value: '1000', message: 'WeLink did not accept the access token' } },
			{ type: 'responseSuccessBody', properties: { key: 'code', value: '47101', message: 'WeLink did not accept the access token' } },
			{ type: 'responseSuccessBody', properties: { key: 'code', value: '47103', message: 'The access token has expired' } },
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: '47102', message: 'The app has no permission for the WeLink contact API' },
			},
		],
	};
}
