import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { mingdaoApiBaseUrl, mingdaoAuthParams, readMingdaoCredentials } from '../nodes/Mingdao/MingdaoAuth';
import type { MingdaoAuthParams } from '../nodes/Mingdao/MingdaoAuth';
import { ParameterError } from '../nodes/shared/errors';
import { secureBaseUrl } from '../nodes/shared/validate';

const QUERY_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

function isPlainObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** The body as a JSON object we can add to, or undefined when it is something else (a form, a buffer). */
function bodyObject(body: unknown): { object: IDataObject; wasString: boolean } | undefined {
	if (body === undefined || body === null || body === '') return { object: {}, wasString: false };
	if (isPlainObject(body)) return { object: { ...body }, wasString: false };
	if (typeof body === 'string') {
		try {
			const parsed = JSON.parse(body) as unknown;
			if (isPlainObject(parsed)) return { object: parsed, wasString: true };
		} catch {
			return undefined;
		}
	}
	return undefined;
}

function isAbsolute(url: string): boolean {
	return /^https?:\/\//i.test(url);
}

/**
 * Signs one request the way Mingdao documents it. A new timestamp and signature per call; the
 * four values go into the JSON body of a POST and into the query of a GET. A relative URL with no
 * base (the credential test) is resolved against the deployment's API base URL.
 */
async function authenticate(
	data: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	let credentials;
	try {
		credentials = readMingdaoCredentials(data);
		// The HTTP Request node (v4) passes the address as `uri`, the Test button and helpers as `url`.
		const legacy = requestOptions as IHttpRequestOptions & { uri?: string };
		const usesUri = legacy.uri !== undefined && requestOptions.url === undefined;
		let url = (usesUri ? legacy.uri : requestOptions.url) ?? '';
		const base = requestOptions.baseURL ?? '';
		if (!isAbsolute(url) && !isAbsolute(base)) {
			url = `${mingdaoApiBaseUrl(credentials)}${url.startsWith('/') || url === '' ? '' : '/'}${url}`;
			if (usesUri) legacy.uri = url;
			else requestOptions.url = url;
		}
		const target = isAbsolute(url) ? url : base;
		// The signature lets anyone who sees it call the API: keep it off plain HTTP unless allowed.
		secureBaseUrl(new URL(target).origin, 'URL', credentials.allowInsecureHttp);
	} catch (error) {
		if (error instanceof ParameterError) throw new Error(`Mingdao credential: ${error.message}`);
		throw error;
	}
	const auth: MingdaoAuthParams = mingdaoAuthParams(credentials);
	const method = (requestOptions.method ?? 'GET').toUpperCase();
	const body = QUERY_METHODS.has(method) ? undefined : bodyObject(requestOptions.body);
	if (body) {
		const merged: IDataObject = { ...body.object, ...auth };
		requestOptions.body = body.wasString ? JSON.stringify(merged) : merged;
	} else {
		requestOptions.qs = { ...(requestOptions.qs ?? {}), ...auth };
	}
	if (credentials.ignoreSslIssues) requestOptions.skipSslCertificateValidation = true;
	return requestOptions;
}

export class MingdaoApi implements ICredentialType {
	name = 'mingdaoApi';

	displayName = 'Mingdao API';

	// A community package links to the vendor's page; the rule only fits n8n's own docs slugs.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/mingdaocom/enterprise_signature';

	icon = { light: 'file:../nodes/Mingdao/mingdao.svg', dark: 'file:../nodes/Mingdao/mingdao.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'App Key',
			name: 'appKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'AppKey of the organisation key pair (Mingdao: Organisation Admin → Other → Organisation Keys / 组织管理 → 其他 → 组织密钥)',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'SecretKey of the same key pair. It is only used to compute signatures and is never sent.',
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			required: true,
			description: 'The organisation ID (组织编号) the key pair belongs to',
		},
		{
			displayName: 'Deployment',
			name: 'deployment',
			type: 'options',
			options: [
				{
					name: 'SaaS (api.mingdao.com)',
					value: 'saas',
					description: 'Mingdao cloud: https://api.mingdao.com/generalintegrate',
				},
				{
					name: 'Private Deployment',
					value: 'private',
					description: 'Your own Mingdao server: the API lives under <address>/generalintegrateapi',
				},
				{
					name: 'Custom API Base URL',
					value: 'custom',
					description: 'A gateway or proxy in front of Mingdao: give the full base URL of the people API',
				},
			],
			default: 'saas',
		},
		{
			displayName: 'Mingdao Address',
			name: 'privateUrl',
			type: 'string',
			default: '',
			placeholder: 'https://mingdao.example.com',
			description: 'The address of your Mingdao server, as opened in a browser. "/generalintegrateapi" is added automatically.',
			displayOptions: { show: { deployment: ['private'] } },
		},
		{
			displayName: 'API Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://gateway.example.com/generalintegrate',
			description: 'Full base URL; request paths such as /v2/user/getUserRelations are appended to it',
			displayOptions: { show: { deployment: ['custom'] } },
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to accept a certificate that cannot be verified, e.g. a private deployment with its own certificate authority',
			displayOptions: { show: { deployment: ['private', 'custom'] } },
		},
		{
			displayName: 'Allow Insecure HTTP',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			description: 'Whether to allow a plain http:// address. Signatures would travel unencrypted; only use this on a trusted network.',
			displayOptions: { show: { deployment: ['private', 'custom'] } },
		},
	];

	authenticate = authenticate;

	// A harmless read: asks for the relation of an id that should not exist. A wrong key or Project
	// ID is refused with HTTP 403 (signature) or a failure code in the body.
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: '/v2/user/getUserRelations',
			body: { corpUserIds: ['n8n-credential-test'] },
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 10001,
					message: 'Mingdao refused the request (code 10001): check the Project ID and the deployment address',
				},
			},
		],
	};
}
