/**
 * End to end: the example "Reconcile WeCom and WeLink" (examples/reconcile-wecom-and-welink.json)
 * run as shipped with `n8n execute --id` against the demo emulators, on the line scripts/e2e.sh
 * chose. The tests run in order on one instance: each changes the two companies through the
 * emulators' handles (as an administrator would on the vendors' side) and checks what the run did
 * to WeLink from the emulator's own records.
 */
import { EXAMPLE_WORKFLOWS } from '../../scripts/lib/demo';
import { executeWorkflow, nodeItems, type ExecutionResult } from '../../scripts/lib/n8n';
import { expectNoSecrets, prepareInstance, type E2eInstance } from './instance';

/** The example's Settings, as shipped. */
const DEPARTMENT = 'D001';
const LEFT = 5;

let instance: E2eInstance;

beforeAll(async () => {
	instance = await prepareInstance();
}, 300_000);

afterAll(async () => {
	await instance?.dispose();
});

/** Who WeLink lists in the example's department (what the workflow will compare with). */
function listedInDepartment(): string[] {
	return [...instance.demo.weLink.persons.values()]
		.filter((p) => p.corpDeptCode === DEPARTMENT && p.outcome !== 'removed')
		.map((p) => p.corpUserId);
}

/** WeCom user ids of the employees Shiheng lists who have not left (status 5). */
function weComNotLeft(): string[] {
	const { shiheng } = instance.demo;
	return shiheng
		.employeeIds()
		.map((id) => shiheng.employee(id))
		.filter((employee) => employee !== undefined && Number(employee.status) !== LEFT)
		.map((employee) => String(employee?.weComUserId));
}

/** The example's default Max Deactivations, "5%, 500": the stricter of the two. */
function defaultLimit(listed: number): number {
	return Math.min(Math.ceil((listed * 5) / 100), 500);
}

/** Puts persons into a WeLink department, as someone editing WeLink's address book by hand would. */
function placeInWeLink(ids: string[], department: string): void {
	const { weLink } = instance.demo;
	const fresh = ids.filter((id) => !weLink.persons.has(id));
	weLink.addPendingPersons(fresh);
	for (const id of ids) {
		const person = weLink.persons.get(id);
		if (!person) throw new Error(`the WeLink emulator has no ${id}`);
		person.corpDeptCode = department;
	}
}

const ran = (result: ExecutionResult, node: string): boolean =>
	(result.data.resultData.runData[node]?.length ?? 0) > 0;
const ids = (items: Array<Record<string, unknown>>): string[] =>
	items.map((item) => String(item.corpUserId)).sort();

describe('the "Reconcile WeCom and WeLink" example run by `n8n execute --id`', () => {
	test('on the demo company (an empty department): submits only the employees WeLink does not know at all, and deactivates nobody', async () => {
		const { weLink } = instance.demo;
		expect(listedInDepartment()).toEqual([]);
		const expected = weComNotLeft().filter((id) => !weLink.persons.has(id));
		// The demo company has both kinds, so neither assertion below is vacuous.
		expect(expected.length).toBeGreaterThan(0);
		expect(weComNotLeft().length).toBeGreaterThan(expected.length);

		const { result, stdout, stderr } = await executeWorkflow(
			instance.setup,
			EXAMPLE_WORKFLOWS.reconcile,
		);
		expect(result.data.resultData.error).toBeUndefined();
		expect(result.status).toBe('success');
		// Everyone WeCom has is "in A only"; those known elsewhere in WeLink are not submitted (a submit would move them).
		expect(ids(nodeItems(result, 'Compare WeCom and WeLink', 0))).toEqual(
			[...weComNotLeft()].sort(),
		);
		expect(ids(nodeItems(result, 'Submit Missing to WeLink'))).toEqual([...expected].sort());
		const statuses = nodeItems(result, 'Missing Account Status');
		expect(statuses.map((s) => [s.corpUserId, s.state, s.final])).toEqual(
			expected.map((id) => [id, 'opened', true]),
		);
		for (const id of expected) expect(weLink.persons.get(id)?.corpDeptCode).toBe(DEPARTMENT);
		expect(ran(result, 'Count Deactivations')).toBe(false);
		expect(ran(result, 'Deactivate in WeLink')).toBe(false);
		expectNoSecrets(instance, stdout + stderr);
	});

	test('with drift on both sides: submits the missing, deactivates the extras within Max Deactivations', async () => {
		const { weLink, shiheng } = instance.demo;
		// WeLink's persons without a department are placed in it, plus two extras: a contractor
		// provisioned by hand and an employee who left WeCom (status 5) but kept the WeLink account.
		const unplaced = [...weLink.persons.values()]
			.filter((p) => p.corpDeptCode === undefined)
			.map((p) => p.corpUserId);
		const leaver = shiheng
			.employeeIds()
			.map((id) => shiheng.employee(id))
			.find((employee) => Number(employee?.status) === LEFT);
		const extras = ['wl-contractor-1', String(leaver?.weComUserId)];
		placeInWeLink([...unplaced, ...extras], DEPARTMENT);
		// Two new hires in WeCom: one WeLink lacks, one already in another WeLink department.
		shiheng.addEmployees([
			{
				weComUserId: 'wx-e2e-new-1',
				name: '新同事一',
				status: 1,
				mobileNumber: '13900000001',
				emailAddress: 'new1@example.com',
			},
			{
				weComUserId: 'wx-e2e-elsewhere',
				name: '别处同事',
				status: 1,
				mobileNumber: null,
				emailAddress: null,
			},
		]);
		placeInWeLink(['wx-e2e-elsewhere'], 'D002');
		const listed = listedInDepartment().length;
		// Precondition of this case: the extras fit the default limit.
		expect(extras.length).toBeLessThanOrEqual(defaultLimit(listed));

		const { result, stdout, stderr } = await executeWorkflow(
			instance.setup,
			EXAMPLE_WORKFLOWS.reconcile,
		);
		expect(result.data.resultData.error).toBeUndefined();
		expect(result.status).toBe('success');
		const [guarded] = nodeItems(result, 'Count Deactivations');
		expect(guarded.guard).toMatchObject({
			deactivations: extras.length,
			limit: defaultLimit(listed),
		});
		expect(ids(nodeItems(result, 'Deactivate in WeLink'))).toEqual([...extras].sort());
		for (const id of extras) expect(weLink.persons.get(id)?.outcome).toBe('removed');
		for (const id of extras) expect(listedInDepartment()).not.toContain(id);

		expect(ids(nodeItems(result, 'Submit Missing to WeLink'))).toEqual(['wx-e2e-new-1']);
		expect(nodeItems(result, 'Missing Account Status').map((s) => [s.corpUserId, s.state])).toEqual(
			[['wx-e2e-new-1', 'opened']],
		);
		expect(weLink.persons.get('wx-e2e-new-1')).toMatchObject({
			corpDeptCode: DEPARTMENT,
			userEmail: 'new1@example.com',
			outcome: 'opened',
		});
		// Known in another department: left where it is.
		expect(weLink.persons.get('wx-e2e-elsewhere')?.corpDeptCode).toBe('D002');
		expectNoSecrets(instance, stdout + stderr);
	});

	test('more extras than Max Deactivations: the run stops with the count and the limit, and changes nothing in WeLink', async () => {
		const { weLink, shiheng } = instance.demo;
		const extras = ['wl-contractor-2', 'wl-contractor-3', 'wl-contractor-4'];
		placeInWeLink(extras, DEPARTMENT);
		// A new hire too: the guard's branch runs first, so a stop submits nobody either.
		shiheng.addEmployees([{ weComUserId: 'wx-e2e-new-2', name: '新同事二', status: 1 }]);
		const listed = listedInDepartment().length;
		const limit = defaultLimit(listed);
		expect(extras.length).toBeGreaterThan(limit);
		const personsBefore = weLink.persons.size;

		const { result, stdout, stderr, code } = await executeWorkflow(
			instance.setup,
			EXAMPLE_WORKFLOWS.reconcile,
		);
		expect(code).not.toBe(0);
		expect(result.status).toBe('error');
		expect(result.data.resultData.lastNodeExecuted).toBe('Stop: Too Many Deactivations');
		const message = String(result.data.resultData.error?.message);
		expect(message).toContain(
			`would deactivate ${extras.length} WeLink accounts, more than the limit of ${limit}`,
		);
		expect(message).toContain(`5% of the ${listed} WeLink users listed`);
		expect(message).toMatch(/Nobody was deactivated.*raise maxDeactivations in Settings/s);

		expect(ran(result, 'Deactivate in WeLink')).toBe(false);
		for (const id of extras) expect(weLink.persons.get(id)?.outcome).not.toBe('removed');
		expect(listedInDepartment()).toEqual(expect.arrayContaining(extras));
		expect(ran(result, 'Submit Missing to WeLink')).toBe(false);
		expect(weLink.persons.has('wx-e2e-new-2')).toBe(false);
		expect(weLink.persons.size).toBe(personsBefore);
		expectNoSecrets(instance, stdout + stderr);
	});
});
