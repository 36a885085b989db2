/**
 * Our nodes as tools of n8n's AI Agent, in a real n8n of the line scripts/e2e.sh chose (both lines
 * have the agent; neither needs a setting to let an agent use community nodes). The package is
 * installed from its tarball (test/e2e/instance.ts); the OpenAI Chat Model talks to the chat-model
 * emulator (test/emulators/openai.ts), which plays the model: it calls the tool with the arguments
 * the test scripted, then answers from the tool's result. The tool nodes are the ones of
 * examples/ask-about-an-employee.json; the Chat Trigger is swapped for a Manual Trigger and a fixed
 * prompt, so `n8n execute` runs the agent headless.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	DEMO_CHAT_SCRIPTS,
	DEMO_OPENAI_CREDENTIAL,
	EXAMPLE_WORKFLOWS,
	toolItems,
} from '../../scripts/lib/demo';
import {
	executeWorkflow,
	importCredentials,
	importWorkflowDirectory,
	repoRoot,
	type ExecutionResult,
} from '../../scripts/lib/n8n';
import type { OpenAiEmulator, RecordedChatRequest } from '../emulators/openai';
import { weComUserId } from '../emulators/serve';
import { expectNoSecrets, prepareInstance, type E2eInstance } from './instance';

interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

const example = JSON.parse(
	readFileSync(join(repoRoot(), 'examples', 'ask-about-an-employee.json'), 'utf8'),
) as {
	id: string;
	nodes: WorkflowNode[];
};
const exampleNode = (name: string): WorkflowNode => {
	const node = example.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`examples/ask-about-an-employee.json has no node "${name}"`);
	return node;
};

const WRONG_SECRET = 'wrong-mingdao-secret-4711';
const REFUSED_CREDENTIAL = { id: 'mingdaoWrongCred1', name: 'Mingdao (wrong secret)' };

/** Manual Trigger → AI Agent with a fixed prompt, the example's model and some of its tools. */
function agentWorkflow(id: string, prompt: string, ...tools: WorkflowNode[]) {
	return {
		id,
		name: `Agent test ${id}`,
		active: false,
		nodes: [
			{
				id: `${id}-trigger`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				...exampleNode('AI Agent'),
				id: `${id}-agent`,
				parameters: { ...exampleNode('AI Agent').parameters, promptType: 'define', text: prompt },
			},
			{ ...exampleNode('OpenAI Chat Model'), id: `${id}-model` },
			...tools.map((tool, index) => ({ ...tool, id: `${id}-tool-${index}` })),
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			...Object.fromEntries(
				tools.map((tool) => [
					tool.name,
					{ ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
				]),
			),
		},
		settings: { executionOrder: 'v1' },
	};
}

const WORKFLOWS = {
	mingdao: agentWorkflow(
		'agentMingdao01',
		`Which Mingdao account has corpUserId ${weComUserId(1)}?`,
		exampleNode('Mingdao Account'),
	),
	weLink: agentWorkflow(
		'agentWeLink01',
		`Has ${weComUserId(1)}'s WeLink account been opened?`,
		exampleNode('WeLink Sync Status'),
	),
	shiheng: agentWorkflow('agentShiheng01', 'List 3 employees.', exampleNode('Shiheng Employees')),
	demo: agentWorkflow(
		'agentDemo01',
		`Has ${weComUserId(7)}'s WeLink account been opened?`,
		...['Mingdao Account', 'WeLink Sync Status', 'Shiheng Employees'].map(exampleNode),
	),
	refused: agentWorkflow(
		'agentRefused01',
		`Which Mingdao account has corpUserId ${weComUserId(1)}?`,
		{
			...exampleNode('Mingdao Account'),
			credentials: { mingdaoApi: REFUSED_CREDENTIAL },
		},
	),
};

let instance: E2eInstance;
let model: OpenAiEmulator;

beforeAll(async () => {
	instance = await prepareInstance();
	model = instance.chatModel;
	const mingdao = instance.demo.handles.mingdao;
	await importCredentials(instance.setup, [
		{
			...REFUSED_CREDENTIAL,
			type: mingdao.credentialType,
			data: { ...mingdao.credentials, secretKey: WRONG_SECRET },
		},
	]);
	const dir = mkdtempSync(join(tmpdir(), 'employee-sync-agent-workflows-'));
	try {
		for (const workflow of Object.values(WORKFLOWS))
			writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify(workflow));
		await importWorkflowDirectory(instance.setup, dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}, 900_000);

afterAll(async () => {
	await instance?.dispose();
});

beforeEach(() => {
	model.requests.length = 0;
	for (const handle of Object.values(instance.demo.handles)) handle.emulator.resetCounters();
});

/** The tool's result as the agent sent it back to the model (the `tool` message of the second call). */
function toolMessage(requests: RecordedChatRequest[]): string {
	const message = requests[1]?.body?.messages?.find((m) => m.role === 'tool');
	if (!message || typeof message.content !== 'string')
		throw new Error('the second model call carried no tool result');
	return message.content;
}

function finalAnswer(result: ExecutionResult): string {
	const runs = result.data.resultData.runData['AI Agent'];
	const output = runs?.[runs.length - 1]?.data?.main?.[0]?.[0]?.json.output;
	if (typeof output !== 'string')
		throw new Error(
			`the agent gave no answer: ${JSON.stringify(result.data.resultData.error ?? runs)}`,
		);
	return output;
}

async function ask(workflow: { id: string }) {
	const run = await executeWorkflow(instance.setup, workflow.id);
	expectNoSecrets(instance, run.stdout + run.stderr);
	return run;
}

test("n8n offers the example's three tools under their node names, described by our operations", () => {
	// Read from the workflow itself: the agent's tool names are the node names with `_` for spaces.
	const tools = ['Mingdao Account', 'WeLink Sync Status', 'Shiheng Employees'].map(
		(name) => exampleNode(name).type,
	);
	expect(tools).toEqual([
		'n8n-nodes-employee-sync.mingdaoTool',
		'n8n-nodes-employee-sync.weLinkTool',
		'n8n-nodes-employee-sync.shihengTool',
	]);
	expect(example.id).toBe(EXAMPLE_WORKFLOWS.askEmployee);
	expect(exampleNode('OpenAI Chat Model').credentials?.openAiApi).toEqual(DEMO_OPENAI_CREDENTIAL);
});

test('1 · Mingdao: "which Mingdao account has corpUserId X" takes one signed request and the answer holds the accountId', async () => {
	const person = weComUserId(1);
	const accountId = instance.demo.mingdao.accountOf(person);
	expect(accountId).toBeTruthy();
	model.setScripts([
		{
			tool: 'Mingdao_Account',
			arguments: { corpUserId: person },
			answer: (result) => `Found: ${JSON.stringify(toolItems(result)[0] ?? null)}`,
		},
	]);
	const signaturesBefore = instance.demo.mingdao.acceptedSignatures.length;

	const { result } = await ask(WORKFLOWS.mingdao);
	expect(result.data.resultData.error).toBeUndefined();
	expect(result.status).toBe('success');

	// The model was asked twice: the question with the tool offered, then with the tool's result.
	const calls = model.completions();
	expect(calls).toHaveLength(2);
	expect(calls[0].headers.authorization).toBe(`Bearer ${model.apiKey}`);
	const offered = calls[0].body?.tools?.map((tool) => tool.function) ?? [];
	expect(offered.map((tool) => tool.name)).toEqual(['Mingdao_Account']);
	expect(offered[0].description).toBe(
		'Find the user with a corp user ID - returns found and the account ID in Mingdao',
	);
	expect(JSON.stringify(offered[0].parameters)).toContain('corpUserId');

	// One signed request reached Mingdao, for the person the model named.
	const lookups = instance.demo.mingdao.emulator.records.filter((record) =>
		record.path.endsWith('/v2/user/getUserRelation'),
	);
	expect(lookups).toHaveLength(1);
	expect(lookups[0].status).toBe(200);
	expect(instance.demo.mingdao.acceptedSignatures.length - signaturesBefore).toBe(1);

	expect(toolItems(toolMessage(calls))).toEqual([
		expect.objectContaining({ corpUserId: person, found: true, accountId }),
	]);
	expect(finalAnswer(result)).toContain(accountId!);
});

test("2 · WeLink: the tool gets a person's sync status", async () => {
	const person = weComUserId(1);
	model.setScripts([
		{
			tool: 'WeLink_Sync_Status',
			arguments: { identifierType: 'corpUserId', identifier: person },
			answer: (result) => `State: ${String(toolItems(result)[0]?.state)}`,
		},
	]);
	const { result } = await ask(WORKFLOWS.weLink);
	expect(result.status).toBe('success');
	const calls = model.completions();
	expect(calls).toHaveLength(2);
	const statuses = toolItems(toolMessage(calls));
	expect(statuses).toEqual([
		expect.objectContaining({
			identifierType: 'corpUserId',
			identifier: person,
			state: 'opened',
			final: true,
			timedOut: false,
		}),
	]);
	// Wait Until Final is on in the example: the demo person passes the pending stages, one poll each.
	expect(instance.demo.weLink.emulator.count('/api/contact/v1/users/status')).toBe(
		statuses[0].polls,
	);
	expect(finalAnswer(result)).toBe('State: opened');
});

test('3 · Shiheng: the tool lists employees with the Limit the model chose', async () => {
	model.setScripts([
		{
			tool: 'Shiheng_Employees',
			arguments: { limit: 3 },
			answer: (result) => `Listed ${toolItems(result).length}`,
		},
	]);
	const { result } = await ask(WORKFLOWS.shiheng);
	expect(result.status).toBe('success');
	const employees = toolItems(toolMessage(model.completions()));
	expect(employees.map((employee) => employee.weComUserId)).toEqual([
		weComUserId(1),
		weComUserId(2),
		weComUserId(3),
	]);
	expect(finalAnswer(result)).toBe('Listed 3');
});

test('4 · a vendor refusal reaches the model as an error it can read: no stack trace, no secret, and the run completes', async () => {
	model.setScripts([
		{
			tool: 'Mingdao_Account',
			arguments: { corpUserId: weComUserId(1) },
			answer: (result) => `The tool said: ${result}`,
		},
	]);
	const { result, stdout, stderr } = await ask(WORKFLOWS.refused);
	expect(result.status).toBe('success');
	expect(result.data.resultData.error).toBeUndefined();

	const calls = model.completions();
	expect(calls).toHaveLength(2);
	const told = toolMessage(calls);
	const [item] = toolItems(told);
	expect(typeof item?.error).toBe('string');
	// Mingdao's refusal of the signature (10002, "签名验证失败"), as the node reports it.
	expect(String(item.error)).toMatch(/^Mingdao error \[10002\]/);
	expect(told).not.toMatch(/\n\s+at |\.js:\d+/);
	for (const secret of [WRONG_SECRET, ...instance.secrets]) {
		expect(told).not.toContain(secret);
		expect(stdout + stderr).not.toContain(secret);
	}
	expect(finalAnswer(result)).toContain('The tool said:');
});

test("the demo conversation of `npm start`: the example's agent with all three tools picks WeLink for a WeLink question", async () => {
	model.setScripts(DEMO_CHAT_SCRIPTS);
	const { result } = await ask(WORKFLOWS.demo);
	expect(result.status).toBe('success');
	const calls = model.completions();
	expect(calls).toHaveLength(2);
	expect(calls[0].body?.tools?.map((tool) => tool.function.name).sort()).toEqual([
		'Mingdao_Account',
		'Shiheng_Employees',
		'WeLink_Sync_Status',
	]);
	expect(instance.demo.expectedOutcome(7)).toBe('failed');
	expect(finalAnswer(result)).toBe(`WeLink reports ${weComUserId(7)} as failed.`);
});
