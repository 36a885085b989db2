import type { IAuthenticate, ICredentialType, INodeProperties } from 'n8n-workflow';

import { signRequest } from '../nodes/Mingdao/transport/auth';

// Tested by the Mingdao node (`testedBy` in its description, which the rule cannot follow from the
// node file; test/shared/package.test.ts checks the test function is there).
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class MingdaoApi implements ICredentialType {
	name = 'mingdaoApi';

	displayName = 'Mingdao API';

	// A community package links to the vendor's page; the rule only fits n8n's own docs slugs.
	documentationUrl = 'https://github.com/mingdaocom/enterprise_signature';

	icon = {
		light: 'file:../nodes/Mingdao/mingdao.svg',
		dark: 'file:../nodes/Mingdao/mingdao.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'App Key',
			name: 'appKey',
			type: 'string',
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
			description:
				'SecretKey of the same key pair. It is only used to compute signatures and is never sent.',
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
					description:
						'A gateway or proxy in front of Mingdao: give the full base URL of the people API',
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
			description:
				'The address of your Mingdao server, as opened in a browser. "/generalintegrateapi" is added automatically.',
			displayOptions: { show: { deployment: ['private'] } },
		},
		{
			displayName: 'API Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://gateway.example.com/generalintegrate',
			description:
				'Full base URL; request paths such as /v2/user/getUserRelations are appended to it',
			displayOptions: { show: { deployment: ['custom'] } },
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept a certificate that cannot be verified, e.g. a private deployment with its own certificate authority',
			displayOptions: { show: { deployment: ['private', 'custom'] } },
		},
		{
			displayName: 'Allow Insecure HTTP',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to allow a plain http:// address. Signatures would travel unencrypted; only use this on a trusted network.',
			displayOptions: { show: { deployment: ['private', 'custom'] } },
		},
	];

	// Only signs: n8n gives `authenticate` no request helper, so it sends nothing of its own.
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		await signRequest(credentials, requestOptions);

	// No `test` request here (n8n would prefer it): the Test button runs the Mingdao node's test
	// function (`testMingdaoCredential`, nodes/Mingdao/transport/client.ts), which reads Mingdao's
	// code and message and sends through n8n's request helper, so n8n's outbound policy applies.
}
