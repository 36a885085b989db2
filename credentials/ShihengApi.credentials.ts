import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { signN8nRequest } from '../nodes/Shiheng/transport/auth';
import {
	CUSTOM_SIGN_PRESET,
	DEFAULT_SIGN_PRESET,
	SIGN_PRESETS,
} from '../nodes/Shiheng/transport/signScheme';
import { DEFAULT_REQUEST_STYLE } from '../nodes/Shiheng/transport/requestStyle';

const customOnly = { show: { signingScheme: [CUSTOM_SIGN_PRESET] } };

const REFUSED =
	'Shiheng did not return the employee list. Check App ID, App Secret, Version, Employee List Path and the Signing Scheme against your onboarding documents.';

export class ShihengApi implements ICredentialType {
	name = 'shihengApi';

	displayName = 'Shiheng API';

	// The camel-case rule is meant for n8n's own repository (a docs slug); a community package links to the vendor.
	documentationUrl = 'https://sh-datacenter.apifox.cn/6364798m0';

	icon = {
		light: 'file:../nodes/Shiheng/shiheng.svg',
		dark: 'file:../nodes/Shiheng/shiheng.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			required: true,
			default: '',
			description: 'The appId Shiheng issued for your app',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The secret issued with the app. It only feeds the signature and is never sent itself.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://gateway.example.com',
			description:
				'The gateway address Shiheng gave you with the app (Shiheng does not publish one). Endpoint paths are added to it, so leave off any trailing path that belongs to a single API.',
		},
		{
			displayName: 'Version',
			name: 'version',
			type: 'string',
			required: true,
			default: '',
			description:
				'Sent as the common parameter "version". Shiheng does not publish its values; use the one from your onboarding documents.',
		},
		{
			displayName: 'Employee List Path',
			name: 'employeeListPath',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. /path/from/your/api/doc',
			description:
				"Path of the WeCom employee list API, from your app's API document (Shiheng does not publish paths). Used only by this credential's Test button, which lists one employee; the Shiheng node has its own Endpoint Path field per operation, so one credential serves every API of the app.",
		},
		{
			displayName:
				"Shiheng does not publish its HTTP method, parameter encoding or signature rule. The defaults below are common conventions of open platforms with this parameter set, not Shiheng's rule: check each against your app's onboarding documents.",
			name: 'conventionNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'HTTP Method',
			name: 'requestMethod',
			type: 'options',
			default: DEFAULT_REQUEST_STYLE.method,
			options: [
				{ name: 'POST', value: 'POST' },
				{ name: 'GET', value: 'GET' },
			],
			description:
				"How every request is sent. A convention to check against your app's onboarding documents, not a published Shiheng rule; POST is only our default. GET always carries the parameters in the query string.",
		},
		{
			displayName: 'Parameter Encoding',
			name: 'parameterEncoding',
			type: 'options',
			displayOptions: { show: { requestMethod: ['POST'] } },
			default: DEFAULT_REQUEST_STYLE.encoding,
			options: [
				{
					name: 'JSON Body',
					value: 'json',
					description: 'The parameters as one JSON object, paramContent nested in it',
				},
				{
					name: 'Form Body',
					value: 'form',
					description: 'application/x-www-form-urlencoded; paramContent as its JSON text',
				},
				{
					name: 'Query String',
					value: 'query',
					description: 'In the URL; paramContent as its JSON text',
				},
			],
			description:
				"Where a POST carries appId, timestamp, version, sign and paramContent. A convention to check against your app's onboarding documents, not a published Shiheng rule; JSON Body is only our default.",
		},
		{
			displayName: 'Signing Scheme',
			name: 'signingScheme',
			type: 'options',
			default: DEFAULT_SIGN_PRESET,
			options: [
				...SIGN_PRESETS.map((preset) => ({ name: preset.name, value: preset.value })),
				{ name: 'Custom Combination', value: CUSTOM_SIGN_PRESET },
			],
			description:
				'How the sign parameter is computed. Shiheng does not publish this: it is in the onboarding documents Shiheng gives you with the app. Every preset sorts the parameters by name, skips sign and empty values and writes paramContent as compact JSON. The default (MD5 over sorted k=v&… with the secret appended, upper-case hex, millisecond timestamp) is only our starting point, chosen because it is a widespread convention among platforms using this parameter set; it is not a documented Shiheng rule: pick the preset, or build the custom combination, that your documents describe.',
		},
		{
			displayName: 'Parameter Join',
			name: 'signJoin',
			type: 'options',
			displayOptions: customOnly,
			default: 'query',
			options: [
				{ name: 'Key=value Joined With &', value: 'query' },
				{ name: 'Key and Value Concatenated', value: 'concat' },
			],
			description: 'How the sorted parameters are written into the string to sign',
		},
		{
			displayName: 'Algorithm',
			name: 'signAlgorithm',
			type: 'options',
			displayOptions: customOnly,
			default: 'md5',
			options: [
				{ name: 'MD5', value: 'md5' },
				{ name: 'SHA-256', value: 'sha256' },
				{ name: 'HMAC-SHA256 (Secret as Key)', value: 'hmac-sha256' },
			],
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field -- where the secret goes (append/wrap), not a secret
		{
			displayName: 'Secret Placement',
			name: 'signSecretPlacement',
			type: 'options',
			displayOptions: {
				show: { signingScheme: [CUSTOM_SIGN_PRESET], signAlgorithm: ['md5', 'sha256'] },
			},
			default: 'append',
			options: [
				{ name: 'Appended', value: 'append' },
				{ name: 'Before and After', value: 'wrap' },
			],
			description: 'Where the secret is added to the string before hashing',
		},
		{
			displayName: 'Hex Case',
			name: 'signHexCase',
			type: 'options',
			displayOptions: customOnly,
			default: 'upper',
			options: [
				{ name: 'Upper Case', value: 'upper' },
				{ name: 'Lower Case', value: 'lower' },
			],
		},
		{
			displayName: 'Timestamp Unit',
			name: 'timestampUnit',
			type: 'options',
			displayOptions: customOnly,
			default: 'ms',
			options: [
				{ name: 'Milliseconds', value: 'ms' },
				{ name: 'Seconds', value: 's' },
			],
		},
		{
			displayName: 'Allow Insecure HTTP',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to allow a plain http:// Base URL on a host other than this machine. Signed requests could then be read and replayed on the network.',
		},
	];

	/** Signs any request made with this credential, including from the HTTP Request node. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return await signN8nRequest(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '={{$credentials.employeeListPath}}',
			method: 'POST',
			body: { paramContent: { pageNum: 1, pageSize: 1 } },
		},
		rules: [
			// Shiheng's error codes are not published, and the employee-list doc marks every field of a
			// successful answer's `result` (pages, total, the rows) optional: so only a missing result
			// object marks a refused call (failure answers carry none, or null).
			{
				type: 'responseSuccessBody',
				properties: { key: 'result', value: undefined, message: REFUSED },
			},
			{ type: 'responseSuccessBody', properties: { key: 'result', value: null, message: REFUSED } },
		],
	};
}
