import { AGENT_TOOL_MAX_WAIT_SECONDS } from '../../nodes/shared/execution/agent-tool';
import { nodeTypesByName } from '../harness/registry';
import { runNode } from '../harness/run-workflow';

import { TYPE, creds, currentEmulator, useWeLinkEmulator } from './fixtures';

/**
 * Under an AI Agent the node runs as its Tool type (`…weLinkTool`, the type n8n derives from
 * usableAsTool), and Wait Until Final waits at most AGENT_TOOL_MAX_WAIT_SECONDS whatever Max Wait
 * says: an agent must never hang for minutes on a person whose account is still being opened.
 */

useWeLinkEmulator();
const TOOL_TYPE = `${TYPE}Tool`;
beforeAll(() => {
	// The harness registers node classes by their own name; n8n runs the same class as the Tool type.
	nodeTypesByName().set(TOOL_TYPE, nodeTypesByName().get(TYPE)!);
});

async function waitForPending(type: string, id: string) {
	currentEmulator().addPendingPersons([id]);
	const started = Date.now();
	// pending → processing → opening → opened takes three more polls, at 4 s, 10 s and 19 s.
	const result = await runNode({
		type,
		items: [{ id }],
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options: { waitUntilFinal: true, pollIntervalMs: 4000, maxWaitSeconds: 300 },
		},
		credentials: creds(),
	});
	return { result, seconds: (Date.now() - started) / 1000 };
}

test(`as an agent tool, Wait Until Final gives up after ${AGENT_TOOL_MAX_WAIT_SECONDS} s although Max Wait says 300`, async () => {
	const { result, seconds } = await waitForPending(TOOL_TYPE, 'agentWait1');
	expect(result.error).toBeUndefined();
	expect(
		result.items.map((item) => [item.json.identifier, item.json.final, item.json.timedOut]),
	).toEqual([['agentWait1', false, true]]);
	expect(seconds).toBeLessThan(AGENT_TOOL_MAX_WAIT_SECONDS + 2);
}, 60_000);

test('as a plain node, the same wait runs until the person is final', async () => {
	const { result, seconds } = await waitForPending(TYPE, 'plainWait1');
	expect(
		result.items.map((item) => [
			item.json.identifier,
			item.json.state,
			item.json.final,
			item.json.timedOut,
		]),
	).toEqual([['plainWait1', 'opened', true, false]]);
	expect(seconds).toBeGreaterThan(AGENT_TOOL_MAX_WAIT_SECONDS);
}, 60_000);
