/**
 * Drives a real n8n (installed by scripts/n8n-runtime.sh) the way an administrator would: a user
 * folder with our package installed by npm (as Settings → Community Nodes does), `n8n import:*` /
 * `execute` / publishing a workflow on the command line, `n8n start` as a server on 127.0.0.1 and
 * its REST API. Two lines are supported, each on its own Node: n8n 2.41.1 on Node 24 (the default,
 * `.n8n-runtime/`) and n8n 1.123.x on Node 22 (`N8N_LINE=1`, `.n8n-runtime-1x/`); where their
 * command lines differ, the difference is kept here, keyed on the line. Used by `npm start`
 * (scripts/start.ts), the end-to-end tests (test/e2e) and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';

import { watchChild } from './child';

/** The repository root: the nearest folder above this file holding our package.json. */
export function repoRoot(): string {
	let dir = __dirname;
	for (;;) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
			if (name === 'n8n-nodes-employee-sync') return dir;
		}
		const parent = resolve(dir, '..');
		if (parent === dir) throw new Error('repository root not found above ' + __dirname);
		dir = parent;
	}
}

export const PACKAGE_NAME = 'n8n-nodes-employee-sync';

/** n8n binds its auth cookie to the browser id header the session logged in with. */
const BROWSER_ID = 'employee-sync-rest-client';

/** An n8n release line we test on: 2 = n8n 2.41.1 on Node 24, 1 = n8n 1.123.x on Node 22. */
export type N8nLine = 1 | 2;

/** One installed n8n and the Node it runs on. */
export interface N8nRuntime {
	line: N8nLine;
	/** The folder whose node_modules holds n8n (scripts/n8n-runtime.sh installs it). */
	appDir: string;
	/** The Node binary this line runs on. */
	nodeBinary: string;
}

/** `"1"` or `"2"` (from `--n8n=` or `N8N_LINE`); nothing means the default line, 2. */
export function parseN8nLine(value: string | undefined): N8nLine {
	if (value === undefined || value === '' || value === '2') return 2;
	if (value === '1') return 1;
	throw new Error(`n8n line must be 1 or 2, got "${value}"`);
}

/**
 * The runtime scripts/n8n-runtime.sh prepared for this process (it exports N8N_LINE, N8N_APP_DIR
 * and N8N_NODE_BIN). Without those, line 2 from .n8n-runtime/ on the current Node, as before the
 * 1.x line existed.
 */
export function currentRuntime(root = repoRoot()): N8nRuntime {
	const line = parseN8nLine(process.env.N8N_LINE);
	const appDir =
		process.env.N8N_APP_DIR ?? (line === 2 ? join(root, '.n8n-runtime', 'app') : undefined);
	const nodeBinary = process.env.N8N_NODE_BIN ?? (line === 2 ? process.execPath : undefined);
	if (!appDir || !nodeBinary) {
		throw new Error(
			'n8n line 1 needs N8N_APP_DIR and N8N_NODE_BIN: run through `npm run test:e2e -- --n8n=1` or `npm start -- --n8n=1`',
		);
	}
	return { line, appDir, nodeBinary };
}

/** The version of n8n installed in a runtime (from its package.json). */
export function n8nVersion(runtime: N8nRuntime): string {
	const manifest = join(runtime.appDir, 'node_modules', 'n8n', 'package.json');
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function n8nMainScript(root = repoRoot(), runtime = currentRuntime(root)): string {
	const main = join(runtime.appDir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(main)) {
		throw new Error(
			`n8n is not installed in ${main}: run through scripts/run.sh after scripts/n8n-runtime.sh`,
		);
	}
	return main;
}

export interface N8nSetup {
	userFolder: string;
	/** HTTP port of `n8n start` (127.0.0.1). */
	port: number;
	/** Task-runner broker port; every concurrently running n8n process needs its own. */
	brokerPort: number;
	encryptionKey: string;
	/** Which n8n runs this instance; `currentRuntime()` when left out. */
	runtime?: N8nRuntime;
}

function runtimeOf(setup: N8nSetup): N8nRuntime {
	return setup.runtime ?? currentRuntime();
}

/** Settings only one line understands. */
function lineEnv(line: N8nLine): NodeJS.ProcessEnv {
	if (line === 2) {
		// Else a start-up stack trace about an unreachable host. n8n 1.x has no such module and refuses to start when it is named.
		return { N8N_DISABLED_MODULES: 'mcp-registry' };
	}
	// n8n 1.123's default expression engine ("vm") runs in isolated-vm, a native module the
	// install leaves unbuilt (install scripts stay off); the legacy engine is plain JavaScript.
	return { N8N_EXPRESSION_ENGINE: 'legacy' };
}

/** Environment for every n8n process of one instance: local only, no telemetry, no outbound calls. */
export function n8nEnv(setup: N8nSetup, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const runtime = runtimeOf(setup);
	// Under jest NODE_ENV is "test", which makes n8n's commands skip their work: pass none of jest's variables.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV' && !key.startsWith('JEST_')),
	);
	return {
		...inherited,
		N8N_USER_FOLDER: setup.userFolder,
		N8N_ENCRYPTION_KEY: setup.encryptionKey,
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(setup.port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${setup.port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${setup.port}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(setup.brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		...lineEnv(runtime.line),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_PREVENT_LOADING: 'false',
		GENERIC_TIMEZONE: 'UTC',
		// n8n 2.x's outbound network policy (SSRF protection) on, as a careful administrator runs it,
		// with only loopback allowed: the emulators live there. n8n 1.x has no such policy.
		N8N_SSRF_PROTECTION_ENABLED: process.env.N8N_SSRF_PROTECTION_ENABLED ?? 'true',
		N8N_SSRF_ALLOWED_IP_RANGES: process.env.N8N_SSRF_ALLOWED_IP_RANGES ?? '127.0.0.0/8',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'warn',
		// Options meant for the calling process (jest, ts tooling) must not leak into n8n.
		NODE_OPTIONS: '',
		...extra,
	};
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs `n8n <args>` with the instance's environment. */
export function runN8nCli(
	setup: N8nSetup,
	args: string[],
	extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
	const runtime = runtimeOf(setup);
	return runProcess(runtime.nodeBinary, [n8nMainScript(undefined, runtime), ...args], {
		env: n8nEnv(setup, extraEnv),
	});
}

export function runProcess(
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, {
			env: options.env ?? process.env,
			cwd: options.cwd,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		child.on('error', reject);
		child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
	});
}

async function mustSucceed(what: string, result: Promise<CliResult>): Promise<CliResult> {
	const done = await result;
	if (done.code !== 0) {
		throw new Error(
			`${what} failed (exit ${done.code}):\n${done.stdout.slice(-4000)}\n${done.stderr.slice(-4000)}`,
		);
	}
	return done;
}

/** `npm pack` of the built package into `destination`; returns the tarball's path. */
export async function packPackage(destination: string, root = repoRoot()): Promise<string> {
	mkdirSync(destination, { recursive: true });
	const done = await mustSucceed(
		'npm pack',
		runProcess('npm', ['pack', '--pack-destination', destination, '--loglevel=error', '--json'], {
			cwd: root,
		}),
	);
	const [info] = JSON.parse(done.stdout) as Array<{ filename: string }>;
	return join(destination, info.filename);
}

/**
 * Installs the tarball into `<userFolder>/.n8n/nodes`, where n8n loads community packages from (node
 * types become `n8n-nodes-employee-sync.<name>`). Peer dependencies are left out: n8n supplies its
 * own n8n-workflow, and a second copy would break `instanceof` checks in n8n.
 */
export async function installPackage(
	userFolder: string,
	tarball: string,
	runtime?: N8nRuntime,
): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const manifest = join(nodesDir, 'package.json');
	if (!existsSync(manifest)) {
		writeFileSync(
			manifest,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	await mustSucceed(
		'npm install of the package tarball',
		runProcess(
			'npm',
			[
				'install',
				tarball,
				'--omit=peer',
				'--omit=dev',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			// npm runs on the line's Node, as it does inside that n8n.
			{
				cwd: nodesDir,
				env: runtime
					? {
							...process.env,
							PATH: `${dirname(runtime.nodeBinary)}${delimiter}${process.env.PATH ?? ''}`,
						}
					: undefined,
			},
		),
	);
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, string | number | boolean>;
}

export async function importCredentials(
	setup: N8nSetup,
	credentials: CredentialImport[],
): Promise<void> {
	const file = join(setup.userFolder, 'import-credentials.json');
	writeFileSync(file, JSON.stringify(credentials, null, 2));
	try {
		await mustSucceed(
			'n8n import:credentials',
			runN8nCli(setup, ['import:credentials', `--input=${file}`]),
		);
	} finally {
		// The file holds the demo secrets in clear text; n8n keeps them encrypted.
		rmSync(file, { force: true });
	}
}

/** Imports every `*.json` workflow in `directory` with one n8n process. */
export async function importWorkflowDirectory(setup: N8nSetup, directory: string): Promise<void> {
	await mustSucceed(
		'n8n import:workflow',
		runN8nCli(setup, ['import:workflow', '--separate', `--input=${directory}`]),
	);
}

/** Makes a workflow's triggers (webhooks) live when the server next starts. */
export async function publishWorkflow(setup: N8nSetup, id: string): Promise<void> {
	// n8n 2.x publishes a version of a workflow; 1.x has no versions and only flags the workflow active.
	const args =
		runtimeOf(setup).line === 2
			? ['publish:workflow', `--id=${id}`]
			: ['update:workflow', `--id=${id}`, '--active=true'];
	await mustSucceed(`n8n ${args.join(' ')}`, runN8nCli(setup, args));
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string };
	data?: { main?: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> };
}

export interface ExecutionResult {
	status?: string;
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string };
			lastNodeExecuted?: string;
		};
	};
}

/**
 * `n8n execute --id --rawOutput`: runs a saved workflow in a new process. The run JSON shares stdout
 * with log lines, so the block from a line `{` to a line `}` is taken.
 */
export async function executeWorkflow(
	setup: N8nSetup,
	id: string,
	extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ result: ExecutionResult; stdout: string; stderr: string; code: number }> {
	// The run JSON is printed through n8n's logger at level info.
	const done = await runN8nCli(setup, ['execute', `--id=${id}`, '--rawOutput'], {
		...extraEnv,
		N8N_LOG_LEVEL: 'info',
	});
	const lines = done.stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) {
		throw new Error(
			`n8n execute --id=${id} printed no run data (exit ${done.code}):\n${done.stdout.slice(-3000)}\n${done.stderr.slice(-3000)}`,
		);
	}
	const result = JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionResult;
	return { result, stdout: done.stdout, stderr: done.stderr, code: done.code };
}

/** Output items (json) of a node's first run, first output. */
export function nodeItems(
	result: ExecutionResult,
	node: string,
	output = 0,
): Array<Record<string, unknown>> {
	const runs = result.data.resultData.runData[node];
	if (!runs || runs.length === 0) throw new Error(`node "${node}" did not run`);
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.json);
}

export function nodePairedItems(result: ExecutionResult, node: string, output = 0): unknown[] {
	const runs = result.data.resultData.runData[node];
	if (!runs || runs.length === 0) throw new Error(`node "${node}" did not run`);
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.pairedItem);
}

export interface N8nServer {
	baseUrl: string;
	process: ChildProcess;
	/** Everything the server printed (for error messages). */
	log(): string;
	stop(): Promise<void>;
}

/** Starts `n8n start` and resolves once `/healthz/readiness` answers 200. */
export async function startN8nServer(
	setup: N8nSetup,
	options: { timeoutMs?: number; inheritOutput?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<N8nServer> {
	const runtime = runtimeOf(setup);
	const child = spawn(runtime.nodeBinary, [n8nMainScript(undefined, runtime), 'start'], {
		env: n8nEnv(setup, options.env),
		stdio: ['ignore', 'pipe', 'pipe'],
		// Its own process group: Ctrl-C in the terminal reaches us, and we stop n8n in order.
		detached: true,
	});
	let output = '';
	const keep = (chunk: Buffer): void => {
		output = (output + chunk.toString('utf8')).slice(-200_000);
		if (options.inheritOutput) process.stdout.write(chunk);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const watched = watchChild(child);
	const baseUrl = `http://127.0.0.1:${setup.port}`;
	const server: N8nServer = {
		baseUrl,
		process: child,
		log: () => output,
		stop: watched.stop,
	};
	// n8n 1.x reports ready a few seconds before it mounts its REST API (until then /rest answers
	// 404), so for it the public settings endpoint must answer too.
	const probes =
		runtime.line === 2 ? ['/healthz/readiness'] : ['/healthz/readiness', '/rest/settings'];
	const deadline = Date.now() + (options.timeoutMs ?? 120_000);
	while (Date.now() < deadline && probes.length > 0) {
		if (watched.exited()) throw new Error(`n8n start exited early:\n${output.slice(-5000)}`);
		try {
			const response = await fetch(`${baseUrl}${probes[0]}`);
			if (response.ok) {
				probes.shift();
				continue;
			}
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	if (probes.length === 0) return server;
	await server.stop();
	throw new Error(`n8n start did not become ready in time:\n${output.slice(-5000)}`);
}

/** Kept here for the callers that take it with the other n8n helpers. */
export { freePort } from './child';

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
	return new Promise((resolveUse) => {
		const server = createServer();
		server.once('error', () => resolveUse(true));
		server.listen(port, '127.0.0.1', () => server.close(() => resolveUse(false)));
	});
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** A logged-in session against n8n's REST API (cookie auth, as the editor uses). */
export class RestSession {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	/** Creates the owner account on a fresh instance; false when an owner already exists. */
	async setupOwner(owner: Owner): Promise<boolean> {
		const response = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify(owner),
		});
		const text = await response.text();
		if (response.ok) {
			this.keepCookie(response);
			return true;
		}
		if (response.status === 400 && /already|setup/i.test(text)) return false;
		throw new Error(`POST /rest/owner/setup answered ${response.status}: ${text.slice(0, 500)}`);
	}

	async login(email: string, password: string): Promise<void> {
		const response = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		if (!response.ok)
			throw new Error(
				`login answered ${response.status}: ${(await response.text()).slice(0, 500)}`,
			);
		this.keepCookie(response);
	}

	async request<T>(
		method: string,
		path: string,
		body?: unknown,
	): Promise<{ status: number; data: T; text: string }> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				cookie: this.cookie,
				'browser-id': BROWSER_ID,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = undefined;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = undefined;
		}
		const data = (
			parsed && typeof parsed === 'object' && 'data' in parsed
				? (parsed as { data: T }).data
				: parsed
		) as T;
		return { status: response.status, data, text };
	}

	cookieHeader(): string {
		return this.cookie;
	}

	private keepCookie(response: Response): void {
		const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
		if (cookies.length > 0) this.cookie = cookies.join('; ');
	}
}

/** One execution as n8n's executions list shows it. */
export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
}

/** One execution with its run data. */
export interface StoredExecution extends ExecutionSummary {
	data: ExecutionResult['data'];
}

/** The executions of one workflow (`GET /rest/executions`), oldest first. */
export async function listExecutions(
	session: RestSession,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const listed = await session.request<{ results: ExecutionSummary[] }>(
		'GET',
		`/rest/executions?filter=${filter}&limit=100`,
	);
	if (listed.status !== 200 || !Array.isArray(listed.data?.results)) {
		throw new Error(`GET /rest/executions answered ${listed.status}: ${listed.text.slice(0, 500)}`);
	}
	return listed.data.results
		.map((execution) => ({ ...execution, id: String(execution.id) }))
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * One execution with its run data (`GET /rest/executions/:id`). n8n sends the run data in the
 * `flatted` encoding (it can hold cycles); it is decoded with the flatted of the n8n that wrote it.
 */
export async function readExecution(
	session: RestSession,
	id: string,
	runtime: N8nRuntime = currentRuntime(),
): Promise<StoredExecution> {
	const read = await session.request<ExecutionSummary & { data: string }>(
		'GET',
		`/rest/executions/${id}`,
	);
	if (read.status !== 200 || typeof read.data?.data !== 'string') {
		throw new Error(
			`GET /rest/executions/${id} answered ${read.status}: ${read.text.slice(0, 500)}`,
		);
	}
	const flatted = createRequire(join(runtime.appDir, 'node_modules', 'n8n', 'package.json'))(
		'flatted',
	) as { parse(text: string): unknown };
	return {
		...read.data,
		id: String(read.data.id),
		data: flatted.parse(read.data.data) as ExecutionResult['data'],
	};
}

export function listJsonFiles(directory: string): string[] {
	return readdirSync(directory)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => join(directory, f));
}
