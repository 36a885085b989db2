/** A stopped execution: n8n's cancel signal, why it stopped, and the cancellation error n8n expects. */

import type { IExecuteFunctions } from 'n8n-workflow';
import {
	ManualExecutionCancelledError,
	SystemShutdownExecutionCancelledError,
	TimeoutExecutionCancelledError,
} from 'n8n-workflow';

import { ItemScopedError, TransportError } from '../errors';
import { AbortedError } from '../http/abort';

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
	const deadline = (ctx as { additionalData?: { executionTimeoutTimestamp?: unknown } })
		.additionalData?.executionTimeoutTimestamp;
	return typeof deadline === 'number' && Date.now() >= deadline ? 'timeout' : 'manual';
}

/** The error that tells n8n the execution was stopped, and why: n8n's own when it gave one. */
export function cancellationError(ctx: IExecuteFunctions): Error {
	const given: unknown = cancelSignal(ctx)?.reason;
	if (reasonOf(given) && given instanceof Error) return given;
	const reason = stopReason(ctx);
	const Cancelled = CANCELLED_ERRORS[reason];
	return typeof Cancelled === 'function'
		? new Cancelled(ctx.getExecutionId())
		: new ExecutionStoppedError(reason);
}

/**
 * Whether a failure is the execution being stopped. Only the cancel signal makes one: a request
 * that outlasts the Response Timeout is a TransportError of kind "timeout", an item's failure.
 */
export function isAbort(error: unknown): boolean {
	const inner = error instanceof ItemScopedError ? error.inner : error;
	return (
		inner instanceof AbortedError ||
		(inner instanceof TransportError && inner.details.kind === 'aborted')
	);
}
