/** The Redis configuration for shared state: n8n's queue-mode settings or our own override. */

import { readFileSync } from 'node:fs';

/**
 * Where the state that belongs to a vendor app rather than to one n8n process (rate-limit windows,
 * access tokens) is kept when n8n runs scaled out: which Redis, read from the environment only.
 *
 * - `EMPLOYEE_SYNC_REDIS_URL` (ours) wins: `redis://[user:password@]host[:port][/db]`, `rediss://…`
 *   for TLS, or `off` to keep everything per process even in queue mode.
 * - Else, in queue mode (`EXECUTIONS_MODE=queue`), the Redis n8n itself uses for its queue:
 *   `QUEUE_BULL_REDIS_HOST/PORT/DB/USERNAME/PASSWORD/TLS`, the TLS server name and certificate
 *   check, `QUEUE_BULL_REDIS_DUALSTACK`, and `QUEUE_BULL_REDIS_CLUSTER_NODES` (a Redis Cluster,
 *   with `QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY`), each also readable from a `<NAME>_FILE` the way
 *   n8n reads them.
 * - Otherwise nothing is shared and no Redis is needed.
 * Keys carry `QUEUE_BULL_PREFIX` (n8n's default `bull`), so two n8n instances sharing one Redis
 * stay apart exactly as their queues do.
 */

export const REDIS_URL_ENV = 'EMPLOYEE_SYNC_REDIS_URL';

/** Values of EMPLOYEE_SYNC_REDIS_URL that switch sharing off. */
const OFF_VALUES = new Set(['off', 'false', 'none', '0', 'disabled']);

export interface RedisEndpoint {
	host: string;
	port: number;
}

export interface SharedStateConfig {
	/** Which settings were used (for log lines and hints). */
	source: typeof REDIS_URL_ENV | 'QUEUE_BULL_REDIS_*';
	/** One endpoint, or the seed nodes of a Redis Cluster. */
	endpoints: RedisEndpoint[];
	cluster: boolean;
	db: number;
	username?: string;
	password?: string;
	tls?: { servername?: string; rejectUnauthorized: boolean };
	/** Resolve the host to IPv4 or IPv6 (QUEUE_BULL_REDIS_DUALSTACK), not IPv4 only. */
	dualStack: boolean;
	/** Connect to cluster nodes by the names given, without resolving them (QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY=NONE). */
	skipDnsLookup: boolean;
	/** Prepended to every key, ends with ':'. */
	keyPrefix: string;
}

type Env = Record<string, string | undefined>;

/** A setting as n8n reads it: the variable, else the content of the file `<NAME>_FILE` names. */
function setting(env: Env, name: string): string | undefined {
	const direct = env[name];
	if (direct !== undefined) return direct.trim().replace(/^(['"])(.*)\1$/, '$2');
	const file = env[`${name}_FILE`];
	if (file) return readFileSync(file, 'utf8').trim();
	return undefined;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
	const value = setting(env, name)?.toLowerCase();
	if (value === 'true' || value === '1') return true;
	if (value === 'false' || value === '0') return false;
	return fallback;
}

function integer(value: string | undefined, fallback: number, what: string, max: number): number {
	if (value === undefined || value === '') return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 0 || parsed > max) {
		throw new Error(`${what} must be a whole number from 0 to ${max}, got "${value}"`);
	}
	return parsed;
}

function keyPrefix(env: Env): string {
	const bull = setting(env, 'QUEUE_BULL_PREFIX') || 'bull';
	return `${bull}:n8n-nodes-employee-sync:`;
}

/** "host:port,host:port" as n8n's QUEUE_BULL_REDIS_CLUSTER_NODES takes it. */
function clusterNodes(raw: string): RedisEndpoint[] {
	return raw
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '')
		.map((entry) => {
			const at = entry.lastIndexOf(':');
			const host = at > 0 ? entry.slice(0, at) : entry;
			const port =
				at > 0
					? integer(entry.slice(at + 1), 6379, 'A port in QUEUE_BULL_REDIS_CLUSTER_NODES', 65535)
					: 6379;
			return { host, port };
		});
}

function fromUrl(raw: string, env: Env): SharedStateConfig {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		// The value may hold a password: never repeat it.
		throw new Error(
			`${REDIS_URL_ENV} is not a valid URL (expected redis://host:port/db or rediss://…)`,
		);
	}
	if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
		throw new Error(
			`${REDIS_URL_ENV} must start with redis:// or rediss://, got ${url.protocol}//`,
		);
	}
	const path = url.pathname.replace(/^\//, '');
	return {
		source: REDIS_URL_ENV,
		endpoints: [
			{
				host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
				port: integer(url.port, 6379, `The port in ${REDIS_URL_ENV}`, 65535),
			},
		],
		cluster: false,
		db: integer(path, 0, `The database number in ${REDIS_URL_ENV}`, 1_000_000),
		username: url.username ? decodeURIComponent(url.username) : undefined,
		password: url.password ? decodeURIComponent(url.password) : undefined,
		tls: url.protocol === 'rediss:' ? { rejectUnauthorized: true } : undefined,
		dualStack: true,
		skipDnsLookup: false,
		keyPrefix: keyPrefix(env),
	};
}

function fromQueueMode(env: Env): SharedStateConfig {
	const clusterRaw = setting(env, 'QUEUE_BULL_REDIS_CLUSTER_NODES') ?? '';
	const cluster = clusterRaw.trim() !== '';
	const tls = flag(env, 'QUEUE_BULL_REDIS_TLS', false)
		? {
				servername: setting(env, 'QUEUE_BULL_REDIS_TLS_SERVERNAME') || undefined,
				rejectUnauthorized: flag(env, 'QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE', true),
			}
		: undefined;
	return {
		source: 'QUEUE_BULL_REDIS_*',
		endpoints: cluster
			? clusterNodes(clusterRaw)
			: [
					{
						host: setting(env, 'QUEUE_BULL_REDIS_HOST') || 'localhost',
						port: integer(
							setting(env, 'QUEUE_BULL_REDIS_PORT'),
							6379,
							'QUEUE_BULL_REDIS_PORT',
							65535,
						),
					},
				],
		cluster,
		// A Redis Cluster has only database 0.
		db: cluster
			? 0
			: integer(setting(env, 'QUEUE_BULL_REDIS_DB'), 0, 'QUEUE_BULL_REDIS_DB', 1_000_000),
		username: setting(env, 'QUEUE_BULL_REDIS_USERNAME') || undefined,
		password: setting(env, 'QUEUE_BULL_REDIS_PASSWORD') || undefined,
		tls,
		dualStack: flag(env, 'QUEUE_BULL_REDIS_DUALSTACK', false),
		skipDnsLookup: setting(env, 'QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY')?.toUpperCase() === 'NONE',
		keyPrefix: keyPrefix(env),
	};
}

/**
 * The Redis to share state through, or undefined when state stays per process. Throws (with a
 * message that holds no password) when the settings are malformed; callers then fall back.
 */
export function readSharedStateConfig(env: Env = process.env): SharedStateConfig | undefined {
	const override = env[REDIS_URL_ENV]?.trim();
	if (override) {
		if (OFF_VALUES.has(override.toLowerCase())) return undefined;
		return fromUrl(override, env);
	}
	if (setting(env, 'EXECUTIONS_MODE') !== 'queue') return undefined;
	return fromQueueMode(env);
}

/** Names the Redis without any credential, e.g. "127.0.0.1:6379 db 0 (QUEUE_BULL_REDIS_*)". */
export function describeSharedState(config: SharedStateConfig): string {
	const where = config.endpoints.map((e) => `${e.host}:${e.port}`).join(',');
	const kind = config.cluster ? 'Redis Cluster ' : '';
	return `${kind}${where}${config.cluster ? '' : ` db ${config.db}`}${config.tls ? ' (TLS)' : ''} from ${config.source}`;
}

/** The environment variables that decide the configuration (a change means a new connection). */
export const SHARED_STATE_ENV_NAMES = [
	REDIS_URL_ENV,
	'EXECUTIONS_MODE',
	'QUEUE_BULL_PREFIX',
	'QUEUE_BULL_REDIS_HOST',
	'QUEUE_BULL_REDIS_PORT',
	'QUEUE_BULL_REDIS_DB',
	'QUEUE_BULL_REDIS_USERNAME',
	'QUEUE_BULL_REDIS_PASSWORD',
	'QUEUE_BULL_REDIS_TLS',
	'QUEUE_BULL_REDIS_TLS_SERVERNAME',
	'QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE',
	'QUEUE_BULL_REDIS_CLUSTER_NODES',
	'QUEUE_BULL_REDIS_DUALSTACK',
	'QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY',
];
