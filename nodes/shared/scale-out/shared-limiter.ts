/** The sliding-window rate limit of a vendor app counted in Redis by every process, with per-process fallback. */

import { randomBytes } from 'node:crypto';

import { COUNTED_AT_GRANT, RateLimiter } from '../http/rate-limiter';
import type { RateBudgetPolicy, RateMargins, RateSlot, RateWindow } from '../http/rate-limiter';
import { fallBackAfter, sharedRedis } from './redis-connection';
import { budgetFractionInRedis, budgetKey, lowerBudgetInRedis } from './shared-budget';
import { runScript, sharedKey } from './redis-script';
import { PENDING_LEASE_MS, PendingSlot } from './pending-slot';
import type { Grant } from './pending-slot';
import { COUNT_OUTAGE_GRANTS, SLIDING_WINDOWS } from './shared-limiter-scripts';
import type { SharedRedis } from './redis-connection';
import { sleep, throwIfAborted } from '../http/abort';

/**
 * Every process that calls the vendor (n8n's main, workers, webhook processes) counts in the same
 * windows, so together they stay within the limit. Each window is a sorted set of the start times of recent requests. One Lua script, atomic in
 * Redis, drops starts older than the window, and either records a new start in every window or
 * says how long to wait. Time comes from Redis's clock, so workers on machines whose clocks
 * differ agree. Nothing is held while a request runs: a start simply ages out of its window.
 *
 * The vendor counts requests when they arrive, and a busy worker's event loop can stall for a
 * tenth of a second or more between the grant and the send. A start counted at the grant then
 * ages out too early, the next grant comes too soon, and the vendor sees more than its limit in
 * one window. So a slot reserved for a request (`reserve`, what the transport uses) is held as
 * pending — it counts in every window whatever its age — until the process says the request is
 * being written (`sent`): from then on it counts from that moment. A worker killed between the
 * two leaves its pending slots behind for PENDING_LEASE_MS at most.
 */

/**
 * Grants of one limiter are spaced at least a window's even pace divided by this: a burst may go
 * out at up to four times the average rate, but never all at once. A window's starts otherwise
 * come back together each time the window turns, and the vendor, taking a bunch one request
 * after the other, counts the last of them later than they arrived: the difference eats the margin.
 */
const PACE_FACTOR = 4;

/** Wakes the processes that wait for the same slot a little apart, so they do not all ask at once. */
const WAKE_JITTER_MS = 3;

const processTag = `${process.pid}-${randomBytes(4).toString('hex')}`;
let sequence = 0;

/**
 * A RateLimiter whose windows live in Redis. When Redis is not available it falls back to the
 * per-process sliding window it inherits, so a workflow keeps running (and the outage is noted,
 * see redis-connection). Callers in this process are served first come, first served; only the
 * first in line asks Redis.
 */
export class RedisRateLimiter extends RateLimiter {
	private readonly sharedWindows: RateWindow[];

	private line: Promise<void> = Promise.resolve();

	private readonly margins: RateMargins;

	/**
	 * When (this process's clock) the requests granted by the per-process windows while Redis was
	 * away were granted: Redis's windows learn of them once it answers again, or the vendor would
	 * see this process's outage budget and a fresh shared one in the same window.
	 */
	private outageGrants: number[] = [];

	/** `margin`: one for both ways of counting, or each its own (see RateMargins). */
	constructor(
		private readonly identity: string,
		windows: RateWindow[],
		margin: number | RateMargins = 0,
		budgetPolicy?: RateBudgetPolicy,
	) {
		const margins = typeof margin === 'number' ? { atGrant: margin, atSend: margin } : margin;
		// Without Redis the per-process window counts at the grant.
		super(windows, margins.atGrant, Date.now, budgetPolicy);
		this.margins = margins;
		this.sharedWindows = windows.filter((w) => w.limit > 0 && w.intervalMs > 0);
	}

	override async acquire(signal?: AbortSignal): Promise<void> {
		await this.acquireAt(signal);
	}

	/**
	 * Like acquire (the start counted at the grant), and tells when: Redis's clock in ms, or this
	 * process's clock when it fell back (diagnostics and tests).
	 */
	async acquireAt(signal?: AbortSignal): Promise<number> {
		const grant = await this.inLine(async () => await this.take(0, this.margins.atGrant, signal));
		return grant?.at ?? Date.now();
	}

	/**
	 * A slot that counts from the moment its request is sent (see above), or, when Redis is not
	 * available, the per-process limiter's slot counted at the grant.
	 */
	override async reserve(signal?: AbortSignal): Promise<RateSlot> {
		const grant = await this.inLine(
			async () => await this.take(PENDING_LEASE_MS, this.margins.atSend, signal),
		);
		// A key must outlive its longest span, which a lowered budget stretches up to 1 / floor.
		const keep = this.spans(this.margins.atSend).map((span) =>
			Math.ceil(span / this.budgetPolicy.floor),
		);
		return grant ? new PendingSlot(grant, keep) : COUNTED_AT_GRANT;
	}

	/**
	 * The vendor refused a request for its rate: the app's budget is lowered in Redis, for every
	 * process, or (without Redis) in this process.
	 */
	override rateLimited(): void {
		void this.lowerSharedBudget().then(
			(shared) => {
				if (!shared) super.rateLimited();
			},
			() => super.rateLimited(),
		);
	}

	private async lowerSharedBudget(): Promise<boolean> {
		if (this.sharedWindows.length === 0) return false;
		const shared = await sharedRedis();
		if (!shared) return false;
		try {
			await lowerBudgetInRedis(shared, this.identity, this.budgetPolicy, this.shortestSpan());
			return true;
		} catch (error) {
			fallBackAfter(error);
			return false;
		}
	}

	/** The fraction of the configured rate all processes are granted now (Redis's view), or this process's. */
	async sharedBudgetFraction(): Promise<number> {
		const shared = await sharedRedis();
		if (!shared) return this.budgetFraction();
		return await budgetFractionInRedis(shared, this.identity, this.budgetPolicy);
	}

	/** Tells Redis's windows what this process granted on its own during the outage; false if Redis failed again. */
	private async countOutageGrants(
		shared: SharedRedis,
		keys: string[],
		marginMs: number,
	): Promise<boolean> {
		const spans = this.spans(marginMs);
		const longest = Math.max(...spans);
		const now = Date.now();
		const ages = this.outageGrants.map((at) => now - at).filter((age) => age < longest);
		try {
			if (ages.length > 0)
				await runScript(shared.client, COUNT_OUTAGE_GRANTS, keys, [
					`${processTag}-outage-${++sequence}`,
					...spans,
					...ages,
				]);
			this.outageGrants = [];
			return true;
		} catch (error) {
			fallBackAfter(error);
			return false;
		}
	}

	private spans(marginMs: number): number[] {
		return this.sharedWindows.map((w) => w.intervalMs + marginMs);
	}

	private async inLine<T>(take: () => Promise<T>): Promise<T> {
		const turn = this.line.then(take);
		this.line = turn.then(
			() => undefined,
			() => undefined,
		);
		return await turn;
	}

	/** A grant recorded in Redis, or undefined once the per-process window granted instead. */
	private async take(
		hold: number,
		marginMs: number,
		signal?: AbortSignal,
	): Promise<Grant | undefined> {
		if (this.sharedWindows.length === 0) return undefined;
		for (;;) {
			throwIfAborted(signal);
			const shared = await sharedRedis();
			if (!shared) {
				await super.acquire(signal);
				const at = Date.now();
				const oldest = at - Math.max(...this.spans(this.margins.atGrant));
				while (this.outageGrants.length > 0 && this.outageGrants[0] <= oldest)
					this.outageGrants.shift();
				this.outageGrants.push(at);
				return undefined;
			}
			const keys = this.sharedWindows.map((w) =>
				sharedKey(shared, 'rate', this.identity, String(w.intervalMs)),
			);
			if (this.outageGrants.length > 0 && !(await this.countOutageGrants(shared, keys, marginMs)))
				continue;
			const member = `${processTag}-${++sequence}`;
			const spans = this.spans(marginMs);
			const gap = Math.max(
				...this.sharedWindows.map((w, i) => Math.floor(spans[i] / w.limit / PACE_FACTOR)),
			);
			const args: Array<string | number> = [
				member,
				hold,
				PENDING_LEASE_MS,
				gap,
				this.budgetPolicy.recoveryPerSecond / 1000,
			];
			this.sharedWindows.forEach((w, i) => args.push(w.limit, spans[i]));
			const askedAt = Date.now();
			let answer: unknown;
			try {
				answer = await runScript(
					shared.client,
					SLIDING_WINDOWS,
					[...keys, budgetKey(shared, this.identity)],
					args,
				);
			} catch (error) {
				fallBackAfter(error);
				continue;
			}
			const [wait, now] = Array.isArray(answer) ? answer.map(Number) : [Number.NaN, Number.NaN];
			if (wait === 0) {
				this.noteStart(Date.now());
				return { shared, keys, member, at: now, askedAt };
			}
			if (!(wait > 0)) {
				fallBackAfter(new Error('the rate-limit script gave an unexpected answer'));
				continue;
			}
			await sleep(wait + Math.floor(Math.random() * WAKE_JITTER_MS), signal);
		}
	}
}
