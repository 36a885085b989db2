import { randomBytes } from 'node:crypto';

import { COUNTED_AT_GRANT, RateLimiter, budgetAt, sharedRateLimiter } from './limiter';
import type { RateBudgetPolicy, RateSlot, RateWindow } from './limiter';
import { fallBackAfter, redisScript, runScript, sharedKey, sharedRedis, sharedStateConfigured } from './redis-connection';
import type { SharedRedis } from './redis-connection';
import { sleep, throwIfAborted } from './retry';

/**
 * The sliding-window rate limit of a vendor app, counted in Redis by every process that calls the
 * vendor (n8n's main, workers, webhook processes), so together they stay within the limit.
 *
 * Each window is a sorted set of the start times of recent requests. One Lua script, atomic in
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
 * How long a reserved slot counts as pending at most: the slots of a process killed between grant
 * and send free themselves after this (each holds one place in every window meanwhile).
 */
const PENDING_LEASE_MS = 3_000;
/**
 * A reserved slot must be used within this time, else it is given back and another taken, so that
 * the rest of the lease covers setting up a new connection. A request whose connection takes
 * longer still counts from its send, but its place may have been granted again meanwhile.
 */
const PENDING_USABLE_MS = 1_000;
/** A waiter whose slot depends on a pending request (about to be sent) looks again this soon. */
const PENDING_POLL_MS = 10;
/**
 * Grants of one limiter are spaced at least a window's even pace divided by this: a burst may go
 * out at up to four times the average rate, but never all at once. A window's starts otherwise
 * come back together each time the window turns, and the vendor, taking a bunch one request
 * after the other, counts the last of them later than they arrived: the difference eats the margin.
 */
const PACE_FACTOR = 4;

/**
 * KEYS: one sorted set per window, then the app's budget (a hash: the fraction it was lowered to and
 * when). ARGV: member; hold (0: counted now, else PENDING_LEASE_MS: a pending slot);
 * PENDING_LEASE_MS; the least gap between two grants; the budget's recovery per ms; then limit and
 * span of each window. A pending slot is stored with a start in the future (now + lease), so it
 * counts until it is confirmed or its lease is over; its grant is that start minus the lease.
 * A lowered budget stretches every span and the gap by 1 / fraction (see RateBudgetPolicy).
 */
const SLIDING_WINDOWS = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local member = ARGV[1]
local hold = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local windows = #KEYS - 1
local stretch = 1
local budget = redis.call('HMGET', KEYS[#KEYS], 'fraction', 'at', 'recovery')
if budget[1] and budget[2] then
  local fraction = tonumber(budget[1]) + math.max(0, now - tonumber(budget[2])) * (tonumber(budget[3]) or tonumber(ARGV[5]))
  if fraction < 1 then stretch = 1 / fraction end
end
local gap = math.floor(tonumber(ARGV[4]) * stretch)
local wait = 0
for i = 1, windows do
  local key = KEYS[i]
  local limit = tonumber(ARGV[2 * i + 4])
  local span = math.ceil(tonumber(ARGV[2 * i + 5]) * stretch)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local start = tonumber(freeing[2])
    local until_free = start + span - now + 1
    if start > now then until_free = ${PENDING_POLL_MS} end
    if until_free > wait then wait = until_free end
  end
end
if gap > 0 then
  local latest = nil
  local counted = redis.call('ZREVRANGEBYSCORE', KEYS[1], now, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if counted[2] then latest = tonumber(counted[2]) end
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if newest[2] and tonumber(newest[2]) > now then
    local granted = tonumber(newest[2]) - lease
    if latest == nil or granted > latest then latest = granted end
  end
  if latest ~= nil and latest + gap - now > wait then wait = latest + gap - now end
end
if wait > 0 then return {wait, now} end
for i = 1, windows do
  local key = KEYS[i]
  local keep = hold + math.ceil(tonumber(ARGV[2 * i + 5]) * stretch) + 1000
  redis.call('ZADD', key, now + hold, member)
  if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
end
return {0, now}
`);

/**
 * KEYS: the budget hash. ARGV: decrease, floor, recovery per ms, hold-off in ms, repeat-within in
 * ms, slowest recovery per ms. Lowers the budget as loweredBudget does (a repeated refusal halves
 * the recovery's pace), on Redis's clock, for every process at once. Answers the fraction now in
 * force, as text (Redis would cut a Lua number to an integer).
 */
const LOWER_BUDGET = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local recovery = tonumber(ARGV[3])
local current = 1
local budget = redis.call('HMGET', KEYS[1], 'fraction', 'at', 'recovery')
if budget[1] and budget[2] then
  local at = tonumber(budget[2])
  local previous = tonumber(budget[3]) or recovery
  current = math.min(1, tonumber(budget[1]) + math.max(0, now - at) * previous)
  if now - at < tonumber(ARGV[4]) then return tostring(current) end
  if now - at < tonumber(ARGV[5]) then recovery = math.max(tonumber(ARGV[6]), previous / 2) end
end
local lowered = math.max(tonumber(ARGV[2]), current * tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'fraction', tostring(lowered), 'at', now, 'recovery', tostring(recovery))
redis.call('PEXPIRE', KEYS[1], math.max(math.ceil((1 - lowered) / recovery), tonumber(ARGV[5])) + 1000)
return tostring(lowered)
`);

/** ARGV: member, then how long each window's key must live at least. The pending slot counts from now (Redis's clock). */
const CONFIRM_SENT = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i, key in ipairs(KEYS) do
  local keep = tonumber(ARGV[i + 1]) + 1000
  redis.call('ZADD', key, now, ARGV[1])
  if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
end
return now
`);

/**
 * KEYS: one sorted set per window. ARGV: a member prefix, the span of each window, then the ages
 * (ms) of the requests this process granted on its own while Redis was away. Each is counted in
 * every window it still belongs to, at its age on Redis's clock.
 */
const COUNT_OUTAGE_GRANTS = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local windows = #KEYS
for i = 1, windows do
  local span = tonumber(ARGV[1 + i])
  for j = windows + 2, #ARGV do
    local age = tonumber(ARGV[j])
    if age < span then redis.call('ZADD', KEYS[i], now - age, ARGV[1] .. '-' .. j) end
  end
  local keep = span + 1000
  if redis.call('PTTL', KEYS[i]) < keep then redis.call('PEXPIRE', KEYS[i], keep) end
end
return now
`);

/** Wakes the processes that wait for the same slot a little apart, so they do not all ask at once. */
const WAKE_JITTER_MS = 3;

const processTag = `${process.pid}-${randomBytes(4).toString('hex')}`;
let sequence = 0;

/** Where one grant was recorded in Redis. */
interface Grant {
	shared: SharedRedis;
	keys: string[];
	member: string;
	/** Redis's clock at the grant. */
	at: number;
	/** This process's clock just before it asked: the grant cannot be older than this. */
	askedAt: number;
}

/**
 * A slot reserved in Redis, pending until its request is sent. Confirming and releasing are
 * fire-and-forget: a message Redis never got leaves the slot pending until its lease ends, which
 * errs on the safe side.
 */
class PendingSlot implements RateSlot {
	private settled = false;

	constructor(
		private readonly grant: Grant,
		private readonly spans: number[],
	) {}

	sent(): void {
		if (this.settled) return;
		this.settled = true;
		const { shared, keys, member } = this.grant;
		runScript(shared.client, CONFIRM_SENT, keys, [member, ...this.spans]).catch(() => undefined);
	}

	release(): void {
		if (this.settled) return;
		this.settled = true;
		const { shared, keys, member } = this.grant;
		// Plain commands, not a script: they reach Redis before anything this process asks next.
		for (const key of keys) shared.client.zrem(key, member).catch(() => undefined);
	}

	usable(): boolean {
		return !this.settled && Date.now() - this.grant.askedAt < PENDING_USABLE_MS;
	}
}

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
		const grant = await this.inLine(async () => await this.take(PENDING_LEASE_MS, this.margins.atSend, signal));
		// A key must outlive its longest span, which a lowered budget stretches up to 1 / floor.
		const keep = this.spans(this.margins.atSend).map((span) => Math.ceil(span / this.budgetPolicy.floor));
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
		const { decrease, floor, recoveryPerSecond, repeatWithinMs, slowestRecoveryPerSecond } = this.budgetPolicy;
		const args = [decrease, floor, recoveryPerSecond / 1000, this.shortestSpan(), repeatWithinMs, slowestRecoveryPerSecond / 1000];
		try {
			await runScript(shared.client, LOWER_BUDGET, [this.budgetKey(shared)], args);
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
		const [fraction, at, recovery] = await shared.client.hmget(this.budgetKey(shared), 'fraction', 'at', 'recovery');
		if (fraction === null || at === null) return 1;
		const [seconds, micros] = await shared.client.time();
		const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
		const recoveryPerSecond = recovery === null ? this.budgetPolicy.recoveryPerSecond : Number(recovery) * 1000;
		return budgetAt({ fraction: Number(fraction), at: Number(at), recoveryPerSecond }, now);
	}

	/** Tells Redis's windows what this process granted on its own during the outage; false if Redis failed again. */
	private async countOutageGrants(shared: SharedRedis, keys: string[], marginMs: number): Promise<boolean> {
		const spans = this.spans(marginMs);
		const longest = Math.max(...spans);
		const now = Date.now();
		const ages = this.outageGrants.map((at) => now - at).filter((age) => age < longest);
		try {
			if (ages.length > 0) await runScript(shared.client, COUNT_OUTAGE_GRANTS, keys, [`${processTag}-outage-${++sequence}`, ...spans, ...ages]);
			this.outageGrants = [];
			return true;
		} catch (error) {
			fallBackAfter(error);
			return false;
		}
	}

	private budgetKey(shared: SharedRedis): string {
		return sharedKey(shared, 'rate', this.identity, 'budget');
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
	private async take(hold: number, marginMs: number, signal?: AbortSignal): Promise<Grant | undefined> {
		if (this.sharedWindows.length === 0) return undefined;
		for (;;) {
			throwIfAborted(signal);
			const shared = await sharedRedis();
			if (!shared) {
				await super.acquire(signal);
				const at = Date.now();
				const oldest = at - Math.max(...this.spans(this.margins.atGrant));
				while (this.outageGrants.length > 0 && this.outageGrants[0] <= oldest) this.outageGrants.shift();
				this.outageGrants.push(at);
				return undefined;
			}
			const keys = this.sharedWindows.map((w) => sharedKey(shared, 'rate', this.identity, String(w.intervalMs)));
			if (this.outageGrants.length > 0 && !(await this.countOutageGrants(shared, keys, marginMs))) continue;
			const member = `${processTag}-${++sequence}`;
			const spans = this.spans(marginMs);
			const gap = Math.max(...this.sharedWindows.map((w, i) => Math.floor(spans[i] / w.limit / PACE_FACTOR)));
			const args: Array<string | number> = [member, hold, PENDING_LEASE_MS, gap, this.budgetPolicy.recoveryPerSecond / 1000];
			this.sharedWindows.forEach((w, i) => args.push(w.limit, spans[i]));
			const askedAt = Date.now();
			let answer: unknown;
			try {
				answer = await runScript(shared.client, SLIDING_WINDOWS, [...keys, this.budgetKey(shared)], args);
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

const vendorAppLimiters = new Map<string, { signature: string; limiter: RedisRateLimiter }>();

/**
 * The limiter for a vendor app's API (`key` names the app and the API, never a secret): shared
 * through Redis by every n8n process when n8n runs scaled out (queue mode or
 * EMPLOYEE_SYNC_REDIS_URL), else the per-process `sharedRateLimiter` as before.
 */
export function vendorAppRateLimiter(key: string, windows: RateWindow[], margin: number | RateMargins = 0): RateLimiter {
	if (!sharedStateConfigured()) return sharedRateLimiter(key, windows, typeof margin === 'number' ? margin : margin.atGrant);
	const signature = JSON.stringify([windows, margin]);
	const existing = vendorAppLimiters.get(key);
	if (existing && existing.signature === signature) return existing.limiter;
	const limiter = new RedisRateLimiter(key, windows, margin);
	vendorAppLimiters.set(key, { signature, limiter });
	return limiter;
}
