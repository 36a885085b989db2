import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

import ts from 'typescript';

import { freePort } from '../../scripts/lib/child';

/**
 * What the shared-state tests need around them: a real `redis-server` (Debian's package) on a
 * free port in a temporary folder, and our shared modules compiled to JavaScript so that several
 * separate Node processes can run them, as n8n's main and workers would.
 */

const ROOT = resolve(__dirname, '..', '..');

/** Sends PING over a raw socket; true on +PONG. */
function ping(port: number): Promise<boolean> {
	return new Promise((resolvePing) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolvePing(ok);
		};
		socket.setTimeout(500, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

export interface RedisServer {
	port: number;
	url: string;
	process: ChildProcess;
	/** Stops the server (SIGKILL when `hard`, as a crash would). */
	stop(hard?: boolean): Promise<void>;
}

export function redisServerBinary(): string {
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	const path = found.stdout.trim();
	if (found.status !== 0 || path === '') {
		throw new Error(
			'redis-server is not installed: `npm test` installs it (scripts/test-prerequisites.sh), or apt-get install -y redis-server',
		);
	}
	return path;
}

/** Whether nothing listens on 127.0.0.1:port. */
function portFree(port: number): Promise<boolean> {
	return new Promise((resolveFree) => {
		const server = createServer();
		server.once('error', () => resolveFree(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
	});
}

/** A free port whose cluster bus port (port + 10000) is free as well. */
async function freeClusterPort(): Promise<number> {
	for (;;) {
		const port = 20_000 + Math.floor(Math.random() * 20_000);
		if ((await portFree(port)) && (await portFree(port + 10_000))) return port;
	}
}

/** `port`: a given one (a restart where the last server stood), else a free one. */
export async function startRedisServer(
	options: { cluster?: boolean; port?: number } = {},
): Promise<RedisServer> {
	const binary = redisServerBinary();
	const port = options.port ?? (options.cluster ? await freeClusterPort() : await freePort());
	const dir = mkdtempSync(join(tmpdir(), 'employee-sync-redis-'));
	const clusterArgs = options.cluster
		? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')]
		: [];
	const child = spawn(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			...clusterArgs,
		],
		{
			stdio: ['ignore', 'ignore', 'pipe'],
		},
	);
	let exited = false;
	const exitedPromise = new Promise<void>((resolveExit) =>
		child.on('exit', () => {
			exited = true;
			resolveExit();
		}),
	);
	const stop = async (hard = false): Promise<void> => {
		if (!exited) child.kill(hard ? 'SIGKILL' : 'SIGTERM');
		await exitedPromise;
		rmSync(dir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (exited) throw new Error(`redis-server exited at start (port ${port})`);
		if (await ping(port)) return { port, url: `redis://127.0.0.1:${port}`, process: child, stop };
		await new Promise((r) => setTimeout(r, 50));
	}
	await stop(true);
	throw new Error('redis-server did not answer PING within 10 s');
}

/** Three cluster-mode redis-servers joined into a Redis Cluster (redis-cli --cluster create). */
export async function startRedisCluster(): Promise<{
	nodes: RedisServer[];
	stop(): Promise<void>;
}> {
	const nodes: RedisServer[] = [];
	const stop = async () => {
		await Promise.all(nodes.map(async (node) => await node.stop(true)));
	};
	try {
		for (let i = 0; i < 3; i++) nodes.push(await startRedisServer({ cluster: true }));
		const create = spawnSync(
			'redis-cli',
			[
				'--cluster',
				'create',
				...nodes.map((node) => `127.0.0.1:${node.port}`),
				'--cluster-replicas',
				'0',
				'--cluster-yes',
			],
			{ encoding: 'utf8', timeout: 30_000 },
		);
		if (create.status !== 0)
			throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
		// The nodes agree on the slots a moment after create returns: every node must say so, or a
		// client asking one that does not yet stalls.
		const deadline = Date.now() + 15_000;
		for (;;) {
			const infos = nodes.map(
				(node) =>
					spawnSync('redis-cli', ['-p', String(node.port), 'cluster', 'info'], { encoding: 'utf8' })
						.stdout,
			);
			if (infos.every((info) => /cluster_state:ok/.test(info))) break;
			if (Date.now() > deadline)
				throw new Error(`the Redis Cluster did not become ready: ${infos.join('\n')}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		return { nodes, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

function sourcesUnder(dir: string): string[] {
	return readdirSync(join(ROOT, dir)).flatMap((entry) => {
		const path = join(dir, entry);
		if (statSync(join(ROOT, path)).isDirectory()) return sourcesUnder(path);
		return entry.endsWith('.ts') ? [path] : [];
	});
}

/** What test/shared/redis-child.ts runs on besides nodes/shared: its WeLink mode drives the real client. */
export const REDIS_CHILD_SOURCES = [
	'test/shared/redis-child.ts',
	...sourcesUnder(join('nodes', 'WeLink')),
];

/**
 * Compiles nodes/shared and the given test files to JavaScript in a temporary folder, keeping the
 * repository's layout. TypeScript's own transpiler (the project builds with isolatedModules, so
 * each file compiles on its own); type checking is `npm run typecheck`'s job.
 */
export function compileForChildren(testFiles: string[]): {
	dir: string;
	file(path: string): string;
	cleanup(): void;
} {
	const dir = mkdtempSync(join(tmpdir(), 'employee-sync-children-'));
	const sources = [...sourcesUnder(join('nodes', 'shared')), ...testFiles].map((f) =>
		resolve(ROOT, f),
	);
	for (const source of sources) {
		const output = ts.transpileModule(readFileSync(source, 'utf8'), {
			compilerOptions: {
				module: ts.ModuleKind.CommonJS,
				target: ts.ScriptTarget.ES2022,
				esModuleInterop: true,
			},
			fileName: source,
		});
		const target = join(dir, relative(ROOT, source)).replace(/\.ts$/, '.js');
		mkdirSync(dirname(target), { recursive: true });
		writeFileSync(target, output.outputText);
	}
	return {
		dir,
		file: (path) => join(dir, path.replace(/\.ts$/, '.js')),
		cleanup: () => rmSync(dir, { recursive: true, force: true }),
	};
}

/** Environment for a child: our node_modules (ioredis, n8n-workflow) without jest's variables. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([key]) => !key.startsWith('JEST_') && key !== 'NODE_OPTIONS',
		),
	);
	return { ...inherited, NODE_PATH: join(ROOT, 'node_modules'), ...extra };
}

/** A child process speaking JSON lines: it prints one object per line and reads commands on stdin. */
export class Child {
	readonly messages: Array<Record<string, unknown>> = [];

	readonly exited: Promise<number | null>;

	private stderr = '';

	private waiters: Array<() => void> = [];

	constructor(readonly process: ChildProcess) {
		let buffer = '';
		process.stdout?.on('data', (chunk: Buffer) => {
			buffer += chunk.toString('utf8');
			let newline: number;
			while ((newline = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, newline).trim();
				buffer = buffer.slice(newline + 1);
				if (line !== '') this.messages.push(JSON.parse(line) as Record<string, unknown>);
				for (const wake of this.waiters.splice(0)) wake();
			}
		});
		process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
		this.exited = new Promise((resolveExit) =>
			process.on('exit', (code) => {
				for (const wake of this.waiters.splice(0)) wake();
				resolveExit(code);
			}),
		);
	}

	static start(script: string, args: unknown, env: Record<string, string>): Child {
		return new Child(
			spawn(process.execPath, [script, JSON.stringify(args)], {
				env: childEnv(env),
				stdio: ['pipe', 'pipe', 'pipe'],
			}),
		);
	}

	send(command: Record<string, unknown>): void {
		this.process.stdin?.write(`${JSON.stringify(command)}\n`);
	}

	errorOutput(): string {
		return this.stderr;
	}

	/** Resolves with the first message of this type (already received or coming). */
	async next(type: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.messages.find((m) => m.type === type);
			if (found) return found;
			if (this.process.exitCode !== null || this.process.signalCode !== null) {
				throw new Error(
					`child exited (${this.process.exitCode ?? this.process.signalCode}) before "${type}": ${this.stderr.slice(-2000)}`,
				);
			}
			const left = deadline - Date.now();
			if (left <= 0)
				throw new Error(
					`no "${type}" message from the child within ${timeoutMs} ms: ${this.stderr.slice(-2000)}`,
				);
			await new Promise<void>((wake) => {
				const timer = setTimeout(wake, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					wake();
				});
			});
		}
	}

	kill(signal: NodeJS.Signals = 'SIGKILL'): void {
		if (this.process.exitCode === null && this.process.signalCode === null)
			this.process.kill(signal);
	}
}
