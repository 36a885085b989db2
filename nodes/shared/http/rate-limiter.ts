/** Sliding-window rate limits per vendor app in this process, with an adaptive budget after refusals. */

import { sleep, throwIfAborted } from './abort';

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
 * How a limiter's budget reacts to the vendor's rate-limit answers (additive increase,
 * multiplicative decrease): each answer, at most once per shortest window, stretches every window
 * by 1 / `decrease` (fewer requests per second), down to `floor` of the configured rate; the budget
 * then grows back by `recoveryPerSecond` of the full rate per second. An answer that comes within
 * `repeatWithinMs` of the last decrease halves the pace of the recovery that follows, down to
 * `slowestRecoveryPerSecond`: a path whose delays keep varying more than the margin (a jittery
 * network, a loaded gateway) is not walked back into a refusal every few seconds. A path whose
 * delays vary now and then costs one refusal, and the full rate returns once the refusals stop.
 */
export interface RateBudgetPolicy {
	decrease: number;
	floor: number;
	recoveryPerSecond: number;
	repeatWithinMs: number;
	slowestRecoveryPerSecond: number;
}

/**
 * 10 % less per refusal, never under half the rate, full again 2 s (two of WeLink's windows) after
 * a lone refusal; a refusal within 30 s of the last one recovers half as fast (4 s, 8 s, at most 16 s).
 */
export const ADAPTIVE_BUDGET: RateBudgetPolicy = {
	decrease: 0.9,
	floor: 0.5,
	recoveryPerSecond: 0.05,
	repeatWithinMs: 30_000,
	slowestRecoveryPerSecond: 0.00625,
};

/** A budget lowered to `fraction` of the full rate at `at` (ms); it recovers from then on by `recoveryPerSecond`. */
export interface BudgetState {
	fraction: number;
	at: number;
	recoveryPerSecond: number;
}

/** The fraction of the full rate a budget allows at `now`. */
export function budgetAt(state: BudgetState, now: number): number {
	return Math.min(
		1,
		state.fraction + (Math.max(0, now - state.at) / 1000) * state.recoveryPerSecond,
	);
}

/**
 * The budget after a rate-limit answer at `now`: lowered, unless it was lowered less than
 * `holdoffMs` ago (the answers to requests granted before that decrease say nothing new).
 */
export function loweredBudget(
	state: BudgetState | undefined,
	policy: RateBudgetPolicy,
	now: number,
	holdoffMs: number,
): BudgetState | undefined {
	if (state && now - state.at < holdoffMs) return undefined;
	const current = state ? budgetAt(state, now) : 1;
	const repeated = state !== undefined && now - state.at < policy.repeatWithinMs;
	const recoveryPerSecond = repeated
		? Math.max(policy.slowestRecoveryPerSecond, state.recoveryPerSecond / 2)
		: policy.recoveryPerSecond;
	return {
		fraction: Math.max(policy.floor, current * policy.decrease),
		at: now,
		recoveryPerSecond,
	};
}

/**
 * A sliding-window rate limiter: a request may start when fewer than `limit` requests started in
 * the last `intervalMs`, for every window. Sliding windows (rather than a token bucket, which
 * allows a full burst on top of a full refill) match how vendors count, so running at the limit
 * draws no rate-limit answers. `marginMs` widens each window a little to absorb clock and network
 * jitter between our count and the vendor's; a vendor's rate-limit answer (`rateLimited`) widens
 * them further for a while (see RateBudgetPolicy).
 */
export class RateLimiter {
	private readonly windows: Array<RateWindow & { starts: number[] }>;

	private queue: Promise<void> = Promise.resolve();

	private budget: BudgetState | undefined;

	constructor(
		windows: RateWindow[],
		private readonly marginMs = 0,
		private readonly now: () => number = Date.now,
		protected readonly budgetPolicy: RateBudgetPolicy = ADAPTIVE_BUDGET,
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

	/** The vendor refused a request for its rate: lower the budget for a while. */
	rateLimited(): void {
		const now = this.now();
		this.budget =
			loweredBudget(this.budget, this.budgetPolicy, now, this.shortestSpan()) ?? this.budget;
	}

	/** The fraction of the configured rate granted now (1 unless the vendor refused lately). */
	budgetFraction(): number {
		return this.budget ? budgetAt(this.budget, this.now()) : 1;
	}

	/**
	 * Counts a request granted elsewhere (the windows shared through Redis) in this process's windows
	 * too, so that a fall-back to them after Redis fails knows what this process sent just before.
	 */
	protected noteStart(at: number): void {
		for (const w of this.windows) {
			// Nothing older than the longest span a lowered budget can stretch to is needed.
			const oldest = at - (w.intervalMs + this.marginMs) / this.budgetPolicy.floor;
			while (w.starts.length > 0 && w.starts[0] <= oldest) w.starts.shift();
			w.starts.push(at);
		}
	}

	/** The shortest window with its margin: rate-limit answers within it of a decrease are one event. */
	protected shortestSpan(): number {
		return Math.min(...this.windows.map((w) => w.intervalMs)) + this.marginMs;
	}

	private async waitForSlot(signal?: AbortSignal): Promise<void> {
		for (;;) {
			throwIfAborted(signal);
			const now = this.now();
			const stretch = 1 / (this.budget ? budgetAt(this.budget, now) : 1);
			let wait = 0;
			for (const w of this.windows) {
				const span = (w.intervalMs + this.marginMs) * stretch;
				while (w.starts.length > 0 && w.starts[0] <= now - span) {
					w.starts.shift();
				}
				if (w.starts.length >= w.limit) {
					wait = Math.max(wait, Math.ceil(w.starts[w.starts.length - w.limit] + span - now) + 1);
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

/**
 * The margins a vendor app's windows are widened by, to absorb the difference between our count
 * and the vendor's. A limiter that counts a request when it grants it must also cover the time
 * until the request leaves (event-loop delays, a busy process); one that counts it when it is
 * sent covers only the way to the vendor.
 */
export interface RateMargins {
	/** The per-process limiter's (and the shared one's without Redis): it counts at the grant. */
	atGrant: number;
	/** The limiter shared through Redis: its slots count from the send. */
	atSend: number;
}
