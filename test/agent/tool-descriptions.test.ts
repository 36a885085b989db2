import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { nodeTypesByName, PACKAGE_PREFIX } from '../harness/registry';

/**
 * Every operation an AI Agent can call carries a description a model can use. Under an agent n8n
 * describes a node tool (Tool Description "Set Automatically", the default) as `<action> in <node
 * name>` (n8n-workflow's getToolDescriptionForNode, called here), so the operation option's
 * `action` is what the model reads; its `description` is what the workflow builder reads. The
 * operations are enumerated from the node descriptions, so operations added later are covered.
 */

/** n8n's lint limit for a hint, used here for what the model reads about one tool. */
const TOOL_DESCRIPTION_MAX = 120;
/** The builder's tooltip: one or two sentences. */
const OPTION_DESCRIPTION_MAX = 240;

interface ToolOperation {
	node: string;
	nodeType: INodeType;
	resource: string;
	option: INodePropertyOptions;
}

function operationsOf(name: string, nodeType: INodeType): ToolOperation[] {
	const out: ToolOperation[] = [];
	for (const property of nodeType.description.properties as INodeProperties[]) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		const resources = (property.displayOptions?.show?.resource ?? []) as string[];
		for (const resource of resources) {
			for (const option of (property.options ?? []) as INodePropertyOptions[]) {
				out.push({ node: name, nodeType, resource, option });
			}
		}
	}
	return out;
}

const toolNodes = [...nodeTypesByName()].filter(
	([name, nodeType]) =>
		name.startsWith(`${PACKAGE_PREFIX}.`) && nodeType.description.usableAsTool !== undefined,
);
const operations = toolNodes.flatMap(([name, nodeType]) => operationsOf(name, nodeType));
const label = (op: ToolOperation) => `${op.node} ${op.resource} → ${String(op.option.value)}`;
/** Reads stay `get…`; anything else (submit, create, call, upsert, remove, update…) may change data. */
const writes = (op: ToolOperation) => !/^get/i.test(String(op.option.value));

/** The description n8n hands the model for a tool node set to this operation. */
function toolDescription(op: ToolOperation): string {
	const node = {
		id: 'tool',
		name: 'Tool',
		type: `${op.node}Tool`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			resource: op.resource,
			operation: String(op.option.value),
			descriptionType: 'auto',
		},
	} as INode;
	return NodeHelpers.getToolDescriptionForNode(node, op.nodeType);
}

test('every action node is offered as a tool and has operations to check', () => {
	expect(toolNodes.map(([name]) => name).sort()).toEqual(
		['aliyunIot', 'mingdao', 'shiheng', 'weLink'].map((n) => `${PACKAGE_PREFIX}.${n}`),
	);
	expect(operations.length).toBeGreaterThanOrEqual(11);
});

describe.each(operations.map((op) => [label(op), op] as const))('%s', (_label, op) => {
	test('the model reads a description of its own, naming what it returns, within the hint limit', () => {
		expect(typeof op.option.action).toBe('string');
		const text = toolDescription(op);
		// Not n8n's fallbacks: the node's general description or "<operation> <resource> in <node>".
		expect(text).toBe(`${op.option.action} in ${op.nodeType.description.defaults.name}`);
		expect(text.length).toBeLessThanOrEqual(TOOL_DESCRIPTION_MAX);
		expect(text).toMatch(/\breturns?\b/i);
		if (writes(op)) expect(text).toMatch(/\bwrit(es|e)\b/i);
	});

	test('the builder reads what it needs and returns, and whether it writes, in one or two sentences', () => {
		const description = op.option.description ?? '';
		expect(description.length).toBeGreaterThan(20);
		expect(description.length).toBeLessThanOrEqual(OPTION_DESCRIPTION_MAX);
		expect(description).toMatch(/\bReturns\b/);
		expect(description.split(/\.\s/).length).toBeLessThanOrEqual(3);
		if (writes(op)) expect(description).toMatch(/\bwrites?\b/i);
	});
});
