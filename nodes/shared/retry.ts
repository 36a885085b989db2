/** Backoff arithmetic and abortable waiting, shared by the transport and by polling loops. */

export interface RetryPolicy {
	/** Attempts in total, the first included. 1 means never retry. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A vendor's Retry-After longer than this is capped, so one answer cannot stall a run for hours. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 250,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 60_000,
};

/**
 * "Full jitter" exponential backoff: a random delay in [0, min(max, base·2^(n-1))]. Jitter keeps
 * many workers that failed together from retrying together.
 */
export function backoffDelay(
	retryNumber: number,
	policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
	return Math.round(random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
	if (value === undefined) return undefined;
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

export class AbortedError extends Error {
	constructor() {
		super('The execution was stopped');
		this.name = 'AbortedError';
	}
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new AbortedError();
}

/** Waits `ms`, or rejects with AbortedError as soon as the signal fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	throwIfAborted(signal);
	if (ms <= 0) return;
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(new AbortedError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
