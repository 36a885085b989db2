import { AbortedError, sleep, throwIfAborted } from './retry';

/**
 * Runs `fn` over `inputs` with at most `concurrency` calls in flight and returns the results in
 * input order. Stops starting new calls once the signal fires or a call fails; the first failure
 * is rethrown after the calls in flight have settled, so nothing is left running behind it.
 */
export async function mapConcurrent<T, R>(
	inputs: readonly T[],
	concurrency: number,
	fn: (input: T, index: number) => Promise<R>,
	signal?: AbortSignal,
): Promise<R[]> {
	const settled = await mapConcurrentSettled(inputs, concurrency, fn, signal, true);
	const results: R[] = [];
	for (const outcome of settled) {
		if (outcome.status === 'rejected') throw outcome.reason;
		results.push(outcome.value);
	}
	return results;
}

/**
 * Like `mapConcurrent`, but one failure does not stop the others: every input gets an outcome.
 * Used where each input belongs to different n8n items (a batch failing must not lose the rest).
 */
export async function mapConcurrentSettled<T, R>(
	inputs: readonly T[],
	concurrency: number,
	fn: (input: T, index: number) => Promise<R>,
	signal?: AbortSignal,
	stopOnFirstFailure = false,
): Promise<Array<PromiseSettledResult<R>>> {
	const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, inputs.length));
	const outcomes: Array<PromiseSettledResult<R>> = new Array(inputs.length);
	let next = 0;
	let stopped = false;
	const worker = async () => {
		while (!stopped && next < inputs.length) {
			const index = next++;
			if (signal?.aborted) {
				outcomes[index] = { status: 'rejected', reason: new AbortedError() };
				stopped = true;
				break;
			}
			try {
				outcomes[index] = { status: 'fulfilled', value: await fn(inputs[index], index) };
			} catch (reason) {
				outcomes[index] = { status: 'rejected', reason };
				if (stopOnFirstFailure || reason instanceof AbortedError) stopped = true;
			}
		}
	};
	await Promise.all(Array.from({ length: width }, worker));
	// Inputs never started (stopped early) are reported as aborted rather than silently missing.
	for (let i = 0; i < inputs.length; i++) {
		if (outcomes[i] === undefined) outcomes[i] = { status: 'rejected', reason: new AbortedError() };
	}
	return outcomes;
}

export interface RateWindow {
	/** Requests allowed in any window of `intervalMs`. */
	limit: number;
	intervalMs: number;
}

/**
 * One request's place in a limiter's windows, taken before the request is built and sent. A
 * limiter shared by several processes counts the request from the moment it really leaves (a
 * worker's event loop can stall between the grant and the send, and the vendor counts arrivals);
 * the per-process limiter counts it from the grant, as `acquire` does.
 */
export interface RateSlot {
	/** The request is being written to the socket now: it counts from this moment. Later calls do nothing. */
	sent(): void;
	/** The request will not be sent: the slot is free again. Does nothing once sent. */
	release(): void;
	/** False once the slot was held too long to send on: release it and reserve another. */
	usable(): boolean;
}

/** The slot of a limiter that counts a request when it grants it: nothing is left to tell it. */
export const COUNTED_AT_GRANT: RateSlot = {
	sent: () => undefined,
	release: () => undefined,
	usable: () => true,
};

/**
 * A sliding-window rate limiter: a request may start when fewer than `limit` requests started in
 * the last `intervalMs`, for every window. Sliding windows (rather than a token bucket, which
 * allows a full burst on top of a full refill) match how vendors count, so running at the limit
 * draws no rate-limit answers. `marginMs` widens each window a little to absorb clock and network
 * jitter between our count and the vendor's.
 */
export class RateLimiter {
	private readonly windows: Array<RateWindow & { starts: number[] }>;

	private queue: Promise<void> = Promise.resolve();

	constructor(
		windows: RateWindow[],
		private readonly marginMs = 0,
		private readonly now: () => number = Date.now,
	) {
		this.windows = windows
			.filter((w) => w.limit > 0 && w.intervalMs > 0)
			.map((w) => ({ ...w, starts: [] }));
	}

	/** Resolves when the caller may send one request; callers are served first come, first served. */
	async acquire(signal?: AbortSignal): Promise<void> {
		if (this.windows.length === 0) return;
		const turn = this.queue.then(async () => await this.waitForSlot(signal));
		// The next caller waits for this one whether it succeeded or was aborted.
		this.queue = turn.catch(() => undefined);
		await turn;
	}

	/**
	 * Like acquire, for a caller that reports when the request leaves (the transport does). This
	 * limiter counts at the grant, so the slot has nothing to record.
	 */
	async reserve(signal?: AbortSignal): Promise<RateSlot> {
		await this.acquire(signal);
		return COUNTED_AT_GRANT;
	}

	private async waitForSlot(signal?: AbortSignal): Promise<void> {
		for (;;) {
			throwIfAborted(signal);
			const now = this.now();
			let wait = 0;
			for (const w of this.windows) {
				while (w.starts.length > 0 && w.starts[0] <= now - w.intervalMs - this.marginMs) {
					w.starts.shift();
				}
				if (w.starts.length >= w.limit) {
					wait = Math.max(wait, w.starts[0] + w.intervalMs + this.marginMs - now + 1);
				}
			}
			if (wait <= 0) {
				for (const w of this.windows) w.starts.push(now);
				return;
			}
			await sleep(wait, signal);
		}
	}
}

const sharedLimiters = new Map<string, { signature: string; limiter: RateLimiter }>();

/**
 * One limiter per key for the whole process, so every item, page and execution that uses the same
 * credential against the same API shares the vendor's budget. A changed setting replaces it.
 */
export function sharedRateLimiter(key: string, windows: RateWindow[], marginMs = 0): RateLimiter {
	const signature = JSON.stringify([windows, marginMs]);
	const existing = sharedLimiters.get(key);
	if (existing && existing.signature === signature) return existing.limiter;
	const limiter = new RateLimiter(windows, marginMs);
	sharedLimiters.set(key, { signature, limiter });
	return limiter;
}
