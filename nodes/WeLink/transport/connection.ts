import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Redactor } from '../../shared/redact';
import { requiredString, secureBaseUrl } from '../../shared/validate';

export const DEFAULT_WELINK_BASE_URL = 'https://open.welink.huaweicloud.com';

/** The WeLink credential, read and checked: where WeLink is and which app asks. */
export interface WeLinkConnection {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	allowInsecureHttp: boolean;
}

/**
 * Reads the credential's values (n8n hands them over untyped). The secret and a stored token are
 * registered with the redactor first, so even a failure here cannot show them.
 */
export function readConnection(
	credentials: ICredentialDataDecryptedObject,
	redactor: Redactor,
): WeLinkConnection {
	redactor.add(credentials.clientSecret).add(credentials.accessToken);
	const allowInsecureHttp = credentials.allowInsecureHttp === true;
	return {
		baseUrl: secureBaseUrl(
			credentials.baseUrl || DEFAULT_WELINK_BASE_URL,
			'Base URL',
			allowInsecureHttp,
		),
		clientId: requiredString(credentials.clientId, 'Client ID'),
		clientSecret: requiredString(credentials.clientSecret, 'Client Secret'),
		allowInsecureHttp,
	};
}
