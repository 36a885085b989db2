import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { propertySeed } from '../harness/fc-seed';
import { shihengTrigger } from './fixtures';

/**
 * Issue 20's property: random employee-list histories (joins, status changes, removals, and
 * reorders and inserts between the page reads of one poll), with random page sizes, concurrency,
 * stated totals (before or after a change) and overlapping polls, polled through n8n-core's
 * PollTriggerExecutor. Invariants: every Left names someone who really left; no event is delivered
 * twice; after Confirm Absence Over + 1 quiet polls, what was reported is what the list says.
 * The seed is printed; counterexamples found are kept below as fixed cases.
 */

type Op =
	| { kind: 'join'; at: number }
	| { kind: 'status'; pick: number; status: 1 | 2 | 5 }
	| { kind: 'remove'; pick: number }
	/** One removed and one added at the end in the same instant: the count stays right. */
	| { kind: 'replace'; pick: number }
	| { kind: 'move'; pick: number; at: number };

interface Poll {
	/** Changes made before the poll starts. */
	before: Op[];
	/** Changes made after the poll's page reads, one per page read. */
	during: Op[];
	overlap: boolean;
}

interface History {
	size: number;
	pageSize: number;
	concurrency: number;
	statedTotal: 'before' | 'after';
	confirmAbsence: number;
	polls: Poll[];
}

const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('join' as const), at: fc.nat(20) }),
	fc.record({
		kind: fc.constant('status' as const),
		pick: fc.nat(50),
		status: fc.constantFrom(1 as const, 2 as const, 5 as const),
	}),
	fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(50) }),
	fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(50) }),
	fc.record({ kind: fc.constant('move' as const), pick: fc.nat(50), at: fc.nat(20) }),
);

const history: fc.Arbitrary<History> = fc.record({
	size: fc.integer({ min: 2, max: 9 }),
	pageSize: fc.integer({ min: 1, max: 4 }),
	concurrency: fc.integer({ min: 1, max: 3 }),
	statedTotal: fc.constantFrom('before' as const, 'after' as const),
	confirmAbsence: fc.integer({ min: 1, max: 3 }),
	polls: fc.array(
		fc.record({
			before: fc.array(op, { maxLength: 3 }),
			during: fc.array(op, { maxLength: 3 }),
			overlap: fc.boolean(),
		}),
		{
			minLength: 1,
			maxLength: 4,
		},
	),
});

let sh: ShihengEmulatorHandle;
beforeAll(async () => {
	sh = await startShihengEmulator({ employees: 0, customers: 0 });
});
afterAll(async () => await sh.stop());

/** Runs one history; throws (with what went wrong) when an invariant breaks. */
async function check(h: History): Promise<void> {
	sh.afterEmployeePage(undefined);
	sh.removeEmployees(sh.employeeIds());
	sh.addEmployees(Array.from({ length: h.size }, () => ({ status: 1 })));
	const removed = new Set<number>();
	const setToFive = new Set<number>();
	const apply = (change: Op) => {
		const ids = sh.employeeIds();
		if (change.kind === 'join') {
			sh.addEmployees([{ status: 1 }], change.at % (ids.length + 1));
			return;
		}
		if (ids.length === 0) return;
		const id = ids[change.pick % ids.length];
		if (change.kind === 'status') {
			sh.changeEmployee(id, { status: change.status });
			if (change.status === 5) setToFive.add(id);
		} else if (change.kind === 'remove' || change.kind === 'replace') {
			sh.removeEmployees([id]);
			removed.add(id);
			if (change.kind === 'replace') sh.addEmployees([{ status: 1 }]);
		} else {
			sh.moveEmployee(id, change.at % ids.length);
		}
	};

	const trigger = shihengTrigger(sh, {
		events: ['employeeJoined', 'employeeLeft'],
		options: {
			pageSize: h.pageSize,
			concurrency: h.concurrency,
			confirmAbsenceOver: h.confirmAbsence,
			maxLeavers: '100%',
		},
	});
	/** What the events said so far: id → listed and not left. */
	let reported: Map<string, boolean> | undefined;
	const delivered: Array<[string, string, string]> = [];
	const take = (emitted: INodeExecutionData[] | undefined) => {
		for (const { json } of emitted ?? []) {
			const id = String((json.employee as IDataObject).id);
			const event = String(json.event);
			delivered.push([event, String(json.reason), id]);
			if (!reported) throw new Error(`event ${event} for ${id} before any baseline`);
			if (event === 'employeeLeft') {
				if (json.reason === 'notListed' && !removed.has(Number(id)))
					throw new Error(`false Left (notListed) for ${id}, who is listed`);
				if (json.reason === 'statusLeft' && !setToFive.has(Number(id)))
					throw new Error(`false Left (statusLeft) for ${id}`);
				if (reported.get(id) !== true)
					throw new Error(
						`Left twice (or for someone never reported) for ${id}: ${JSON.stringify(delivered)}`,
					);
				reported.set(id, false);
			} else {
				if (reported.get(id) === true)
					throw new Error(`Joined twice for ${id}: ${JSON.stringify(delivered)}`);
				reported.set(id, true);
			}
		}
	};
	const learnBaseline = () => {
		const employees = trigger.staticData().employees as
			{ employees: Record<string, string> } | undefined;
		if (!reported && employees)
			reported = new Map(
				Object.entries(employees.employees).map(([id, packed]) => [id, packed !== '5']),
			);
	};

	for (const step of h.polls) {
		step.before.forEach(apply);
		const during = [...step.during];
		sh.afterEmployeePage(() => {
			const next = during.shift();
			if (next) apply(next);
		}, h.statedTotal);
		const outcomes = await Promise.all(
			step.overlap ? [trigger.poll(), trigger.poll()] : [trigger.poll()],
		);
		sh.afterEmployeePage(undefined);
		for (const outcome of outcomes) {
			if (outcome.error && !/Shiheng stated|changed while it was read/.test(outcome.error.message))
				throw outcome.error;
			take(outcome.emitted);
		}
		learnBaseline();
	}
	// Quiet polls: every real change must be out within Confirm Absence Over + 1 of them (one may take the baseline first).
	for (let n = 0; n < h.confirmAbsence + 2; n++) {
		const outcome = await trigger.poll();
		if (outcome.error) throw outcome.error;
		take(outcome.emitted);
		learnBaseline();
	}
	const truth = new Map(sh.employeeIds().map((id) => [String(id), sh.employee(id)!.status !== 5]));
	const reportedActive = [...(reported ?? new Map<string, boolean>())]
		.filter(([, listed]) => listed)
		.map(([id]) => id)
		.sort();
	const listedActive = [...truth]
		.filter(([, listed]) => listed)
		.map(([id]) => id)
		.sort();
	if (JSON.stringify(reportedActive) !== JSON.stringify(listedActive)) {
		throw new Error(
			`reported ${JSON.stringify(reportedActive)} but the list has ${JSON.stringify(listedActive)}; events ${JSON.stringify(delivered)}`,
		);
	}
}

/** Counterexamples the property found, kept as fixed cases. */
const FOUND: Array<[string, History]> = [
	[
		"the issue's race: ids 1..4, pages of 2, one removed and one added between the pages",
		{
			size: 4,
			pageSize: 2,
			concurrency: 1,
			statedTotal: 'before',
			confirmAbsence: 2,
			polls: [
				{ before: [], during: [], overlap: false },
				{ before: [], during: [{ kind: 'replace', pick: 0 }], overlap: false },
			],
		},
	],
	[
		'someone added and set to status 5 between two page reads of one poll (a Joined for a leaver, fixed: no event)',
		{
			size: 3,
			pageSize: 2,
			concurrency: 3,
			statedTotal: 'after',
			confirmAbsence: 2,
			polls: [
				{ before: [], during: [{ kind: 'remove', pick: 24 }], overlap: false },
				{
					before: [
						{ kind: 'join', at: 13 },
						{ kind: 'remove', pick: 26 },
					],
					during: [
						{ kind: 'status', pick: 35, status: 5 },
						{ kind: 'move', pick: 50, at: 3 },
					],
					overlap: false,
				},
				{ before: [], during: [{ kind: 'join', at: 1 }], overlap: true },
				{
					before: [
						{ kind: 'move', pick: 47, at: 7 },
						{ kind: 'move', pick: 27, at: 13 },
						{ kind: 'move', pick: 48, at: 6 },
					],
					during: [],
					overlap: false,
				},
			],
		},
	],
];

test.each(FOUND)('fixed case: %s', async (_name, h) => {
	await check(h);
});

test('random histories keep the invariants', async () => {
	const seed = propertySeed('trigger property test');
	await fc.assert(
		fc.asyncProperty(history, async (h) => await check(h)),
		{ seed, numRuns: Number(process.env.FC_RUNS ?? 40), endOnFailure: true },
	);
}, 120_000);
