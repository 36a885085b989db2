import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ParameterError } from '../../shared/errors';
import type { Redactor } from '../../shared/redact';
import { secureBaseUrl } from '../../shared/validate';

/**
 * The Mingdao credential as the node and the credential's `authenticate` use it: read, checked,
 * and its secrets registered for masking before anything can fail.
 */

export const MINGDAO_SAAS_BASE_URL = 'https://api.mingdao.com/generalintegrate';
/** Where a private deployment serves the people and organisation API, below its address. */
export const MINGDAO_PRIVATE_API_PATH = '/generalintegrateapi';

export type MingdaoDeployment = 'saas' | 'private' | 'custom';

export interface MingdaoConnection {
	appKey: string;
	secretKey: string;
	projectId: string;
	deployment: MingdaoDeployment;
	/** Private deployment: the Mingdao address users open in the browser. */
	privateUrl?: string;
	/** Custom: the full base URL the people API answers under (a gateway or proxy). */
	customBaseUrl?: string;
	ignoreSslIssues: boolean;
	allowInsecureHttp: boolean;
}

function text(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

/** Reads n8n's decrypted credential data into a typed shape, checking what is required. */
export function readConnection(
	credentials: ICredentialDataDecryptedObject,
	redactor: Redactor,
): MingdaoConnection {
	// The App Key is entered as a password, so users expect it hidden like one.
	redactor.add(credentials.secretKey).add(credentials.appKey);
	const appKey = text(credentials.appKey);
	const secretKey = text(credentials.secretKey);
	const projectId = text(credentials.projectId);
	if (appKey === '')
		throw new ParameterError('App Key', 'App Key is empty in the Mingdao credential');
	if (secretKey === '')
		throw new ParameterError('Secret Key', 'Secret Key is empty in the Mingdao credential');
	if (projectId === '')
		throw new ParameterError('Project ID', 'Project ID is empty in the Mingdao credential');
	const deployment =
		credentials.deployment === 'private' || credentials.deployment === 'custom'
			? credentials.deployment
			: 'saas';
	return {
		appKey,
		secretKey,
		projectId,
		deployment,
		privateUrl: text(credentials.privateUrl) || undefined,
		customBaseUrl: text(credentials.customBaseUrl) || undefined,
		ignoreSslIssues: deployment !== 'saas' && credentials.ignoreSslIssues === true,
		allowInsecureHttp: deployment !== 'saas' && credentials.allowInsecureHttp === true,
	};
}

/**
 * The base URL of the people and organisation API for the chosen deployment. A private address
 * pasted with the API path already on it is accepted as is rather than doubled.
 */
export function mingdaoApiBaseUrl(connection: MingdaoConnection): string {
	if (connection.deployment === 'saas') return MINGDAO_SAAS_BASE_URL;
	if (connection.deployment === 'custom') {
		return secureBaseUrl(connection.customBaseUrl, 'API Base URL', connection.allowInsecureHttp);
	}
	const address = secureBaseUrl(
		connection.privateUrl,
		'Mingdao Address',
		connection.allowInsecureHttp,
	);
	return address.toLowerCase().endsWith(MINGDAO_PRIVATE_API_PATH)
		? address
		: `${address}${MINGDAO_PRIVATE_API_PATH}`;
}
