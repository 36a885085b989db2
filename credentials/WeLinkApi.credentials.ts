import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { authenticateRequest, preAuthenticate } from '../nodes/WeLink/transport/auth';
import { DEFAULT_WELINK_BASE_URL } from '../nodes/WeLink/transport/connection';

export class WeLinkApi implements ICredentialType {
	name = 'weLinkApi';

	displayName = 'WeLink API';

	// The camelCase rule is meant for n8n's own repository; a community credential links its docs.
	documentationUrl = 'https://support.huaweicloud.com/devg-welink/start-09.html';

	icon = {
		light: 'file:../nodes/WeLink/welink.svg',
		dark: 'file:../nodes/WeLink/welink.dark.svg',
	} as const;

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
			description:
				'WeLink open API host, without /api. Change it only for a private deployment or a proxy.',
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
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field -- a moment in time (epoch ms), not a secret
		{
			// When the stored token stops being used (epoch ms): WeLink answers an expired token with
			// HTTP 200, so n8n's refresh on 401 never happens and the lifetime has to be known.
			displayName: 'Access Token Refresh At',
			name: 'accessTokenRefreshAt',
			type: 'hidden',
			default: 0,
		},
	];

	/**
	 * Runs when n8n has no token stored, or after a request was refused with HTTP 401. The token
	 * is fetched through n8n's own request helper, so n8n's outbound network policy applies.
	 */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		return await preAuthenticate(
			credentials,
			async (options) => await this.helpers.httpRequest(options),
		);
	}

	/** Puts the token where WeLink wants it (see transport/auth.ts for which token). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return await Promise.resolve(authenticateRequest(credentials, requestOptions));
	}

	/**
	 * n8n fetches a token first (preAuthentication: a wrong Client ID or Secret fails there with
	 * WeLink's 10007), then this call proves the token is accepted by the API the node is built
	 * on, users/status: an app granted only that API passes. Asking about a person nobody has
	 * changes nothing (WeLink answers 47111, no such account).
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/contact/v1/users/status',
			method: 'POST',
			body: { personInfo: [{ corpUserId: 'n8n-credential-test' }] },
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: '1000',
					message: 'WeLink did not accept the access token',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: '47101',
					message: 'WeLink did not accept the access token',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: '47103', message: 'The access token has expired' },
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: '47102',
					message: 'The app has no permission for the WeLink API users/status',
				},
			},
		],
	};
}
