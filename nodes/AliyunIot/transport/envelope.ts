import { randomUUID } from 'node:crypto';

/** The request envelope every Living Link API call carries. */

export const ENVELOPE_VERSION = '1.0';

export interface EnvelopeRequest {
	apiVer: string;
	iotToken?: string;
	cloudToken?: string;
	language?: string;
}

export interface Envelope {
	id: string;
	version: string;
	request: EnvelopeRequest;
	params: Record<string, unknown>;
}

/** The body every Living Link API takes; `id` is fresh per logical call (kept across retries). */
export function buildEnvelope(request: EnvelopeRequest, params: Record<string, unknown>): Envelope {
	const inner: EnvelopeRequest = { apiVer: request.apiVer };
	if (request.iotToken) inner.iotToken = request.iotToken;
	if (request.cloudToken) inner.cloudToken = request.cloudToken;
	if (request.language) inner.language = request.language;
	return { id: randomUUID(), version: ENVELOPE_VERSION, request: inner, params };
}
