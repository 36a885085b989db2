/** The one Redis connection per process for vendor-app state, and the fallback to per-process state when Redis is away. */

import type { Cluster, Redis } from 'ioredis';

import { n8nLogger } from '../logger';
import type { SharedStateLogger } from '../logger';
import { SHARED_STATE_ENV_NAMES, describeSharedState, readSharedStateConfig } from './redis-config';
import type { SharedStateConfig } from './redis-config';

/**
 * One Redis connection per process for the state that belongs to a vendor app, opened on first
 * use. Redis must never stop a workflow: when it cannot be reached (or answers too slowly) every
 * caller falls back to its per-process state at once, the outage is logged once, and the
 * connection is tried again after a pause.
 */

export type RedisClient = Redis | Cluster;

export interface SharedRedis {
	client: RedisClient;
	keyPrefix: string;
}

/** A connect or command slower than this counts as unreachable: the vendor call must not wait long. */
const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 2_000;
/** After an outage Redis is tried again this much later; meanwhile no call waits for it. */
const RETRY_AFTER_MS = 30_000;

let logger: SharedStateLogger = n8nLogger;

/** Replaces the logger (tests); undefined restores n8n's. */
export function setSharedStateLogger(replacement: SharedStateLogger | undefined): void {
	logger = replacement ?? n8nLogger;
}

type Resolved = { config: SharedStateConfig } | { error: string } | undefined;

let resolvedFor: { signature: string; resolved: Resolved } | undefined;

function envSignature(env: Record<string, string | undefined>): string {
	return JSON.stringify(SHARED_STATE_ENV_NAMES.map((name) => [env[name], env[`${name}_FILE`]]));
}

/** The configuration, read again only when the environment changed (tests change it). */
function currentConfig(): Resolved {
	const signature = envSignature(process.env);
	if (resolvedFor?.signature !== signature) {
		let resolved: Resolved;
		try {
			const config = readSharedStateConfig(process.env);
			resolved = config ? { config } : undefined;
		} catch (error) {
			resolved = { error: error instanceof Error ? error.message : String(error) };
		}
		resolvedFor = { signature, resolved };
	}
	return resolvedFor.resolved;
}

/** Whether state is meant to be shared (queue mode or our override), whether or not Redis answers. */
export function sharedStateConfigured(): boolean {
	return currentConfig() !== undefined;
}

interface Connection {
	signature: string;
	config: SharedStateConfig;
	/** Set once ioredis is loaded and the client made. */
	client?: RedisClient;
	/** The client once connected; undefined when it could not connect. */
	ready: Promise<RedisClient | undefined>;
}

let connection: Connection | undefined;
let retryAt = 0;
let outage: string | undefined;
let fallbacks = 0;

type IoRedis = typeof import('ioredis');

function createClient(ioredis: IoRedis, config: SharedStateConfig): RedisClient {
	const options = {
		username: config.username,
		password: config.password,
		tls: config.tls,
		connectTimeout: CONNECT_TIMEOUT_MS,
		commandTimeout: COMMAND_TIMEOUT_MS,
		// Fail at once rather than queue while disconnected; we reconnect ourselves after a pause.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		retryStrategy: () => null,
		lazyConnect: true,
		connectionName: 'n8n-nodes-employee-sync',
		// 0: IPv4 or IPv6, as the name resolves; ioredis otherwise asks for IPv4 only.
		...(config.dualStack ? { family: 0 } : {}),
	};
	if (config.cluster) {
		return new ioredis.Cluster(config.endpoints, {
			redisOptions: options,
			enableOfflineQueue: false,
			lazyConnect: true,
			clusterRetryStrategy: () => null,
			slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
			// TLS clusters (e.g. AWS ElastiCache) must be reached by the names their certificates carry.
			...(config.skipDnsLookup
				? {
						dnsLookup: (address: string, lookup: (error: null, address: string) => void) =>
							lookup(null, address),
					}
				: {}),
		});
	}
	return new ioredis.Redis({
		...options,
		host: config.endpoints[0].host,
		port: config.endpoints[0].port,
		db: config.db,
	});
}

function timeout(ms: number): Promise<never> {
	return new Promise((_, reject) => {
		const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
		timer.unref();
	});
}

function open(config: SharedStateConfig, signature: string): Connection {
	const opened: Connection = { signature, config, ready: Promise.resolve(undefined) };
	opened.ready = (async () => {
		// Loaded on first use only: outside queue mode the package never loads ioredis.
		const ioredis = await import('ioredis');
		if (connection !== opened) return undefined;
		const client = createClient(ioredis, config);
		opened.client = client;
		// Without a listener ioredis prints every connection error to stderr. The socket's error
		// (ECONNREFUSED, a TLS failure) says more than connect()'s "Connection is closed".
		let cause: unknown;
		client.on('error', (error: unknown) => {
			cause ??= error;
		});
		try {
			await Promise.race([client.connect(), timeout(CONNECT_TIMEOUT_MS + 1_000)]);
			return client;
		} catch (error) {
			if (connection === opened) markUnavailable(cause ?? error);
			else client.disconnect();
			return undefined;
		}
	})();
	return opened;
}

function errorText(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * Records that Redis failed (a caller's command or the connection): the connection is dropped,
 * callers use per-process state until RETRY_AFTER_MS has passed, and the first failure of an
 * outage is logged.
 */
function markUnavailable(error: unknown): void {
	const current = connection;
	connection = undefined;
	current?.client?.disconnect();
	retryAt = Date.now() + RETRY_AFTER_MS;
	if (outage === undefined) {
		outage = errorText(error);
		const where = current ? describeSharedState(current.config) : 'Redis';
		logger.warn(
			`n8n-nodes-employee-sync: Redis for shared rate limits and tokens (${where}) is unavailable (${outage}). ` +
				`This process uses its own rate limits and tokens until Redis answers again; with several workers the vendor's limits can be exceeded.`,
		);
	}
}

function noteFallback(reason: string): undefined {
	fallbacks++;
	if (outage === undefined) {
		outage = reason;
		logger.warn(
			`n8n-nodes-employee-sync: shared rate limits and tokens are off: ${reason}. This process uses its own.`,
		);
	}
	return undefined;
}

/**
 * The process's Redis connection, or undefined when state is per process: not configured (no
 * queue mode, no override), misconfigured, or unreachable (then a fallback is counted).
 */
export async function sharedRedis(): Promise<SharedRedis | undefined> {
	const resolved = currentConfig();
	if (resolved === undefined) return undefined;
	if ('error' in resolved) return noteFallback(resolved.error);
	if (Date.now() < retryAt) return noteFallback(outage ?? 'Redis is unavailable');
	const signature = resolvedFor?.signature ?? '';
	if (!connection || connection.signature !== signature) {
		connection?.client?.disconnect();
		connection = open(resolved.config, signature);
	}
	const current = connection;
	const client = await current.ready;
	if (!client || client.status !== 'ready') {
		if (connection === current)
			markUnavailable(new Error(`connection ${client?.status ?? 'closed'}`));
		return noteFallback(outage ?? 'Redis is unavailable');
	}
	if (outage !== undefined) {
		logger.info(
			`n8n-nodes-employee-sync: Redis (${describeSharedState(current.config)}) answers again: rate limits and tokens are shared again.`,
		);
		outage = undefined;
	}
	return { client, keyPrefix: current.config.keyPrefix };
}

/** How many operations fell back to per-process state so far (watched by nodes for their hint). */
export function sharedStateFallbackCount(): number {
	return fallbacks;
}

/** Why state is per process right now although sharing is configured, if it is. */
export function sharedStateOutage(): string | undefined {
	return outage;
}

/** Counts a fallback that happened inside an operation (Redis failed mid-way). */
export function fallBackAfter(error: unknown): void {
	markUnavailable(error);
	noteFallback(outage ?? errorText(error));
}

/** Closes the connection and forgets every outage (tests, shutdown). */
export async function closeSharedRedis(): Promise<void> {
	const current = connection;
	connection = undefined;
	retryAt = 0;
	outage = undefined;
	resolvedFor = undefined;
	const client = await current?.ready;
	if (client) await client.quit().catch(() => client.disconnect());
}
