/** The node hint shown when state meant to be shared fell back to this process (Redis away). */

import type { NodeExecutionHint } from 'n8n-workflow';

import { sharedStateFallbackCount, sharedStateOutage } from './redis-connection';

/**
 * Tells the user, in the node's output, when a run used per-process rate limits and tokens
 * although n8n is scaled out (Redis unreachable): several workers may then exceed the vendor's
 * limits, which explains rate-limit errors the user may see. One hint per node run.
 */

/** What the hint needs from the execution context. addExecutionHints is missing in older n8n. */
export interface HintTarget {
	addExecutionHints?: (...hints: NodeExecutionHint[]) => void;
}

export interface SharedStateWatch {
	/** Adds the hint if any operation fell back since the watch began; returns whether it did. */
	report(ctx: HintTarget): boolean;
}

export function fallbackHint(reason: string): NodeExecutionHint {
	return {
		type: 'warning',
		location: 'outputPane',
		message:
			`Redis was not available (${reason}), so this worker used its own rate limit and token instead of the ones shared by all workers. ` +
			'With several workers the vendor may refuse requests for exceeding its limits. Check EMPLOYEE_SYNC_REDIS_URL or the QUEUE_BULL_REDIS_* settings.',
	};
}

/** Call at the start of a node's execute(), and `report(this)` before returning. */
export function watchSharedState(): SharedStateWatch {
	const start = sharedStateFallbackCount();
	let reported = false;
	return {
		report(ctx) {
			if (reported || sharedStateFallbackCount() === start) return false;
			if (typeof ctx.addExecutionHints !== 'function') return false;
			ctx.addExecutionHints(fallbackHint(sharedStateOutage() ?? 'it did not answer'));
			reported = true;
			return true;
		},
	};
}
