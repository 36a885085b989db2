/**
 * Redis and PostgreSQL from Debian's packages (redis-server, postgresql), run for n8n's queue mode
 * on 127.0.0.1 in a folder the caller owns and removes, each in the foreground as our child, and as
 * the unprivileged user its package created when we are root (PostgreSQL refuses to run as root).
 * Used by `npm run start:queue` and the queue-mode end-to-end test.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { watchChild } from './child';

export interface LocalService {
	name: string;
	port: number;
	/** The service's main process (its workers are its descendants). */
	pid: number;
	stop(): Promise<void>;
}

export interface LocalRedis extends LocalService {
	password: string;
}

export interface LocalPostgres extends LocalService {
	database: string;
	user: string;
	password: string;
}

interface Account {
	uid: number;
	gid: number;
}

/** The package's system user, when we are root and must drop to it; undefined otherwise. */
function serviceAccount(user: string): Account | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${user}:`));
	if (!line)
		throw new Error(
			`user ${user} not found: is the Debian package installed (apt-get install -y redis-server postgresql)?`,
		);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** A folder the service's user owns, inside `parent` (which it must be able to enter). */
function serviceDir(parent: string, name: string, account: Account | undefined): string {
	chmodSync(parent, 0o755);
	const dir = join(parent, name);
	mkdirSync(dir, { recursive: true });
	if (account) chownSync(dir, account.uid, account.gid);
	chmodSync(dir, 0o700);
	return dir;
}

/** Runs `command` as the account (setpriv execs it: the pid we get is the service's own). */
function asAccount(
	account: Account | undefined,
	command: string,
	args: string[],
): [string, string[]] {
	if (!account) return [command, args];
	return [
		'setpriv',
		[
			`--reuid=${account.uid}`,
			`--regid=${account.gid}`,
			'--init-groups',
			'--reset-env',
			'--',
			command,
			...args,
		],
	];
}

function runAs(account: Account | undefined, command: string, args: string[]): void {
	const [cmd, cmdArgs] = asAccount(account, command, args);
	const done = spawnSync(cmd, cmdArgs, {
		encoding: 'utf8',
		env: { ...process.env, LC_ALL: 'C.UTF-8' },
	});
	if (done.status !== 0)
		throw new Error(
			`${command} ${args.join(' ')} failed (exit ${done.status}):\n${done.stdout}\n${done.stderr}`,
		);
}

function findBinary(candidates: string[], what: string): string {
	for (const candidate of candidates) {
		if (
			candidate.includes('/')
				? existsSync(candidate)
				: spawnSync('sh', ['-c', `command -v ${candidate}`]).status === 0
		)
			return candidate;
	}
	throw new Error(
		`${what} is not installed: apt-get install -y redis-server postgresql (scripts/queue-packages.sh does it)`,
	);
}

/** The newest PostgreSQL server binaries Debian's postgresql package installed. */
function postgresBin(): string {
	const base = '/usr/lib/postgresql';
	const versions = existsSync(base)
		? readdirSync(base)
				.filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length === 0) findBinary([], 'PostgreSQL');
	return join(base, versions[0], 'bin');
}

function tcpAnswers(port: number): Promise<boolean> {
	return new Promise((resolveAnswer) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(500, () => {
			socket.destroy();
			resolveAnswer(false);
		});
		socket.on('error', () => resolveAnswer(false));
		socket.on('connect', () => {
			socket.destroy();
			resolveAnswer(true);
		});
	});
}

/** Starts a foreground service as our child in its own process group, and a stop() for it. */
function supervise(
	name: string,
	child: ChildProcess,
	stopSignal: NodeJS.Signals,
	log: () => string,
) {
	const { exited, stop } = watchChild(child, stopSignal);
	const waitUntil = async (ready: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (exited()) throw new Error(`${name} exited at start:\n${log().slice(-3000)}`);
			if (await ready()) return;
			await new Promise((r) => setTimeout(r, 100));
		}
		await stop();
		throw new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${log().slice(-3000)}`);
	};
	return { stop, waitUntil, exited };
}

function keepOutput(child: ChildProcess): () => string {
	let output = '';
	const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-50_000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return () => output;
}

/** redis-server on 127.0.0.1:port with a password, no persistence, in `dir`. */
export async function startLocalRedis(
	dir: string,
	port: number,
	password: string,
): Promise<LocalRedis> {
	const binary = findBinary(['redis-server', '/usr/bin/redis-server'], 'redis-server');
	const account = serviceAccount('redis');
	const workDir = serviceDir(dir, 'redis', account);
	const [command, args] = asAccount(account, binary, [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--dir',
		workDir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--requirepass',
		password,
	]);
	const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	const service = supervise('redis-server', child, 'SIGTERM', keepOutput(child));
	await service.waitUntil(async () => await tcpAnswers(port), 15_000);
	return { name: 'redis', port, pid: child.pid ?? 0, password, stop: service.stop };
}

/**
 * A fresh PostgreSQL cluster in `dir` (initdb), served on 127.0.0.1:port with its socket in the
 * same folder, and a database and password-protected role for n8n.
 */
export async function startLocalPostgres(
	dir: string,
	port: number,
	password: string,
): Promise<LocalPostgres> {
	const bin = postgresBin();
	const account = serviceAccount('postgres');
	const workDir = serviceDir(dir, 'postgres', account);
	const data = join(workDir, 'data');
	const pwFile = join(workDir, 'superuser-password');
	writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
	if (account) chownSync(pwFile, account.uid, account.gid);
	runAs(account, join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		'postgres',
		'--auth-local=trust',
		'--auth-host=scram-sha-256',
		`--pwfile=${pwFile}`,
		'-E',
		'UTF8',
		'--no-instructions',
	]);
	const [command, args] = asAccount(account, join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		workDir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
	]);
	const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	// SIGINT is PostgreSQL's "fast shutdown": sessions end, then it stops.
	const service = supervise('postgres', child, 'SIGINT', keepOutput(child));
	const isReady = async () =>
		spawnSync(join(bin, 'pg_isready'), ['-h', workDir, '-p', String(port), '-q']).status === 0;
	await service.waitUntil(isReady, 30_000);
	const psql = (sql: string) => {
		const done = spawnSync(
			join(bin, 'psql'),
			['-h', workDir, '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql],
			{ encoding: 'utf8' },
		);
		if (done.status !== 0) throw new Error(`psql failed: ${done.stderr}`);
	};
	psql(`CREATE ROLE n8n LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
	psql('CREATE DATABASE n8n OWNER n8n');
	return {
		name: 'postgres',
		port,
		pid: child.pid ?? 0,
		database: 'n8n',
		user: 'n8n',
		password,
		stop: service.stop,
	};
}

/**
 * Resident memory of each given process together with its descendants, in MB. Asks `ps` (one
 * process, run asynchronously) rather than reading /proc here, so sampling never stalls the
 * caller's event loop — in the tests that loop also serves the emulators.
 */
export async function treeRssMb(roots: number[]): Promise<Map<number, number>> {
	const listing = await new Promise<string>((resolveList, reject) =>
		execFile(
			'ps',
			['-e', '-o', 'pid=,ppid=,rss='],
			{ maxBuffer: 8 * 1024 * 1024 },
			(error, stdout) => (error ? reject(error) : resolveList(stdout)),
		),
	);
	const parents = new Map<number, number>();
	const rss = new Map<number, number>();
	for (const line of listing.split('\n')) {
		const [pid, ppid, kb] = line.trim().split(/\s+/).map(Number);
		if (!Number.isFinite(pid) || !Number.isFinite(ppid)) continue;
		parents.set(pid, ppid);
		rss.set(pid, Number.isFinite(kb) ? kb : 0);
	}
	const totals = new Map<number, number>(roots.map((root) => [root, 0]));
	for (const [pid, kb] of rss) {
		let cursor: number | undefined = pid;
		while (cursor !== undefined && cursor > 1 && !totals.has(cursor)) cursor = parents.get(cursor);
		if (cursor !== undefined && totals.has(cursor))
			totals.set(cursor, (totals.get(cursor) ?? 0) + kb);
	}
	return new Map([...totals].map(([root, kb]) => [root, Math.round(kb / 1024)]));
}
