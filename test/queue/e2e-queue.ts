/**
 * End to end in real n8n queue mode (`npm run test:e2e:queue`, after scripts/e2e-queue.sh built
 * everything): Redis and PostgreSQL (Debian's packages), an n8n main instance and two workers with
 * this package installed from its tarball, the WeLink and Aliyun IoT emulators. WeLink's emulator
 * and the proxy that notes its answers run in a process of their own (welink-vendor.ts), so the
 * test's own work never delays the clock by which the emulator counts a second.
 *
 *  A. Four WeLink executions at once through a production webhook (so they run on the workers),
 *     2,000 persons in all, against an emulator that refuses (48503) more than 40 calls per second
 *     per API from all callers together. Every person must end in the right state, with no 48503,
 *     at ≥ 90 % of 40/s, and one token fetched for all processes. Beside them a manual execution
 *     (what the editor's "Execute workflow" sends, POST /rest/workflows/:id/run) of 200 more
 *     persons: with OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true — n8n 3.0's only behaviour — a worker
 *     runs it, and it shares the same token and the same 40/s with the webhook executions.
 *  B. After WeLink's minute window has emptied, four more executions and a stream of Aliyun
 *     create-by-auth-code webhooks; worker 1 is SIGKILLed mid-run, then two more executions start
 *     (only the survivor can take them). The survivor must keep ≥ 90 % of 40/s, and no auth code may
 *     reach Aliyun twice (n8n fails a crashed worker's job rather than running it again).
 *
 * It prints the figures (time, rates, 48503 count, token fetches, peak memory per process; for each
 * 48503 the stalls of the emulator's event loop around it) and exits 1 when a check fails.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';

import {
	DEMO_CREDENTIALS,
	DEMO_OWNER,
	EXAMPLE_WORKFLOWS,
	OA_LOGIN_WEBHOOK_PATH,
} from '../../scripts/lib/demo';
import {
	freePort,
	importCredentials,
	importWorkflowDirectory,
	installPackage,
	listExecutions,
	nodeItems,
	packPackage,
	publishWorkflow,
	readExecution,
	repoRoot,
	RestSession,
	startN8nServer,
	type N8nServer,
	type N8nSetup,
} from '../../scripts/lib/n8n';
import { joinQueueMode, queueModeEnv, startWorker, type N8nWorker } from '../../scripts/lib/queue';
import {
	startLocalPostgres,
	startLocalRedis,
	treeRssMb,
	type LocalRedis,
	type LocalService,
} from '../../scripts/lib/services';
import {
	demoAuthCodes,
	startAliyunIotEmulator,
	type AliyunIotEmulatorHandle,
} from '../emulators/aliyun';
import type { ProxiedCall } from './counting-proxy';
import { describeStalls, longestStall, type Stall } from './stall-watch';
import { startWeLinkVendor, type WeLinkVendor } from './welink-vendor';

const PER_SECOND = 40;
const PERSONS_PER_BATCH = 500;
const STATUS_PATH = '/api/contact/v1/users/status';
const BULK_PATH = '/api/contact/v1/users/bulk';
const WORKFLOW_ID = 'qWeLinkQueueSync1';
const WEBHOOK_PATH = 'welink-queue-sync';
const MANUAL_WORKFLOW_ID = 'qWeLinkQueueManual';
/** Persons of the manual run: batch 0 of welink-queue-manual.json. */
const MANUAL_PERSONS = 200;
const RATE_LIMITED = '48503';

function say(message: string): void {
	process.stdout.write(`[e2e:queue] ${message}\n`);
}

interface Check {
	name: string;
	ok: boolean;
	detail: string;
}

const checks: Check[] = [];

function check(name: string, ok: boolean, detail: string): void {
	checks.push({ name, ok, detail });
	say(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
}

/** The state the emulator gives person n of a batch (see the workflow's Persons node). */
function expectedState(n: number): string {
	if (n % 9 === 0) return 'saved';
	if (n % 7 === 0) return 'failed';
	return 'opened';
}

/** The persons of one execution's last node against the states the emulator gives them. */
function wrongPersons(items: unknown, batch: number, count: number): string[] {
	const wrong: string[] = [];
	const list = Array.isArray(items) ? (items as Array<Record<string, unknown>>) : [];
	if (list.length !== count) wrong.push(`${Array.isArray(items) ? list.length : 'no'} items`);
	for (let n = 1; n <= count; n++) {
		const item = list[n - 1];
		const want = expectedState(n);
		if (
			!item ||
			item.identifier !== `q${batch}-${n}` ||
			item.state !== want ||
			item.final !== true
		) {
			wrong.push(
				`q${batch}-${n}: ${item ? `${String(item.state ?? item.error)}` : 'missing'} (want ${want})`,
			);
		}
	}
	return wrong;
}

interface BatchResult {
	batch: number;
	ok: boolean;
	ms: number;
	finishedAt: number;
	wrong: string[];
	error?: string;
}

async function runBatch(baseUrl: string, batch: number, signal: AbortSignal): Promise<BatchResult> {
	const started = Date.now();
	try {
		const response = await fetch(`${baseUrl}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ batch, count: PERSONS_PER_BATCH }),
			signal,
		});
		const text = await response.text();
		if (!response.ok) {
			return {
				batch,
				ok: false,
				ms: Date.now() - started,
				finishedAt: Date.now(),
				wrong: [],
				error: `HTTP ${response.status}: ${text.slice(0, 300)}`,
			};
		}
		const wrong = wrongPersons(JSON.parse(text), batch, PERSONS_PER_BATCH);
		return {
			batch,
			ok: wrong.length === 0,
			ms: Date.now() - started,
			finishedAt: Date.now(),
			wrong,
		};
	} catch (error) {
		return {
			batch,
			ok: false,
			ms: Date.now() - started,
			finishedAt: Date.now(),
			wrong: [],
			error: error instanceof Error ? error.message : String(error),
		};
	}
}

interface ManualResult {
	executionId?: string;
	mode?: string;
	status?: string;
	/** Which worker's log says it started the execution (undefined: none did). */
	worker?: number;
	ms: number;
	wrong: string[];
	error?: string;
}

/**
 * A manual execution, as the editor's "Execute workflow" button starts it, followed through n8n's
 * REST API until it has stopped; then its run data is read back and each worker's log searched for
 * the line with which n8n's job processor starts that execution.
 */
async function runManually(
	session: RestSession,
	workers: N8nWorker[],
	timeoutMs: number,
): Promise<ManualResult> {
	const started = Date.now();
	const failed = (error: string, executionId?: string): ManualResult => ({
		executionId,
		ms: Date.now() - started,
		wrong: [],
		error,
	});
	try {
		const run = await session.request<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${MANUAL_WORKFLOW_ID}/run`,
			{
				triggerToStartFrom: { name: 'Run by Hand' },
			},
		);
		const executionId =
			run.data?.executionId === undefined ? undefined : String(run.data.executionId);
		if (run.status !== 200 || executionId === undefined)
			return failed(
				`POST /rest/workflows/${MANUAL_WORKFLOW_ID}/run answered ${run.status}: ${run.text.slice(0, 300)}`,
			);
		for (;;) {
			const summary = (await listExecutions(session, MANUAL_WORKFLOW_ID)).find(
				(execution) => execution.id === executionId,
			);
			if (summary?.stoppedAt) break;
			if (Date.now() - started > timeoutMs)
				return failed(
					`execution ${executionId} had not stopped after ${timeoutMs / 1000} s (${summary?.status ?? 'not listed'})`,
					executionId,
				);
			await new Promise((r) => setTimeout(r, 1_000));
		}
		const execution = await readExecution(session, executionId);
		const startedBy = new RegExp(`Worker started execution ${executionId} \\(`);
		const worker = workers.find((w) => startedBy.test(w.log()))?.index;
		return {
			executionId,
			mode: execution.mode,
			status: execution.status,
			worker,
			ms: Date.now() - started,
			wrong: wrongPersons(nodeItems(execution, 'Wait Until Final'), 0, MANUAL_PERSONS),
			error: execution.data.resultData.error?.message,
		};
	} catch (error) {
		return failed(error instanceof Error ? error.message : String(error));
	}
}

interface RateFigures {
	accepted: number;
	refused: number;
	perSecond: number;
	busiestSecond: number;
	seconds: number;
	/** Accepted calls in each whole second from the first. */
	histogram: number[];
	/** Share of the calls that arrived within BUNCHED_MS of the one before (how bursty the traffic is). */
	bunched: number;
}

const BUNCHED_MS = 2;

/** What the vendor accepted on one API between two moments: the mean rate and the busiest 1-s window. */
function rateOn(calls: ProxiedCall[], path: string, from: number, to: number): RateFigures {
	const inRange = calls.filter((c) => c.path === path && c.at >= from && c.at <= to);
	const accepted = inRange
		.filter((c) => c.code !== RATE_LIMITED)
		.map((c) => c.at)
		.sort((a, b) => a - b);
	const refused = inRange.length - accepted.length;
	if (accepted.length < 2)
		return {
			accepted: accepted.length,
			refused,
			perSecond: 0,
			busiestSecond: accepted.length,
			seconds: 0,
			histogram: [],
			bunched: 0,
		};
	const seconds = (accepted[accepted.length - 1] - accepted[0]) / 1000;
	let busiest = 0;
	let end = 0;
	for (let start = 0; start < accepted.length; start++) {
		while (end < accepted.length && accepted[end] < accepted[start] + 1_000) end++;
		busiest = Math.max(busiest, end - start);
	}
	const histogram: number[] = [];
	for (const at of accepted) {
		const second = Math.floor((at - accepted[0]) / 1_000);
		histogram[second] = (histogram[second] ?? 0) + 1;
	}
	const arrivals = inRange.map((c) => c.at).sort((a, b) => a - b);
	const bunched =
		arrivals.filter((at, i) => i > 0 && at - arrivals[i - 1] < BUNCHED_MS).length /
		Math.max(1, arrivals.length - 1);
	return {
		accepted: accepted.length,
		refused,
		perSecond: (accepted.length - 1) / seconds,
		busiestSecond: busiest,
		seconds,
		histogram: Array.from(histogram, (n) => n ?? 0),
		bunched,
	};
}

/**
 * Where 48503 answers fell: for each, the calls the vendor had accepted on that API in the second
 * before it by the proxy's clock (40 means the emulator counted as we do; fewer means the calls
 * reached it bunched, e.g. sent late after the limiter's grant), and the longest stall of the
 * emulator's own event loop in that second.
 */
function describeRefusals(calls: ProxiedCall[], from: number, to: number, stalls: Stall[]): string {
	const refused = calls.filter((c) => c.code === RATE_LIMITED && c.at >= from && c.at <= to);
	if (refused.length === 0) return 'none';
	return refused
		.slice(0, 8)
		.map((r) => {
			const before = calls.filter(
				(c) => c.path === r.path && c.code !== RATE_LIMITED && c.at > r.at - 1_000 && c.at <= r.at,
			).length;
			return `${r.path.split('/').pop()} at +${((r.at - from) / 1000).toFixed(2)} s (${before} accepted in the second before; the emulator's event loop stalled up to ${longestStall(stalls, r.at - 1_000, r.at)} ms in it)`;
		})
		.join(', ');
}

function describeRate(r: RateFigures): string {
	return (
		`${r.accepted} accepted over ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)}/s (${Math.round((100 * r.perSecond) / PER_SECOND)} % of ${PER_SECOND}/s), ` +
		`busiest 1-s window ${r.busiestSecond}, ${r.refused} × 48503, ${Math.round(100 * r.bunched)} % within ${BUNCHED_MS} ms of the call before; per second: ${r.histogram.join(' ')}`
	);
}

/**
 * Until the second-to-last execution finished, at least two executions compete for the API, so the
 * demand exceeds the limit; after it, one execution's polling pauses leave the API idle at times.
 * The aggregate rate is measured over the contested span.
 */
function contestedUntil(results: BatchResult[]): number {
	const finished = results
		.filter((r) => !r.error)
		.map((r) => r.finishedAt)
		.sort((a, b) => a - b);
	return finished.length >= 2 ? finished[finished.length - 2] : (finished[0] ?? Date.now());
}

/** Peak resident memory of each process tree, sampled every second. */
class MemorySampler {
	readonly peaks = new Map<string, number>();

	private readonly pids = new Map<string, number>();

	private self: string | undefined;

	private timer: NodeJS.Timeout | undefined;

	private sampling = false;

	watch(name: string, pid: number): void {
		this.pids.set(name, pid);
	}

	/** This process alone (its children are watched on their own). */
	watchSelf(name: string): void {
		this.self = name;
	}

	start(): void {
		this.timer = setInterval(() => void this.sample(), 1_000);
		this.timer.unref();
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		await this.sample();
	}

	private async sample(): Promise<void> {
		if (this.sampling) return;
		this.sampling = true;
		try {
			if (this.self) this.keep(this.self, Math.round(process.memoryUsage.rss() / 1024 / 1024));
			const trees = await treeRssMb([...this.pids.values()]);
			for (const [name, pid] of this.pids) this.keep(name, trees.get(pid) ?? 0);
		} catch {
			// ps failed once: the next sample counts.
		} finally {
			this.sampling = false;
		}
	}

	private keep(name: string, mb: number): void {
		if (mb > (this.peaks.get(name) ?? 0)) this.peaks.set(name, mb);
	}
}

/** Rate slots granted in Redis whose request was not sent yet (pending: stored with a start in the future). */
async function pendingRateSlots(redis: LocalRedis): Promise<number> {
	const client = new Redis({
		host: '127.0.0.1',
		port: redis.port,
		password: redis.password,
		lazyConnect: true,
	});
	try {
		await client.connect();
		const [seconds, micros] = await client.time();
		const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
		let pending = 0;
		for (const key of await client.keys('*n8n-nodes-employee-sync:rate:*'))
			pending += await client.zcount(key, `(${now}`, '+inf');
		return pending;
	} finally {
		client.disconnect();
	}
}

function executionsStarted(worker: N8nWorker): number {
	return (worker.log().match(/Worker started execution/g) ?? []).length;
}

const services: LocalService[] = [];
const workers: N8nWorker[] = [];
let server: N8nServer | undefined;
let weLink: WeLinkVendor | undefined;
let aliyun: AliyunIotEmulatorHandle | undefined;
let workDir: string | undefined;

async function cleanUp(): Promise<void> {
	await Promise.allSettled(workers.map(async (w) => await w.stop()));
	await server?.stop();
	await Promise.allSettled([weLink?.stop(), aliyun?.stop()]);
	for (const service of [...services].reverse()) await service.stop().catch(() => undefined);
	if (workDir && process.env.KEEP_E2E_DIR !== '1')
		rmSync(workDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
	const began = Date.now();
	const root = repoRoot();
	workDir = mkdtempSync(join(tmpdir(), 'employee-sync-e2e-queue-'));
	const memory = new MemorySampler();
	memory.watchSelf('test driver + Aliyun emulator');
	memory.start();

	const redis = await startLocalRedis(workDir, await freePort(), randomBytes(12).toString('hex'));
	services.push(redis);
	memory.watch('redis-server', redis.pid);
	const postgres = await startLocalPostgres(
		workDir,
		await freePort(),
		randomBytes(12).toString('hex'),
	);
	services.push(postgres);
	memory.watch('postgres (all its processes)', postgres.pid);
	joinQueueMode(queueModeEnv(redis, postgres));

	weLink = await startWeLinkVendor({ latencyMs: 5, ratePerSecond: PER_SECOND });
	memory.watch('WeLink emulator + counting proxy', weLink.pid);
	const calls = weLink.calls;
	aliyun = await startAliyunIotEmulator({ latencyMs: 3_000 });

	const setup: N8nSetup = {
		userFolder: join(workDir, 'user'),
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: randomBytes(24).toString('hex'),
	};
	await installPackage(setup.userFolder, await packPackage(workDir, root));
	await importCredentials(setup, [
		{ ...DEMO_CREDENTIALS.weLink, type: weLink.credentialType, data: weLink.credentials },
		{ ...DEMO_CREDENTIALS.aliyunIot, type: aliyun.credentialType, data: aliyun.credentials },
	]);
	const workflows = join(workDir, 'workflows');
	mkdirSync(workflows);
	cpSync(
		join(root, 'test', 'queue', 'welink-queue-sync.json'),
		join(workflows, 'welink-queue-sync.json'),
	);
	cpSync(
		join(root, 'test', 'queue', 'welink-queue-manual.json'),
		join(workflows, 'welink-queue-manual.json'),
	);
	cpSync(
		join(root, 'examples', 'oa-login-iot-employee.json'),
		join(workflows, 'oa-login-iot-employee.json'),
	);
	await importWorkflowDirectory(setup, workflows);
	await publishWorkflow(setup, WORKFLOW_ID);
	await publishWorkflow(setup, EXAMPLE_WORKFLOWS.oaLogin);

	server = await startN8nServer(setup);
	memory.watch('n8n main', server.process.pid ?? 0);
	for (const index of [1, 2]) {
		const worker = await startWorker(setup, {
			index,
			brokerPort: await freePort(),
			healthPort: await freePort(),
			concurrency: 10,
			env: { N8N_LOG_LEVEL: 'info' },
		});
		workers.push(worker);
		memory.watch(`n8n worker ${index}`, worker.pid);
	}
	const baseUrl = server.baseUrl;
	// The editor's user, for the manual execution (REST API with the editor's cookie).
	const session = new RestSession(baseUrl);
	await session.setupOwner(DEMO_OWNER);
	say(
		`set up in ${((Date.now() - began) / 1000).toFixed(0)} s: main pid ${server.process.pid}, workers ${workers.map((w) => w.pid).join(', ')}, Redis :${redis.port}, PostgreSQL :${postgres.port}, WeLink emulator pid ${weLink.pid} at nice ${weLink.nice}`,
	);

	// ── A: four executions at once, 2,000 persons ──────────────────────────────────────────────
	const aStart = Date.now();
	const [manual, ...aResults] = await Promise.all([
		runManually(session, workers, 300_000),
		...[1, 2, 3, 4].map(
			async (batch) => await runBatch(baseUrl, batch, AbortSignal.timeout(300_000)),
		),
	]);
	const aEnd = Date.now();
	const aCalls = calls.filter((c) => c.at >= aStart && c.at <= aEnd);
	const aStatus = rateOn(aCalls, STATUS_PATH, aStart, contestedUntil(aResults));
	const aBulk = rateOn(aCalls, BULK_PATH, aStart, aEnd);
	const aRefused = aCalls.filter((c) => c.code === RATE_LIMITED).length;
	const aWrong = aResults.flatMap((r) => r.wrong);
	const aFailed = aResults.filter((r) => r.error);
	const afterA = await weLink.state();
	const tokensAfterA = afterA.tokensIssued;
	say(
		`A: ${((aEnd - aStart) / 1000).toFixed(1)} s for ${4 * PERSONS_PER_BATCH} persons in 4 webhook executions and ${MANUAL_PERSONS} in a manual one (worker 1 ran ${executionsStarted(workers[0])}, worker 2 ran ${executionsStarted(workers[1])})`,
	);
	say(
		`A: manual execution ${manual.executionId ?? '(none)'}: mode ${manual.mode ?? '?'}, status ${manual.status ?? '?'}, started by ${manual.worker ? `worker ${manual.worker}` : 'no worker'}, ${(manual.ms / 1000).toFixed(1)} s${manual.error ? `; error: ${manual.error}` : ''}`,
	);
	say(`A: users/status while two or more executions ran: ${describeRate(aStatus)}`);
	say(`A: users/status in all: ${describeRate(rateOn(aCalls, STATUS_PATH, aStart, aEnd))}`);
	say(`A: users/bulk   ${describeRate(aBulk)}`);
	say(
		`A: 48503 answers: ${describeRefusals(calls, aStart, aEnd, afterA.stalls)}; ${describeStalls(afterA.stalls, aStart, aEnd)}`,
	);
	for (const failed of aFailed) say(`A: batch ${failed.batch} failed: ${failed.error}`);
	check(
		'A: every person in the right state',
		aWrong.length === 0 && aFailed.length === 0,
		`${4 * PERSONS_PER_BATCH - aWrong.length - aFailed.length * PERSONS_PER_BATCH} of ${4 * PERSONS_PER_BATCH} right${aWrong.length ? `; e.g. ${aWrong.slice(0, 3).join('; ')}` : ''}${aFailed.length ? `; ${aFailed.length} execution(s) failed` : ''}`,
	);
	check('A: no 48503 (rate-limit) answer', aRefused === 0, `${aRefused} × 48503`);
	check(
		`A: aggregate rate ≥ 90 % of ${PER_SECOND}/s on users/status`,
		aStatus.perSecond >= 0.9 * PER_SECOND,
		`${aStatus.perSecond.toFixed(1)}/s`,
	);
	check(
		'A: the token was fetched once for all processes',
		tokensAfterA === 1,
		`${tokensAfterA} token fetch(es)`,
	);
	check(
		'A: the manual execution ran on a worker, every person right (sharing the token and the 40/s checked above)',
		manual.mode === 'manual' &&
			manual.worker !== undefined &&
			manual.status === 'success' &&
			manual.wrong.length === 0 &&
			manual.error === undefined,
		`mode ${manual.mode ?? '?'}, ${manual.worker ? `worker ${manual.worker}` : 'no worker started it'}, status ${manual.status ?? '?'}, ${MANUAL_PERSONS - manual.wrong.length} of ${MANUAL_PERSONS} right${manual.wrong.length ? `; e.g. ${manual.wrong.slice(0, 3).join('; ')}` : ''}${manual.error ? `; ${manual.error}` : ''}`,
	);

	// WeLink also allows 1,500 calls per minute and API: let the minute of A pass before B.
	const lastA = Math.max(...calls.map((c) => c.at));
	const pause = Math.max(0, lastA + 61_000 - Date.now());
	say(`waiting ${(pause / 1000).toFixed(0)} s for WeLink's 60-s window to empty…`);
	await new Promise((r) => setTimeout(r, pause));

	// ── B: a worker killed mid-run ─────────────────────────────────────────────────────────────
	const bStart = Date.now();
	const bCallsBefore = calls.length;
	// Calls whose execution died with the killed worker are given up 30 s after the others finished.
	const giveUp = new AbortController();
	const bSignal = AbortSignal.any([giveUp.signal, AbortSignal.timeout(300_000)]);
	const bRuns = [5, 6, 7, 8].map(async (batch) => await runBatch(baseUrl, batch, bSignal));
	const statusCallsInB = () =>
		calls.slice(bCallsBefore).filter((c) => c.path === STATUS_PATH).length ?? 0;
	const waitFor = async (condition: () => boolean) => {
		while (!condition() && Date.now() - bStart < 120_000)
			await new Promise((r) => setTimeout(r, 50));
	};
	// Mid-run (the executions have submitted and are polling), OA logins arrive, each taking 3 s at
	// Aliyun; the kill falls among them, so some creates are in flight on the killed worker.
	await waitFor(() => statusCallsInB() >= 100);
	const authCodes = demoAuthCodes(20);
	const oaAnswers: Array<Promise<number>> = [];
	const oaStream = (async () => {
		for (const code of authCodes) {
			oaAnswers.push(
				fetch(`${baseUrl}/webhook/${OA_LOGIN_WEBHOOK_PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ authCode: code }),
					signal: bSignal,
				}).then(
					async (response) => {
						await response.text();
						return response.status;
					},
					() => 0,
				),
			);
			await new Promise((r) => setTimeout(r, 250));
		}
	})();
	await waitFor(() => oaAnswers.length >= 12);
	const killedAt = Date.now();
	const killedRan = executionsStarted(workers[0]);
	const createsBeforeKill = aliyun.createByAuthCodeCount();
	await workers[0].kill();
	const orphaned = await pendingRateSlots(redis);
	say(
		`B: SIGKILLed worker 1 (pid ${workers[0].pid}) ${((killedAt - bStart) / 1000).toFixed(1)} s into the run, ${createsBeforeKill} Aliyun create(s) sent by then; it had started ${killedRan} execution(s) in all; it left ${orphaned} rate slot(s) reserved but not sent (they count until their lease ends)`,
	);
	const afterKill = [9, 10].map(
		async (batch) => await runBatch(baseUrl, batch, AbortSignal.timeout(300_000)),
	);
	await Promise.all(afterKill);
	await oaStream;
	const bEnd = Date.now();
	const giveUpTimer = setTimeout(() => giveUp.abort(), 30_000);
	const bResults = await Promise.all([...bRuns, ...afterKill]);
	const oaStatuses = await Promise.all(oaAnswers);
	clearTimeout(giveUpTimer);

	// The survivor's full demand: once every execution still running has submitted its persons
	// (the last users/bulk call after the kill), all of them poll users/status.
	const lastSubmit = Math.max(
		killedAt,
		...calls.filter((c) => c.path === BULK_PATH && c.at > killedAt).map((c) => c.at),
	);
	const survivorStatus = rateOn(
		calls,
		STATUS_PATH,
		lastSubmit,
		Math.max(lastSubmit + 1_000, contestedUntil(bResults)),
	);
	const bRefused = calls.filter((c) => c.at >= bStart && c.code === RATE_LIMITED).length;
	const completed = bResults.filter((r) => !r.error);
	const survivorWrong = completed.flatMap((r) => r.wrong);
	const afterB = await weLink.state();
	const createCalls = aliyun.createByAuthCodeCount();
	const codesUsed =
		authCodes.length - aliyun.unusedAuthCodes().filter((code) => authCodes.includes(code)).length;
	say(
		`B: ${((bEnd - bStart) / 1000).toFixed(1)} s; ${completed.length} of ${bResults.length} executions answered (the rest ran on the killed worker: ${
			bResults
				.filter((r) => r.error)
				.map((r) => `batch ${r.batch}`)
				.join(', ') || 'none'
		})`,
	);
	say(
		`B: users/status after the kill, from the last submit while two or more executions ran: ${describeRate(survivorStatus)}`,
	);
	say(
		`B: users/status after the kill, in all: ${describeRate(rateOn(calls, STATUS_PATH, killedAt + 1_000, bEnd))}`,
	);
	say(
		`B: 48503 answers: ${describeRefusals(calls, bStart, bEnd, afterB.stalls)}; ${describeStalls(afterB.stalls, bStart, bEnd)}`,
	);
	const oaLost = oaStatuses.filter((status) => status !== 200).length;
	say(
		`B: OA-login webhooks answered ${authCodes.length - oaLost} of ${authCodes.length}; Aliyun createbyauthcode reached ${createCalls} time(s) for ${codesUsed} auth code(s) used`,
	);
	check(
		`B: the surviving worker keeps ≥ 90 % of ${PER_SECOND}/s`,
		survivorStatus.perSecond >= 0.9 * PER_SECOND,
		`${survivorStatus.perSecond.toFixed(1)}/s after the kill`,
	);
	check(
		'B: executions that finished have every person right',
		completed.length >= 2 && survivorWrong.length === 0,
		`${completed.length} finished, ${survivorWrong.length} person(s) wrong${survivorWrong.length ? `; e.g. ${survivorWrong.slice(0, 3).join('; ')}` : ''}`,
	);
	check(
		'B: no auth code reached Aliyun twice',
		createCalls === codesUsed,
		`${createCalls} create call(s) for ${codesUsed} code(s)`,
	);
	// Without creates lost with the killed worker the check above would prove nothing.
	check(
		'B: the kill caught OA logins in flight on the killed worker',
		oaLost > 0,
		`${oaLost} OA-login execution(s) lost with worker 1`,
	);
	check('B: no 48503 (rate-limit) answer', bRefused === 0, `${bRefused} × 48503`);
	check(
		'A+B: the token was fetched once in all',
		afterB.tokensIssued === 1,
		`${afterB.tokensIssued} token fetch(es)`,
	);

	await memory.stop();
	say(`peak memory: ${[...memory.peaks].map(([name, mb]) => `${name} ${mb} MB`).join(', ')}`);
	say(`total ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

const guard = setTimeout(() => {
	say('FAIL  did not finish within 20 minutes');
	void cleanUp().finally(() => process.exit(1));
}, 20 * 60_000);
guard.unref();

main()
	.catch((error: unknown) => {
		check(
			'the run completed',
			false,
			error instanceof Error ? (error.stack ?? error.message) : String(error),
		);
	})
	.finally(async () => {
		await cleanUp().catch((error: unknown) =>
			say(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`),
		);
		const failed = checks.filter((c) => !c.ok);
		// A run that checked nothing proves nothing.
		const passed = failed.length === 0 && checks.length > 0;
		say(
			passed
				? `all ${checks.length} checks passed`
				: `${failed.length} of ${checks.length} checks failed`,
		);
		process.exit(passed ? 0 : 1);
	});
