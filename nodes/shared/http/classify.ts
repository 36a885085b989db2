/** What a failure or an answer means: the certificate and connection error tables, and which answers are passing. */

import { TransportError } from '../errors';
import { AbortedError } from './abort';
import { egressRefusedError, hostOf, isEgressRefusal } from './egress';
import type { HttpResponse, TransientVerdict } from './types';

/** 429 and the 5xx answers gateways give when the service is busy or briefly away. */
export function defaultTransientVerdict(response: HttpResponse): TransientVerdict | undefined {
	if (response.status === 429) return { reason: 'HTTP 429', reachedService: false };
	if (response.status === 502 || response.status === 503 || response.status === 504) {
		return { reason: `HTTP ${response.status}`, reachedService: true };
	}
	if (response.status >= 500) return { reason: `HTTP ${response.status}`, reachedService: true };
	return undefined;
}

const BEFORE_SENDING_CODES = new Set([
	'UND_ERR_CONNECT_TIMEOUT',
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/**
 * OpenSSL's verdicts on a server certificate, and node's host-name check. None of them passes
 * by itself, so a request refused for one is never repeated.
 */
const CERTIFICATE_CODES = new Set([
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'HOSTNAME_MISMATCH',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
	'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
	'CERT_SIGNATURE_FAILURE',
	'CERT_NOT_YET_VALID',
	'CERT_HAS_EXPIRED',
	'ERROR_IN_CERT_NOT_BEFORE_FIELD',
	'ERROR_IN_CERT_NOT_AFTER_FIELD',
	'CERT_CHAIN_TOO_LONG',
	'CERT_REVOKED',
	'INVALID_CA',
	'PATH_LENGTH_EXCEEDED',
	'INVALID_PURPOSE',
	'CERT_UNTRUSTED',
	'CERT_REJECTED',
]);

/** Error codes along the cause chain (undici wraps socket errors). */
function errorCodes(error: unknown): string[] {
	const codes: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') codes.push(code);
		current = (current as { cause?: unknown }).cause;
	}
	return codes;
}

/**
 * Classifies a low-level failure: did any byte possibly reach the server? `url` is the address
 * asked for, so a certificate failure can name its host.
 */
export function classifyNetworkError(
	error: unknown,
	signal?: AbortSignal,
	url?: string,
): TransportError {
	// Already judged on the way (a destination n8n's policy refused, a redirect).
	if (error instanceof TransportError) return error;
	if (signal?.aborted || error instanceof AbortedError) {
		return new TransportError({
			kind: 'aborted',
			message: 'The execution was stopped',
			mayHaveReachedServer: true,
		});
	}
	// n8n's secure lookup refused the address at connect time: nothing was sent, nothing will pass.
	if (isEgressRefusal(error) && url !== undefined) return egressRefusedError(url, error);
	const codes = errorCodes(error);
	const certificate = codes.find((code) => CERTIFICATE_CODES.has(code));
	if (certificate) {
		return new TransportError({
			kind: 'certificate',
			message: `The TLS certificate of ${hostOf(url)} was not accepted (${certificate})`,
			mayHaveReachedServer: false,
		});
	}
	const beforeSending = codes.find((code) => BEFORE_SENDING_CODES.has(code));
	if (beforeSending) {
		return new TransportError({
			kind: 'connect',
			message: `Could not connect to the server (${beforeSending})`,
			mayHaveReachedServer: false,
		});
	}
	if (codes.includes('UND_ERR_HEADERS_TIMEOUT') || codes.includes('UND_ERR_BODY_TIMEOUT')) {
		return new TransportError({
			kind: 'timeout',
			message: 'The server did not answer in time',
			mayHaveReachedServer: true,
		});
	}
	if (
		codes.some((code) => ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'].includes(code))
	) {
		return new TransportError({
			kind: 'reset',
			message: 'The connection was closed before an answer arrived',
			mayHaveReachedServer: true,
		});
	}
	const text = error instanceof Error ? error.message : String(error);
	return new TransportError({
		kind: 'network',
		message: `Network error: ${text}`,
		mayHaveReachedServer: true,
	});
}
