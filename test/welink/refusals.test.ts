import { closeSharedRedis } from '../../nodes/shared/scale-out/redis-connection';
import { vendorAppRateLimiter } from '../../nodes/shared/scale-out/vendor-app-limiter';
import {
	RATE_MARGIN_MS,
	clearTokenCache,
	getToken,
	preAuthenticate,
} from '../../nodes/WeLink/transport/auth';
import { readConnection } from '../../nodes/WeLink/transport/connection';
import { Redactor } from '../../nodes/shared/redact';
import { startWeLinkEmulator } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';
import { startRedisServer } from '../shared/redis-harness';

import {
	STATUS,
	TICKETS,
	TYPE,
	creds,
	currentEmulator,
	demoIds,
	getStatus,
	paired,
	useWeLinkEmulator,
} from './fixtures';

/**
 * Issue 21 for WeLink: a refusal that dooms the run is met once. A refused token fetch is not
 * repeated per batch nor, for 30 s, per run; an API the app was not granted stops the batches; the
 * token API's calls count against its rate limit; the credential Test leaves the shared token alone.
 */

useWeLinkEmulator({ latencyMs: 2, demoPersons: 60, ratePerSecond: 1_000 });

const WRONG = 'wrong-secret-for-issue-21';
const fast = { ratePerSecond: 1_000, ratePerMinute: 100_000 };

function statusRun(ids: string[], clientSecret: string | undefined, continueOnFail: boolean) {
	return runNode({
		type: TYPE,
		items: ids.map((id) => ({ id })),
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options: fast,
		},
		credentials: creds(clientSecret === undefined ? {} : { clientSecret }),
		continueOnFail,
	});
}

test('a wrong secret, 2,000 persons: one token request, no status request; the next run within 30 s asks nothing', async () => {
	const welink = currentEmulator();
	const first = await statusRun(demoIds(2_000), WRONG, true);
	expect(first.items).toHaveLength(2_000);
	expect(paired(first.items)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
	expect(first.items.every((item) => String(item.json.error).includes('[10007]'))).toBe(true);
	expect(String(first.items[0].json.description)).toContain('remembered for 30 s');
	// Today: a token request per batch (about 50 for 2,000 persons).
	expect(welink.emulator.count(TICKETS)).toBe(1);
	expect(welink.emulator.count(STATUS)).toBe(0);

	const second = await statusRun(demoIds(20), WRONG, false);
	expect(second.error?.message).toContain('WeLink refused the token request');
	expect(welink.emulator.count(TICKETS)).toBe(1);

	// The right secret is another credential: asked at once.
	const right = await statusRun(demoIds(20), undefined, false);
	expect(right.error).toBeUndefined();
	expect(welink.emulator.count(TICKETS)).toBe(2);
});

test('an API the app was not granted (HTTP 501, 47102) stops the batches: no more than those in flight are sent', async () => {
	const limited = await startWeLinkEmulator({
		demoPersons: 1,
		permissions: [TICKETS],
		ratePerSecond: 1_000,
	});
	try {
		const result = await runNode({
			type: TYPE,
			items: demoIds(1_000).map((id) => ({ id })),
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: 'corpUserId',
				identifier: '={{ $json.id }}',
				options: { ...fast, concurrency: 4, maxRetries: 0 },
			},
			credentials: { weLinkApi: { ...limited.credentials } },
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(1_000);
		expect(
			result.items.every(
				(item, index) =>
					String(item.json.error).includes('[47102]') &&
					String(item.json.error).endsWith(`(item ${index})`),
			),
		).toBe(true);
		// Today: all 100 batches.
		expect(limited.emulator.count(STATUS)).toBeLessThanOrEqual(4);
	} finally {
		await limited.stop();
	}
});

test('the credential Test leaves the token shared through Redis in place: another worker still finds it', async () => {
	const redis = await startRedisServer();
	const saved = { url: process.env.EMPLOYEE_SYNC_REDIS_URL, prefix: process.env.QUEUE_BULL_PREFIX };
	try {
		await closeSharedRedis();
		process.env.EMPLOYEE_SYNC_REDIS_URL = redis.url;
		process.env.QUEUE_BULL_PREFIX = 'credential-test';
		const welink = currentEmulator();
		const connection = readConnection({ ...welink.credentials }, new Redactor());
		const shared = await getToken(connection);
		expect(welink.emulator.count(TICKETS)).toBe(1);
		// n8n's Test runs preAuthentication with the token it stored, even while that token is fresh.
		const noRequest = async (): Promise<never> =>
			await Promise.reject(new Error('no token request expected'));
		const tested = await preAuthenticate(
			{ ...welink.credentials, accessToken: shared.token, accessTokenRefreshAt: shared.refreshAt },
			noRequest,
		);
		expect(tested.accessToken).toBe(shared.token);
		// A worker that holds nothing in memory reads the token from Redis (today: it was deleted, so it fetched).
		clearTokenCache();
		expect((await getToken(connection)).token).toBe(shared.token);
		expect(welink.emulator.count(TICKETS)).toBe(1);
	} finally {
		await closeSharedRedis();
		if (saved.url === undefined) delete process.env.EMPLOYEE_SYNC_REDIS_URL;
		else process.env.EMPLOYEE_SYNC_REDIS_URL = saved.url;
		if (saved.prefix === undefined) delete process.env.QUEUE_BULL_PREFIX;
		else process.env.QUEUE_BULL_PREFIX = saved.prefix;
		await redis.stop();
	}
});

test("a token request waits for the token API's rate limit (40/s, the limiter every WeLink call uses)", async () => {
	const welink = currentEmulator();
	const connection = readConnection({ ...welink.credentials }, new Redactor());
	// The token API's budget for this app (the key names the app and the API, as every WeLink limiter does), used up.
	const tickets = vendorAppRateLimiter(
		`welink|${connection.baseUrl}|${connection.clientId}|${TICKETS}`,
		[
			{ limit: 40, intervalMs: 1_000 },
			{ limit: 1_500, intervalMs: 60_000 },
		],
		RATE_MARGIN_MS,
	);
	// Measured from the first grant: the limiter spaces its grants, so using the budget up takes a while itself.
	const windowStart = Date.now();
	for (let i = 0; i < 40; i++) await tickets.acquire();
	await getToken(connection);
	// A fetch that bypassed the limiter would leave before the window of those 40 grants had passed.
	expect(Date.now() - windowStart).toBeGreaterThanOrEqual(1_000);
	expect(welink.emulator.count(TICKETS)).toBe(1);
});

test('a Get Status run with the right secret still fetches one token (baseline)', async () => {
	const result = await getStatus(
		demoIds(30).map((id) => ({ id })),
		fast,
	);
	expect(result.error).toBeUndefined();
	expect(currentEmulator().emulator.count(TICKETS)).toBe(1);
});
