import { RateLimiter, budgetAt, loweredBudget } from '../../nodes/shared/http/rate-limiter';
import type { RateBudgetPolicy } from '../../nodes/shared/http/rate-limiter';
import {
	closeSharedRedis,
	setSharedStateLogger,
} from '../../nodes/shared/scale-out/redis-connection';
import { RedisRateLimiter } from '../../nodes/shared/scale-out/shared-limiter';
import { freePort } from '../../scripts/lib/child';
import { startRedisServer } from './redis-harness';
import type { RedisServer } from './redis-harness';

/**
 * The rate budget a vendor's rate-limit answers lower (multiplicatively, at most once per window)
 * and time restores (additively), per process and shared through Redis; and Redis's windows after
 * an outage, which must count what each process granted on its own meanwhile (and the other way
 * round: a process falling back counts what it had just been granted through Redis).
 */

const SHARED_ENV = ['EMPLOYEE_SYNC_REDIS_URL', 'EXECUTIONS_MODE', 'QUEUE_BULL_PREFIX'];
const savedEnv = Object.fromEntries(SHARED_ENV.map((name) => [name, process.env[name]]));

function useRedis(url: string, prefix: string): void {
	for (const name of SHARED_ENV) delete process.env[name];
	process.env.EMPLOYEE_SYNC_REDIS_URL = url;
	process.env.QUEUE_BULL_PREFIX = prefix;
}

beforeEach(async () => {
	await closeSharedRedis();
	setSharedStateLogger({ warn: () => undefined, info: () => undefined });
});

afterAll(async () => {
	await closeSharedRedis();
	setSharedStateLogger(undefined);
	for (const [name, value] of Object.entries(savedEnv)) {
		if (value === undefined) delete process.env[name];
		else process.env[name] = value;
	}
});

const POLICY: RateBudgetPolicy = {
	decrease: 0.9,
	floor: 0.5,
	recoveryPerSecond: 0.005,
	repeatWithinMs: 0,
	slowestRecoveryPerSecond: 0.005,
};
/** Whatever the pace, unchanged by repeated refusals (repeatWithinMs 0): the tests of the decrease. */
const steady = (decrease: number, floor: number, recoveryPerSecond: number): RateBudgetPolicy => ({
	decrease,
	floor,
	recoveryPerSecond,
	repeatWithinMs: 0,
	slowestRecoveryPerSecond: recoveryPerSecond,
});

describe('the budget after rate-limit answers', () => {
	test('each answer takes 10 %, one per window, never under the floor; it comes back at 0.5 % a second', () => {
		let state = loweredBudget(undefined, POLICY, 10_000, 1_000);
		expect(state).toEqual({ fraction: 0.9, at: 10_000, recoveryPerSecond: 0.005 });
		// Answers to requests sent before the decrease are the same event.
		expect(loweredBudget(state, POLICY, 10_999, 1_000)).toBeUndefined();
		state = loweredBudget(state, POLICY, 11_000, 1_000)!;
		expect(state.fraction).toBeCloseTo((0.9 + 0.005) * 0.9, 6);
		for (let i = 0; i < 20; i++) state = loweredBudget(state, POLICY, state.at + 1_000, 1_000)!;
		expect(state.fraction).toBe(0.5);
		expect(budgetAt(state, state.at + 10_000)).toBeCloseTo(0.55, 6);
		expect(budgetAt(state, state.at + 100_000)).toBe(1);
	});

	test('a refusal soon after the last one recovers half as fast, down to the slowest pace; a lone one later recovers at the full pace again', () => {
		const policy: RateBudgetPolicy = {
			decrease: 0.9,
			floor: 0.5,
			recoveryPerSecond: 0.05,
			repeatWithinMs: 30_000,
			slowestRecoveryPerSecond: 0.0125,
		};
		let state = loweredBudget(undefined, policy, 0, 1_000)!;
		expect(state.recoveryPerSecond).toBe(0.05);
		// Full again after 2 s; refused again at 3 s: 10 % less, and 4 s to come back.
		state = loweredBudget(state, policy, 3_000, 1_000)!;
		expect(state).toEqual({ fraction: 0.9, at: 3_000, recoveryPerSecond: 0.025 });
		expect(budgetAt(state, 5_000)).toBeCloseTo(0.95, 6);
		expect(budgetAt(state, 7_000)).toBe(1);
		state = loweredBudget(state, policy, 8_000, 1_000)!;
		expect(state.recoveryPerSecond).toBe(0.0125);
		state = loweredBudget(state, policy, 17_000, 1_000)!;
		expect(state.recoveryPerSecond).toBe(0.0125);
		// 30 s without a refusal: the next one is a lone one.
		state = loweredBudget(state, policy, 47_000, 1_000)!;
		expect(state).toEqual({ fraction: 0.9, at: 47_000, recoveryPerSecond: 0.05 });
	});

	test('a per-process limiter stretches its windows by the budget and gives the full rate back later', async () => {
		let now = 0;
		const limiter = new RateLimiter(
			[{ limit: 4, intervalMs: 200 }],
			0,
			() => now,
			steady(0.5, 0.5, 1),
		);
		expect(limiter.budgetFraction()).toBe(1);
		limiter.rateLimited();
		expect(limiter.budgetFraction()).toBe(0.5);
		now = 250;
		expect(limiter.budgetFraction()).toBeCloseTo(0.75, 6);
		now = 500;
		expect(limiter.budgetFraction()).toBe(1);

		// In real time: 4 per 200 ms, halved (recovering 0 per second) → the fifth start waits 400 ms.
		const halved = new RateLimiter(
			[{ limit: 4, intervalMs: 200 }],
			0,
			Date.now,
			steady(0.5, 0.5, 0),
		);
		const full = new RateLimiter([{ limit: 4, intervalMs: 200 }], 0, Date.now, steady(0.5, 0.5, 0));
		halved.rateLimited();
		const timeFive = async (limiter: RateLimiter) => {
			const started = Date.now();
			for (let i = 0; i < 5; i++) await limiter.acquire();
			return Date.now() - started;
		};
		const [slow, fast] = await Promise.all([timeFive(halved), timeFive(full)]);
		expect(fast).toBeGreaterThanOrEqual(200);
		expect(fast).toBeLessThan(390);
		expect(slow).toBeGreaterThanOrEqual(400);
	});
});

describe('through Redis', () => {
	let redis: RedisServer;

	beforeAll(async () => {
		redis = await startRedisServer();
	});

	afterAll(async () => {
		await redis?.stop();
	});

	test('one process’s 48503 lowers the budget every process is granted, and it recovers', async () => {
		useRedis(redis.url, 'budget-shared');
		const policy = steady(0.5, 0.5, 0.25);
		// Two limiters of one app stand for two processes: they share only Redis.
		const first = new RedisRateLimiter(
			'welink|budget|client|/api',
			[{ limit: 4, intervalMs: 200 }],
			0,
			policy,
		);
		const second = new RedisRateLimiter(
			'welink|budget|client|/api',
			[{ limit: 4, intervalMs: 200 }],
			0,
			policy,
		);
		await first.acquire();
		expect(await second.sharedBudgetFraction()).toBe(1);
		const loweredAt = Date.now();
		first.rateLimited();
		for (let i = 0; i < 50 && (await second.sharedBudgetFraction()) === 1; i++)
			await new Promise((r) => setTimeout(r, 10));
		const lowered = await second.sharedBudgetFraction();
		const seenAt = Date.now();
		// Halved, and recovering since by 0.25 a second (a loaded machine takes a while to ask).
		expect(lowered).toBeGreaterThanOrEqual(0.5);
		expect(lowered).toBeLessThanOrEqual(0.5 + (0.25 * (Date.now() - loweredAt)) / 1000 + 0.01);
		expect(lowered).toBeLessThan(0.9);
		// The other process's own windows stay untouched: the budget lives in Redis.
		expect(second.budgetFraction()).toBe(1);
		// Stretched: at most 4 per 200 ms / 0.9 = 222 ms for the other process too.
		const started = Date.now();
		for (let i = 0; i < 9; i++) await second.acquire();
		expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 222 - 50);
		// 0.25 a second: full again two seconds after the decrease (which Redis had made when it was seen).
		await new Promise((r) => setTimeout(r, Math.max(0, seenAt + 2_100 - Date.now())));
		expect(await second.sharedBudgetFraction()).toBe(1);
	});

	test('a second 48503 soon after the first slows the shared recovery for every process', async () => {
		useRedis(redis.url, 'budget-repeat');
		const policy: RateBudgetPolicy = {
			decrease: 0.5,
			floor: 0.5,
			recoveryPerSecond: 0.5,
			repeatWithinMs: 30_000,
			slowestRecoveryPerSecond: 0.125,
		};
		const first = new RedisRateLimiter(
			'welink|repeat|client|/api',
			[{ limit: 4, intervalMs: 100 }],
			0,
			policy,
		);
		const second = new RedisRateLimiter(
			'welink|repeat|client|/api',
			[{ limit: 4, intervalMs: 100 }],
			0,
			policy,
		);
		const lowered = async (limiter: RedisRateLimiter) => {
			limiter.rateLimited();
			for (let i = 0; i < 100 && (await second.sharedBudgetFraction()) > 0.8; i++)
				await new Promise((r) => setTimeout(r, 10));
		};
		// A lone refusal: half the rate, full again in 1 s (0.5 a second).
		await lowered(first);
		await new Promise((r) => setTimeout(r, 1_100));
		expect(await second.sharedBudgetFraction()).toBe(1);
		// Another within 30 s, from the other process: 0.25 a second now, so after 1 s about 0.75.
		await lowered(second);
		const seenAt = Date.now();
		await new Promise((r) => setTimeout(r, 1_000));
		const fraction = await first.sharedBudgetFraction();
		expect(fraction).toBeGreaterThanOrEqual(0.74);
		expect(fraction).toBeLessThanOrEqual(0.5 + (0.25 * (Date.now() - seenAt + 200)) / 1000);
	});

	test('after an outage Redis counts what the process granted on its own meanwhile', async () => {
		const port = await freePort();
		useRedis(`redis://127.0.0.1:${port}`, 'outage-after');
		const windows = [{ limit: 5, intervalMs: 5_000 }];
		const limiter = new RedisRateLimiter('welink|outage|client|/api', windows, 0);
		// Redis is away: the process grants from its own window, the full budget at once.
		await limiter.acquire();
		const started = Date.now();
		for (let i = 0; i < 4; i++) await limiter.acquire();
		expect(Date.now() - started).toBeLessThan(2_500);
		const back = await startRedisServer({ port });
		try {
			// The connection is tried again (as after its 30-s pause) and Redis answers.
			await closeSharedRedis();
			const resumed = await limiter.acquireAt();
			// The sixth start in the window waits until the first of the five ages out.
			expect(Date.now() - started).toBeGreaterThanOrEqual(5_000 - 100);
			expect(resumed).toBeGreaterThan(0);
		} finally {
			await back.stop(true);
		}
	}, 20_000);

	test('a process falling back counts what it was just granted through Redis', async () => {
		const doomed = await startRedisServer();
		try {
			useRedis(doomed.url, 'outage-before');
			const limiter = new RedisRateLimiter(
				'welink|outage2|client|/api',
				[{ limit: 5, intervalMs: 5_000 }],
				0,
			);
			await limiter.acquire();
			const started = Date.now();
			for (let i = 0; i < 4; i++) await limiter.acquire();
			expect(Date.now() - started).toBeLessThan(2_500);
			await doomed.stop(true);
			// Per process now: the sixth start in the window waits until the first ages out.
			await limiter.acquire();
			expect(Date.now() - started).toBeGreaterThanOrEqual(5_000 - 100);
		} finally {
			await doomed.stop(true);
		}
	}, 20_000);
});
