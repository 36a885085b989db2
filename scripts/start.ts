/**
 * `npm start` (after scripts/start.sh installed n8n and built the package): the four vendor
 * emulators with the demo company, a real n8n of the chosen line (2.x by default, 1.x with
 * `--n8n=1`; each keeps its own user folder) on 127.0.0.1 with this package installed from its
 * npm tarball, demo credentials pointing at the emulators, the example workflows and an owner
 * account. Ctrl-C stops everything it started.
 *
 * The AI Agent example's OpenAI Chat Model talks to the chat-model emulator, which holds the
 * scripted conversation of scripts/lib/demo.ts (DEMO_CHAT_SCRIPTS), so the example runs offline.
 *
 * Environment: N8N_PORT (default 5678), EMULATOR_BASE_PORT (default 18101: Shiheng, +1 Mingdao,
 * +2 WeLink, +3 Aliyun IoT, +4 the chat model), EMPLOYEE_SYNC_RESET=1 (a fresh n8n user folder).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { startOpenAiEmulator, type OpenAiEmulator } from '../test/emulators/openai';
import { startDemoEmulators, type DemoEmulators } from '../test/emulators/serve';
import {
	DEMO_CHAT_FALLBACK,
	DEMO_CHAT_SCRIPTS,
	DEMO_CREDENTIALS,
	DEMO_OPENAI_CREDENTIAL,
	DEMO_OWNER,
	EXAMPLE_WORKFLOWS,
	OA_LOGIN_WEBHOOK_PATH,
	demoCredentialImports,
	openAiCredentialImport,
} from './lib/demo';
import {
	RestSession,
	currentRuntime,
	importCredentials,
	importWorkflowDirectory,
	installPackage,
	listJsonFiles,
	n8nVersion,
	packPackage,
	portInUse,
	publishWorkflow,
	repoRoot,
	startN8nServer,
	type N8nServer,
	type N8nSetup,
} from './lib/n8n';

function say(message: string): void {
	process.stdout.write(`[npm start] ${message}\n`);
}

function intFromEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 1 || value > 65535)
		throw new Error(`${name} must be a port number, got ${raw}`);
	return value;
}

let emulators: DemoEmulators | undefined;
let chatModel: OpenAiEmulator | undefined;
let server: N8nServer | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	if (server || emulators) say('stopping n8n and the emulators…');
	await server?.stop();
	await emulators?.stop();
	await chatModel?.stop();
	process.exit(code);
}

async function main(): Promise<void> {
	const root = repoRoot();
	const n8n = currentRuntime(root);
	// .n8n-runtime/ for 2.x, .n8n-runtime-1x/ for 1.x: a 2.x database cannot be opened by 1.x.
	const runtime = dirname(n8n.appDir);
	const userFolder = join(runtime, 'user');
	if (process.env.EMPLOYEE_SYNC_RESET === '1') rmSync(userFolder, { recursive: true, force: true });
	const fresh = !existsSync(join(userFolder, '.n8n'));
	mkdirSync(userFolder, { recursive: true });

	const port = intFromEnv('N8N_PORT', 5678);
	const emulatorBase = intFromEnv('EMULATOR_BASE_PORT', 18101);
	const brokerPort = intFromEnv('N8N_RUNNERS_BROKER_PORT', port + 1);
	for (const [what, p] of [
		['n8n', port],
		['n8n task broker', brokerPort],
		['emulators', emulatorBase],
		['emulators', emulatorBase + 1],
		['emulators', emulatorBase + 2],
		['emulators', emulatorBase + 3],
		['chat-model emulator', emulatorBase + 4],
	] as const) {
		if (await portInUse(p)) {
			throw new Error(
				`port ${p} (${what}) on 127.0.0.1 is in use: stop what uses it or set N8N_PORT / EMULATOR_BASE_PORT`,
			);
		}
	}

	// A random key on first start, kept beside the user folder: n8n encrypts credentials with it.
	const keyFile = join(runtime, 'encryption-key');
	if (!existsSync(keyFile) || fresh)
		writeFileSync(
			keyFile,
			createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('hex'),
		);
	const setup: N8nSetup = {
		userFolder,
		port,
		brokerPort,
		encryptionKey: readFileSync(keyFile, 'utf8').trim(),
		runtime: n8n,
	};

	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	say('packing the package and installing it into n8n (as Settings → Community Nodes would)…');
	const tarball = await packPackage(runtime, root);
	rmSync(join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-employee-sync'), {
		recursive: true,
		force: true,
	});
	await installPackage(userFolder, tarball, n8n);

	emulators = await startDemoEmulators({
		ports: {
			shiheng: emulatorBase,
			mingdao: emulatorBase + 1,
			weLink: emulatorBase + 2,
			aliyunIot: emulatorBase + 3,
		},
	});
	chatModel = await startOpenAiEmulator({
		port: emulatorBase + 4,
		scripts: DEMO_CHAT_SCRIPTS,
		fallbackAnswer: DEMO_CHAT_FALLBACK,
	});
	say(
		'emulators: ' +
			Object.entries(emulators.handles)
				.map(([v, h]) => `${v} ${h.baseUrl}`)
				.join(', ') +
			`, chat model ${chatModel.baseUrl}`,
	);

	say('importing the demo credentials…');
	await importCredentials(setup, [
		...demoCredentialImports(emulators.handles),
		openAiCredentialImport(chatModel),
	]);

	// The examples are imported on first start and whenever examples/ changes, so edits made in the
	// editor survive a restart otherwise.
	const examplesDir = join(root, 'examples');
	const files = listJsonFiles(examplesDir);
	const examplesHash = createHash('sha256')
		.update(files.map((f) => readFileSync(f, 'utf8')).join('\n'))
		.digest('hex');
	const stampFile = join(userFolder, 'examples-imported');
	if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== examplesHash) {
		say('importing the example workflows…');
		const staging = join(runtime, 'examples-staging');
		rmSync(staging, { recursive: true, force: true });
		cpSync(examplesDir, staging, { recursive: true });
		await importWorkflowDirectory(setup, staging);
		rmSync(staging, { recursive: true, force: true });
		await publishWorkflow(setup, EXAMPLE_WORKFLOWS.oaLogin);
		writeFileSync(stampFile, examplesHash);
	}

	say(`starting n8n ${n8nVersion(n8n)} on http://127.0.0.1:${port} …`);
	server = await startN8nServer(setup, { inheritOutput: true });
	const session = new RestSession(server.baseUrl);
	const created = await session.setupOwner(DEMO_OWNER);
	let loginNote = '';
	if (!created) {
		try {
			await session.login(DEMO_OWNER.email, DEMO_OWNER.password);
		} catch {
			loginNote =
				' (an owner already existed and this password did not work: use yours, or EMPLOYEE_SYNC_RESET=1 npm start)';
		}
	}
	let ours: string[] = [];
	if (!loginNote) {
		const types = await session.request<Array<{ name: string }>>('GET', '/types/nodes.json');
		if (Array.isArray(types.data))
			ours = types.data
				.filter((t) => t.name.startsWith('n8n-nodes-employee-sync.'))
				.map((t) => t.name);
	}

	const line = '─'.repeat(72);
	process.stdout.write(
		[
			'',
			line,
			`  n8n editor:  ${server.baseUrl}/`,
			`  login:       ${DEMO_OWNER.email}  /  ${DEMO_OWNER.password}${loginNote}`,
			`  our nodes:   ${ours.join(', ') || 'NONE LOADED — see the n8n log above'}`,
			`  credentials: ${[...Object.values(DEMO_CREDENTIALS), DEMO_OPENAI_CREDENTIAL].map((c) => c.name).join(', ')}`,
			'  examples:    Employee identity sync · WeLink provisioning · OA login → IoT employee · Ask about an employee (AI Agent) · Reconcile WeCom and WeLink · Mirror WeCom into a private Mingdao',
			`  agent chat:  open "Ask about an employee", then Open chat: "Which Mingdao account has corpUserId wx-emp-1?"`,
			`  webhook:     curl -s -X POST ${server.baseUrl}/webhook/${OA_LOGIN_WEBHOOK_PATH} -H 'content-type: application/json' -d '{"authCode":"DEMO-AUTH-0001"}'`,
			'  emulators:   ' +
				Object.entries(emulators.handles)
					.map(([v, h]) => `${v} ${h.baseUrl}`)
					.join('  ') +
				`  chat model ${chatModel.baseUrl}`,
			'  Ctrl-C stops n8n and the emulators.',
			line,
			'',
		].join('\n'),
	);

	server.process.on('exit', (code) => {
		if (!stopping) {
			say(`n8n exited (${code ?? 'signal'})`);
			void shutdown(1);
		}
	});
}

main().catch((error: unknown) => {
	process.stderr.write(`[npm start] ${error instanceof Error ? error.message : String(error)}\n`);
	void shutdown(1);
});
