/**
 * The Shiheng Trigger published in a running n8n (`n8n start`, the line scripts/e2e.sh chose):
 * n8n's own scheduler polls it, the first poll records the baseline, and the emulator's admin API
 * changes the company between polls as the outside world would. What the trigger fired is read
 * back through n8n's REST API (executions list, each execution's run data).
 *
 * n8n refuses a poll time that fires more than once a minute (2.41: any 6-field cron whose seconds
 * field is not a single number; 1.123: a seconds field with "*"). Each Poll Times entry here is a
 * once-a-minute cron at its own second: one every POLL_EVERY_S seconds, and a second one
 * OVERLAP_AFTER_S later (n8n registers an identical cron only once, so two entries at the same
 * second would not make two polls). A poll slower than OVERLAP_AFTER_S therefore overlaps the next
 * (issue 20): the later one must skip itself, and every event must come once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEMO_CREDENTIALS, DEMO_OWNER } from '../../scripts/lib/demo';
import {
	PACKAGE_NAME,
	RestSession,
	importWorkflowDirectory,
	listExecutions,
	publishWorkflow,
	readExecution,
	startN8nServer,
	type ExecutionSummary,
	type N8nServer,
} from '../../scripts/lib/n8n';
import {
	ADMIN_PATHS,
	startShihengEmulator,
	type ShihengEmulatorHandle,
} from '../emulators/shiheng';
import { prepareInstance, type E2eInstance } from './instance';

const WORKFLOW_ID = 'e2eShihengTrigger1';
const TRIGGER = 'Shiheng Trigger';
const POLL_EVERY_S = 5;
const OVERLAP_AFTER_S = 2;
const PAGE_SIZE = 10;
/** Longest wait for what the next poll brings: two poll intervals and a margin for a busy machine. */
const NEXT_POLL_MS = (2 * POLL_EVERY_S + 10) * 1000;

let instance: E2eInstance;
let server: N8nServer;
let session: RestSession;
let shiheng: ShihengEmulatorHandle;

function triggerWorkflow(employeeListPath: string): Record<string, unknown> {
	const seconds = Array.from({ length: 60 / POLL_EVERY_S }, (_, i) => i * POLL_EVERY_S);
	return {
		id: WORKFLOW_ID,
		name: 'E2E: Shiheng Trigger',
		active: false,
		nodes: [
			{
				id: 'e2e0trig-0000-4000-8000-000000000001',
				name: TRIGGER,
				type: `${PACKAGE_NAME}.shihengTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					pollTimes: {
						item: seconds.flatMap((second) =>
							[0, OVERLAP_AFTER_S].map((after) => ({
								mode: 'custom',
								cronExpression: `${second + after} * * * * *`,
							})),
						),
					},
					events: ['employeeJoined', 'employeeChanged', 'employeeLeft'],
					employeeListPath,
					watchedFields: ['mobileNumber', 'name', 'status'],
					simplify: true,
					options: { pageSize: PAGE_SIZE, rememberPreviousValues: true, maxLeavers: '10' },
				},
				credentials: { shihengApi: DEMO_CREDENTIALS.shiheng },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Polls so far: each poll asks for page 1 first (the emulator keeps every request it decoded, answered or refused). */
function pollsStarted(): number {
	return shiheng.received.filter((request) => {
		if (request.path !== shiheng.employeePath) return false;
		const content = request.params.paramContent;
		const parsed = (typeof content === 'string' ? JSON.parse(content) : content) as
			{ pageNum?: unknown } | undefined;
		return Number(parsed?.pageNum) === 1;
	}).length;
}

async function waitFor<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}\n${server.log().slice(-3000)}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Waits until `count` more polls have started and the last of them has read every page. */
async function polls(count: number, since = pollsStarted()): Promise<void> {
	await waitFor(`${count} poll(s)`, count * NEXT_POLL_MS, () =>
		pollsStarted() >= since + count ? true : undefined,
	);
	// Pages 2.. follow page 1 at once (concurrently): settled when no request arrived for a while.
	await waitFor('the poll to read its pages', 10_000, () => {
		const last = shiheng.emulator.records[shiheng.emulator.records.length - 1];
		return last && Date.now() - last.at > 500 ? true : undefined;
	});
}

async function executions(): Promise<ExecutionSummary[]> {
	return await listExecutions(session, WORKFLOW_ID);
}

/** The next execution after `known` (one poll's events), once n8n has finished it. */
async function nextExecution(known: number): Promise<ExecutionSummary> {
	return await waitFor('the next execution', NEXT_POLL_MS, async () => {
		const list = await executions();
		const next = list[known];
		return next && next.stoppedAt ? next : undefined;
	});
}

interface EventJson {
	event: string;
	reason: string;
	employee: Record<string, unknown>;
	changedFields?: string[];
	changes?: Record<string, { previous?: unknown; current: unknown }>;
}

async function eventsOf(execution: ExecutionSummary): Promise<EventJson[]> {
	const stored = await readExecution(session, execution.id, instance.runtime);
	const runs = stored.data.resultData.runData[TRIGGER] ?? [];
	return runs.flatMap((run) =>
		(run.data?.main?.[0] ?? []).map((item) => item.json as unknown as EventJson),
	);
}

const summary = (events: EventJson[]) =>
	events
		.map((e) => [e.event, e.employee.id, e.changedFields ?? []])
		.sort((a, b) => Number(a[1]) - Number(b[1]));

beforeAll(async () => {
	instance = await prepareInstance();
	shiheng = instance.demo.shiheng;
	const dir = join(instance.setup.userFolder, 'trigger-workflow');
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, `${WORKFLOW_ID}.json`),
		JSON.stringify(triggerWorkflow(shiheng.employeePath)),
	);
	await importWorkflowDirectory(instance.setup, dir);
	await publishWorkflow(instance.setup, WORKFLOW_ID);
	server = await startN8nServer(instance.setup);
	session = new RestSession(server.baseUrl);
	expect(await session.setupOwner(DEMO_OWNER)).toBe(true);
}, 300_000);

afterAll(async () => {
	await server?.stop();
	await instance?.dispose();
});

describe('the Shiheng Trigger published in a running n8n', () => {
	test('the first poll records the baseline and fires nothing; the next fires exactly what changed', async () => {
		// Activation polls at once (the baseline), then n8n's scheduler every POLL_EVERY_S seconds.
		await polls(2, 0);
		expect(await executions()).toEqual([]);

		const [changedId, removedId] = [shiheng.employeeId(2), shiheng.employeeId(7)];
		const before = shiheng.employee(changedId)!;
		const removed = shiheng.employee(removedId)!;
		const { added } = (await shiheng.admin(ADMIN_PATHS.employees, {
			add: [
				{ name: '新员工 甲', status: 1 },
				{ name: '新员工 乙', status: 4, position: 0 },
			],
			change: [{ id: changedId, mobileNumber: '13900000001', name: '改名 丙' }],
			remove: [removedId],
		})) as { added: number[] };

		const execution = await nextExecution(0);
		expect(execution).toMatchObject({ status: 'success', mode: 'trigger' });
		// Someone no longer listed leaves when the next complete listing confirms it (Confirm Absence Over 2).
		const confirming = await nextExecution(1);
		expect(confirming).toMatchObject({ status: 'success', mode: 'trigger' });
		expect(summary(await eventsOf(confirming))).toEqual([['employeeLeft', removedId, []]]);
		const events = [...(await eventsOf(execution)), ...(await eventsOf(confirming))];
		expect(summary(events)).toEqual(
			summary([
				{ event: 'employeeJoined', reason: 'new', employee: { id: added[0] } },
				{ event: 'employeeJoined', reason: 'new', employee: { id: added[1] } },
				{
					event: 'employeeChanged',
					reason: 'fieldsChanged',
					employee: { id: changedId },
					changedFields: ['mobileNumber', 'name'],
				},
				{ event: 'employeeLeft', reason: 'notListed', employee: { id: removedId } },
			]),
		);
		const byId = (id: number) => events.find((e) => e.employee.id === id)!;
		expect(byId(added[1]).employee).toMatchObject({ name: '新员工 乙', statusCode: 4 });
		expect(byId(changedId).changes).toEqual({
			mobileNumber: { previous: before.mobileNumber, current: '13900000001' },
			name: { previous: before.name, current: '改名 丙' },
		});
		// Remember Previous Values: the leaver, no longer listed, still has a name and WeCom user ID.
		expect(byId(removedId)).toMatchObject({
			reason: 'notListed',
			employee: { name: removed.name, weComUserId: removed.weComUserId },
		});

		// Nothing changed since: the next poll fires nothing.
		await polls(1);
		expect(await executions()).toHaveLength(2);
	});

	test('a page that fails fails that poll (no false Left); the next poll catches up and fires nothing false', async () => {
		const known = (await executions()).length;
		const pages = Math.ceil(shiheng.employeeCount() / PAGE_SIZE);
		expect(pages).toBeGreaterThan(3);
		// Page 3 fails from the next poll on (until cleared); someone joins meanwhile.
		await shiheng.admin(ADMIN_PATHS.failPage, { pageNum: 3 });
		const { added } = (await shiheng.admin(ADMIN_PATHS.employees, {
			add: [{ name: 'Joined While Failing', status: 1 }],
		})) as { added: number[] };
		try {
			// The failed poll becomes a failed execution in n8n, with nothing fired.
			const failed = await nextExecution(known);
			expect(failed.status).toBe('error');
			const stored = await readExecution(session, failed.id, instance.runtime);
			expect(stored.data.resultData.error?.message).toMatch(/50001|page 3/);
			expect(await eventsOf(failed)).toEqual([]);
		} finally {
			await shiheng.admin(ADMIN_PATHS.clearFailures, {});
		}
		const caughtUp = await nextExecution(known + 1);
		expect(caughtUp.status).toBe('success');
		expect(summary(await eventsOf(caughtUp))).toEqual([['employeeJoined', added[0], []]]);

		await polls(1);
		expect(await executions()).toHaveLength(known + 2);
	});

	test('a poll slower than the gap to the next poll time overlaps it: the later poll skips itself, and the joiner comes once', async () => {
		const known = (await executions()).length;
		const latency = shiheng.emulator.latencyMs;
		// Every answer 3 s late: a poll (all pages at once when their count is known) takes at least
		// 3 s, more than OVERLAP_AFTER_S and less than POLL_EVERY_S.
		shiheng.emulator.latencyMs = 3_000;
		try {
			const { added } = (await shiheng.admin(ADMIN_PATHS.employees, {
				add: [{ name: 'Joined During Overlap', status: 1 }],
			})) as { added: number[] };
			const next = await nextExecution(known);
			expect(next.status).toBe('success');
			expect(summary(await eventsOf(next))).toEqual([['employeeJoined', added[0], []]]);
			await waitFor('a poll that skipped itself', NEXT_POLL_MS, () =>
				/skipped a poll, because the previous poll of this trigger is still running/.test(
					server.log(),
				)
					? true
					: undefined,
			);
		} finally {
			shiheng.emulator.latencyMs = latency;
		}
		// The skipped poll fired nothing, and the polls after it find nothing new.
		await polls(2);
		expect(await executions()).toHaveLength(known + 1);
	});

	test('across every poll of the run, no event ever came twice', async () => {
		const all: string[] = [];
		for (const execution of await executions()) {
			for (const event of await eventsOf(execution))
				all.push(`${event.event} ${event.reason} ${String(event.employee.id)}`);
		}
		expect(all.length).toBeGreaterThan(4);
		expect(new Set(all).size).toBe(all.length);
	});

	test("switching the trigger's credential to another company fires nothing; that company's own changes are reported from then on", async () => {
		const other = await startShihengEmulator({
			employees: 25,
			customers: 0,
			appId: 'sh-other-company',
			appSecret: 'sh-other-secret-51c2',
			latencyMs: 5,
		});
		try {
			const { id } = DEMO_CREDENTIALS.shiheng;
			const stored = await session.request<{
				name: string;
				type: string;
				data: Record<string, unknown>;
			}>('GET', `/rest/credentials/${id}?includeData=true`);
			expect(stored.status).toBe(200);
			const switched = await session.request('PATCH', `/rest/credentials/${id}`, {
				name: stored.data.name,
				type: stored.data.type,
				data: { ...stored.data.data, ...other.credentials },
			});
			expect(switched.status).toBe(200);
			const known = (await executions()).length;
			const otherPolls = () => other.served.filter((entry) => entry.pageNum === 1).length;
			// Two polls of the other company (the first records its baseline): no execution, no Left for the first company's people.
			await waitFor('two polls of the other company', 3 * NEXT_POLL_MS, () =>
				otherPolls() >= 2 ? true : undefined,
			);
			await waitFor('the polls to settle', 10_000, () => {
				const last = other.emulator.records[other.emulator.records.length - 1];
				return last && Date.now() - last.at > 500 ? true : undefined;
			});
			expect(await executions()).toHaveLength(known);
			expect(server.log()).toMatch(
				/records a new employee baseline and fires no employee event.*credential \(Base URL or App ID\) or the list path/,
			);

			const [joiner] = other.addEmployees([{ name: 'Other Company Joiner', status: 1 }]);
			const next = await nextExecution(known);
			expect(next.status).toBe('success');
			expect(summary(await eventsOf(next))).toEqual([['employeeJoined', joiner, []]]);
		} finally {
			const { id } = DEMO_CREDENTIALS.shiheng;
			const stored = await session.request<{
				name: string;
				type: string;
				data: Record<string, unknown>;
			}>('GET', `/rest/credentials/${id}?includeData=true`);
			await session.request('PATCH', `/rest/credentials/${id}`, {
				name: stored.data.name,
				type: stored.data.type,
				data: { ...stored.data.data, ...shiheng.credentials },
			});
			await other.stop();
		}
	});
});
