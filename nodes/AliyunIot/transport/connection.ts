import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Redactor } from '../../shared/redact';
import { requiredString, secureBaseUrl } from '../../shared/validate';

/** The IoT Living Link credential as the node and the credential's signing use it. */

export const CHINA_HOST = 'https://api.link.aliyun.com';
export const INTERNATIONAL_HOST = 'https://api-iot.ap-southeast-1.aliyuncs.com';
export const CUSTOM_HOST = 'custom';

export interface AliyunIotConnection {
	appKey: string;
	appSecret: string;
	/** No trailing slash. */
	baseUrl: string;
}

/**
 * Reads the credential as n8n hands it over; throws a ParameterError naming the bad field. The
 * AppKey is entered as a password, so users expect it hidden like the AppSecret.
 */
export function readConnection(
	credentials: ICredentialDataDecryptedObject,
	redactor: Redactor,
): AliyunIotConnection {
	redactor.add(credentials.appSecret).add(credentials.appKey);
	const appKey = requiredString(credentials.appKey, 'AppKey');
	const appSecret = requiredString(credentials.appSecret, 'AppSecret');
	const host =
		typeof credentials.host === 'string' && credentials.host !== '' ? credentials.host : CHINA_HOST;
	const baseUrl =
		host === CUSTOM_HOST
			? secureBaseUrl(
					credentials.customHost,
					'Custom Base URL',
					credentials.allowInsecureHttp === true,
				)
			: secureBaseUrl(host, 'Host', false);
	return { appKey, appSecret, baseUrl };
}
