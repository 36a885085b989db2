import { createHash } from 'node:crypto';

import { ParameterError } from '../shared/errors';
import { secureBaseUrl } from '../shared/validate';

/**
 * Mingdao's enterprise-authorization signing and addressing, shared by the credential's
 * `authenticate` (HTTP Request node, credential test) and the node's own client, so the two can
 * never sign differently.
 */

export const MINGDAO_SAAS_BASE_URL = 'https://api.mingdao.com/generalintegrate';
/** Where a private deployment serves the people and organisation API, below its address. */
export const MINGDAO_PRIVATE_API_PATH = '/generalintegrateapi';

export type MingdaoDeployment = 'saas' | 'private' | 'custom';

export interface MingdaoCredentials {
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

/** The four values Mingdao expects on every call, in the body (POST) or the query (GET). */
export interface MingdaoAuthParams {
	appKey: string;
	sign: string;
	timestamp: number;
	projectId: string;
}

/**
 * sign = base64( lowercase hex of SHA-256("AppKey=…&SecretKey=…&Timestamp=…") ). The base64 is
 * taken over the 64-character hex text, not over the raw digest; keys are in ascending order.
 */
export function mingdaoSignature(appKey: string, secretKey: string, timestamp: number | string): string {
	const plain = `AppKey=${appKey}&SecretKey=${secretKey}&Timestamp=${String(timestamp)}`;
	const hex = createHash('sha256').update(plain, 'utf8').digest('hex').toLowerCase();
	return Buffer.from(hex, 'utf8').toString('base64');
}

/** Fresh parameters for one request: a new millisecond timestamp, so a new signature. */
export function mingdaoAuthParams(credentials: Pick<MingdaoCredentials, 'appKey' | 'secretKey' | 'projectId'>, now: number = Date.now()): MingdaoAuthParams {
	return {
		appKey: credentials.appKey,
		sign: mingdaoSignature(credentials.appKey, credentials.secretKey, now),
		timestamp: now,
		projectId: credentials.projectId,
	};
}

function text(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

/** Reads n8n's decrypted credential data into a typed shape, checking what is required. */
export function readMingdaoCredentials(data: Record<string, unknown>): MingdaoCredentials {
	const appKey = text(data.appKey);
	const secretKey = text(data.secretKey);
	const projectId = text(data.projectId);
	if (appKey === '') throw new ParameterError('App Key', 'App Key is empty in the Mingdao credential');
	if (secretKey === '') throw new ParameterError('Secret Key', 'Secret Key is empty in the Mingdao credential');
	if (projectId === '') throw new ParameterError('Project ID', 'Project ID is empty in the Mingdao credential');
	const deployment = data.deployment === 'private' || data.deployment === 'custom' ? data.deployment : 'saas';
	return {
		appKey,
		secretKey,
		projectId,
		deployment,
		privateUrl: text(data.privateUrl) || undefined,
		customBaseUrl: text(data.customBaseUrl) || undefined,
		ignoreSslIssues: deployment !== 'saas' && data.ignoreSslIssues === true,
		allowInsecureHttp: deployment !== 'saas' && data.allowInsecureHttp === true,
	};
}

/**
 * The base URL of the people and organisation API for the chosen deployment. A private address
 * pasted with the API path already on it is accepted as is rather than doubled.
 */
export function mingdaoApiBaseUrl(credentials: MingdaoCredentials): string {
	if (credentials.deployment === 'saas') return MINGDAO_SAAS_BASE_URL;
	if (credentials.deployment === 'custom') {
		return secureBaseUrl(credentials.customBaseUrl, 'API Base URL', credentials.allowInsecureHttp);
	}
	const address = secureBaseUrl(credentials.privateUrl, 'Mingdao Address', credentials.allowInsecureHttp);
	return address.toLowerCase().endsWith(MINGDAO_PRIVATE_API_PATH) ? address : `${address}${MINGDAO_PRIVATE_API_PATH}`;
}
