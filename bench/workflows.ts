import { randomUUID } from 'node:crypto';

/**
 * Builders for the workflows the benchmark imports into n8n: a manual trigger, optionally nodes
 * that produce the input, then the nodes that do the job (the last one always named MEASURED, so
 * its output is read the same way on every side).
 */

export const PACKAGE = 'n8n-nodes-employee-sync';
export const MEASURED = 'Measured';
export const HTTP_REQUEST = 'n8n-nodes-base.httpRequest';
export const HTTP_REQUEST_VERSION = 4.2;

export interface CredentialRef {
	type: string;
	id: string;
	name: string;
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface WorkflowJson {
	id: string;
	name: string;
	active: false;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	>;
	settings: { executionOrder: 'v1' };
	pinData: Record<string, never>;
}

/** A workflow the benchmark runs, and which of its nodes do the job. */
export interface BenchWorkflow {
	json: WorkflowJson;
	/**
	 * The nodes that do the job, in the order they run: the job's time runs from the first one's
	 * start to the last one's end, and the last one's output is the job's result. Nodes before
	 * them only make the input and are not counted.
	 */
	measured: string[];
}

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credential?: CredentialRef;
}

/** A connection from one node's output (0 unless the node has several, e.g. IF: 0 true, 1 false) to another node. */
export interface Edge {
	from: string;
	to: string;
	output?: number;
}

/** A workflow of `nodes` (after a Manual Trigger named Start) wired by `edges`. */
export function graphWorkflow(
	id: string,
	name: string,
	nodes: NodeSpec[],
	edges: Edge[],
): WorkflowJson {
	const all: NodeSpec[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		...nodes,
	];
	const connections: WorkflowJson['connections'] = {};
	for (const edge of edges) {
		const outputs = (connections[edge.from] ??= { main: [] }).main;
		const output = edge.output ?? 0;
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: edge.to, type: 'main', index: 0 });
	}
	return {
		id,
		name,
		active: false,
		nodes: all.map((spec, index) => ({
			id: randomUUID(),
			name: spec.name,
			type: spec.type,
			typeVersion: spec.typeVersion,
			position: [index * 240, 0],
			parameters: spec.parameters,
			...(spec.credential
				? {
						credentials: {
							[spec.credential.type]: { id: spec.credential.id, name: spec.credential.name },
						},
					}
				: {}),
		})),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** A straight chain: Manual Trigger → nodes[0] → nodes[1] … */
export function chainWorkflow(id: string, name: string, nodes: NodeSpec[]): WorkflowJson {
	const names = ['Start', ...nodes.map((node) => node.name)];
	return graphWorkflow(
		id,
		name,
		nodes,
		names.slice(1).map((to, index) => ({ from: names[index], to })),
	);
}

/** A chain of input nodes (not counted) followed by the nodes that do the job (counted); the last job node must be MEASURED. */
export function benchWorkflow(
	id: string,
	name: string,
	input: NodeSpec[],
	job: NodeSpec[],
): BenchWorkflow {
	if (job.length === 0 || job[job.length - 1].name !== MEASURED) {
		throw new Error(`workflow ${id}: the last node of the job must be named ${MEASURED}`);
	}
	return {
		json: chainWorkflow(id, name, [...input, ...job]),
		measured: job.map((node) => node.name),
	};
}

/** A Code node that outputs `count` items made by `itemExpression` (JavaScript over the index `i`, 1-based). */
export function generatorNode(name: string, count: number, itemExpression: string): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: `const out = [];\nfor (let i = 1; i <= ${count}; i++) out.push({ json: ${itemExpression} });\nreturn out;`,
		},
	};
}

/** A Code node that groups the incoming items into items of `size` entries (JavaScript over `j`, an item's json) under `into`. */
export function groupingNode(
	name: string,
	size: number,
	entryExpression: string,
	into: string,
): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: [
				'const all = $input.all();',
				'const out = [];',
				`for (let i = 0; i < all.length; i += ${size}) {`,
				`  out.push({ json: { ${into}: all.slice(i, i + ${size}).map((item) => { const j = item.json; return ${entryExpression}; }) } });`,
				'}',
				'return out;',
			].join('\n'),
		},
	};
}

/** A Code node running `lines` of JavaScript once for all items. */
export function codeNode(name: string, lines: string[]): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: { jsCode: lines.join('\n') },
	};
}

/**
 * A Code node that outputs one empty item. Placed before a job whose first Code node would
 * otherwise wait for n8n's task runner to connect: `n8n execute` starts the runner with the
 * process, a running n8n server has it connected already.
 */
export function runnerWarmUpNode(name: string): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: { jsCode: 'return [{ json: {} }];' },
	};
}

/**
 * A Code node that reads the page count from the first page's answer (`pagesPath`, a property
 * path into its json) and outputs one item `{ pageNum }` per remaining page, 2 to the last.
 */
export function remainingPagesNode(name: string, pagesPath: string): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: [
				`const pages = Number($input.first().json.${pagesPath});`,
				'const out = [];',
				'for (let pageNum = 2; pageNum <= pages; pageNum++) out.push({ json: { pageNum } });',
				'return out;',
			].join('\n'),
		},
	};
}

export function ourNode(
	name: string,
	type: string,
	parameters: Record<string, unknown>,
	credential: CredentialRef,
): NodeSpec {
	return { name, type: `${PACKAGE}.${type}`, typeVersion: 1, parameters, credential };
}

/** The HTTP Request node authenticating with one of our credentials ("Predefined Credential Type"). */
export function httpRequestNode(
	name: string,
	credential: CredentialRef,
	request: { method: string; url: string; jsonBody: string; options?: Record<string, unknown> },
): NodeSpec {
	return {
		name,
		type: HTTP_REQUEST,
		typeVersion: HTTP_REQUEST_VERSION,
		credential,
		parameters: {
			method: request.method,
			url: request.url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: credential.type,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: request.jsonBody,
			options: request.options ?? {},
		},
	};
}

/** `options.pagination` of the HTTP Request node: one parameter updated per page, until an expression is true. */
export function pagination(
	parameter: { type: 'body' | 'qs'; name: string; value: string },
	completeExpression: string,
	maxRequests: number,
) {
	return {
		pagination: {
			paginationMode: 'updateAParameterInEachRequest',
			parameters: { parameters: [parameter] },
			paginationCompleteWhen: 'other',
			completeExpression,
			limitPagesFetched: true,
			maxRequests,
		},
	};
}
