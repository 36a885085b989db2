import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	NodeExecutionHint,
	IRunExecutionData,
	IWorkflowBase,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { TestCredentialsHelper } from './credentials-helper';
import { credentialTypesByName, nodeTypesByName } from './registry';
import { recordSecret, recordVisible } from './secret-audit';
import { stubAdditionalData } from './additional-data';

/**
 * Runs a workflow through n8n-core's real `WorkflowExecute`: n8n resolves expressions, calls our
 * nodes' `execute` with a real `IExecuteFunctions`, and applies our credential types' own
 * `authenticate` / `preAuthentication` where n8n's helpers are used. Nothing of ours is mocked.
 */

class RegistryNodeTypes implements INodeTypes {
	constructor(private readonly types: Map<string, INodeType>) {}

	getByName(nodeType: string): INodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string): INodeType {
		return this.getByName(nodeType);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export interface WorkflowNode {
	name: string;
	type: string;
	parameters?: INode['parameters'];
	/** Credential type → credential id; the data comes from `RunOptions.credentials`. */
	credentials?: Record<string, string>;
	typeVersion?: number;
	continueOnFail?: boolean;
	/** The node's On Error setting (Settings tab); `continueErrorOutput` adds the error output. */
	onError?: INode['onError'];
}

export interface RunOptions {
	nodes: WorkflowNode[];
	/** Node names in order; each feeds the next. Omit for a single node. */
	chain?: string[];
	/** Credential id → data (decrypted). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Cancel the execution after this many milliseconds (tests of cancellation). */
	cancelAfterMs?: number;
	/** Connections as n8n stores them, instead of `chain` (several inputs, branches). */
	connections?: IConnections;
	/** Pinned output per node name, as the editor's "pin data" stores it. */
	pinData?: Record<string, INodeExecutionData[]>;
}

export interface RunResult {
	run: IRun;
	/** Items a node output on its first output (or output `index`), first run. */
	output(nodeName: string, index?: number): INodeExecutionData[];
	/** The error the node stopped with, if any. */
	nodeError(nodeName: string): Error | undefined;
	credentials: TestCredentialsHelper;
}

let sharedHelper: TestCredentialsHelper | undefined;

/** One credentials helper per test file, so a test can inspect what n8n stored (refreshed tokens). */
export function credentialsHelper(): TestCredentialsHelper {
	sharedHelper ??= new TestCredentialsHelper();
	return sharedHelper;
}

function connectionsFor(chain: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < chain.length; i++) {
		connections[chain[i]] = { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const helper = credentialsHelper();
	for (const [id, data] of Object.entries(options.credentials ?? {})) {
		helper.store(id, data);
		recordCredentialSecrets(credentialTypeOfId(id), data);
	}

	const nodes: INode[] = options.nodes.map((node, index) => ({
		id: `node-${index}`,
		name: node.name,
		type: node.type,
		typeVersion: node.typeVersion ?? 1,
		position: [index * 200, 0],
		parameters: node.parameters ?? {},
		continueOnFail: node.continueOnFail,
		...(node.onError ? { onError: node.onError } : {}),
		credentials: node.credentials
			? Object.fromEntries(
					Object.entries(node.credentials).map(([type, id]) => [type, { id, name: id }]),
				)
			: undefined,
	}));
	const chain = options.chain ?? nodes.map((node) => node.name);
	const workflowData: IWorkflowBase = {
		id: 'test-workflow',
		name: 'test',
		active: false,
		isArchived: false,
		nodes,
		connections: options.connections ?? connectionsFor(chain),
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		nodes,
		connections: workflowData.connections,
		nodeTypes: new RegistryNodeTypes(nodeTypesByName()),
		active: false,
		settings: { executionOrder: 'v1' },
	});

	const hooks = new ExecutionLifecycleHooks('manual', `exec-${Date.now()}`, workflowData);
	let reportRun: (run: IRun) => void = () => undefined;
	const finished = new Promise<IRun>((resolve) => {
		reportRun = resolve;
	});
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => reportRun(fullRunData));

	const additionalData = stubAdditionalData(hooks, helper);

	const startNode = nodes.find((node) => node.name === chain[0]) ?? nodes[0];
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
		resultData: options.pinData ? { pinData: options.pinData } : undefined,
	});

	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const running = execution.processRunExecutionData(workflow);
	let timer: NodeJS.Timeout | undefined;
	if (options.cancelAfterMs !== undefined) {
		timer = setTimeout(() => running.cancel(), options.cancelAfterMs);
	}
	let run: IRun;
	try {
		run = await running;
	} catch {
		// A cancelled execution rejects here; the lifecycle hook still reports the run data.
		run = await finished;
	} finally {
		if (timer) clearTimeout(timer);
	}

	auditRun(run);
	return {
		run,
		credentials: helper,
		output(nodeName: string, index = 0): INodeExecutionData[] {
			const taskData = run.data.resultData.runData[nodeName]?.[0];
			if (!taskData) {
				const stoppedWith = run.data.resultData.error?.message;
				throw new Error(`Node "${nodeName}" did not run${stoppedWith ? `: ${stoppedWith}` : ''}`);
			}
			return taskData.data?.main?.[index] ?? [];
		},
		nodeError(nodeName: string): Error | undefined {
			return run.data.resultData.runData[nodeName]?.[0]?.error ?? undefined;
		},
	};
}

/** Shorthand: a start node with `items`, then one node under test. */
export async function runNode(options: {
	type: string;
	parameters: INode['parameters'];
	items?: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	cancelAfterMs?: number;
	nodeName?: string;
}): Promise<RunResult & { items: INodeExecutionData[]; error: Error | undefined }> {
	const name = options.nodeName ?? 'Under Test';
	const credentialRefs = Object.fromEntries(
		Object.keys(options.credentials ?? {}).map((id) => [credentialTypeOfId(id), id]),
	);
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: JSON.stringify(options.items ?? [{}]) },
			},
			{
				name,
				type: options.type,
				parameters: options.parameters,
				credentials: credentialRefs,
				continueOnFail: options.continueOnFail,
			},
		],
		credentials: options.credentials,
		cancelAfterMs: options.cancelAfterMs,
	});
	const error = result.nodeError(name);
	return { ...result, items: error ? [] : result.output(name), error };
}

/** Secret fields of a credential (password and hidden fields) join the suite-wide secret audit. */
export function recordCredentialSecrets(type: string, data: ICredentialDataDecryptedObject): void {
	const properties = credentialTypesByName().get(type)?.properties ?? [];
	for (const property of properties) {
		if (property.typeOptions?.password === true || property.type === 'hidden') {
			recordSecret(data[property.name], `credential ${type}.${property.name}`);
		}
	}
}

/** Everything a run shows a user (outputs, errors and their descriptions) joins the secret audit. */
function auditRun(run: IRun): void {
	for (const [nodeName, tasks] of Object.entries(run.data.resultData.runData)) {
		for (const task of tasks) {
			if (task.data) recordVisible(`output of ${nodeName}`, task.data);
			if (task.error) recordVisible(`error of ${nodeName}`, task.error);
		}
	}
	if (run.data.resultData.error) recordVisible('run error', run.data.resultData.error);
}

/** Credential ids in tests are "<credentialType>" or "<credentialType>:<label>". */
export function credentialTypeOfId(id: string): string {
	return id.split(':')[0];
}

/** The execution hints (warnings above the output pane) a node run left. */
export function hintsOf(result: { run: IRun }, nodeName = 'Under Test'): NodeExecutionHint[] {
	return result.run.data.resultData.runData[nodeName]?.[0]?.hints ?? [];
}
