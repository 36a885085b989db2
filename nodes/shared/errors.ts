/** The typed errors our code throws, and `toNodeError`, the one place they become n8n's errors (redacted). */

import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Redactor } from './redact';
import { asText, joinSentences } from './text';

/**
 * The errors our transport and vendor clients throw. They know nothing of n8n, so they can be
 * tested and reused on their own; `toNodeError` is the single point where they become the
 * `NodeApiError` / `NodeOperationError` a user sees, with secrets redacted.
 */

export interface VendorErrorDetails {
	vendor: string;
	/** The vendor's own error code (body code, gateway code). */
	code?: string;
	message: string;
	/** The vendor's message in the user's language, when it gives one (Aliyun `localizedMsg`). */
	localizedMessage?: string;
	httpStatus?: number;
	/** Request or trace id the vendor returned, so support can find the call. */
	requestId?: string;
	hint?: string;
	/**
	 * The refusal is about the credential, not this request (token refused, wrong key or secret,
	 * no permission, client locked, signature refused as a whole): every later request of the run
	 * would be refused the same way, so none is sent. Set by each vendor's `helpers/codes.ts`.
	 */
	refusesRun?: boolean;
}

/** The vendor answered, and the answer is a failure. */
export class VendorApiError extends Error {
	readonly details: VendorErrorDetails;

	constructor(details: VendorErrorDetails) {
		const message = asText(details.message) || 'the vendor reported a failure without a message';
		super(message);
		this.name = 'VendorApiError';
		this.details = {
			...details,
			message,
			code: details.code === undefined || details.code === null ? undefined : asText(details.code),
			localizedMessage:
				details.localizedMessage === undefined ? undefined : asText(details.localizedMessage),
			requestId: details.requestId === undefined ? undefined : asText(details.requestId),
		};
	}
}

export type TransportFailureKind =
	| 'connect'
	| 'certificate'
	| 'timeout'
	| 'reset'
	| 'aborted'
	| 'non-json'
	| 'http-status'
	| 'redirect'
	| 'egress-refused'
	| 'network';

export interface TransportErrorDetails {
	kind: TransportFailureKind;
	message: string;
	/** False only when we know no byte of the request reached the server. */
	mayHaveReachedServer: boolean;
	httpStatus?: number;
	/** A short, redacted excerpt of a body that could not be understood. */
	excerpt?: string;
	requestId?: string;
}

/** The request failed below the vendor's API: network, timeout, unreadable answer. */
export class TransportError extends Error {
	readonly details: TransportErrorDetails;

	constructor(details: TransportErrorDetails) {
		super(details.message);
		this.name = 'TransportError';
		this.details = details;
	}
}

/** A node parameter (or a value from an item) is unusable; raised before any request is sent. */
export class ParameterError extends Error {
	readonly field: string;

	readonly hint?: string;

	constructor(field: string, message: string, hint?: string) {
		super(message);
		this.name = 'ParameterError';
		this.field = field;
		this.hint = hint;
	}
}

/** An error that already carries the index of the item it belongs to (batched requests). */
export class ItemScopedError extends Error {
	readonly itemIndex: number;

	readonly inner: unknown;

	constructor(itemIndex: number, inner: unknown) {
		super(inner instanceof Error ? inner.message : String(inner));
		this.name = 'ItemScopedError';
		this.itemIndex = itemIndex;
		this.inner = inner;
	}
}

/** The error inside an ItemScopedError, or the error itself. */
export function unscoped(error: unknown): unknown {
	return error instanceof ItemScopedError ? error.inner : error;
}

/** Whether every later request of this run would meet the same refusal (see `refusesRun`). */
export function refusesWholeRun(error: unknown): boolean {
	const inner = unscoped(error);
	return inner instanceof VendorApiError && inner.details.refusesRun === true;
}

function describeTransport(details: TransportErrorDetails): string {
	switch (details.kind) {
		case 'timeout':
			return 'The vendor did not answer in time. Raise the timeout in the node options if the vendor is slow, or try again later.';
		case 'connect':
			return 'Could not connect. Check the base URL or host in the credential, and any proxy settings (HTTP_PROXY / HTTPS_PROXY / NO_PROXY).';
		case 'certificate':
			return 'Nothing was sent: the certificate of the server could not be verified. If this is your own server with a self-signed or private certificate and you trust it, turn on "Ignore SSL Issues" in the credential where it offers that switch, or make its certificate authority known to n8n (NODE_EXTRA_CA_CERTS). Otherwise check the host in the credential.';
		case 'non-json':
			return 'The vendor answered with something that is not JSON, often a gateway error page. Check the base URL and path.';
		case 'reset':
			return 'The connection was closed before an answer arrived.';
		case 'aborted':
			return 'The execution was stopped.';
		case 'egress-refused':
			return 'Nothing was sent. This n8n instance does not let workflows reach this address. If the vendor really is there, an n8n administrator can allow it with N8N_SSRF_ALLOWED_HOSTNAMES (the host name) or N8N_SSRF_ALLOWED_IP_RANGES (its address range).';
		case 'redirect':
			return 'The vendor answered with a redirect. None of these vendors documents one, so it is not followed: check the base URL or host in the credential.';
		default:
			return '';
	}
}

/**
 * Turns anything thrown while handling an item into the n8n error the user sees.
 * Every string that leaves here has passed through the redactor.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	redactor: Redactor,
): NodeApiError | NodeOperationError {
	if (error instanceof ItemScopedError) {
		return toNodeError(node, error.inner, error.itemIndex, redactor);
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = redactor.redact(error.message);
		if (typeof error.description === 'string')
			error.description = redactor.redact(error.description);
		return error;
	}
	const itemLabel = `item ${itemIndex}`;
	if (error instanceof ParameterError) {
		const message = redactor.redact(`${error.message} (${itemLabel}, field "${error.field}")`);
		return new NodeOperationError(node, message, {
			itemIndex,
			description: error.hint ? redactor.redact(error.hint) : undefined,
		});
	}
	if (error instanceof VendorApiError) {
		const d = error.details;
		const codePart = d.code !== undefined ? ` [${d.code}]` : '';
		const localized =
			d.localizedMessage && d.localizedMessage !== d.message ? ` (${d.localizedMessage})` : '';
		const message = redactor.redact(
			`${d.vendor} error${codePart}: ${d.message}${localized} (${itemLabel})`,
		);
		const description = joinSentences([
			d.hint,
			d.httpStatus !== undefined ? `HTTP status ${d.httpStatus}` : undefined,
			d.requestId ? `Request ID: ${d.requestId}` : undefined,
		]);
		const response: JsonObject = {
			vendor: d.vendor,
			code: d.code ?? null,
			message: redactor.redact(d.message),
			localizedMessage: d.localizedMessage ? redactor.redact(d.localizedMessage) : null,
			requestId: d.requestId ?? null,
		};
		return new NodeApiError(node, response, {
			message,
			description: redactor.redact(description),
			httpCode: d.httpStatus !== undefined ? String(d.httpStatus) : undefined,
			itemIndex,
		});
	}
	if (error instanceof TransportError) {
		const d = error.details;
		const status = d.httpStatus !== undefined ? ` (HTTP ${d.httpStatus})` : '';
		const message = redactor.redact(`${d.message}${status} (${itemLabel})`);
		const description = [
			describeTransport(d),
			d.excerpt ? `Answer began with: ${d.excerpt}` : undefined,
			d.requestId ? `Request ID: ${d.requestId}` : undefined,
		]
			.filter((part): part is string => Boolean(part))
			.join(' ');
		const response: JsonObject = { kind: d.kind, message: redactor.redact(d.message) };
		return new NodeApiError(node, response, {
			message,
			description: redactor.redact(description),
			httpCode: d.httpStatus !== undefined ? String(d.httpStatus) : undefined,
			itemIndex,
		});
	}
	const text = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redactor.redact(`${text} (${itemLabel})`), { itemIndex });
}
