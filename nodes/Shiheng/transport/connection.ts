import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Redactor } from '../../shared/redact';
import { requiredString, secureBaseUrl } from '../../shared/validate';
import { requestStyleFromCredentials } from './requestStyle';
import { schemeFromCredentials } from './signScheme';
import type { RequestStyle } from './requestStyle';
import type { SigningIdentity } from './auth';

/** The Shiheng credential as the node uses it: where to send, and how to sign. */
export interface ShihengConnection extends SigningIdentity {
	baseUrl: string;
	/** HTTP method and parameter encoding, as the app's onboarding documents say. */
	requestStyle: RequestStyle;
}

/** Reads and checks the credential; a bad value fails naming its field, before any request. */
export function readConnection(
	credentials: ICredentialDataDecryptedObject,
	redactor: Redactor,
): ShihengConnection {
	redactor.add(credentials.appSecret);
	return {
		baseUrl: secureBaseUrl(credentials.baseUrl, 'Base URL', credentials.allowInsecureHttp === true),
		appId: requiredString(credentials.appId, 'App ID'),
		appSecret: requiredString(credentials.appSecret, 'App Secret'),
		version: requiredString(
			credentials.version,
			'Version',
			'Enter the version from your Shiheng onboarding documents in the credential.',
		),
		scheme: schemeFromCredentials(credentials),
		requestStyle: requestStyleFromCredentials(credentials),
	};
}
