import type { IConnections, IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../harness/run-workflow';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import {
	MINGDAO_TYPE,
	UPSERT_MAPPED,
	mingdaoCredentials,
	paired,
	useMingdaoEmulator,
} from '../mingdao/fixtures';

/**
 * A node's On Error = "Continue (using error output)": n8n moves an item to the error output when
 * the item carries its error, or when its json holds nothing but error and message. Ours also
 * carry a description, so without the error on the item every failed item stayed on the success
 * output. Run through n8n-core's WorkflowExecute, with an item the node refuses (the clearing guard)
 * and with a credential refused for the whole run.
 */

const emulator = useMingdaoEmulator({ users: 20 });
let md: MingdaoEmulatorHandle;
beforeAll(() => {
	md = emulator.md;
});

const person = (id: string, email = `${id}@example.com`): IDataObject => ({
	id,
	name: `Name ${id}`,
	email,
	mobile: '13800000000',
});

async function runWithErrorOutput(items: IDataObject[], credentialOverrides = {}) {
	const connections: IConnections = {
		Input: { main: [[{ node: 'Write', type: 'main', index: 0 }]] },
	};
	const credentials = mingdaoCredentials(md, credentialOverrides);
	return await runWorkflow({
		nodes: [
			{ name: 'Input', type: 'test.items', parameters: { items: JSON.stringify(items) } },
			{
				name: 'Write',
				type: MINGDAO_TYPE,
				parameters: UPSERT_MAPPED,
				credentials: { mingdaoApi: 'mingdaoApi' },
				onError: 'continueErrorOutput',
			},
		],
		connections,
		chain: ['Input', 'Write'],
		credentials,
	});
}

test('an item the node refuses goes to the error output, paired with its item; the others to the success output', async () => {
	const result = await runWithErrorOutput([
		person('error-output-a'),
		person('error-output-b', ''),
		person('error-output-c'),
	]);
	const success = result.output('Write', 0);
	const failed = result.output('Write', 1);
	expect(success.map(paired)).toEqual([0, 2]);
	expect(failed.map(paired)).toEqual([1]);
	expect(failed[0].json.error).toMatch(/Email is empty.*item 1, field "Email"/);
	expect(md.profileOf('error-output-b')).toBeUndefined();
});

test('a credential refused for the whole run: every item on the error output, none on the success output', async () => {
	const result = await runWithErrorOutput([person('error-output-d'), person('error-output-e')], {
		secretKey: 'a-wrong-secret-0815',
	});
	expect(result.output('Write', 0)).toEqual([]);
	expect(result.output('Write', 1).map(paired)).toEqual([0, 1]);
	expect(JSON.stringify(result.output('Write', 1))).not.toContain('a-wrong-secret-0815');
});
