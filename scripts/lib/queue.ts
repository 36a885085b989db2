/**
 * n8n in queue mode on this machine: the settings every n8n process of the instance shares (Redis
 * for the queue, PostgreSQL for the data), and `n8n worker` processes beside the main one that
 * scripts/lib/n8n.ts starts. Used by `npm run start:queue` and the queue-mode end-to-end test.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { watchChild } from './child';
import { n8nEnv, n8nMainScript, type N8nSetup } from './n8n';
import type { LocalPostgres, LocalRedis } from './services';

/** What makes an n8n process part of the scaled-out instance; the same for main and workers. */
export function queueModeEnv(redis: LocalRedis, postgres: LocalPostgres): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_PASSWORD: redis.password,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		// Runs started in the editor go to the workers too, so the editor shows scaled-out behaviour.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

/**
 * Makes every n8n process this script starts from now on (CLI commands, `n8n start`) part of the
 * queue-mode instance: scripts/lib/n8n.ts passes the calling process's environment through.
 */
export function joinQueueMode(env: Record<string, string>): void {
	Object.assign(process.env, env);
}

export interface N8nWorker {
	index: number;
	process: ChildProcess;
	pid: number;
	healthPort: number;
	log(): string;
	/** SIGTERM, then SIGKILL after 15 s (n8n finishes running jobs first). */
	stop(): Promise<void>;
	/** SIGKILL to the worker and its task runners at once, as a crashed container would get. */
	kill(): Promise<void>;
}

/**
 * Starts `n8n worker` and resolves once its health endpoint says it is ready. Each worker needs
 * its own task-runner broker port and health port.
 */
export async function startWorker(
	setup: N8nSetup,
	options: {
		index: number;
		brokerPort: number;
		healthPort: number;
		concurrency: number;
		inheritOutput?: boolean;
		timeoutMs?: number;
		/** More environment for this worker (e.g. N8N_LOG_LEVEL). */
		env?: Record<string, string>;
	},
): Promise<N8nWorker> {
	const env = n8nEnv(
		{ ...setup, brokerPort: options.brokerPort },
		{
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(options.healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			...options.env,
		},
	);
	const child = spawn(
		process.execPath,
		[n8nMainScript(), 'worker', `--concurrency=${options.concurrency}`],
		{
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		},
	);
	let output = '';
	const keep = (chunk: Buffer): void => {
		output = (output + chunk.toString('utf8')).slice(-200_000);
		if (options.inheritOutput)
			process.stdout.write(`[worker ${options.index}] ${chunk.toString('utf8')}`);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const watched = watchChild(child);
	const worker: N8nWorker = {
		index: options.index,
		process: child,
		pid: child.pid ?? 0,
		healthPort: options.healthPort,
		log: () => output,
		stop: watched.stop,
		async kill() {
			// The worker leads its own process group (detached), which holds its task-runner children.
			if (!watched.exited() && child.pid) process.kill(-child.pid, 'SIGKILL');
			await watched.done;
		},
	};
	const deadline = Date.now() + (options.timeoutMs ?? 120_000);
	while (Date.now() < deadline) {
		if (watched.exited())
			throw new Error(`n8n worker ${options.index} exited early:\n${output.slice(-5000)}`);
		try {
			const response = await fetch(`http://127.0.0.1:${options.healthPort}/healthz/readiness`);
			if (response.ok) return worker;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	await worker.stop();
	throw new Error(
		`n8n worker ${options.index} did not become ready in time:\n${output.slice(-5000)}`,
	);
}
