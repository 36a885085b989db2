/**
 * End to end: the example "Mirror WeCom into a private Mingdao" (examples/mirror-wecom-into-mingdao.json)
 * run as shipped with `n8n execute --id` against the demo emulators, its Mingdao credential a
 * private deployment at the Mingdao emulator, on the line scripts/e2e.sh chose. The tests run in
 * order on one instance and check what the run did from the Mingdao emulator's stored users.
 */
import { EXAMPLE_WORKFLOWS } from '../../scripts/lib/demo';
import {
	executeWorkflow,
	nodeItems,
	nodePairedItems,
	type ExecutionResult,
} from '../../scripts/lib/n8n';
import { expectNoSecrets, prepareInstance, type E2eInstance } from './instance';

const LEFT = 5;
const UPSERT = 'Create or Update in Mingdao';
const REMOVE = 'Remove Leaver from Mingdao';
const NEEDS_REVIEW = 'Needs Review in WeCom';

let instance: E2eInstance;

beforeAll(async () => {
	instance = await prepareInstance();
}, 300_000);

afterAll(async () => {
	await instance?.dispose();
});

type Row = Record<string, unknown>;

/** The demo company's WeCom employees as Shiheng lists them now. */
function employees(): Row[] {
	const { shiheng } = instance.demo;
	return shiheng.employeeIds().map((id) => shiheng.employee(id) as Row);
}

const filled = (value: unknown): boolean => typeof value === 'string' && value !== '';

/** Runs the example; it must succeed (the guard's refusals are error items, not a stop). */
async function runExample(): Promise<ExecutionResult> {
	const { result, stdout, stderr } = await executeWorkflow(
		instance.setup,
		EXAMPLE_WORKFLOWS.mingdaoMirror,
	);
	expect(result.data.resultData.error).toBeUndefined();
	expect(result.status).toBe('success');
	expectNoSecrets(instance, stdout + stderr);
	return result;
}

/** Each output item of `node` is the answer for the input item at the same position, paired with it. */
function expectPairedOneToOne(result: ExecutionResult, node: string, inputs: Row[]): Row[] {
	const outputs = nodeItems(result, node);
	expect(outputs).toHaveLength(inputs.length);
	expect(nodePairedItems(result, node).map((paired) => (paired as { item: number }).item)).toEqual(
		inputs.map((_, index) => index),
	);
	outputs.forEach((output, index) => {
		if (output.error === undefined) expect(output.corpUserId).toBe(inputs[index].weComUserId);
	});
	return outputs;
}

describe('the "Mirror WeCom into a private Mingdao" example run by `n8n execute --id`', () => {
	test('upserts everyone with email and mobile with the mapped fields, removes the leaver, and fails the rest naming item and field', async () => {
		const { shiheng, mingdao } = instance.demo;
		// A mapped, active employee leaves, so the removal has someone to remove.
		const leaverId = shiheng
			.employeeIds()
			.find(
				(id) =>
					Number(shiheng.employee(id)?.status) === 1 &&
					mingdao.accountOf(String(shiheng.employee(id)?.weComUserId)) !== undefined,
			)!;
		shiheng.changeEmployee(leaverId, { status: LEFT });
		const leaver = String(shiheng.employee(leaverId)?.weComUserId);
		const all = employees();
		const leavers = all.filter((row) => Number(row.status) === LEFT);
		const staying = all.filter((row) => Number(row.status) !== LEFT);
		const complete = staying.filter((row) => filled(row.emailAddress) && filled(row.mobileNumber));
		const incomplete = staying.filter((row) => !complete.includes(row));
		// The demo company has all three kinds, so no assertion below is vacuous.
		expect([leavers.length > 1, complete.length, incomplete.length].every(Boolean)).toBe(true);
		const before = new Map(
			incomplete.map((row) => [row.weComUserId, mingdao.profileOf(String(row.weComUserId))]),
		);
		mingdao.writeCalls.length = 0;

		const result = await runExample();

		const upserted = expectPairedOneToOne(result, UPSERT, staying);
		staying.forEach((row, index) => {
			const id = String(row.weComUserId);
			if (complete.includes(row)) {
				expect(upserted[index]).toMatchObject({ corpUserId: id, upserted: true });
				expect(mingdao.profileOf(id)).toEqual({
					name: row.name,
					email: row.emailAddress,
					mobilePhone: row.mobileNumber,
				});
			} else {
				expect(String(upserted[index].error)).toMatch(
					// The demo's employees without data have neither: Mingdao's one-of rule speaks first.
					new RegExp(`Email and Mobile Phone are both empty.*item ${index}, field "Email"`),
				);
				expect(mingdao.profileOf(id)).toEqual(before.get(id));
			}
		});
		// Each user reached Mingdao once, only those with every field.
		const sent = mingdao.writeCalls.flatMap((call) =>
			(call.users ?? []).map((user) => String(user.corpUserId)),
		);
		expect(sent.sort()).toEqual(complete.map((row) => String(row.weComUserId)).sort());
		expect(nodeItems(result, NEEDS_REVIEW)).toHaveLength(incomplete.length);

		const removed = expectPairedOneToOne(result, REMOVE, leavers);
		expect(removed.filter((item) => item.removed === true)).toEqual([
			{ corpUserId: leaver, removed: true },
		]);
		expect(mingdao.profileOf(leaver)).toBeUndefined();
		expect(mingdao.accountOf(leaver)).toBeUndefined();
	});

	test('the clearing guard inside n8n: an employee whose email became empty fails naming item and field; Mingdao keeps the email', async () => {
		const { shiheng, mingdao } = instance.demo;
		const staying = employees().filter((row) => Number(row.status) !== LEFT);
		const index = staying.findIndex(
			(row) => mingdao.profileOf(String(row.weComUserId))?.mobilePhone !== undefined,
		);
		const target = staying[index];
		const id = String(target.weComUserId);
		const stored = mingdao.profileOf(id);
		expect(stored?.email).toBe(target.emailAddress);
		shiheng.changeEmployee(Number(target.id), { emailAddress: '' });
		mingdao.writeCalls.length = 0;

		const result = await runExample();

		const upserted = expectPairedOneToOne(result, UPSERT, staying);
		expect(String(upserted[index].error)).toMatch(
			new RegExp(
				`Email is empty: Mingdao would clear the user's email.*item ${index}, field "Email"`,
			),
		);
		expect(mingdao.profileOf(id)).toEqual(stored);
		const sent = mingdao.writeCalls.flatMap((call) =>
			(call.users ?? []).map((user) => String(user.corpUserId)),
		);
		expect(sent).not.toContain(id);
		expect(sent.length).toBeGreaterThan(0);
		expect(
			nodeItems(result, NEEDS_REVIEW).some((item) => String(item.error).includes(`item ${index},`)),
		).toBe(true);
	});
});
