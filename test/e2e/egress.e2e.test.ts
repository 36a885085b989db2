/**
 * n8n's outbound network policy (SSRF protection) in a real n8n: every node of the package, the
 * Shiheng Trigger (nodes by `n8n execute`, the trigger polled by `n8n start`'s scheduler), n8n's
 * HTTP Request node with our credentials and every credential's Test button, against the demo
 * emulators on 127.0.0.1. With
 * N8N_SSRF_PROTECTION_ENABLED=true and nothing allowed, n8n 2.41 refuses each of them; with
 * N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.0/8 (what scripts/lib/n8n.ts sets for every instance) they
 * all run. n8n 1.123 has no such policy: there both runs pass, as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEMO_CREDENTIALS, DEMO_OWNER } from '../../scripts/lib/demo';
import {
	PACKAGE_NAME,
	RestSession,
	executeWorkflow,
	importWorkflowDirectory,
	publishWorkflow,
	startN8nServer,
} from '../../scripts/lib/n8n';
import type { ExecutionResult } from '../../scripts/lib/n8n';
import { DEMO_COMPANY_ID } from '../emulators/aliyun';
import { expectNoSecrets, prepareInstance } from './instance';
import type { E2eInstance } from './instance';

const NODES_WORKFLOW = 'e2eEgressNodes01';
const TRIGGER_WORKFLOW = 'e2eEgressTrigger1';
const HTTP_WORKFLOW = 'e2eEgressHttpReq01';

/** The node name → its type, parameters and credential. */
const NODES: Record<
	string,
	{
		type: string;
		parameters: Record<string, unknown>;
		credential: keyof typeof DEMO_CREDENTIALS;
		credentialType: string;
	}
> = {
	Shiheng: {
		type: 'shiheng',
		parameters: {
			resource: 'employee',
			operation: 'getAll',
			endpointPath: '/open/api/wecom/employee/list',
			returnAll: false,
			limit: 5,
		},
		credential: 'shiheng',
		credentialType: 'shihengApi',
	},
	Mingdao: {
		type: 'mingdao',
		parameters: {
			resource: 'user',
			operation: 'getRelations',
			corpUserIds: 'e2e-nobody',
			options: {},
		},
		credential: 'mingdao',
		credentialType: 'mingdaoApi',
	},
	WeLink: {
		type: 'weLink',
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: 'e2e-nobody',
			options: {},
		},
		credential: 'weLink',
		credentialType: 'weLinkApi',
	},
	'Aliyun IoT': {
		type: 'aliyunIot',
		parameters: { resource: 'employee', operation: 'getManyByCompany', companyId: DEMO_COMPANY_ID },
		credential: 'aliyunIot',
		credentialType: 'aliyunIotApi',
	},
};

function nodesWorkflow(): Record<string, unknown> {
	const names = Object.keys(NODES);
	return {
		id: NODES_WORKFLOW,
		name: 'E2E: every node under the outbound network policy',
		active: false,
		nodes: [
			{
				id: 'e2e0egrs-0000-4000-8000-000000000000',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			...names.map((name, index) => ({
				id: `e2e0egrs-0000-4000-8000-00000000000${index + 1}`,
				name,
				type: `${PACKAGE_NAME}.${NODES[name].type}`,
				typeVersion: 1,
				position: [300, index * 200],
				parameters: NODES[name].parameters,
				// Each node reports its own outcome as an item, so one run shows all four.
				onError: 'continueRegularOutput',
				credentials: { [NODES[name].credentialType]: DEMO_CREDENTIALS[NODES[name].credential] },
			})),
		],
		connections: { Start: { main: [names.map((node) => ({ node, type: 'main', index: 0 }))] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * n8n's HTTP Request node with the two credentials whose own code takes part in a request: WeLink
 * fetches its token (preAuthentication), Mingdao signs. Each node asks its emulator for one thing.
 */
function httpRequestWorkflow(): Record<string, unknown> {
	const calls: Record<
		string,
		{
			credentialType: string;
			credential: keyof typeof DEMO_CREDENTIALS;
			url: string;
			body: unknown;
		}
	> = {
		'HTTP Request (WeLink)': {
			credentialType: 'weLinkApi',
			credential: 'weLink',
			url: `${instance.demo.handles.weLink.baseUrl}/api/contact/v1/users/status`,
			body: { personInfo: [{ corpUserId: 'e2e-nobody' }] },
		},
		'HTTP Request (Mingdao)': {
			credentialType: 'mingdaoApi',
			credential: 'mingdao',
			url: `${instance.demo.handles.mingdao.baseUrl}/generalintegrateapi/v2/user/getUserRelations`,
			body: { corpUserIds: ['e2e-nobody'] },
		},
	};
	const names = Object.keys(calls);
	return {
		id: HTTP_WORKFLOW,
		name: 'E2E: the HTTP Request node with our credentials under the outbound network policy',
		active: false,
		nodes: [
			{
				id: 'e2e0egrs-0000-4000-8000-000000000020',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			...names.map((name, index) => ({
				id: `e2e0egrs-0000-4000-8000-00000000002${index + 1}`,
				name,
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [300, index * 200],
				parameters: {
					method: 'POST',
					url: calls[name].url,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: calls[name].credentialType,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: JSON.stringify(calls[name].body),
					options: {},
				},
				onError: 'continueRegularOutput',
				credentials: { [calls[name].credentialType]: DEMO_CREDENTIALS[calls[name].credential] },
			})),
		],
		connections: { Start: { main: [names.map((node) => ({ node, type: 'main', index: 0 }))] } },
		settings: { executionOrder: 'v1' },
	};
}

function triggerWorkflow(): Record<string, unknown> {
	return {
		id: TRIGGER_WORKFLOW,
		name: 'E2E: Shiheng Trigger under the outbound network policy',
		active: false,
		nodes: [
			{
				id: 'e2e0egrs-0000-4000-8000-000000000010',
				name: 'Shiheng Trigger',
				type: `${PACKAGE_NAME}.shihengTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					// n8n polls at most once a minute per entry: twelve entries give a poll every 5 s.
					pollTimes: {
						item: Array.from({ length: 12 }, (_, i) => ({
							mode: 'custom',
							cronExpression: `${i * 5} * * * * *`,
						})),
					},
					events: ['employeeJoined'],
					employeeListPath: '/open/api/wecom/employee/list',
					options: {},
				},
				credentials: { shihengApi: DEMO_CREDENTIALS.shiheng },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

const PROTECTED_NOTHING_ALLOWED = {
	N8N_SSRF_PROTECTION_ENABLED: 'true',
	N8N_SSRF_ALLOWED_IP_RANGES: '',
};
const PROTECTED_LOOPBACK_ALLOWED = {
	N8N_SSRF_PROTECTION_ENABLED: 'true',
	N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8',
};
const REFUSAL =
	/n8n's outbound network policy refused 127\.0\.0\.1:\d+: its address is in a blocked range \(N8N_SSRF_BLOCKED_IP_RANGES/;

let instance: E2eInstance;

beforeAll(async () => {
	instance = await prepareInstance();
	const dir = mkdtempSync(join(tmpdir(), 'employee-sync-egress-'));
	try {
		writeFileSync(join(dir, 'nodes.json'), JSON.stringify(nodesWorkflow()));
		writeFileSync(join(dir, 'trigger.json'), JSON.stringify(triggerWorkflow()));
		writeFileSync(join(dir, 'http.json'), JSON.stringify(httpRequestWorkflow()));
		await importWorkflowDirectory(instance.setup, dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}, 900_000);

afterAll(async () => await instance?.dispose());

/** The first item of a node's output, or the node's own error. */
function outcome(
	result: ExecutionResult,
	node: string,
): { json?: Record<string, unknown>; error?: string } {
	const run = result.data.resultData.runData[node]?.[0];
	if (!run) throw new Error(`node "${node}" did not run`);
	return { json: run.data?.main?.[0]?.[0]?.json, error: run.error?.message };
}

function refusedLine(): boolean {
	return instance.runtime.line === 2;
}

test('with protection on and nothing allowed, every node refuses its credential at 127.0.0.1 (n8n 2.41); n8n 1.123 runs them as before', async () => {
	const { result, stdout, stderr } = await executeWorkflow(
		instance.setup,
		NODES_WORKFLOW,
		PROTECTED_NOTHING_ALLOWED,
	);
	for (const node of Object.keys(NODES)) {
		const { json } = outcome(result, node);
		if (refusedLine())
			expect([node, String(json?.error)]).toEqual([node, expect.stringMatching(REFUSAL)]);
		else expect([node, json?.error]).toEqual([node, undefined]);
	}
	expectNoSecrets(instance, stdout + stderr);
}, 300_000);

test('with N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.0/8 every node runs', async () => {
	const { result } = await executeWorkflow(
		instance.setup,
		NODES_WORKFLOW,
		PROTECTED_LOOPBACK_ALLOWED,
	);
	for (const node of Object.keys(NODES)) {
		const { json, error } = outcome(result, node);
		expect([node, error, json?.error]).toEqual([node, undefined, undefined]);
		expect(json).toBeDefined();
	}
	expect(outcome(result, 'Shiheng').json?.name).toEqual(expect.any(String));
}, 300_000);

/** Requests each demo emulator has received so far, by vendor. */
function received(): Record<string, number> {
	return Object.fromEntries(
		Object.entries(instance.demo.handles).map(([vendor, handle]) => [
			vendor,
			handle.emulator.count(),
		]),
	);
}

// Runs before the loopback-allowed run below stores a WeLink token with the credential: the first
// WeLink request has to fetch one (n8n's preAuthentication), and that fetch must be refused too.
test("with protection on and nothing allowed, n8n's HTTP Request node with the WeLink or Mingdao credential sends nothing, the WeLink token request included (n8n 2.41)", async () => {
	const before = received();
	const { result, stdout, stderr } = await executeWorkflow(
		instance.setup,
		HTTP_WORKFLOW,
		PROTECTED_NOTHING_ALLOWED,
	);
	for (const node of ['HTTP Request (WeLink)', 'HTTP Request (Mingdao)']) {
		const { json, error } = outcome(result, node);
		const shown = JSON.stringify({ json, error });
		if (refusedLine()) expect([node, shown]).toEqual([node, expect.stringMatching(/blocked/)]);
		else expect([node, error, json?.error]).toEqual([node, undefined, undefined]);
	}
	if (refusedLine()) expect(received()).toEqual(before);
	expectNoSecrets(instance, stdout + stderr + JSON.stringify(result));
}, 300_000);

test('with N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.0/8 the HTTP Request node with the WeLink and Mingdao credentials runs', async () => {
	const before = received();
	const { result } = await executeWorkflow(
		instance.setup,
		HTTP_WORKFLOW,
		PROTECTED_LOOPBACK_ALLOWED,
	);
	for (const node of ['HTTP Request (WeLink)', 'HTTP Request (Mingdao)']) {
		const { json, error } = outcome(result, node);
		expect([node, error, json?.error]).toEqual([node, undefined, undefined]);
	}
	expect(outcome(result, 'HTTP Request (WeLink)').json?.code).toBe('0');
	expect(outcome(result, 'HTTP Request (Mingdao)').json?.code).toBe(1);
	expect(received().weLink).toBeGreaterThan(before.weLink);
	expect(received().mingdao).toBeGreaterThan(before.mingdao);
}, 300_000);

test('the credential Test button in a running n8n with protection on: every credential is refused before any request, token fetch and code check included (n8n 2.41)', async () => {
	const strict = await startN8nServer(instance.setup, { env: PROTECTED_NOTHING_ALLOWED });
	try {
		const session = new RestSession(strict.baseUrl);
		if (!(await session.setupOwner(DEMO_OWNER)))
			await session.login(DEMO_OWNER.email, DEMO_OWNER.password);
		for (const vendor of Object.keys(DEMO_CREDENTIALS) as Array<keyof typeof DEMO_CREDENTIALS>) {
			const { id } = DEMO_CREDENTIALS[vendor];
			const stored = await session.request<{
				name: string;
				type: string;
				data: Record<string, unknown>;
			}>('GET', `/rest/credentials/${id}?includeData=true`);
			expect([vendor, stored.status]).toEqual([vendor, 200]);
			const before = received();
			// What the editor sends when the button is pressed: the stored data, secrets still redacted.
			const tested = await session.request<{ status: string; message: string }>(
				'POST',
				'/rest/credentials/test',
				{
					credentials: {
						id,
						name: stored.data.name,
						type: stored.data.type,
						data: stored.data.data,
					},
				},
			);
			if (refusedLine()) {
				expect([vendor, tested.data]).toEqual([
					vendor,
					{ status: 'Error', message: expect.stringMatching(/blocked/) },
				]);
				expect([vendor, received()]).toEqual([vendor, before]);
			} else {
				expect([vendor, tested.data]).toEqual([vendor, expect.objectContaining({ status: 'OK' })]);
			}
			expectNoSecrets(instance, tested.text);
		}
		expectNoSecrets(instance, strict.log());
	} finally {
		await strict.stop();
	}
}, 300_000);

/** Requests the Shiheng emulator has decoded for the employee list so far. */
function listRequests(): number {
	const shiheng = instance.demo.shiheng;
	return shiheng.received.filter((request) => request.path === shiheng.employeePath).length;
}

async function waitFor<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined> | T | undefined,
	log: () => string,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${log().slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

// With 127.0.0.0/8 allowed the trigger polls as before: trigger.e2e.test.ts runs under exactly
// that setting (every instance of scripts/lib/n8n.ts does).
test('the Shiheng Trigger published in a running n8n: its activation poll is refused with protection on (n8n 2.41)', async () => {
	// `n8n execute` cannot start a workflow at a polling trigger: n8n's own scheduler polls it.
	await publishWorkflow(instance.setup, TRIGGER_WORKFLOW);
	const before = listRequests();
	const strict = await startN8nServer(instance.setup, { env: PROTECTED_NOTHING_ALLOWED });
	try {
		if (refusedLine()) {
			// n8n polls the trigger when it activates the workflow at start-up; that poll is refused
			// and n8n logs it as the activation's error (and retries the activation later).
			await waitFor(
				"the refused poll in n8n's log",
				90_000,
				() => (REFUSAL.test(strict.log()) ? true : undefined),
				strict.log,
			);
			expectNoSecrets(instance, strict.log());
			expect(listRequests()).toBe(before);
		} else {
			// n8n 1.123: no policy, the first poll reads the list as before.
			await waitFor(
				'a poll reaching the emulator',
				60_000,
				() => (listRequests() > before ? true : undefined),
				strict.log,
			);
		}
	} finally {
		await strict.stop();
	}
}, 300_000);
