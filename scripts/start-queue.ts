/**
 * `npm run start:queue` (after scripts/start-queue.sh installed what it needs and built the package):
 * the demo of `npm start`, scaled out as production runs it — Redis and PostgreSQL (Debian's
 * packages, in a temporary folder, as their unprivileged users), an n8n main instance and two
 * `n8n worker` processes, all with this package installed, the vendor emulators, the demo
 * credentials and the example workflows. Everything lives in a temporary folder that Ctrl-C
 * removes after stopping every process it started.
 *
 * Environment: N8N_PORT (default 5678), EMULATOR_BASE_PORT (default 18101), QUEUE_WORKERS (default 2).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDemoEmulators, type DemoEmulators } from '../test/emulators/serve';
import {
	DEMO_CREDENTIALS,
	DEMO_OWNER,
	EXAMPLE_WORKFLOWS,
	OA_LOGIN_WEBHOOK_PATH,
	demoCredentialImports,
} from './lib/demo';
import {
	RestSession,
	freePort,
	importCredentials,
	importWorkflowDirectory,
	installPackage,
	packPackage,
	portInUse,
	publishWorkflow,
	repoRoot,
	startN8nServer,
	type N8nServer,
	type N8nSetup,
} from './lib/n8n';
import { joinQueueMode, queueModeEnv, startWorker, type N8nWorker } from './lib/queue';
import { startLocalPostgres, startLocalRedis, type LocalService } from './lib/services';

function say(message: string): void {
	process.stdout.write(`[start:queue] ${message}\n`);
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < min || value > max)
		throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${raw}`);
	return value;
}

let workDir: string | undefined;
let emulators: DemoEmulators | undefined;
let server: N8nServer | undefined;
const workers: N8nWorker[] = [];
const services: LocalService[] = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	say('stopping the workers, n8n, the emulators, PostgreSQL and Redis…');
	await Promise.allSettled(workers.map(async (worker) => await worker.stop()));
	await server?.stop();
	await emulators?.stop();
	for (const service of [...services].reverse()) await service.stop().catch(() => undefined);
	if (workDir) rmSync(workDir, { recursive: true, force: true });
	process.exit(code);
}

async function main(): Promise<void> {
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	const root = repoRoot();
	const port = intFromEnv('N8N_PORT', 5678, 1, 65535);
	const emulatorBase = intFromEnv('EMULATOR_BASE_PORT', 18101, 1, 65532);
	const workerCount = intFromEnv('QUEUE_WORKERS', 2, 1, 8);
	for (const [what, p] of [
		['n8n', port],
		['emulators', emulatorBase],
		['emulators', emulatorBase + 1],
		['emulators', emulatorBase + 2],
		['emulators', emulatorBase + 3],
	] as const) {
		if (await portInUse(p))
			throw new Error(
				`port ${p} (${what}) on 127.0.0.1 is in use: stop what uses it or set N8N_PORT / EMULATOR_BASE_PORT`,
			);
	}
	workDir = mkdtempSync(join(tmpdir(), 'employee-sync-queue-'));

	say('starting Redis and PostgreSQL (Debian packages, in a temporary folder)…');
	const redis = await startLocalRedis(workDir, await freePort(), randomBytes(12).toString('hex'));
	services.push(redis);
	const postgres = await startLocalPostgres(
		workDir,
		await freePort(),
		randomBytes(12).toString('hex'),
	);
	services.push(postgres);
	joinQueueMode(queueModeEnv(redis, postgres));

	const setup: N8nSetup = {
		userFolder: join(workDir, 'user'),
		port,
		brokerPort: await freePort(),
		encryptionKey: randomBytes(24).toString('hex'),
	};
	say(
		'packing the package and installing it for n8n (main and workers load it from the same folder)…',
	);
	await installPackage(setup.userFolder, await packPackage(workDir, root));

	emulators = await startDemoEmulators({
		ports: {
			shiheng: emulatorBase,
			mingdao: emulatorBase + 1,
			weLink: emulatorBase + 2,
			aliyunIot: emulatorBase + 3,
		},
	});
	say('importing the demo credentials and the example workflows into PostgreSQL…');
	await importCredentials(setup, demoCredentialImports(emulators.handles));
	const staging = join(workDir, 'examples');
	cpSync(join(root, 'examples'), staging, { recursive: true });
	await importWorkflowDirectory(setup, staging);
	await publishWorkflow(setup, EXAMPLE_WORKFLOWS.oaLogin);

	say(`starting the n8n main instance on http://127.0.0.1:${port} …`);
	server = await startN8nServer(setup, { inheritOutput: true });
	for (let index = 1; index <= workerCount; index++) {
		say(`starting n8n worker ${index}…`);
		workers.push(
			await startWorker(setup, {
				index,
				brokerPort: await freePort(),
				healthPort: await freePort(),
				concurrency: 10,
				inheritOutput: true,
			}),
		);
	}
	const session = new RestSession(server.baseUrl);
	await session.setupOwner(DEMO_OWNER);

	const line = '─'.repeat(72);
	process.stdout.write(
		[
			'',
			line,
			`  n8n editor:  ${server.baseUrl}/   (main, pid ${server.process.pid})`,
			`  login:       ${DEMO_OWNER.email}  /  ${DEMO_OWNER.password}`,
			`  workers:     ${workers.map((w) => `worker ${w.index} pid ${w.pid}`).join(', ')} — every execution runs on them`,
			`  Redis:       127.0.0.1:${redis.port} (queue, and the nodes' shared rate limits and tokens)`,
			`  PostgreSQL:  127.0.0.1:${postgres.port} database ${postgres.database}`,
			`  credentials: ${Object.values(DEMO_CREDENTIALS)
				.map((c) => c.name)
				.join(', ')}`,
			'  examples:    Employee identity sync · WeLink provisioning · OA login → IoT employee',
			`  webhook:     curl -s -X POST ${server.baseUrl}/webhook/${OA_LOGIN_WEBHOOK_PATH} -H 'content-type: application/json' -d '{"authCode":"DEMO-AUTH-0001"}'`,
			'  emulators:   ' +
				Object.entries(emulators.handles)
					.map(([v, h]) => `${v} ${h.baseUrl}`)
					.join('  '),
			`  data:        ${workDir} (removed on exit)`,
			'  Ctrl-C stops everything.',
			line,
			'',
		].join('\n'),
	);

	for (const child of [server.process, ...workers.map((w) => w.process)]) {
		child.on('exit', (code) => {
			if (!stopping) {
				say(`an n8n process (pid ${child.pid}) exited (${code ?? 'signal'})`);
				void shutdown(1);
			}
		});
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`[start:queue] ${error instanceof Error ? error.message : String(error)}\n`);
	void shutdown(1);
});
