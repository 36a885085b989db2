import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	RestSession,
	freePort,
	importCredentials,
	listExecutions,
	readExecution,
	startN8nServer,
} from '../scripts/lib/n8n';
import type { ExecutionSummary, N8nServer, N8nSetup, Owner } from '../scripts/lib/n8n';
import { ADMIN_PATHS, startShihengEmulator } from '../test/emulators/shiheng';
import type { ShihengEmulatorHandle } from '../test/emulators/shiheng';
import { treeRssKb } from './measure';
import type { ScenarioResult } from './report';
import type { BenchConfig } from './scenarios';
import { median, round } from './summary';
import { HTTP_REQUEST, HTTP_REQUEST_VERSION, MEASURED, PACKAGE, pagination } from './workflows';
import type { CredentialRef, WorkflowNode } from './workflows';

/**
 * Scenario `shiheng-trigger` (issue 14): one poll of a large WeCom employee list with a number of
 * changes, by our Shiheng Trigger and by what a user builds without it — a Schedule Trigger, the
 * HTTP Request node paging through the list with our credential, and a Code node that compares
 * the list with the previous one kept in `$getWorkflowStaticData('global')`.
 *
 * Why not `n8n execute` like the other scenarios: it runs a workflow in the "cli" mode, where
 * n8n's WorkflowExecute passes a polling trigger's input through instead of polling, and a
 * manual run of our trigger is its "Fetch Test Event" sample. A real poll only happens in an
 * active (published) workflow. So each side is published in a running `n8n start` and polled by
 * n8n's own scheduler on a cron at a chosen second, and its figures come from outside:
 *  - time: from the scheduled instant of the measured poll to the end (`stoppedAt`) of the
 *    execution it produced, from n8n's executions REST API. For ours the poll itself (every page,
 *    the comparison) happens before n8n creates the execution, for the peer inside it; both end
 *    when the change events are items of a finished execution;
 *  - requests: the emulator's records of that window;
 *  - memory: the resident memory (VmRSS) of the n8n process tree sampled every 25 ms, its peak in
 *    that window, and its level in the two seconds before;
 *  - state: the byte length of the workflow's static data as n8n stores it, after the poll.
 * Baselines: n8n polls our trigger once when it is published (that first poll only records the
 * list); the changes are made after it, and the next scheduled poll is measured. The peer's
 * first scheduled run records its list; the workflow is then unpublished, the changes made, its
 * schedule moved a few seconds ahead and it is published again: its next run is measured.
 * A fresh emulator (same port) and a fresh `n8n start` (same user folder) serve every run.
 */

export const TRIGGER_SCENARIO_ID = 'shiheng-trigger';

type TriggerSide = 'ours' | 'peer';

const OWNER: Owner = {
	email: 'bench@example.com',
	password: 'BenchTrigger2024',
	firstName: 'Bench',
	lastName: 'Runner',
};
const CREDENTIAL: CredentialRef = {
	type: 'shihengApi',
	id: 'benchShihengTrg01',
	name: 'Bench Shiheng Trigger',
};
/** What both sides compare: the trigger's default Changed Fields (the status among them). */
const WATCHED = ['status', 'businessEmail', 'emailAddress', 'mobileNumber', 'name', 'userId'];
const STATUS_LEFT = 5;
const SAMPLE_EVERY_MS = 25;

interface TriggerRun {
	side: TriggerSide;
	rep: number;
	ok: boolean;
	/** Scheduled instant of the measured poll → end of the execution it produced. */
	jobMs: number | null;
	/** Scheduled instant → first request at the emulator. */
	beforeFirstRequestMs: number | null;
	/** First → last request of the poll. */
	requestSpanMs: number | null;
	/** Last request → end of the execution (the comparison, the execution's own work, saving it). */
	afterLastRequestMs: number | null;
	/** The execution's own span (startedAt → stoppedAt). */
	executionMs: number | null;
	/** How long the baseline (first) poll took: ours the publishing call, the peer its first run. */
	baselineMs: number | null;
	requests: number | null;
	idleRssMb: number | null;
	peakRssMb: number | null;
	stateBytes: number | null;
	events: Record<string, number>;
	problems: string[];
}

interface WorkflowPayload {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	>;
	settings: { executionOrder: 'v1' };
}

/** Sizes of the job, from the benchmark's configuration. */
interface Job {
	employees: number;
	changes: number;
	latencyMs: number;
	pageSize: number;
	concurrency: number;
	/** Pages after the changes (the HTTP Request node's request limit). */
	pages: number;
}

/** How the changes split: a third join, a third leave (half removed from the list, half set to status 5), the rest change a watched field. */
export function planOf(changes: number): {
	joiners: number;
	removals: number;
	statusLefts: number;
	changers: number;
} {
	const joiners = Math.ceil(changes / 3);
	const leavers = Math.floor(changes / 3);
	const removals = Math.ceil(leavers / 2);
	return {
		joiners,
		removals,
		statusLefts: leavers - removals,
		changers: changes - joiners - leavers,
	};
}

function jobOf(config: BenchConfig): Job {
	const plan = planOf(config.triggerChanges);
	const pages = Math.ceil(
		(config.triggerEmployees + plan.joiners - plan.removals) / config.pageSize,
	);
	return {
		employees: config.triggerEmployees,
		changes: config.triggerChanges,
		latencyMs: config.latencyMs,
		pageSize: config.pageSize,
		concurrency: config.shihengConcurrency,
		pages,
	};
}

/** A generous guess of one poll's duration, for timeouts and for where to put the first tick. */
function pollGuessMs(job: Job, side: TriggerSide): number {
	if (side === 'ours')
		return (Math.ceil(job.pages / job.concurrency) + 1) * (job.latencyMs + 10) + 3000;
	// The HTTP Request node pages one after another.
	return job.pages * (job.latencyMs + 40) + 5000;
}

function node(
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	parameters: Record<string, unknown>,
	credential?: CredentialRef,
): WorkflowNode {
	return {
		id: randomUUID(),
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...(credential
			? { credentials: { [credential.type]: { id: credential.id, name: credential.name } } }
			: {}),
	};
}

function oursWorkflow(name: string, cron: string, job: Job, employeePath: string): WorkflowPayload {
	return {
		name,
		nodes: [
			node(
				MEASURED,
				`${PACKAGE}.shihengTrigger`,
				1,
				0,
				{
					pollTimes: { item: [{ mode: 'custom', cronExpression: cron }] },
					events: ['employeeJoined', 'employeeChanged', 'employeeLeft'],
					employeeListPath: employeePath,
					watchedFields: [...WATCHED].sort(),
					// Confirm Absence Over at its default (2), as users run it: someone no longer listed is
					// absent once after the measured poll, and leaves in the next (checked in the state).
					options: { pageSize: job.pageSize, concurrency: job.concurrency },
				},
				CREDENTIAL,
			),
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** The peer's comparison: what a user writes in a Code node (one run for all items). */
const PEER_DIFF = `const WATCHED = ${JSON.stringify(WATCHED)};
const state = $getWorkflowStaticData('global');
const now = {};
for (const page of $input.all()) {
  for (const row of page.json.result?.result ?? []) now[row.id] = WATCHED.map((field) => row[field] ?? null);
}
const before = state.employees;
state.employees = now;
if (!before) return [];
const events = [];
for (const [id, values] of Object.entries(now)) {
  const previous = before[id];
  if (!previous) { events.push({ json: { event: 'employeeJoined', id: Number(id) } }); continue; }
  const [was, is] = [previous[0], values[0]];
  if (was !== ${STATUS_LEFT} && is === ${STATUS_LEFT}) events.push({ json: { event: 'employeeLeft', id: Number(id) } });
  else if (was === ${STATUS_LEFT} && is !== ${STATUS_LEFT}) events.push({ json: { event: 'employeeJoined', id: Number(id) } });
  else {
    const changedFields = WATCHED.filter((field, i) => JSON.stringify(previous[i]) !== JSON.stringify(values[i]));
    if (changedFields.length > 0) events.push({ json: { event: 'employeeChanged', id: Number(id), changedFields } });
  }
}
for (const [id, previous] of Object.entries(before)) {
  if (!(id in now) && previous[0] !== ${STATUS_LEFT}) events.push({ json: { event: 'employeeLeft', id: Number(id) } });
}
return events;`;

function peerWorkflow(name: string, cron: string, job: Job, url: string): WorkflowPayload {
	const schedule = node('Schedule', 'n8n-nodes-base.scheduleTrigger', 1.2, 0, {
		rule: { interval: [{ field: 'cronExpression', expression: cron }] },
	});
	const pages = node(
		'Employee Pages',
		HTTP_REQUEST,
		HTTP_REQUEST_VERSION,
		240,
		{
			method: 'POST',
			url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL.type,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify({ paramContent: { pageNum: 1, pageSize: job.pageSize } }),
			options: {
				pagination: pagination(
					{
						type: 'body',
						name: 'paramContent',
						value: `={{ { "pageNum": $pageCount + 1, "pageSize": ${job.pageSize} } }}`,
					},
					'={{ $pageCount >= $response.body.result.pages }}',
					job.pages + 5,
				),
			},
		},
		CREDENTIAL,
	);
	const diff = node(MEASURED, 'n8n-nodes-base.code', 2, 480, { jsCode: PEER_DIFF });
	const link = (to: string) => ({ main: [[{ node: to, type: 'main' as const, index: 0 }]] });
	return {
		name,
		nodes: [schedule, pages, diff],
		connections: { [schedule.name]: link(pages.name), [pages.name]: link(diff.name) },
		settings: { executionOrder: 'v1' },
	};
}

interface Changes {
	/** Each changed employee's expected event, as the peer reports it (Left at once for a removal). */
	expected: Map<string, string>;
	/** Employees removed from the list: ours counts them absent once (Confirm Absence Over 2). */
	removed: number[];
}

/** Makes the changes of the measured poll (planOf) on the emulator. */
async function makeChanges(handle: ShihengEmulatorHandle, count: number): Promise<Changes> {
	const { joiners, removals, statusLefts, changers } = planOf(count);
	const leavers = removals + statusLefts;
	const ids = handle.employeeIds();
	const stride = Math.max(1, Math.floor(ids.length / (leavers + changers + 1)));
	const picked: number[] = [];
	// Spread over the list; from each spot, the next employee who has not left (status 5) already.
	for (let slot = 1, index = 0; slot <= leavers + changers; slot++) {
		index = Math.max(index, slot * stride);
		while (index < ids.length && handle.employee(ids[index])?.status === STATUS_LEFT) index++;
		if (index < ids.length) picked.push(ids[index++]);
	}
	if (picked.length < leavers + changers)
		throw new Error(`only ${picked.length} employees to change, ${leavers + changers} needed`);
	const leaving = picked.slice(0, leavers);
	const removed = leaving.slice(0, removals);
	const toStatusLeft = leaving.slice(removals);
	const changing = picked.slice(leavers);
	const expected = new Map<string, string>();
	const { added } = (await handle.admin(ADMIN_PATHS.employees, {
		add: Array.from({ length: joiners }, (_, i) => ({ name: `Bench Joiner ${i + 1}`, status: 1 })),
		change: [
			...toStatusLeft.map((id) => ({ id, status: STATUS_LEFT })),
			...changing.map((id, i) => ({ id, mobileNumber: `139${String(i).padStart(8, '0')}` })),
		],
		remove: removed,
	})) as { added: number[] };
	for (const id of added) expected.set(String(id), 'employeeJoined');
	for (const id of leaving) expected.set(String(id), 'employeeLeft');
	for (const id of changing) expected.set(String(id), 'employeeChanged');
	return { expected, removed };
}

/** Ours: the removed employees are absent once in the state and not reported yet, nobody else is absent. */
function checkAbsentOnce(problems: string[], state: unknown, changes: Changes): void {
	// The trigger keeps node static data: n8n stores it under "node:<node name>".
	const node = (state as Record<string, unknown> | null)?.[`node:${MEASURED}`] as
		{ employees?: { absent?: Record<string, number> } } | undefined;
	const absent = node?.employees?.absent;
	const want = Object.fromEntries(changes.removed.map((id) => [String(id), 1]));
	if (JSON.stringify(absent ?? {}) !== JSON.stringify(want))
		problems.push(
			`the state should hold the ${changes.removed.length} removed employees as absent once, it holds ${JSON.stringify(absent ?? {}).slice(0, 200)}`,
		);
}

/** The latest instant at or before `at` whose second (UTC) is `second`. */
function tickAtOrBefore(at: number, second: number): number {
	const tick = Math.floor(at / 60_000) * 60_000 + second * 1000;
	return tick > at ? tick - 60_000 : tick;
}

/** A cron firing once a day at `at` (whole second, UTC: n8n runs with GENERIC_TIMEZONE=UTC here). */
function dailyCron(at: number): string {
	const date = new Date(at);
	return `${date.getUTCSeconds()} ${date.getUTCMinutes()} ${date.getUTCHours()} * * *`;
}

function ceilSecond(at: number): number {
	return Math.ceil(at / 1000) * 1000;
}

class RssSampler {
	readonly samples: Array<{ at: number; kb: number }> = [];

	private readonly timer: NodeJS.Timeout;

	constructor(pid: number) {
		this.timer = setInterval(
			() => this.samples.push({ at: Date.now(), kb: treeRssKb(pid) }),
			SAMPLE_EVERY_MS,
		);
	}

	stop(): void {
		clearInterval(this.timer);
	}

	/** Median before `from` (over `idleMs`) and peak within [from, to], in MB. */
	window(
		from: number,
		to: number,
		idleMs = 2000,
	): { idleMb: number | null; peakMb: number | null } {
		const idle = this.samples.filter((s) => s.at >= from - idleMs && s.at < from).map((s) => s.kb);
		const busy = this.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.kb);
		const mb = (kb: number | null) => (kb === null ? null : round(kb / 1024, 1));
		return { idleMb: mb(median(idle)), peakMb: mb(busy.length > 0 ? Math.max(...busy) : null) };
	}
}

async function rest<T>(
	session: RestSession,
	method: string,
	path: string,
	body?: unknown,
): Promise<T> {
	const answer = await session.request<T>(method, path, body);
	if (answer.status !== 200)
		throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 600)}`);
	return answer.data;
}

interface CreatedWorkflow {
	id: string;
	versionId: string;
}

async function createWorkflow(
	session: RestSession,
	payload: WorkflowPayload,
): Promise<CreatedWorkflow> {
	return await rest<CreatedWorkflow>(session, 'POST', '/rest/workflows', payload);
}

async function publish(session: RestSession, workflow: CreatedWorkflow): Promise<void> {
	await rest(session, 'POST', `/rest/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});
}

async function unpublish(session: RestSession, id: string): Promise<void> {
	await rest(session, 'POST', `/rest/workflows/${id}/deactivate`, {});
}

async function nthExecution(
	session: RestSession,
	workflowId: string,
	index: number,
	timeoutMs: number,
): Promise<ExecutionSummary> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = (await listExecutions(session, workflowId))[index];
		if (execution?.stoppedAt) return execution;
		if (Date.now() > deadline)
			throw new Error(
				`no finished execution #${index + 1} of workflow ${workflowId} after ${Math.round(timeoutMs / 1000)} s`,
			);
		// Seldom: every REST call costs the measured n8n some CPU.
		await sleep(1000);
	}
}

async function waitUntil(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!done()) {
		if (Date.now() > deadline)
			throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
		await sleep(100);
	}
}

/** Waits until the emulator got no request for `quietMs`. */
async function quietEmulator(handle: ShihengEmulatorHandle, quietMs = 500): Promise<void> {
	for (;;) {
		const last = handle.emulator.records[handle.emulator.records.length - 1];
		if (!last || Date.now() - last.at >= quietMs) return;
		await sleep(100);
	}
}

/** The peer's workflow with its Schedule Trigger's cron replaced (same node ids). */
function withSchedule(payload: WorkflowPayload, cron: string): WorkflowNode[] {
	return payload.nodes.map((n) =>
		n.type === 'n8n-nodes-base.scheduleTrigger'
			? {
					...n,
					parameters: { rule: { interval: [{ field: 'cronExpression', expression: cron }] } },
				}
			: n,
	);
}

/**
 * Moves the peer's schedule a few seconds ahead and publishes it; returns the scheduled instant
 * once its run has sent a request. n8n 2.41 publishes through an outbox, so the schedule may be
 * registered only after its instant has passed (then nothing runs): it is moved and published again.
 */
async function schedulePeerRun(
	session: RestSession,
	workflowId: string,
	payload: WorkflowPayload,
	requests: () => number,
): Promise<number> {
	for (let margin = 3000; margin <= 24_000; margin *= 2) {
		const at = ceilSecond(Date.now() + margin);
		const moved = await rest<CreatedWorkflow>(session, 'PATCH', `/rest/workflows/${workflowId}`, {
			nodes: withSchedule(payload, dailyCron(at)),
		});
		const seen = requests();
		await publish(session, { id: workflowId, versionId: moved.versionId });
		await sleep(Math.max(0, at + 3000 - Date.now()));
		if (requests() > seen) return at;
		await unpublish(session, workflowId);
	}
	throw new Error('the Schedule Trigger never ran at its scheduled instant');
}

/** What one measured execution delivered: each employee id with its event. */
async function deliveredEvents(
	session: RestSession,
	execution: ExecutionSummary,
	side: TriggerSide,
): Promise<Map<string, string>> {
	const stored = await readExecution(session, execution.id);
	const items = (stored.data.resultData.runData[MEASURED] ?? [])
		.flatMap((run) => run.data?.main?.[0] ?? [])
		.map((item) => item.json);
	const delivered = new Map<string, string>();
	for (const json of items) {
		const id = side === 'ours' ? (json.employee as { id?: unknown } | undefined)?.id : json.id;
		delivered.set(String(id), String(json.event));
	}
	return delivered;
}

function compareEvents(
	problems: string[],
	expected: Map<string, string>,
	delivered: Map<string, string>,
): void {
	const missing = [...expected].filter(([id, event]) => delivered.get(id) !== event);
	const extra = [...delivered].filter(([id]) => !expected.has(id));
	if (missing.length > 0)
		problems.push(
			`${missing.length} of ${expected.size} changes not delivered as expected (first: ${missing[0].join(' ')})`,
		);
	if (extra.length > 0)
		problems.push(
			`${extra.length} events for employees that did not change (first: ${extra[0].join(' ')})`,
		);
}

function countEvents(delivered: Map<string, string>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const event of delivered.values()) counts[event] = (counts[event] ?? 0) + 1;
	return counts;
}

/** The workflow's static data as n8n stores it: its text (for the byte count) and its value. */
async function staticData(
	session: RestSession,
	workflowId: string,
): Promise<{ bytes: number; value: unknown } | null> {
	const workflow = await rest<{ staticData?: unknown }>(
		session,
		'GET',
		`/rest/workflows/${workflowId}`,
	);
	if (workflow.staticData === undefined || workflow.staticData === null) return null;
	const text =
		typeof workflow.staticData === 'string'
			? workflow.staticData
			: JSON.stringify(workflow.staticData);
	return { bytes: Buffer.byteLength(text, 'utf8'), value: JSON.parse(text) as unknown };
}

interface RunContext {
	setup: N8nSetup;
	port: number;
	job: Job;
	log: (message: string) => void;
}

async function measureSide(
	context: RunContext,
	side: TriggerSide,
	rep: number,
): Promise<TriggerRun> {
	const { job, log } = context;
	const run: TriggerRun = {
		side,
		rep,
		ok: false,
		jobMs: null,
		beforeFirstRequestMs: null,
		requestSpanMs: null,
		afterLastRequestMs: null,
		executionMs: null,
		baselineMs: null,
		requests: null,
		idleRssMb: null,
		peakRssMb: null,
		stateBytes: null,
		events: {},
		problems: [],
	};
	const handle = await startShihengEmulator({
		port: context.port,
		latencyMs: job.latencyMs,
		employees: job.employees,
		customers: 0,
	});
	let server: N8nServer | undefined;
	let sampler: RssSampler | undefined;
	let session: RestSession | undefined;
	let workflowId: string | undefined;
	try {
		server = await startN8nServer(context.setup);
		const pid = server.process.pid;
		if (pid === undefined) throw new Error('n8n start has no process id');
		sampler = new RssSampler(pid);
		session = new RestSession(server.baseUrl);
		if (!(await session.setupOwner(OWNER))) await session.login(OWNER.email, OWNER.password);
		const guess = pollGuessMs(job, side);
		const polled = () => handle.emulator.count(handle.employeePath);
		const name = `bench ${TRIGGER_SCENARIO_ID} ${side} #${rep + 1}`;
		let tick: number;
		let changes: Changes;
		let measuredIndex: number;
		if (side === 'ours') {
			// Its first tick comes after the baseline poll n8n runs while publishing.
			const second = new Date(
				Date.now() + Math.min(55_000, Math.max(4000, 2 * guess)),
			).getUTCSeconds();
			const created = await createWorkflow(
				session,
				oursWorkflow(name, `${second} * * * * *`, job, handle.employeePath),
			);
			workflowId = created.id;
			const published = Date.now();
			// n8n 2.41 publishes through an outbox: the call returns before the trigger is activated
			// and its first poll has read the list. Only then may the company change.
			await publish(session, created);
			await waitUntil(
				'the baseline poll',
				10 * guess + 60_000,
				() => polled() >= Math.ceil(job.employees / job.pageSize),
			);
			await quietEmulator(handle);
			run.baselineMs = Date.now() - published;
			let next = tickAtOrBefore(Date.now(), second) + 60_000;
			if (next - Date.now() < 1500) {
				// Too close to make the changes before it: let that (quiet) poll pass.
				await sleep(next - Date.now() + 200);
				await quietEmulator(handle);
				next += 60_000;
			}
			const before = polled();
			changes = await makeChanges(handle, job.changes);
			if (polled() !== before) run.problems.push('a poll ran while the changes were made');
			tick = next;
			measuredIndex = 0;
		} else {
			const url = `${handle.baseUrl}${handle.employeePath}`;
			// Created with a schedule that has just passed (due again tomorrow): nothing runs until it is moved.
			const payload = peerWorkflow(name, dailyCron(ceilSecond(Date.now()) - 1000), job, url);
			const created = await createWorkflow(session, payload);
			workflowId = created.id;
			const first = await schedulePeerRun(session, created.id, payload, () => polled());
			const baseline = await nthExecution(
				session,
				created.id,
				0,
				first - Date.now() + 10 * guess + 60_000,
			);
			run.baselineMs = Date.parse(String(baseline.stoppedAt)) - first;
			if (baseline.status !== 'success')
				run.problems.push(`the baseline run ended "${baseline.status}"`);
			await unpublish(session, created.id);
			await quietEmulator(handle);
			changes = await makeChanges(handle, job.changes);
			tick = await schedulePeerRun(session, created.id, payload, () => polled());
			measuredIndex = 1;
		}
		const execution = await nthExecution(
			session,
			workflowId,
			measuredIndex,
			tick - Date.now() + 10 * guess + 60_000,
		);
		const end = Date.parse(String(execution.stoppedAt));
		const arrivals = handle.emulator.records
			.filter((r) => r.path === handle.employeePath && r.at >= tick - 1000 && r.at <= end)
			.map((r) => r.at);
		if (execution.status !== 'success')
			run.problems.push(`the measured execution ended "${execution.status}"`);
		if (arrivals.length === 0)
			run.problems.push('no request reached the emulator in the measured window');
		else if (Math.min(...arrivals) < tick)
			run.problems.push('a request came before the scheduled instant');
		run.jobMs = end - tick;
		run.executionMs = execution.startedAt ? end - Date.parse(execution.startedAt) : null;
		run.requests = arrivals.length;
		if (arrivals.length > 0) {
			run.beforeFirstRequestMs = Math.min(...arrivals) - tick;
			run.requestSpanMs = Math.max(...arrivals) - Math.min(...arrivals);
			run.afterLastRequestMs = end - Math.max(...arrivals);
		}
		await sleep(500);
		const memory = sampler.window(tick, end + 500);
		run.idleRssMb = memory.idleMb;
		run.peakRssMb = memory.peakMb;
		const delivered = await deliveredEvents(session, execution, side);
		const expected = new Map(changes.expected);
		if (side === 'ours') for (const id of changes.removed) expected.delete(String(id));
		compareEvents(run.problems, expected, delivered);
		run.events = countEvents(delivered);
		const state = await staticData(session, workflowId);
		run.stateBytes = state?.bytes ?? null;
		if (state === null) run.problems.push('n8n returned no static data for the workflow');
		else if (side === 'ours') checkAbsentOnce(run.problems, state.value, changes);
		run.ok = run.problems.length === 0;
	} catch (error) {
		run.problems.push(`error: ${error instanceof Error ? error.message : String(error)}`);
		const tail = server?.log().trim().slice(-3000);
		if (tail) log(`${TRIGGER_SCENARIO_ID} ${side} #${rep + 1}: the end of n8n's log:\n${tail}`);
	} finally {
		if (session && workflowId) await unpublish(session, workflowId).catch(() => undefined);
		sampler?.stop();
		await server?.stop();
		await handle.stop();
	}
	log(
		`${TRIGGER_SCENARIO_ID} ${side} #${rep + 1}: ${run.jobMs ?? '-'} ms from the scheduled poll to the end of its execution ` +
			`(first request +${run.beforeFirstRequestMs ?? '-'} ms, requests over ${run.requestSpanMs ?? '-'} ms, then ${run.afterLastRequestMs ?? '-'} ms), ` +
			`${run.requests ?? '-'} requests, RSS ${run.idleRssMb ?? '-'} → ${run.peakRssMb ?? '-'} MB, state ${run.stateBytes ?? '-'} bytes, ` +
			`baseline ${run.baselineMs ?? '-'} ms${run.problems.length ? ` — ${run.problems.join('; ')}` : ''}`,
	);
	return run;
}

/** Runs the scenario (both sides, `reps` times, alternating which goes first) and summarises it like the other scenarios. */
export async function runTriggerScenario(
	setup: N8nSetup,
	config: BenchConfig,
	log: (message: string) => void,
): Promise<ScenarioResult> {
	const job = jobOf(config);
	const port = await freePort();
	const probe = await startShihengEmulator({ port, employees: 1, customers: 0 });
	await probe.stop();
	// Imported while no n8n runs (the command line and a server must not share the database).
	await importCredentials(setup, [{ ...CREDENTIAL, data: probe.credentials }]);
	const runs: TriggerRun[] = [];
	for (let rep = 0; rep < config.reps; rep++) {
		const order: TriggerSide[] = rep % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
		for (const side of order) runs.push(await measureSide({ setup, port, job, log }, side, rep));
	}
	return summariseTrigger(runs, job);
}

function summariseTrigger(runs: TriggerRun[], job: Job): ScenarioResult {
	const pick = (
		side: TriggerSide,
		value: (run: TriggerRun) => number | null,
		digits = 0,
	): number | null =>
		round(
			median(
				runs
					.filter((run) => run.side === side && run.jobMs !== null)
					.map(value)
					.filter((v): v is number => v !== null),
			),
			digits,
		);
	const ours = pick('ours', (r) => r.jobMs);
	const peer = pick('peer', (r) => r.jobMs);
	const bound = job.latencyMs > 0 ? Math.ceil(job.pages / job.concurrency) * job.latencyMs : null;
	const details: Record<string, unknown> = {
		title: `Shiheng Trigger: one poll of ${job.employees.toLocaleString('en')} employees with ${job.changes} changes`,
		job_items: job.employees,
		settings: {
			employees: job.employees,
			changes: job.changes,
			pageSize: job.pageSize,
			concurrency: job.concurrency,
			latencyMs: job.latencyMs,
		},
		builds: {
			ours: `Shiheng Trigger published, Poll Times a cron; events Joined, Changed, Left; default Changed Fields; page size ${job.pageSize}, Concurrency ${job.concurrency}`,
			peer: "Schedule Trigger (cron) → HTTP Request node, its pagination option (paramContent.pageNum per page, until result.pages) → Code node comparing with $getWorkflowStaticData('global')",
		},
		method:
			'each side published in a running n8n start and polled by its scheduler; time = scheduled instant of the measured poll → stoppedAt of the execution it produced; ' +
			'peak RSS = the n8n process tree (task runner included) sampled every 25 ms in that window; state = bytes of the workflow static data after the poll',
		bound_formula:
			bound === null
				? null
				: `ceil(${job.pages} pages / concurrency ${job.concurrency}) x ${job.latencyMs} ms`,
		warnings: [],
	};
	for (const side of ['ours', 'peer'] as const) {
		const own = runs.filter((run) => run.side === side);
		details[`runs_${side}`] = own.map((run) =>
			Object.fromEntries(Object.entries(run).filter(([key]) => key !== 'side')),
		);
		details[`problems_${side}`] = [...new Set(own.flatMap((run) => run.problems))];
		details[`state_bytes_${side}`] = pick(side, (r) => r.stateBytes);
		const bytes = details[`state_bytes_${side}`] as number | null;
		details[`state_bytes_per_employee_${side}`] =
			bytes === null ? null : round(bytes / job.employees, 1);
		details[`idle_rss_mb_${side}`] = pick(side, (r) => r.idleRssMb, 1);
		details[`rss_growth_mb_${side}`] = pick(
			side,
			(r) => (r.peakRssMb === null || r.idleRssMb === null ? null : r.peakRssMb - r.idleRssMb),
			1,
		);
		details[`before_first_request_ms_${side}`] = pick(side, (r) => r.beforeFirstRequestMs);
		details[`request_span_ms_${side}`] = pick(side, (r) => r.requestSpanMs);
		details[`after_last_request_ms_${side}`] = pick(side, (r) => r.afterLastRequestMs);
		details[`execution_ms_${side}`] = pick(side, (r) => r.executionMs);
		details[`baseline_ms_${side}`] = pick(side, (r) => r.baselineMs);
		details[`events_${side}`] = own.find((run) => run.ok)?.events ?? own[0]?.events ?? {};
	}
	// No tuned construction: the *_tuned fields stay out (the table and chart show them as not measured).
	return {
		id: TRIGGER_SCENARIO_ID,
		ours_ms: ours,
		peer_ms: peer,
		ratio: ours && peer ? round(peer / ours, 2) : null,
		bound_ms: bound,
		requests_ours: pick('ours', (r) => r.requests),
		requests_peer: pick('peer', (r) => r.requests),
		rate_limited_ours: null,
		rate_limited_peer: null,
		peak_rss_mb_ours: pick('ours', (r) => r.peakRssMb),
		peak_rss_mb_peer: pick('peer', (r) => r.peakRssMb),
		details,
	};
}
