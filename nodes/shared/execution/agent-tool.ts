/** Whether a node runs as an AI Agent's tool, and the wait such a run may afford. */

import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether the node runs as a tool of an AI Agent. n8n offers every `usableAsTool` node to agents as
 * a second node type named `<name>Tool` (n8n 1.x and 2.x alike, e.g. `…weLinkTool`), and that is the
 * type of the node the agent calls; the same test drives n8n's own `@tool` display condition.
 */
export function runsAsAgentTool(context: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** The longest an operation waits for a vendor's asynchronous result while an agent waits on it. */
export const AGENT_TOOL_MAX_WAIT_SECONDS = 15;

/** A wait the user configured, capped when the node runs as an agent tool: an agent never hangs for minutes. */
export function agentSafeWaitSeconds(
	context: Pick<IExecuteFunctions, 'getNode'>,
	configuredSeconds: number,
): number {
	return runsAsAgentTool(context)
		? Math.min(configuredSeconds, AGENT_TOOL_MAX_WAIT_SECONDS)
		: configuredSeconds;
}
