import { nodeTypesByName } from '../harness/registry';
import { runNode } from '../harness/run-workflow';
import { MINGDAO_TYPE, mingdaoCredentials, useMingdaoEmulator } from '../mingdao/fixtures';

/**
 * Under an AI Agent a node runs as its Tool type (`…mingdaoTool`). There a failure is an answer
 * for the model, not the end of the run: n8n 1.123 stops the whole execution when a tool node
 * throws, so the node answers with an error item (as with Continue On Fail), redacted and without
 * a stack trace, paired with the tool call's item.
 */

const emulator = useMingdaoEmulator({ users: 20 });
const TOOL_TYPE = `${MINGDAO_TYPE}Tool`;
const WRONG_SECRET = 'wrong-secret-for-the-agent-test';
beforeAll(() => {
	// The harness registers node classes by their own name; n8n runs the same class as the Tool type.
	nodeTypesByName().set(TOOL_TYPE, nodeTypesByName().get(MINGDAO_TYPE)!);
});

async function lookUp(type: string, corpUserId: string, creds = mingdaoCredentials(emulator.md)) {
	return await runNode({
		type,
		items: [{ corpUserId, toolCallId: 'call_1' }],
		credentials: creds,
		parameters: {
			resource: 'user',
			operation: 'getRelation',
			corpUserId: '={{ $json.corpUserId }}',
		},
	});
}

test('as an agent tool, a vendor refusal is an error item the model can read, not a failed run', async () => {
	const result = await lookUp(
		TOOL_TYPE,
		emulator.md.userIds[0],
		mingdaoCredentials(emulator.md, { secretKey: WRONG_SECRET }),
	);
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const { json, pairedItem } = result.items[0];
	expect(pairedItem).toEqual({ item: 0 });
	expect(typeof json.error).toBe('string');
	const told = JSON.stringify(json);
	expect(String(json.error)).toMatch(/^Mingdao error \[10002\]/);
	expect(told).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
	expect(told).not.toContain(WRONG_SECRET);
});

test('as an agent tool, a bad value from the model is an error item naming the field', async () => {
	const result = await lookUp(TOOL_TYPE, '   ');
	expect(result.error).toBeUndefined();
	expect(String(result.items[0].json.error)).toMatch(/User ID/i);
});

test('as a plain node, the same refusal still stops the run (Continue On Fail is off)', async () => {
	const result = await lookUp(
		MINGDAO_TYPE,
		emulator.md.userIds[0],
		mingdaoCredentials(emulator.md, { secretKey: WRONG_SECRET }),
	);
	expect(result.error).toBeDefined();
	expect(result.error!.message).not.toContain(WRONG_SECRET);
});
