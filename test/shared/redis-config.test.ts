import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	describeSharedState,
	readSharedStateConfig,
} from '../../nodes/shared/scale-out/redis-config';

/**
 * Which Redis the shared state uses is read from the environment alone: nothing outside queue
 * mode, n8n's own QUEUE_BULL_REDIS_* settings in queue mode, and our override above both.
 */

describe('readSharedStateConfig', () => {
	test('outside queue mode nothing is shared, whatever QUEUE_BULL_REDIS_* say', () => {
		expect(readSharedStateConfig({})).toBeUndefined();
		expect(
			readSharedStateConfig({ EXECUTIONS_MODE: 'regular', QUEUE_BULL_REDIS_HOST: 'redis' }),
		).toBeUndefined();
	});

	test("in queue mode n8n's defaults: localhost:6379, db 0, prefix bull", () => {
		expect(readSharedStateConfig({ EXECUTIONS_MODE: 'queue' })).toEqual({
			source: 'QUEUE_BULL_REDIS_*',
			endpoints: [{ host: 'localhost', port: 6379 }],
			cluster: false,
			db: 0,
			username: undefined,
			password: undefined,
			tls: undefined,
			dualStack: false,
			skipDnsLookup: false,
			keyPrefix: 'bull:n8n-nodes-employee-sync:',
		});
	});

	test("in queue mode every QUEUE_BULL_REDIS_* setting n8n's queue uses, TLS included", () => {
		const config = readSharedStateConfig({
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: 'redis.internal',
			QUEUE_BULL_REDIS_PORT: '6380',
			QUEUE_BULL_REDIS_DB: '3',
			QUEUE_BULL_REDIS_USERNAME: 'n8n',
			QUEUE_BULL_REDIS_PASSWORD: 'p4ss-word',
			QUEUE_BULL_REDIS_TLS: 'true',
			QUEUE_BULL_REDIS_TLS_SERVERNAME: 'redis.example.com',
			QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE: 'false',
			QUEUE_BULL_REDIS_DUALSTACK: 'true',
			QUEUE_BULL_PREFIX: 'tenant-a',
		});
		expect(config).toEqual({
			source: 'QUEUE_BULL_REDIS_*',
			endpoints: [{ host: 'redis.internal', port: 6380 }],
			cluster: false,
			db: 3,
			username: 'n8n',
			password: 'p4ss-word',
			tls: { servername: 'redis.example.com', rejectUnauthorized: false },
			dualStack: true,
			skipDnsLookup: false,
			keyPrefix: 'tenant-a:n8n-nodes-employee-sync:',
		});
		// Log lines and hints name the Redis, never its password.
		expect(describeSharedState(config!)).toBe(
			'redis.internal:6380 db 3 (TLS) from QUEUE_BULL_REDIS_*',
		);
	});

	test('reads a setting from <NAME>_FILE as n8n does (Docker secrets)', () => {
		const dir = mkdtempSync(join(tmpdir(), 'redis-config-'));
		try {
			writeFileSync(join(dir, 'password'), 'from-a-file\n');
			const config = readSharedStateConfig({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_PASSWORD_FILE: join(dir, 'password'),
			});
			expect(config?.password).toBe('from-a-file');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('QUEUE_BULL_REDIS_CLUSTER_NODES makes it a Redis Cluster with those seed nodes', () => {
		const config = readSharedStateConfig({
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_CLUSTER_NODES: 'redis-1:7000, redis-2:7001,redis-3',
			QUEUE_BULL_REDIS_DB: '2',
			QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'NONE',
		});
		expect(config?.cluster).toBe(true);
		expect(config?.skipDnsLookup).toBe(true);
		expect(config?.endpoints).toEqual([
			{ host: 'redis-1', port: 7000 },
			{ host: 'redis-2', port: 7001 },
			{ host: 'redis-3', port: 6379 },
		]);
		expect(config?.db).toBe(0);
		expect(describeSharedState(config!)).toBe(
			'Redis Cluster redis-1:7000,redis-2:7001,redis-3:6379 from QUEUE_BULL_REDIS_*',
		);
	});

	test('EMPLOYEE_SYNC_REDIS_URL overrides queue mode and works without it', () => {
		const config = readSharedStateConfig({
			EMPLOYEE_SYNC_REDIS_URL: 'rediss://sync:s%40cret@cache.example.com:6390/5',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: 'elsewhere',
		});
		expect(config).toMatchObject({
			source: 'EMPLOYEE_SYNC_REDIS_URL',
			endpoints: [{ host: 'cache.example.com', port: 6390 }],
			db: 5,
			username: 'sync',
			password: 's@cret',
			tls: { rejectUnauthorized: true },
		});
		expect(
			readSharedStateConfig({ EMPLOYEE_SYNC_REDIS_URL: 'redis://127.0.0.1' })?.endpoints,
		).toEqual([{ host: '127.0.0.1', port: 6379 }]);
	});

	test('EMPLOYEE_SYNC_REDIS_URL=off keeps state per process even in queue mode', () => {
		expect(
			readSharedStateConfig({ EMPLOYEE_SYNC_REDIS_URL: 'off', EXECUTIONS_MODE: 'queue' }),
		).toBeUndefined();
	});

	test('a malformed setting is refused with a message that does not repeat the password', () => {
		const attempt = () =>
			readSharedStateConfig({
				EMPLOYEE_SYNC_REDIS_URL: 'redis://user:hunter2-secret@host:notaport',
			});
		expect(attempt).toThrow(/EMPLOYEE_SYNC_REDIS_URL/);
		expect(() => attempt()).not.toThrow(/hunter2/);
		expect(() => readSharedStateConfig({ EMPLOYEE_SYNC_REDIS_URL: 'http://host:6379' })).toThrow(
			/redis:\/\/ or rediss:\/\//,
		);
		expect(() =>
			readSharedStateConfig({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_PORT: '70000' }),
		).toThrow(/QUEUE_BULL_REDIS_PORT/);
	});
});
