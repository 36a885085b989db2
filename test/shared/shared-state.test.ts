import { Redis } from 'ioredis';

import { sharedRateLimiter } from '../../nodes/shared/http/rate-limiter';
import {
	closeSharedRedis,
	setSharedStateLogger,
	sharedRedis,
	sharedStateFallbackCount,
} from '../../nodes/shared/scale-out/redis-connection';
import { RedisRateLimiter } from '../../nodes/shared/scale-out/shared-limiter';
import { vendorAppRateLimiter } from '../../nodes/shared/scale-out/vendor-app-limiter';
import { watchSharedState } from '../../nodes/shared/scale-out/shared-state-hint';
import type { HintTarget } from '../../nodes/shared/scale-out/shared-state-hint';
import { SharedTokenCache } from '../../nodes/shared/scale-out/token-cache';
import type { FreshToken } from '../../nodes/shared/scale-out/token-lock';
import { closeTransport } from '../../nodes/shared/http/pool';
import { sendWithRetry } from '../../nodes/shared/http/retry';
import type { HttpRequestSpec, TransportSettings } from '../../nodes/shared/http/types';
import { Emulator } from '../emulators/frame';
import { freePort } from '../../scripts/lib/child';
import { startRedisCluster, startRedisServer } from './redis-harness';
import type { RedisServer } from './redis-harness';

/**
 * The shared state inside one process, against a real redis-server: token semantics (one fetch,
 * only the refused token dropped, another secret never served), what Redis holds, and what
 * happens without Redis (nothing configured, unreachable, or gone mid-run).
 * Two SharedTokenCache instances stand for two processes: each has its own memory, both share Redis.
 */

const SHARED_ENV = ['EMPLOYEE_SYNC_REDIS_URL', 'EXECUTIONS_MODE', 'QUEUE_BULL_PREFIX'];
const savedEnv = Object.fromEntries(SHARED_ENV.map((name) => [name, process.env[name]]));

let redis: RedisServer;
let inspect: Redis;
const warnings: string[] = [];
const infos: string[] = [];

function useRedis(url: string | undefined, prefix = 'test'): void {
	for (const name of SHARED_ENV) delete process.env[name];
	if (url !== undefined) process.env.EMPLOYEE_SYNC_REDIS_URL = url;
	process.env.QUEUE_BULL_PREFIX = prefix;
}

beforeAll(async () => {
	redis = await startRedisServer();
	inspect = new Redis(redis.port, '127.0.0.1');
});

beforeEach(async () => {
	await closeSharedRedis();
	warnings.length = 0;
	infos.length = 0;
	setSharedStateLogger({ warn: (m) => warnings.push(m), info: (m) => infos.push(m) });
});

afterAll(async () => {
	await closeSharedRedis();
	setSharedStateLogger(undefined);
	inspect?.disconnect();
	await redis?.stop();
	for (const [name, value] of Object.entries(savedEnv)) {
		if (value === undefined) delete process.env[name];
		else process.env[name] = value;
	}
});

/** A token endpoint stand-in: counts fetches, issues distinct tokens. */
function tokenSource(lifetimeMs = 60_000, delayMs = 50) {
	let fetches = 0;
	return {
		fetch: async (): Promise<FreshToken> => {
			fetches++;
			const token = `token-${fetches}-${Math.random().toString(16).slice(2)}`;
			await new Promise((r) => setTimeout(r, delayMs));
			return { token, refreshAt: Date.now() + lifetimeMs };
		},
		count: () => fetches,
	};
}

const APP = 'https://open.welink.example|client-4711';
const SECRET = 'client-secret-7f3e9a1c';

describe('token cache shared through Redis', () => {
	test('one fetch for many callers in two processes; the second process gets the token from Redis', async () => {
		useRedis(redis.url, 'tokens-1');
		const first = new SharedTokenCache('welink');
		const second = new SharedTokenCache('welink');
		const source = tokenSource();
		const owner = { app: APP, secret: SECRET };
		const tokens = await Promise.all([
			...Array.from({ length: 10 }, async () => (await first.get(owner, source.fetch)).token),
			...Array.from({ length: 10 }, async () => (await second.get(owner, source.fetch)).token),
		]);
		expect(source.count()).toBe(1);
		expect(new Set(tokens).size).toBe(1);
		expect(second.peek(owner)?.token).toBe(tokens[0]);
	});

	test('invalidating drops only the refused token: a newer one stays, here and in Redis', async () => {
		useRedis(redis.url, 'tokens-2');
		const a = new SharedTokenCache('welink');
		const b = new SharedTokenCache('welink');
		const source = tokenSource();
		const owner = { app: APP, secret: SECRET };
		const t1 = (await a.get(owner, source.fetch)).token;
		expect((await b.get(owner, source.fetch)).token).toBe(t1);

		// B is told t1 is no good: B fetches t2 and shares it.
		b.invalidate(owner, t1);
		const t2 = (await b.get(owner, source.fetch)).token;
		expect(t2).not.toBe(t1);
		expect(source.count()).toBe(2);

		// A still holds t1 until the vendor refuses it; then it must take t2, not fetch t3.
		expect(a.peek(owner)?.token).toBe(t1);
		a.invalidate(owner, t1);
		expect((await a.get(owner, source.fetch)).token).toBe(t2);
		expect(source.count()).toBe(2);

		// A refused token read back from Redis later is not used again.
		a.invalidate(owner, t2);
		await new Promise((r) => setTimeout(r, 50));
		const t3 = (await a.get(owner, source.fetch)).token;
		expect([t1, t2]).not.toContain(t3);
		expect(source.count()).toBe(3);
	});

	test('a credential with another secret for the same app never receives the token', async () => {
		useRedis(redis.url, 'tokens-3');
		const real = new SharedTokenCache('welink');
		const other = new SharedTokenCache('welink');
		const source = tokenSource();
		const token = (await real.get({ app: APP, secret: SECRET }, source.fetch)).token;
		const refused = new Error(
			'WeLink refused the token request: client_id or client_secret is wrong',
		);
		await expect(
			other.get({ app: APP, secret: 'a-guessed-secret' }, async () => Promise.reject(refused)),
		).rejects.toBe(refused);
		// The real credential's token survived the failed attempt.
		const again = new SharedTokenCache('welink');
		expect((await again.get({ app: APP, secret: SECRET }, source.fetch)).token).toBe(token);
		expect(source.count()).toBe(1);
	});

	test('Redis holds the token but no secret, and its keys name neither the app nor the token', async () => {
		useRedis(redis.url, 'tokens-4');
		const cache = new SharedTokenCache('welink');
		const token = (await cache.get({ app: APP, secret: SECRET }, tokenSource().fetch)).token;
		const keys = await inspect.keys('tokens-4:*');
		expect(keys).toHaveLength(1);
		expect(keys[0]).toMatch(/^tokens-4:n8n-nodes-employee-sync:welink:\{[0-9a-f]{32}\}:token$/);
		const value = await inspect.get(keys[0]);
		expect(value).toContain(token);
		expect(value).not.toContain(SECRET);
		expect(value).not.toContain('client-4711');
	});

	test('a token is replaced once it is due for refresh: Redis forgets it at the same moment', async () => {
		useRedis(redis.url, 'tokens-5');
		const a = new SharedTokenCache('welink');
		const b = new SharedTokenCache('welink');
		const source = tokenSource(300);
		const owner = { app: APP, secret: SECRET };
		const t1 = (await a.get(owner, source.fetch)).token;
		await new Promise((r) => setTimeout(r, 400));
		expect(a.peek(owner)?.token).toBeUndefined();
		const t2 = (await b.get(owner, source.fetch)).token;
		expect(t2).not.toBe(t1);
		expect(source.count()).toBe(2);
	});
});

describe('rate limiter shared through Redis', () => {
	test('outside queue mode the per-process limiter is returned, and no Redis is touched', async () => {
		useRedis(undefined);
		const windows = [{ limit: 5, intervalMs: 1_000 }];
		const limiter = vendorAppRateLimiter('welink|x|client|/path', windows, 10);
		expect(limiter).toBe(sharedRateLimiter('welink|x|client|/path', windows, 10));
		expect(limiter).not.toBeInstanceOf(RedisRateLimiter);
		expect(await sharedRedis()).toBeUndefined();
		expect(warnings).toEqual([]);
	});

	test('two limiter instances (two processes) share the window; its keys expire on their own', async () => {
		useRedis(redis.url, 'rate-1');
		const windows = [{ limit: 4, intervalMs: 1_000 }];
		const first = new RedisRateLimiter('welink|x|client|/a', windows);
		const second = new RedisRateLimiter('welink|x|client|/a', windows);
		const started = Date.now();
		await Promise.all([first.acquire(), first.acquire(), second.acquire(), second.acquire()]);
		expect(Date.now() - started).toBeLessThan(500);
		await second.acquire();
		// The fifth start had to wait for the first to leave the 1-s window.
		expect(Date.now() - started).toBeGreaterThanOrEqual(990);
		const [key] = await inspect.keys('rate-1:*');
		expect(key).toMatch(/^rate-1:n8n-nodes-employee-sync:rate:\{[0-9a-f]{32}\}:1000$/);
		const ttl = await inspect.pttl(key);
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(2_000);
	});

	test('grants are spread out: never closer than a quarter of the even pace, so a burst never arrives all at once', async () => {
		useRedis(redis.url, 'rate-pace');
		const windows = [{ limit: 40, intervalMs: 1_000 }];
		const first = new RedisRateLimiter('vendor|pace|/api', windows);
		const second = new RedisRateLimiter('vendor|pace|/api', windows);
		const grants = (
			await Promise.all([
				...Array.from({ length: 10 }, async () => await first.acquireAt()),
				...Array.from({ length: 10 }, async () => await second.acquireAt()),
			])
		).sort((a, b) => a - b);
		// 1,000 ms / 40 / 4 = 6 ms at least between two grants, by Redis's clock.
		for (let i = 1; i < grants.length; i++)
			expect(grants[i] - grants[i - 1]).toBeGreaterThanOrEqual(6);
		// Still a burst: twenty grants well within the window, not at the even pace of 25 ms.
		expect(grants[grants.length - 1] - grants[0]).toBeLessThan(400);
	});

	test('a stopped execution stops waiting for a slot', async () => {
		useRedis(redis.url, 'rate-2');
		const limiter = new RedisRateLimiter('k', [{ limit: 1, intervalMs: 60_000 }]);
		await limiter.acquire();
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		await expect(limiter.acquire(controller.signal)).rejects.toThrow('The execution was stopped');
	});
});

describe('a shared rate slot counts from the moment its request is sent', () => {
	let vendor: Emulator;

	beforeAll(async () => {
		vendor = new Emulator('rate');
		vendor.route('POST', '/api', () => ({ json: { ok: true } }));
		await vendor.start();
	});

	afterAll(async () => {
		await closeTransport();
		await vendor.stop();
	});

	function viaTransport(limiter: RedisRateLimiter): TransportSettings {
		return {
			connectTimeoutMs: 2_000,
			responseTimeoutMs: 2_000,
			retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 },
			idempotent: true,
			rateLimiter: limiter,
		};
	}

	const request = (): HttpRequestSpec => ({
		method: 'POST',
		url: `${vendor.baseUrl}/api`,
		body: '{}',
	});

	test('a request that leaves late after its grant does not let the requests of another process bunch with it', async () => {
		useRedis(redis.url, 'rate-sent-1');
		vendor.records.length = 0;
		const windows = [{ limit: 2, intervalMs: 1_000 }];
		const slow = new RedisRateLimiter('vendor|app|/api', windows, 30);
		const brisk = new RedisRateLimiter('vendor|app|/api', windows, 30);
		// Process 1 is granted a slot, then takes 400 ms before its request leaves (a stalled event
		// loop, a token fetched in between); process 2 sends three requests meanwhile and after.
		const late = sendWithRetry(
			async () => {
				await new Promise((r) => setTimeout(r, 400));
				return request();
			},
			viaTransport(slow),
			{ name: 'Vendor' },
		);
		await new Promise((r) => setTimeout(r, 20));
		for (let i = 0; i < 3; i++)
			await sendWithRetry(request, viaTransport(brisk), { name: 'Vendor' });
		await late;
		const arrivals = vendor.records.map((record) => record.at).sort((a, b) => a - b);
		expect(arrivals).toHaveLength(4);
		// The vendor never saw a third request within a second of two others. Counted at the grant,
		// process 2's third request would follow the late one by about 650 ms.
		for (let i = 2; i < arrivals.length; i++)
			expect(arrivals[i] - arrivals[i - 2]).toBeGreaterThanOrEqual(1_000);
	});

	test('a slot whose request was never sent (its build failed) is given back at once', async () => {
		useRedis(redis.url, 'rate-sent-2');
		const windows = [{ limit: 1, intervalMs: 5_000 }];
		const failing = new RedisRateLimiter('vendor|app|/api', windows);
		const other = new RedisRateLimiter('vendor|app|/api', windows);
		const broken = new Error('the signer failed');
		await expect(
			sendWithRetry(
				() => {
					throw broken;
				},
				viaTransport(failing),
				{ name: 'Vendor' },
			),
		).rejects.toBe(broken);
		const started = Date.now();
		await other.acquire();
		expect(Date.now() - started).toBeLessThan(500);
	});

	test('the send is the moment undici writes the request, not when the answer comes', async () => {
		useRedis(redis.url, 'rate-sent-4');
		vendor.latencyMs = 400;
		try {
			const windows = [{ limit: 1, intervalMs: 500 }];
			const sender = new RedisRateLimiter('vendor|app|/api', windows);
			const other = new RedisRateLimiter('vendor|app|/api', windows);
			const started = Date.now();
			const answered = sendWithRetry(request, viaTransport(sender), { name: 'Vendor' });
			await new Promise((r) => setTimeout(r, 50));
			await other.acquire();
			const waited = Date.now() - started;
			await answered;
			// Counted from the answer (at 400 ms) the window would have freed at 900 ms.
			expect(waited).toBeGreaterThanOrEqual(490);
			expect(waited).toBeLessThan(800);
		} finally {
			vendor.latencyMs = 0;
		}
	});

	test('each way of counting has its margin: at the send with Redis, at the grant without', async () => {
		const windows = [{ limit: 1, intervalMs: 300 }];
		const margins = { atGrant: 400, atSend: 0 };
		useRedis(undefined);
		expect(vendorAppRateLimiter('vendor|margins|/api', windows, margins)).toBe(
			sharedRateLimiter('vendor|margins|/api', windows, 400),
		);

		useRedis(redis.url, 'rate-sent-5');
		const limiter = vendorAppRateLimiter('vendor|margins|/api', windows, margins);
		expect(limiter).toBeInstanceOf(RedisRateLimiter);
		const started = Date.now();
		(await limiter.reserve()).sent();
		(await limiter.reserve()).sent();
		// The window plus the send margin (300 ms), not plus the grant margin (700 ms).
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(Date.now() - started).toBeLessThan(600);
	});

	test('a pending slot counts in the window until it is sent, then from the send', async () => {
		useRedis(redis.url, 'rate-sent-3');
		const windows = [{ limit: 1, intervalMs: 500 }];
		const holder = new RedisRateLimiter('vendor|app|/api', windows);
		const waiter = new RedisRateLimiter('vendor|app|/api', windows);
		const slot = await holder.reserve();
		setTimeout(() => slot.sent(), 700);
		const started = Date.now();
		await waiter.acquire();
		// Counted at the grant it would have freed the window after 500 ms; it was sent at 700 ms.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_190);
		const [key] = await inspect.keys('rate-sent-3:*');
		const ttl = await inspect.pttl(key);
		expect(ttl).toBeGreaterThan(0);
	});
});

describe('Redis Cluster (QUEUE_BULL_REDIS_CLUSTER_NODES)', () => {
	test('limiter and token cache work on a cluster: the keys of one identity share a hash slot', async () => {
		const cluster = await startRedisCluster();
		try {
			for (const name of SHARED_ENV) delete process.env[name];
			process.env.EXECUTIONS_MODE = 'queue';
			process.env.QUEUE_BULL_PREFIX = 'cluster';
			process.env.QUEUE_BULL_REDIS_CLUSTER_NODES = cluster.nodes
				.map((node) => `127.0.0.1:${node.port}`)
				.join(',');
			// Two windows: one script touches two keys, which a cluster allows only within one slot.
			const windows = [
				{ limit: 3, intervalMs: 1_000 },
				{ limit: 100, intervalMs: 60_000 },
			];
			const first = new RedisRateLimiter('welink|cluster|client|/a', windows);
			const second = new RedisRateLimiter('welink|cluster|client|/a', windows);
			const started = Date.now();
			await Promise.all([first.acquire(), second.acquire(), first.acquire()]);
			await second.acquire();
			expect(Date.now() - started).toBeGreaterThanOrEqual(990);

			const source = tokenSource();
			const owner = { app: APP, secret: SECRET };
			const tokens = await Promise.all([
				new SharedTokenCache('welink').get(owner, source.fetch).then((fresh) => fresh.token),
				new SharedTokenCache('welink').get(owner, source.fetch).then((fresh) => fresh.token),
			]);
			expect(new Set(tokens).size).toBe(1);
			expect(source.count()).toBe(1);
			expect(warnings).toEqual([]);
		} finally {
			delete process.env.QUEUE_BULL_REDIS_CLUSTER_NODES;
			await closeSharedRedis();
			await cluster.stop();
		}
	}, 60_000);
});

describe('without Redis', () => {
	test('unreachable: per-process limits and tokens at once, one log line, one hint per run', async () => {
		useRedis(`redis://127.0.0.1:${await freePort()}`, 'down-1');
		const watch = watchSharedState();
		const limiter = vendorAppRateLimiter(
			'welink|down|client|/api',
			[{ limit: 3, intervalMs: 1_000 }],
			0,
		);
		expect(limiter).toBeInstanceOf(RedisRateLimiter);
		const started = Date.now();
		await limiter.acquire();
		expect(Date.now() - started).toBeLessThan(1_000);
		await Promise.all([limiter.acquire(), limiter.acquire()]);
		await limiter.acquire();
		// Still limited, by the per-process window: the fourth start waited for the first to age out.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

		const source = tokenSource();
		const cache = new SharedTokenCache('welink');
		const tokens = await Promise.all(
			Array.from(
				{ length: 5 },
				async () => (await cache.get({ app: APP, secret: SECRET }, source.fetch)).token,
			),
		);
		expect(new Set(tokens).size).toBe(1);
		expect(source.count()).toBe(1);

		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/unavailable .*ECONNREFUSED/);
		expect(sharedStateFallbackCount()).toBeGreaterThan(0);

		const hints: unknown[] = [];
		const ctx: HintTarget = { addExecutionHints: (...added) => hints.push(...added) };
		expect(watch.report(ctx)).toBe(true);
		expect(watch.report(ctx)).toBe(false);
		expect(hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringContaining('used its own rate limit and token'),
			}),
		]);
		// An n8n without addExecutionHints gets no hint and no error.
		expect(watchSharedState().report({})).toBe(false);
		// A run that did not fall back gets no hint.
		const quiet = watchSharedState();
		expect(quiet.report(ctx)).toBe(false);
	});

	test('Redis killed mid-run: the next calls fall back without waiting and the outage is logged once', async () => {
		const doomed = await startRedisServer();
		try {
			useRedis(doomed.url, 'down-2');
			const limiter = vendorAppRateLimiter(
				'welink|mid|client|/api',
				[{ limit: 50, intervalMs: 1_000 }],
				0,
			);
			await limiter.acquire();
			const peek = new Redis(doomed.port, '127.0.0.1');
			expect(await peek.keys('down-2:*')).toHaveLength(1);
			peek.disconnect();
			await doomed.stop(true);
			const started = Date.now();
			for (let i = 0; i < 10; i++) await limiter.acquire();
			expect(Date.now() - started).toBeLessThan(3_000);
			expect(warnings).toHaveLength(1);
		} finally {
			await doomed.stop(true);
		}
	});

	test('a malformed setting falls back the same way, naming the setting but not the password', async () => {
		useRedis('redis://user:hunter2-secret@host:notaport');
		const limiter = vendorAppRateLimiter(
			'welink|bad|client|/api',
			[{ limit: 5, intervalMs: 1_000 }],
			0,
		);
		await limiter.acquire();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain('EMPLOYEE_SYNC_REDIS_URL');
		expect(warnings[0]).not.toContain('hunter2');
	});
});
