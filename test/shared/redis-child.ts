/**
 * One "n8n process" for the shared-state tests, run as a separate OS process with the compiled
 * modules (see redis-harness). It connects to Redis, prints {"type":"ready"}, waits for a
 * {"type":"go"} line on stdin, does its job and prints the result as one JSON line.
 *  - limiter: `concurrency` callers acquire from one vendor-app limiter until `until` (epoch ms);
 *    prints when Redis counted each start and when the process saw it.
 *  - token: `callers` concurrent getToken calls; the fetch POSTs to `tokenUrl` (the test's
 *    counting server); prints the tokens received.
 *  - welink: WeLink's real client asks users/status for `persons`, ten per request, `concurrency`
 *    requests in flight (as the node does); prints when each request was answered.
 */
import { createInterface } from 'node:readline';

import { WeLinkClient } from '../../nodes/WeLink/transport/client';
import { mapConcurrentSettled } from '../../nodes/shared/execution/concurrency';
import { readRequestTuning } from '../../nodes/shared/descriptions/options';
import { transportSettings } from '../../nodes/shared/execution/transport-settings';
import { Redactor } from '../../nodes/shared/redact';

import { closeSharedRedis, sharedRedis } from '../../nodes/shared/scale-out/redis-connection';
import { RedisRateLimiter } from '../../nodes/shared/scale-out/shared-limiter';
import { vendorAppRateLimiter } from '../../nodes/shared/scale-out/vendor-app-limiter';
import { AbortedError } from '../../nodes/shared/http/abort';
import { SharedTokenCache } from '../../nodes/shared/scale-out/token-cache';
import type { RateWindow } from '../../nodes/shared/http/rate-limiter';

interface LimiterJob {
	mode: 'limiter';
	key: string;
	windows: RateWindow[];
	marginMs: number;
	concurrency: number;
}

interface TokenJob {
	mode: 'token';
	app: string;
	secret: string;
	tokenUrl: string;
	callers: number;
	lockTtlMs: number;
}

interface WeLinkJob {
	mode: 'welink';
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	persons: string[];
	concurrency: number;
}

type Job = LimiterJob | TokenJob | WeLinkJob;

function say(message: Record<string, unknown>): void {
	process.stdout.write(`${JSON.stringify(message)}\n`);
}

function nextCommand(): Promise<Record<string, unknown>> {
	return new Promise((resolveCommand) => {
		const lines = createInterface({ input: process.stdin });
		lines.once('line', (line) => {
			lines.close();
			resolveCommand(JSON.parse(line) as Record<string, unknown>);
		});
	});
}

async function runLimiter(job: LimiterJob): Promise<void> {
	const limiter = vendorAppRateLimiter(job.key, job.windows, job.marginMs);
	if (!(limiter instanceof RedisRateLimiter))
		throw new Error('expected the limiter shared through Redis');
	say({ type: 'ready', shared: (await sharedRedis()) !== undefined });
	const go = await nextCommand();
	const until = Number(go.until);
	const stop = AbortSignal.timeout(Math.max(0, until - Date.now()));
	// When Redis counted each start, and when this process saw it (after its event loop got round to it).
	const grants: number[] = [];
	const seen: number[] = [];
	await Promise.all(
		Array.from({ length: job.concurrency }, async () => {
			for (;;) {
				try {
					grants.push(await limiter.acquireAt(stop));
					seen.push(Date.now());
				} catch (error) {
					if (error instanceof AbortedError) return;
					throw error;
				}
			}
		}),
	);
	say({ type: 'grants', grants, seen });
}

async function runToken(job: TokenJob): Promise<void> {
	const cache = new SharedTokenCache('test', { lockTtlMs: job.lockTtlMs });
	const owner = { app: job.app, secret: job.secret };
	say({ type: 'ready', shared: (await sharedRedis()) !== undefined });
	await nextCommand();
	const fetchToken = async () => {
		const response = await fetch(job.tokenUrl, { method: 'POST', body: String(process.pid) });
		const body = (await response.json()) as { token: string; ttlMs: number };
		return { token: body.token, refreshAt: Date.now() + body.ttlMs };
	};
	const tokens = await Promise.all(
		Array.from({ length: job.callers }, async () => (await cache.get(owner, fetchToken)).token),
	);
	say({ type: 'tokens', tokens });
}

async function runWeLink(job: WeLinkJob): Promise<void> {
	const connection = {
		baseUrl: job.baseUrl,
		clientId: job.clientId,
		clientSecret: job.clientSecret,
		allowInsecureHttp: false,
	};
	const settings = transportSettings(readRequestTuning({}, { concurrency: job.concurrency }), {
		idempotent: true,
		egress: undefined,
	});
	const client = new WeLinkClient(
		connection,
		settings,
		{ perSecond: 40, perMinute: 1_500 },
		new Redactor([]),
	);
	say({ type: 'ready', shared: (await sharedRedis()) !== undefined });
	await nextCommand();
	await client.warmUp();
	const batches: string[][] = [];
	for (let i = 0; i < job.persons.length; i += 10) batches.push(job.persons.slice(i, i + 10));
	const answeredAt: number[] = [];
	const outcomes = await mapConcurrentSettled(batches, job.concurrency, async (batch) => {
		const answer = await client.queryStatus(batch.map((corpUserId) => ({ corpUserId })));
		answeredAt.push(Date.now());
		return answer;
	});
	const failures = outcomes
		.filter((outcome) => outcome.status === 'rejected')
		.map((outcome) => String((outcome as PromiseRejectedResult).reason));
	say({ type: 'statuses', answeredAt, failures });
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2] ?? '{}') as Job;
	if (job.mode === 'limiter') await runLimiter(job);
	else if (job.mode === 'welink') await runWeLink(job);
	else await runToken(job);
	await closeSharedRedis();
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
