import { randomBytes } from 'node:crypto';

import { RateLimiter, sharedRateLimiter } from './limiter';
import type { RateWindow } from './limiter';
import { fallBackAfter, redisScript, runScript, sharedKey, sharedRedis, sharedStateConfigured } from './redis-connection';
import { sleep, throwIfAborted } from './retry';

/**
 * The sliding-window rate limit of a vendor app, counted in Redis by every process that calls the
 * vendor (n8n's main, workers, webhook processes), so together they stay within the limit.
 *
 * Each window is a sorted set of the start times of recent requests. One Lua script, atomic in
 * Redis, drops starts older than the window, and either records a new start in every window or
 * says how long to wait. Time comes from Redis's clock, so workers on machines whose clocks
 * differ agree. Nothing is held while a request runs: a start simply ages out of its window, so a
 * worker killed at any point leaves nothing behind that others would wait for.
 */

const SLIDING_WINDOWS = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local member = ARGV[1]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local span = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local until_free = tonumber(freeing[2]) + span - now + 1
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return {wait, now} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]) + 1000)
end
return {0, now}
`);

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

	constructor(
		private readonly identity: string,
		windows: RateWindow[],
		private readonly sharedMarginMs = 0,
	) {
		super(windows, sharedMarginMs);
		this.sharedWindows = windows.filter((w) => w.limit > 0 && w.intervalMs > 0);
	}

	override async acquire(signal?: AbortSignal): Promise<void> {
		await this.acquireAt(signal);
	}

	/**
	 * Like acquire, and tells when the start was counted: Redis's clock in ms, or this process's
	 * clock when it fell back (diagnostics and tests).
	 */
	async acquireAt(signal?: AbortSignal): Promise<number> {
		if (this.sharedWindows.length === 0) return Date.now();
		const turn = this.line.then(async () => await this.take(signal));
		this.line = turn.then(
			() => undefined,
			() => undefined,
		);
		return await turn;
	}

	private async take(signal?: AbortSignal): Promise<number> {
		for (;;) {
			throwIfAborted(signal);
			const shared = await sharedRedis();
			if (!shared) {
				await super.acquire(signal);
				return Date.now();
			}
			const keys = this.sharedWindows.map((w) => sharedKey(shared, 'rate', this.identity, String(w.intervalMs)));
			const args: Array<string | number> = [`${processTag}-${++sequence}`];
			for (const w of this.sharedWindows) args.push(w.limit, w.intervalMs + this.sharedMarginMs);
			let answer: unknown;
			try {
				answer = await runScript(shared.client, SLIDING_WINDOWS, keys, args);
			} catch (error) {
				fallBackAfter(error);
				continue;
			}
			const [wait, now] = Array.isArray(answer) ? answer.map(Number) : [Number.NaN, Number.NaN];
			if (wait === 0) return now;
			if (!(wait > 0)) {
				fallBackAfter(new Error('the rate-limit script gave an unexpected answer'));
				continue;
			}
			await sleep(wait + Math.floor(Math.random() * WAKE_JITTER_MS), signal);
		}
	}
}

const vendorAppLimiters = new Map<string, { signature: string; limiter: RedisRateLimiter }>();

/**
 * The limiter for a vendor app's API (`key` names the app and the API, never a secret): shared
 * through Redis by every n8n process when n8n runs scaled out (queue mode or
 * EMPLOYEE_SYNC_REDIS_URL), else the per-process `sharedRateLimiter` as before.
 */
export function vendorAppRateLimiter(key: string, windows: RateWindow[], marginMs = 0): RateLimiter {
	if (!sharedStateConfigured()) return sharedRateLimiter(key, windows, marginMs);
	const signature = JSON.stringify([windows, marginMs]);
	const existing = vendorAppLimiters.get(key);
	if (existing && existing.signature === signature) return existing.limiter;
	const limiter = new RedisRateLimiter(key, windows, marginMs);
	vendorAppLimiters.set(key, { signature, limiter });
	return limiter;
}
