import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	ManualExecutionCancelledError,
	SystemShutdownExecutionCancelledError,
	TimeoutExecutionCancelledError,
} from 'n8n-workflow';

import { runsAsAgentTool } from './agent-tool';
import { ItemScopedError, TransportError, refusesWholeRun, toNodeError, unscoped } from './errors';
import type { RateLimiter } from './limiter';
import type { Redactor } from './redact';
import type { EgressFilter } from './egress';
import { AbortedError, DEFAULT_RETRY_POLICY } from './retry';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_RESPONSE_TIMEOUT_MS } from './transport';
import type { TransportSettings } from './transport';
import { intInRange } from './validate';

/**
 * What every vendor node shares on the n8n side: the request-tuning options a user can change,
 * the cancellation signal, and the per-item error handling that honours Continue On Fail.
 */

/** The Max Retries default shown in the UI: the transport's own default policy. */
export const DEFAULT_MAX_RETRIES = DEFAULT_RETRY_POLICY.maxAttempts - 1;

/** The bounds the Options fields show; a value an expression hands over must keep to them too. */
const MAX_RETRIES_LIMIT = 10;
const DEFAULT_MAX_CONCURRENCY = 32;
const MIN_TIMEOUT_MS = 100;
/** The longest delay node's timers accept; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

const FIELD = {
	concurrency: 'Concurrency',
	connectTimeout: 'Connect Timeout (Ms)',
	maxRetries: 'Max Retries',
	timeout: 'Response Timeout (Ms)',
} as const;

export interface RequestTuning {
	connectTimeoutMs: number;
	responseTimeoutMs: number;
	maxRetries: number;
	concurrency: number;
}

export interface TuningDefaults {
	concurrency: number;
	/** The most requests in flight the vendor tolerates (32 unless set). */
	maxConcurrency?: number;
}

/** Fields for a vendor node's "Options" collection (kept in alphabetical order by the caller). */
export function requestTuningFields(defaults: TuningDefaults): INodeProperties[] {
	const concurrency: INodeProperties = {
		displayName: FIELD.concurrency,
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: DEFAULT_MAX_CONCURRENCY },
		default: 4,
		description: 'How many requests may be in flight at once',
	};
	return [
		{
			...concurrency,
			default: defaults.concurrency,
			typeOptions: { minValue: 1, maxValue: defaults.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY },
		},
		{
			displayName: FIELD.connectTimeout,
			name: 'connectTimeout',
			type: 'number',
			typeOptions: { minValue: MIN_TIMEOUT_MS },
			default: DEFAULT_CONNECT_TIMEOUT_MS,
			description: 'How long to wait for a connection to the vendor, in milliseconds',
		},
		{
			displayName: FIELD.maxRetries,
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRIES_LIMIT },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How often a request that failed for a passing reason (rate limit, 5xx, network) is retried, with growing pauses. Requests that are not safe to repeat are only retried when they never reached the vendor.',
		},
		{
			displayName: FIELD.timeout,
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: MIN_TIMEOUT_MS },
			default: DEFAULT_RESPONSE_TIMEOUT_MS,
			description: 'How long to wait for the vendor to answer a request, in milliseconds',
		},
	];
}

/**
 * An option left out (or emptied by an expression) takes its default. Anything else is the user's
 * setting and must apply — text included, since an expression hands over whatever its source
 * holds (a sheet, a CSV file) — or fail naming the field; never a silent default in its place.
 */
function optionValue(value: unknown, fallback: number, field: string, min: number, max: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	return intInRange(value, field, min, max);
}

/** Reads the Options fields of `requestTuningFields`; throws a ParameterError naming a bad one. */
export function readRequestTuning(options: IDataObject, defaults: TuningDefaults): RequestTuning {
	return {
		connectTimeoutMs: optionValue(options.connectTimeout, DEFAULT_CONNECT_TIMEOUT_MS, FIELD.connectTimeout, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS),
		responseTimeoutMs: optionValue(options.timeout, DEFAULT_RESPONSE_TIMEOUT_MS, FIELD.timeout, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS),
		maxRetries: optionValue(options.maxRetries, DEFAULT_MAX_RETRIES, FIELD.maxRetries, 0, MAX_RETRIES_LIMIT),
		concurrency: optionValue(
			options.concurrency,
			defaults.concurrency,
			FIELD.concurrency,
			1,
			defaults.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
		),
	};
}

export function transportSettings(
	tuning: RequestTuning,
	context: {
		signal?: AbortSignal;
		idempotent: boolean;
		rateLimiter?: RateLimiter;
		allowInsecureTls?: boolean;
		/** Required, so every client factory decides: n8n's filter of the run, or none (n8n 1.x). */
		egress: EgressFilter | undefined;
	},
): TransportSettings {
	return {
		connectTimeoutMs: tuning.connectTimeoutMs,
		responseTimeoutMs: tuning.responseTimeoutMs,
		retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: tuning.maxRetries + 1 },
		idempotent: context.idempotent,
		signal: context.signal,
		rateLimiter: context.rateLimiter,
		allowInsecureTls: context.allowInsecureTls,
		egress: context.egress,
	};
}

/** The execution's cancel signal: stopping the workflow aborts requests in flight and queued. */
export function cancelSignal(ctx: IExecuteFunctions): AbortSignal | undefined {
	return ctx.getExecutionCancelSignal?.();
}

/** What stopped an execution, in n8n's words (`CancellationReason` in n8n-workflow 2.x). */
export type StopReason = 'manual' | 'timeout' | 'shutdown';

type CancelledErrorClass = new (executionId: string) => Error;

/** Typed as possibly absent: a line of n8n-workflow without one of them must still load this package. */
const CANCELLED_ERRORS: Record<StopReason, CancelledErrorClass | undefined> = {
	manual: ManualExecutionCancelledError,
	timeout: TimeoutExecutionCancelledError,
	shutdown: SystemShutdownExecutionCancelledError,
};

const STOPPED_MESSAGES: Record<StopReason, string> = {
	manual: 'The execution was cancelled manually',
	timeout: 'The execution was cancelled because it timed out',
	shutdown: 'The execution was cancelled because the system is shutting down',
};

/** Stands in for an n8n cancellation class the installed n8n-workflow lacks; n8n still sees a cancellation. */
class ExecutionStoppedError extends Error {
	constructor(reason: StopReason) {
		super(STOPPED_MESSAGES[reason]);
		this.name = 'ExecutionCancelledError';
	}
}

/** The reason an n8n cancellation error stands for, or undefined for anything else. */
function reasonOf(value: unknown): StopReason | undefined {
	for (const reason of Object.keys(CANCELLED_ERRORS) as StopReason[]) {
		const cancelled = CANCELLED_ERRORS[reason];
		if (typeof cancelled === 'function' && value instanceof cancelled) return reason;
	}
	return undefined;
}

/**
 * Why the execution was stopped. n8n aborts the cancel signal when a user stops the execution,
 * when its timeout passes and when n8n shuts down; the abort's reason says which when n8n gives
 * one. n8n 2.41 gives none, so a stop at or after the execution's deadline is its timeout — the
 * rule n8n itself applies (WorkflowExecute, the queue worker) — and any other stop is manual.
 */
export function stopReason(ctx: IExecuteFunctions): StopReason {
	const given = reasonOf(cancelSignal(ctx)?.reason);
	if (given) return given;
	// The deadline is not part of IExecuteFunctions; n8n-core's context carries it in 1.x and 2.x.
	const deadline = (ctx as { additionalData?: { executionTimeoutTimestamp?: unknown } }).additionalData
		?.executionTimeoutTimestamp;
	return typeof deadline === 'number' && Date.now() >= deadline ? 'timeout' : 'manual';
}

/** The error that tells n8n the execution was stopped, and why: n8n's own when it gave one. */
export function cancellationError(ctx: IExecuteFunctions): Error {
	const given: unknown = cancelSignal(ctx)?.reason;
	if (reasonOf(given) && given instanceof Error) return given;
	const reason = stopReason(ctx);
	const Cancelled = CANCELLED_ERRORS[reason];
	return typeof Cancelled === 'function' ? new Cancelled(ctx.getExecutionId()) : new ExecutionStoppedError(reason);
}

/**
 * Whether a failure is the execution being stopped. Only the cancel signal makes one: a request
 * that outlasts the Response Timeout is a TransportError of kind "timeout", an item's failure.
 */
export function isAbort(error: unknown): boolean {
	const inner = error instanceof ItemScopedError ? error.inner : error;
	return inner instanceof AbortedError || (inner instanceof TransportError && inner.details.kind === 'aborted');
}

/** The item a Continue On Fail run outputs in place of a failed item. */
export function errorItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	redactor: Redactor,
): INodeExecutionData {
	const nodeError = toNodeError(ctx.getNode(), error, itemIndex, redactor);
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Handles an item's failure: with Continue On Fail it becomes an error item, otherwise the run
 * stops with an n8n error that names the item (and never contains a secret).
 */
export function failItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	redactor: Redactor,
): INodeExecutionData {
	// A stopped execution is not an item's failure: report it to n8n as the cancellation it is.
	if (isAbort(error)) throw cancellationError(ctx);
	if (continuesOnFail(ctx)) return errorItem(ctx, error, itemIndex, redactor);
	throw toNodeError(ctx.getNode(), error, itemIndex, redactor);
}

/**
 * Whether a failure becomes an error item: with Continue On Fail, and always when the node runs as
 * an AI Agent's tool, where the error is an answer the model reads and acts on (n8n 1.123 would
 * otherwise stop the whole execution at the tool's error; 2.41 passes only its message on).
 */
export function continuesOnFail(ctx: IExecuteFunctions): boolean {
	return ctx.continueOnFail() || runsAsAgentTool(ctx);
}

/**
 * Runs `handle` for every input item in turn (one listing or one call per item), pairing the
 * outputs with their item and turning failures into error items or a stopping error. After a
 * refusal of the whole run (`refusesWholeRun`) no further item is sent: each gets that error.
 */
export async function forEachItem(
	ctx: IExecuteFunctions,
	redactor: Redactor,
	handle: (itemIndex: number) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	// A refusal of the whole run (a wrong secret, no permission) answers every later item without a request.
	let refusal: unknown;
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		if (refusal !== undefined) {
			out.push(failItem(ctx, refusal, itemIndex, redactor));
			continue;
		}
		try {
			const results = await handle(itemIndex);
			for (const json of results) out.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (refusesWholeRun(error)) refusal = unscoped(error);
			out.push(failItem(ctx, error, itemIndex, redactor));
		}
	}
	return out;
}
