import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions/options';

import { DEFAULT_CONCURRENCY, MAX_PAGE_SIZE } from '../transport/client';

const ownOptions: INodeProperties[] = [
	{
		displayName: 'Cloud Token',
		name: 'cloudToken',
		type: 'string',
		typeOptions: { password: true },
		displayOptions: { show: { '/resource': ['customApiCall'] } },
		default: '',
		description:
			'Sent as request.cloudToken, for APIs that act on a project\'s cloud resources. The platform\'s /cloud/token API (apiVer 1.0.1, grantType "project", res = the project ID) issues it, /cloud/token/refresh renews it; asking /cloud/token again ends the previous token. A value typed here is saved in the workflow: take it by expression from the node that fetched it. It is masked in errors and output.',
	},
	{
		displayName: 'IoT Token',
		name: 'iotToken',
		type: 'string',
		typeOptions: { password: true },
		displayOptions: { show: { '/resource': ['customApiCall'] } },
		default: '',
		description:
			'Sent as request.iotToken, for APIs whose page says they need user identity authentication (是否需要用户身份鉴权: 是). It is the user\'s IoT session token: /account/createSessionByAuthCode issues it (with a refreshToken) from a login\'s auth code, /account/checkOrRefreshSession renews it; code 2402 "iotToken not exist" means it is gone. A value typed here is saved in the workflow: take it by expression from the node that fetched it. It is masked in errors and output.',
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
		displayOptions: { show: { '/operation': ['getManyByCompany'] } },
		default: MAX_PAGE_SIZE,
		description:
			'Employees per request (1 to 100). Pages after the first are fetched concurrently.',
	},
	{
		displayName: 'Safe to Repeat',
		name: 'idempotent',
		type: 'boolean',
		displayOptions: { show: { '/resource': ['customApiCall'] } },
		default: false,
		description:
			'Whether this API only reads or may be called twice without harm. Only then is a request retried after it may have reached the platform (timeout, reset, 5xx).',
	},
];

/** The Options collection every operation shows: own fields plus the shared request tuning. */
export const operationOptions: INodeProperties = optionsCollection({
	tuning: { concurrency: DEFAULT_CONCURRENCY },
	own: ownOptions,
});
