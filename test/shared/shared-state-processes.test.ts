import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Redis } from 'ioredis';

import {
	Child,
	REDIS_CHILD_SOURCES,
	childEnv,
	compileForChildren,
	startRedisServer,
} from './redis-harness';
import type { RedisServer } from './redis-harness';

/**
 * Several OS processes — as n8n's main and workers are — share one vendor app's rate limit and
 * token through a real redis-server. The children run the compiled modules (redis-child.ts).
 *
 * The limiter test uses WeLink's real windows, 40 per second and 1,500 per minute, in real time
 * (about 63 s): the 60-s window is checked over a full minute rather than scaled down. Windows are
 * checked on the times Redis counted the starts (its clock is the one the limiter keeps to).
 */

let redis: RedisServer;
let compiled: ReturnType<typeof compileForChildren>;
const children: Child[] = [];

beforeAll(async () => {
	redis = await startRedisServer();
	compiled = compileForChildren(REDIS_CHILD_SOURCES);
});

afterAll(async () => {
	for (const child of children) child.kill();
	await Promise.all(children.map(async (child) => await child.exited));
	await redis?.stop();
	compiled?.cleanup();
});

function startChild(job: Record<string, unknown>, prefix: string): Child {
	const child = Child.start(compiled.file('test/shared/redis-child.ts'), job, {
		EMPLOYEE_SYNC_REDIS_URL: redis.url,
		QUEUE_BULL_PREFIX: prefix,
	});
	children.push(child);
	return child;
}

/** The most starts in any window [t, t + span) — every window that begins at a start is checked. */
function busiestWindow(sorted: number[], span: number): number {
	let most = 0;
	let end = 0;
	for (let start = 0; start < sorted.length; start++) {
		while (end < sorted.length && sorted[end] < sorted[start] + span) end++;
		most = Math.max(most, end - start);
	}
	return most;
}

test('three processes share one limiter: every 1-s and 60-s window within 40 and 1,500, and both reached', async () => {
	const PER_SECOND = 40;
	const PER_MINUTE = 1_500;
	const job = {
		mode: 'limiter',
		key: 'welink|https://open.welink.example|client-4711|/api/contact/v1/users/status',
		windows: [
			{ limit: PER_SECOND, intervalMs: 1_000 },
			{ limit: PER_MINUTE, intervalMs: 60_000 },
		],
		// The check below is on the times Redis counted, so no margin for network jitter is needed.
		marginMs: 0,
		concurrency: 6,
	};
	const processes = [0, 1, 2].map(() => startChild(job, 'limiter'));
	for (const child of processes) expect((await child.next('ready')).shared).toBe(true);
	const until = Date.now() + 200 + 62_000;
	for (const child of processes) child.send({ type: 'go', until });
	const results = await Promise.all(
		processes.map(async (child) => await child.next('grants', 90_000)),
	);
	const perProcess = results.map((result) => result.grants as number[]);
	const grants = perProcess.flat().sort((a, b) => a - b);
	const seen = results.flatMap((result) => result.seen as number[]).sort((a, b) => a - b);
	const first = grants[0];

	const busiestSecond = busiestWindow(grants, 1_000);
	const busiestMinute = busiestWindow(grants, 60_000);
	const firstMinute = grants.filter((at) => at < first + 60_000).length;
	// Before the minute's budget runs out (1,500 at 40/s: 37.5 s) the 1-s limit is what binds.
	// Waiting callers take a freed slot at once, so starts come in bursts: count whole seconds.
	const unboundedPhase =
		grants.filter((at) => at >= first + 500 && at < first + 30_500).length / 30;
	const seenBusiest = busiestWindow(seen, 1_000);
	process.stdout.write(
		`[limiter] ${grants.length} starts by 3 processes (${perProcess.map((g) => g.length).join(' + ')}); ` +
			`busiest 1-s window ${busiestSecond}/${PER_SECOND} (${seenBusiest} by the children's clocks, after their event loops' delays), ` +
			`${unboundedPhase.toFixed(2)}/s over 30 s; busiest 60-s window ${busiestMinute}/${PER_MINUTE}, first minute ${firstMinute}\n`,
	);

	expect(busiestSecond).toBeLessThanOrEqual(PER_SECOND);
	expect(busiestMinute).toBeLessThanOrEqual(PER_MINUTE);
	expect(unboundedPhase).toBeGreaterThanOrEqual(0.95 * PER_SECOND);
	expect(firstMinute).toBeGreaterThanOrEqual(0.95 * PER_MINUTE);
	// Every process got a share: the limit is common, not taken by one.
	for (const own of perProcess) expect(own.length).toBeGreaterThan(PER_MINUTE / 10);
}, 120_000);

interface TokenServer {
	url: string;
	arrivals: Array<{ at: number; pid: string }>;
	issued: string[];
	close(): Promise<void>;
}

/** A token endpoint that counts fetches; `hold(n)` leaves the n-th request unanswered. */
async function startTokenServer(
	options: { delayMs?: number; holdFirst?: boolean } = {},
): Promise<TokenServer> {
	const arrivals: Array<{ at: number; pid: string }> = [];
	const issued: string[] = [];
	const held: ServerResponse[] = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			arrivals.push({ at: Date.now(), pid: body });
			if (options.holdFirst && arrivals.length === 1) {
				held.push(res);
				return;
			}
			const token = `token-${arrivals.length}-${Math.random().toString(16).slice(2)}`;
			issued.push(token);
			setTimeout(() => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ token, ttlMs: 60_000 }));
			}, options.delayMs ?? 0);
		});
	});
	await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
		arrivals,
		issued,
		close: async () => {
			for (const res of held) res.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
		},
	};
}

test('one token fetch for 40 concurrent callers in 4 processes; no key names the app, the token or the secret', async () => {
	const server = await startTokenServer({ delayMs: 300 });
	try {
		const job = {
			mode: 'token',
			app: 'https://open.welink.example|client-4711',
			secret: 'secret-b7d1e2',
			tokenUrl: server.url,
			callers: 10,
			lockTtlMs: 10_000,
		};
		const processes = [0, 1, 2, 3].map(() => startChild(job, 'token-once'));
		for (const child of processes) expect((await child.next('ready')).shared).toBe(true);
		for (const child of processes) child.send({ type: 'go' });
		const tokens = (
			await Promise.all(
				processes.map(async (child) => (await child.next('tokens')).tokens as string[]),
			)
		).flat();
		process.stdout.write(
			`[token] ${tokens.length} callers in 4 processes, ${server.arrivals.length} token fetch(es)\n`,
		);
		expect(server.arrivals).toHaveLength(1);
		expect(tokens).toHaveLength(40);
		expect(new Set(tokens)).toEqual(new Set(server.issued));

		const inspect = new Redis(redis.port, '127.0.0.1');
		try {
			const keys = await inspect.keys('token-once:*');
			expect(keys.length).toBeGreaterThan(0);
			for (const key of keys) {
				for (const forbidden of ['client-4711', 'secret-b7d1e2', server.issued[0]])
					expect(key).not.toContain(forbidden);
			}
		} finally {
			inspect.disconnect();
		}
	} finally {
		await server.close();
	}
}, 60_000);

test('a process killed while holding the token lock delays another only until the lock expires', async () => {
	const LOCK_TTL_MS = 1_500;
	const server = await startTokenServer({ holdFirst: true });
	try {
		const job = {
			mode: 'token',
			app: 'https://open.welink.example|client-99',
			secret: 'secret-c3',
			tokenUrl: server.url,
			callers: 1,
			lockTtlMs: LOCK_TTL_MS,
		};
		const holder = startChild(job, 'token-kill');
		const waiter = startChild(job, 'token-kill');
		await holder.next('ready');
		await waiter.next('ready');
		holder.send({ type: 'go' });
		// The holder has the lock once its fetch reached the token endpoint (which never answers it).
		for (let i = 0; i < 200 && server.arrivals.length === 0; i++)
			await new Promise((r) => setTimeout(r, 25));
		expect(server.arrivals).toHaveLength(1);
		waiter.send({ type: 'go' });
		// Long enough for the waiter to find the lock taken several times, and for the holder to extend it.
		await new Promise((r) => setTimeout(r, 700));
		expect(server.arrivals).toHaveLength(1);
		const killedAt = Date.now();
		holder.kill('SIGKILL');
		await holder.exited;

		const [token] = (await waiter.next('tokens', 10_000)).tokens as string[];
		expect(server.arrivals).toHaveLength(2);
		const delay = server.arrivals[1].at - killedAt;
		process.stdout.write(
			`[token] the waiter fetched ${delay} ms after the lock holder was killed (lock lifetime ${LOCK_TTL_MS} ms)\n`,
		);
		// The lock still had 1,000-1,500 ms to live (extended every 500 ms); then one poll (50 ms).
		expect(delay).toBeGreaterThanOrEqual(LOCK_TTL_MS - LOCK_TTL_MS / 3 - 100);
		expect(delay).toBeLessThanOrEqual(LOCK_TTL_MS + 400);
		expect(token).toBe(server.issued[0]);
	} finally {
		await server.close();
	}
}, 30_000);

test('outside queue mode a process never loads ioredis: limiter and token cache stay in memory', () => {
	const script = `
		const { vendorAppRateLimiter } = require(${JSON.stringify(compiled.file('nodes/shared/scale-out/vendor-app-limiter.ts'))});
		const { SharedTokenCache } = require(${JSON.stringify(compiled.file('nodes/shared/scale-out/token-cache.ts'))});
		(async () => {
			await vendorAppRateLimiter('k', [{ limit: 5, intervalMs: 1000 }], 0).acquire();
			const { token } = await new SharedTokenCache('t').get({ app: 'a', secret: 's' }, async () => ({ token: 'x', refreshAt: Date.now() + 60000 }));
			const loaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/ioredis/'));
			process.stdout.write(JSON.stringify({ token, loaded }));
		})();
	`;
	const env = childEnv({});
	for (const name of ['EMPLOYEE_SYNC_REDIS_URL', 'EXECUTIONS_MODE']) delete env[name];
	const run = spawnSync(process.execPath, ['-e', script], {
		env,
		encoding: 'utf8',
		timeout: 20_000,
	});
	expect(run.stderr).toBe('');
	expect(JSON.parse(run.stdout)).toEqual({ token: 'x', loaded: false });
});
