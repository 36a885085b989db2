import { WorkflowExecute } from 'n8n-core';
import type { IWorkflowExecuteAdditionalData, Workflow } from 'n8n-workflow';
import {
	SystemShutdownExecutionCancelledError,
	TimeoutExecutionCancelledError,
} from 'n8n-workflow';

import { runNode } from '../harness/run-workflow';
import { SCENARIOS, weLinkScenario } from './vendors';
import type { ReadScenario } from './vendors';

/**
 * A stopped execution is reported as what stopped it, by every vendor node, inside n8n-core's
 * WorkflowExecute. n8n stops an execution by cancelling its WorkflowExecute, which aborts the
 * cancel signal the nodes hold:
 * - a user's Stop: the signal fires without a reason (n8n 2.41 passes none) → cancelled manually;
 * - the workflow's timeout: n8n's WorkflowRunner gives the execution `executionTimeoutTimestamp`
 *   and cancels it when that moment passes → cancelled because it timed out;
 * - an n8n that puts its ExecutionCancelledError on the signal as the abort reason (a shutdown
 *   here) → that very error.
 * The last two are reproduced by wrapping WorkflowExecute the way n8n's own runner drives it.
 * (n8n copies a node's error into the run data, so the tests compare its name, not its class.)
 * A request that outlasts the node's own Response Timeout is an item's failure, never a cancellation.
 */

const STOP_AFTER_MS = 300;
/** Slower than STOP_AFTER_MS, so requests are in flight when the stop comes. */
const LATENCY_MS = 2_000;

type Stop = { kind: 'deadline' } | { kind: 'reason'; make: (executionId: string) => Error };
let nextStop: Stop | undefined;

/** What n8n's runner reaches inside WorkflowExecute (private in its typings). */
interface ExecutionInternals {
	additionalData: IWorkflowExecuteAdditionalData;
	abortController: AbortController;
}

const processRunExecutionData = WorkflowExecute.prototype.processRunExecutionData;
beforeAll(() => {
	jest.spyOn(WorkflowExecute.prototype, 'processRunExecutionData').mockImplementation(function (
		this: WorkflowExecute,
		workflow: Workflow,
	) {
		const internals = this as unknown as ExecutionInternals;
		const stop = nextStop;
		if (stop?.kind === 'deadline') {
			// The harness cancels STOP_AFTER_MS after this, as the runner does when the deadline passes.
			internals.additionalData.executionTimeoutTimestamp = Date.now() + STOP_AFTER_MS;
		}
		if (stop?.kind === 'reason') {
			const controller = internals.abortController;
			const abort = controller.abort.bind(controller);
			controller.abort = () => abort(stop.make(internals.additionalData.executionId ?? 'unknown'));
		}
		return processRunExecutionData.call(this, workflow);
	});
});
afterAll(() => jest.restoreAllMocks());
afterEach(() => {
	nextStop = undefined;
});

describe.each(SCENARIOS)('%s', (_vendor, start) => {
	let s: ReadScenario;
	beforeAll(async () => {
		s = await start();
	});
	afterAll(async () => await s.stop());
	beforeEach(() => {
		s.reset();
		s.emulator.latencyMs = LATENCY_MS;
	});
	afterEach(() => {
		s.emulator.latencyMs = 0;
	});

	async function stopped(): Promise<{ error: Error | undefined; status: string; took: number }> {
		const started = Date.now();
		const { result } = await s.read({}, STOP_AFTER_MS);
		return { error: result.error, status: result.run.status, took: Date.now() - started };
	}

	test("a user's Stop is reported as a manual cancellation", async () => {
		const { error, status, took } = await stopped();
		expect(error?.name).toBe('ManualExecutionCancelledError');
		expect(error?.message).toBe('The execution was cancelled manually');
		expect(status).toBe('canceled');
		expect(took).toBeLessThan(LATENCY_MS);
	});

	test("the workflow's timeout is reported as a timeout, not as a manual cancellation", async () => {
		nextStop = { kind: 'deadline' };
		const { error, status, took } = await stopped();
		expect(error?.name).toBe('TimeoutExecutionCancelledError');
		expect(error?.message).toBe('The execution was cancelled because it timed out');
		expect(status).toBe('canceled');
		expect(took).toBeLessThan(LATENCY_MS);
	});

	test('the reason n8n puts on the cancel signal is passed through (timeout)', async () => {
		nextStop = { kind: 'reason', make: (id) => new TimeoutExecutionCancelledError(id) };
		const { error, status } = await stopped();
		expect(error?.name).toBe('TimeoutExecutionCancelledError');
		expect(status).toBe('canceled');
	});

	test('the reason n8n puts on the cancel signal is passed through (system shutdown)', async () => {
		nextStop = { kind: 'reason', make: (id) => new SystemShutdownExecutionCancelledError(id) };
		const { error, status } = await stopped();
		expect(error?.name).toBe('SystemShutdownExecutionCancelledError');
		expect(error?.message).toBe('The execution was cancelled because the system is shutting down');
		expect(status).toBe('canceled');
	});

	test("the node's own Response Timeout fails the run as an error naming the item, not as a cancellation", async () => {
		const { result } = await s.read({ timeout: 300, maxRetries: 0 });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/did not answer in time.*item 0/);
		expect(result.run.status).toBe('error');
	});
});

describe('a stop between two polls of Wait Until Final (outside any item handling)', () => {
	test('is reported as a manual cancellation, not as a node failure', async () => {
		const s = await weLinkScenario();
		try {
			s.reset();
			s.handle.addPendingPersons(['waiting0001']);
			const started = Date.now();
			const result = await runNode({
				type: 'n8n-nodes-employee-sync.weLink',
				items: [{ id: 'waiting0001' }],
				parameters: {
					resource: 'userSync',
					operation: 'getStatus',
					identifierType: 'corpUserId',
					identifier: '={{ $json.id }}',
					// The first poll answers at once; the stop comes during the long pause before the next.
					options: { waitUntilFinal: true, pollIntervalMs: 5_000, maxWaitSeconds: 60 },
				},
				credentials: { weLinkApi: s.handle.credentials },
				cancelAfterMs: STOP_AFTER_MS,
			});
			expect(result.error?.name).toBe('ManualExecutionCancelledError');
			expect(result.run.status).toBe('canceled');
			expect(Date.now() - started).toBeLessThan(5_000);
		} finally {
			await s.stop();
		}
	});
});
