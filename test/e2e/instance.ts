/**
 * One n8n instance for an end-to-end test file: a fresh user folder, this package installed from
 * its npm tarball the way users install it, the demo emulators, the demo credentials and the
 * example workflows from examples/ (the OA-login webhook published), and the chat-model emulator with
 * its OpenAI credential for the AI Agent example (the demo conversation, as under `npm start`).
 * Which n8n runs it is the line scripts/e2e.sh chose (`currentRuntime()`).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	DEMO_CHAT_FALLBACK,
	DEMO_CHAT_SCRIPTS,
	EXAMPLE_WORKFLOWS,
	demoCredentialImports,
	demoSecrets,
	openAiCredentialImport,
} from '../../scripts/lib/demo';
import {
	currentRuntime,
	freePort,
	importCredentials,
	importWorkflowDirectory,
	installPackage,
	packPackage,
	publishWorkflow,
	repoRoot,
	type N8nRuntime,
	type N8nSetup,
} from '../../scripts/lib/n8n';
import { startOpenAiEmulator, type OpenAiEmulator } from '../emulators/openai';
import { startDemoEmulators, type DemoEmulators } from '../emulators/serve';

export interface E2eInstance {
	demo: DemoEmulators;
	/** The chat model of the AI Agent example (credential "OpenAI (chat-model emulator)"). */
	chatModel: OpenAiEmulator;
	setup: N8nSetup;
	runtime: N8nRuntime;
	/** Every demo secret (asserted absent from what n8n shows). */
	secrets: string[];
	dispose(): Promise<void>;
}

export async function prepareInstance(): Promise<E2eInstance> {
	const root = repoRoot();
	const workDir = mkdtempSync(join(tmpdir(), 'employee-sync-e2e-'));
	const demo = await startDemoEmulators({ latencyMs: 5 });
	const chatModel = await startOpenAiEmulator({
		scripts: DEMO_CHAT_SCRIPTS,
		fallbackAnswer: DEMO_CHAT_FALLBACK,
	});
	const runtime = currentRuntime(root);
	const setup: N8nSetup = {
		userFolder: join(workDir, 'user'),
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: 'e2e-fixed-encryption-key-0123456789',
		runtime,
	};
	const dispose = async (): Promise<void> => {
		await demo.stop();
		await chatModel.stop();
		if (process.env.KEEP_E2E_DIR !== '1') rmSync(workDir, { recursive: true, force: true });
	};
	try {
		const tarball = await packPackage(workDir, root);
		await installPackage(setup.userFolder, tarball, runtime);
		await importCredentials(setup, [
			...demoCredentialImports(demo.handles),
			openAiCredentialImport(chatModel),
		]);
		const examples = join(workDir, 'examples');
		cpSync(join(root, 'examples'), examples, { recursive: true });
		await importWorkflowDirectory(setup, examples);
		await publishWorkflow(setup, EXAMPLE_WORKFLOWS.oaLogin);
	} catch (error) {
		await dispose();
		throw error;
	}
	return {
		demo,
		chatModel,
		setup,
		runtime,
		secrets: [...demoSecrets(demo.handles), chatModel.apiKey],
		dispose,
	};
}

export function expectNoSecrets(instance: E2eInstance, text: string): void {
	for (const secret of instance.secrets) expect(text).not.toContain(secret);
}
