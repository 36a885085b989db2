import { createHash } from 'node:crypto';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { ParameterError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { resolveRequestUrl } from '../../shared/http/request-options';
import { secureBaseUrl } from '../../shared/validate';
import { mingdaoApiBaseUrl, readConnection } from './connection';
import type { MingdaoConnection } from './connection';

/**
 * Mingdao's enterprise-authorization signing, shared by the credential's `authenticate` (HTTP
 * Request node, credential test) and the node's own client, so the two can never sign differently.
 */

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
export function mingdaoSignature(
	appKey: string,
	secretKey: string,
	timestamp: number | string,
): string {
	const plain = `AppKey=${appKey}&SecretKey=${secretKey}&Timestamp=${String(timestamp)}`;
	const hex = createHash('sha256').update(plain, 'utf8').digest('hex').toLowerCase();
	return Buffer.from(hex, 'utf8').toString('base64');
}

/** Fresh parameters for one request: a new millisecond timestamp, so a new signature. */
export function mingdaoAuthParams(
	connection: Pick<MingdaoConnection, 'appKey' | 'secretKey' | 'projectId'>,
	now: number = Date.now(),
): MingdaoAuthParams {
	return {
		appKey: connection.appKey,
		sign: mingdaoSignature(connection.appKey, connection.secretKey, now),
		timestamp: now,
		projectId: connection.projectId,
	};
}

/** The id the credential Test asks about: a harmless read of a user no organisation has. */
export const CREDENTIAL_TEST_USER_ID = 'n8n-credential-test';

const QUERY_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

function isPlainObject(value: unknown): value is IDataObject {
	return (
		value !== null &&
		typeof value === 'object' &&
		!Array.isArray(value) &&
		Object.getPrototypeOf(value) === Object.prototype
	);
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

/**
 * Anchors a relative address (the credential test gives a bare path) at the deployment's API base
 * and refuses to send a signature over plain HTTP unless the credential allows it. The deployment
 * base is only required when the request has no absolute address of its own.
 */
function checkAddress(connection: MingdaoConnection, requestOptions: IHttpRequestOptions): void {
	let deploymentBase: string | undefined;
	let baseProblem: unknown;
	try {
		deploymentBase = mingdaoApiBaseUrl(connection);
	} catch (error) {
		baseProblem = error;
	}
	const target = resolveRequestUrl(requestOptions, deploymentBase);
	if (!target) throw baseProblem ?? new ParameterError('URL', 'URL is not a valid address');
	// The signature lets anyone who sees it call the API: keep it off plain HTTP unless allowed.
	secureBaseUrl(target.origin, 'URL', connection.allowInsecureHttp);
}

/**
 * Signs one request the way Mingdao documents it (the credential's `authenticate`). A new
 * timestamp and signature per call; the four values go into the JSON body of a POST and into the
 * query of a GET. It sends nothing itself (the credential Test is the Mingdao node's function).
 */
export async function signRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const redactor = new Redactor();
	let connection: MingdaoConnection;
	try {
		connection = readConnection(credentials, redactor);
		checkAddress(connection, requestOptions);
	} catch (error) {
		if (error instanceof ParameterError) throw new Error(`Mingdao credential: ${error.message}`);
		throw error;
	}
	const method = (requestOptions.method ?? 'GET').toUpperCase();
	const body = QUERY_METHODS.has(method) ? undefined : bodyObject(requestOptions.body);
	const auth = mingdaoAuthParams(connection);
	if (body) {
		const merged: IDataObject = { ...body.object, ...auth };
		requestOptions.body = body.wasString ? JSON.stringify(merged) : merged;
	} else {
		requestOptions.qs = { ...(requestOptions.qs ?? {}), ...auth };
	}
	if (connection.ignoreSslIssues) requestOptions.skipSslCertificateValidation = true;
	return requestOptions;
}
