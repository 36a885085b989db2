import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';

import {
	freePort,
	importCredentials,
	importWorkflowDirectory,
	installPackage,
	n8nEnv,
	n8nMainScript,
	packPackage,
	repoRoot,
} from '../scripts/lib/n8n';
import type { N8nSetup } from '../scripts/lib/n8n';
import { ALL_SCENARIO_IDS, UsageError, parseCli, publishedDir } from './cli';
import type { Cli } from './cli';
import { formatFloor, measureFloor } from './floor';
import { cpuBetween, runMeasured } from './measure';
import {
	analyseProfile,
	chooseWindow,
	formatProfileSummary,
	readProfile,
	saveNodeWindow,
} from './profile';
import { renderMarkdownTable, renderTable, writeChart, writeResults } from './report';
import type { BenchResults, ScenarioResult } from './report';
import { SCENARIO_IDS, SIDES, baselineWorkflow, startScenario } from './scenarios';
import type { Counters, Json, JobOutput, Scenario, ScenarioId, SideName } from './scenarios';
import { peakWithin, round, summarise } from './summary';
import type { RunRecord, RunSide } from './summary';
import { TRIGGER_SCENARIO_ID, runTriggerScenario } from './trigger';
import { MEASURED, PACKAGE } from './workflows';
import type { BenchWorkflow } from './workflows';

/**
 * `npm run bench`: our nodes against n8n's HTTP Request node (as a user first builds it, and tuned
 * as a skilled n8n user would), in one real n8n 2.41.1, against the same emulators with the same
 * injected latency. Every run is a fresh `n8n execute` process; the time is the job nodes' span
 * from the run data (not n8n's start-up), requests come from the emulators' counters, memory and
 * CPU from /proc. Outputs go to the ignored bench/out/; `--publish` refreshes the committed files.
 *
 *   npm run bench                          full run: writes bench/out/results.json and bench/out/chart.svg
 *   npm run bench:publish                  copies them to bench/results.json and bench/chart.svg
 *   npm run bench -- --smoke               tiny sizes, 1 repetition, output in bench/out/smoke/
 *   npm run bench -- --profile mingdao-relations   where our node's time goes (CPU profile)
 *   npm run bench -- --help                every option
 */

const startedAt = Date.now();

function log(message: string): void {
	process.stderr.write(`bench [${((Date.now() - startedAt) / 1000).toFixed(1)} s]: ${message}\n`);
}

/**
 * n8n loads only the nodes and credentials listed in the package's "n8n" block. While that list
 * is still empty in the repository, the installed copy (never the repository) gets the built
 * files listed, so the benchmark measures the nodes as soon as they exist.
 */
function ensureListed(userFolder: string): void {
	const installed = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE);
	const manifestFile = join(installed, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const block = manifest.n8n ?? {};
	const find = (dir: string, suffix: string): string[] => {
		const out: string[] = [];
		const walk = (current: string): void => {
			if (!existsSync(current)) return;
			for (const entry of readdirSync(current, { withFileTypes: true })) {
				const full = join(current, entry.name);
				if (entry.isDirectory()) walk(full);
				else if (entry.name.endsWith(suffix)) out.push(relative(installed, full));
			}
		};
		walk(join(installed, dir));
		return out.sort();
	};
	let changed = false;
	if (!block.nodes || block.nodes.length === 0) {
		block.nodes = find('dist/nodes', '.node.js');
		changed = true;
	}
	if (!block.credentials || block.credentials.length === 0) {
		block.credentials = find('dist/credentials', '.credentials.js');
		changed = true;
	}
	if (changed) {
		log(
			`package.json lists no nodes/credentials yet: the installed copy lists ${block.nodes.length} nodes and ${block.credentials.length} credentials from dist/`,
		);
		manifest.n8n = block;
		writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
	}
}

interface NodeRunData {
	startTime?: number;
	executionTime?: number;
	error?: { message?: string };
	data?: { main?: Array<Array<{ json: Json }> | null> };
}

interface RunData {
	status?: string;
	data?: {
		resultData?: {
			error?: { message?: string };
			runData?: Record<string, NodeRunData[]>;
		};
	};
}

function parseRunOutput(file: string): RunData | undefined {
	const lines = readFileSync(file, 'utf8').split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as RunData;
	} catch {
		return undefined;
	}
}

/** A run's record, and the job's span in epoch milliseconds (for matching a CPU profile to it). */
interface MeasuredJob {
	record: RunRecord;
	jobStart: number | null;
	jobEnd: number | null;
}

interface RunOptions {
	/** How the output is judged: the side whose output shape the workflow has (none for the baseline). */
	checkAs?: SideName;
	scenario?: Scenario;
	brokerPort?: number;
	/** Flags for the Node process that runs n8n (e.g. --cpu-prof). */
	nodeArgs?: string[];
}

class Bench {
	private readonly runs = new Map<string, RunRecord[]>();

	private counter = 0;

	constructor(
		private readonly setup: N8nSetup,
		private readonly logDir: string,
		private readonly root: string,
		private readonly latencyMs: number,
	) {}

	records(key: string): RunRecord[] {
		return this.runs.get(key) ?? [];
	}

	async run(
		key: string,
		side: RunSide,
		rep: number,
		workflow: BenchWorkflow,
		options: RunOptions = {},
	): Promise<MeasuredJob> {
		const { scenario } = options;
		const stdoutFile = join(
			this.logDir,
			`${String(++this.counter).padStart(3, '0')}-${key}-${side.replace(':', '-')}.log`,
		);
		scenario?.prepareRun?.();
		const before: Counters | undefined = scenario?.counters();
		const firstRecord = scenario?.emulator.records.length ?? 0;
		const args = [
			...(options.nodeArgs ?? []),
			n8nMainScript(this.root),
			'execute',
			`--id=${workflow.json.id}`,
			'--rawOutput',
		];
		const measured = await runMeasured(process.execPath, args, {
			// `execute` prints the run data through n8n's logger at level info.
			env: n8nEnv(this.setup, {
				N8N_LOG_LEVEL: 'info',
				N8N_RUNNERS_BROKER_PORT: String(options.brokerPort ?? this.setup.brokerPort),
			}),
			stdoutFile,
		});
		const after: Counters | undefined = scenario?.counters();
		const arrivals = (scenario?.emulator.records.slice(firstRecord) ?? []).map((r) => r.at);
		const problems: string[] = [];
		const warnings: string[] = [];
		const parsed = parseRunOutput(stdoutFile);
		const runData = parsed?.data?.resultData?.runData ?? {};
		if (measured.signal !== null && parsed?.status === 'success') {
			// Seen now and then: n8n 2.41.1 dies by a signal while shutting down, after it printed the full run data.
			warnings.push(`n8n execute ended by ${measured.signal} after printing a successful run`);
		} else if (measured.code !== 0) {
			problems.push(`n8n execute exited with ${measured.signal ?? measured.code}`);
		}
		if (!parsed) problems.push(`no run data printed; stderr: ${measured.stderrTail.slice(-600)}`);
		const jobRuns = workflow.measured.map((name) => runData[name] ?? []);
		const error =
			jobRuns.flat().find((run) => run.error)?.error?.message ??
			parsed?.data?.resultData?.error?.message;
		if (error) problems.push(`error: ${error}`);
		workflow.measured.forEach((name, index) => {
			if (parsed && jobRuns[index].length === 0) problems.push(`node "${name}" did not run`);
		});
		const output: JobOutput = {
			items: (runData[MEASURED]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json),
			byNode: Object.fromEntries(
				workflow.measured.map((name) => [
					name,
					(runData[name] ?? []).flatMap((run) =>
						(run.data?.main?.[0] ?? []).map((item) => item.json),
					),
				]),
			),
		};
		const ran = jobRuns.every((runs) => runs.length > 0);
		let itemCount: number | null = ran ? output.items.length : null;
		if (scenario && options.checkAs && ran) {
			const check = scenario.check(options.checkAs, output);
			itemCount = check.items;
			problems.push(...check.problems);
		}
		const diff = (pick: (c: Counters) => number | null): number | null => {
			const a = after ? pick(after) : null;
			const b = before ? pick(before) : null;
			return a === null || b === null ? null : a - b;
		};
		// The job runs from the first job node's start to the last one's end.
		const firstStart = jobRuns[0]?.[0]?.startTime;
		const ends = jobRuns
			.flat()
			.map((run) =>
				typeof run.startTime === 'number' && typeof run.executionTime === 'number'
					? run.startTime + run.executionTime
					: null,
			);
		const jobStart = ran && typeof firstStart === 'number' ? firstStart : null;
		const jobEnd =
			ran && ends.every((end) => end !== null) ? Math.max(...(ends as number[])) : null;
		const firstArrival = arrivals.length > 0 ? Math.min(...arrivals) : null;
		const lastArrival = arrivals.length > 0 ? Math.max(...arrivals) : null;
		const record: RunRecord = {
			side,
			rep,
			ok: problems.length === 0 && ran,
			nodeMs: jobStart === null || jobEnd === null ? null : jobEnd - jobStart,
			requests: diff((c) => c.requests),
			apiRequests: diff((c) => c.apiRequests),
			rateLimited: diff((c) => c.rateLimited),
			peakRssMb: measured.peakRssMb,
			cpuMs: measured.cpuMs,
			nodeCpuMs:
				jobStart === null || jobEnd === null
					? null
					: round(cpuBetween(measured.cpuSeries, jobStart, jobEnd)),
			processWallMs: measured.wallMs,
			requestSpanMs:
				firstArrival === null || lastArrival === null ? null : lastArrival - firstArrival,
			beforeFirstRequestMs:
				firstArrival === null || jobStart === null ? null : firstArrival - jobStart,
			afterLastRequestMs: lastArrival === null || jobEnd === null ? null : jobEnd - lastArrival,
			peakInFlight: peakWithin(arrivals, this.latencyMs),
			items: itemCount,
			problems,
			warnings,
		};
		const list = this.runs.get(key) ?? [];
		list.push(record);
		this.runs.set(key, list);
		log(
			`${key} ${side} #${rep + 1}: job ${record.nodeMs ?? '-'} ms, ${record.requests ?? '-'} requests` +
				`${record.requestSpanMs === null ? '' : ` over ${record.requestSpanMs} ms (job start → first ${record.beforeFirstRequestMs} ms, last → job end ${record.afterLastRequestMs} ms)`}` +
				`${record.peakInFlight === null ? '' : `, ≥ ${record.peakInFlight} in flight`}` +
				`${record.rateLimited ? `, ${record.rateLimited} x 48503` : ''}, peak ${record.peakRssMb} MB, CPU ${record.cpuMs} ms (job ${record.nodeCpuMs ?? '-'} ms)` +
				`${problems.length ? ` — ${problems.join('; ')}` : ''}${warnings.length ? ` (warning: ${warnings.join('; ')})` : ''}`,
		);
		return { record, jobStart, jobEnd };
	}
}

function n8nVersion(root: string): string {
	try {
		const file = join(root, '.n8n-runtime', 'app', 'node_modules', 'n8n', 'package.json');
		return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

function readResults(file: string): BenchResults {
	if (!existsSync(file))
		throw new UsageError(`${file} does not exist: run \`npm run bench\` first`);
	return JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
}

function printTables(results: BenchResults): void {
	console.log(renderTable(results));
	console.log('\nREADME / docs/benchmark.md table:\n');
	console.log(renderMarkdownTable(results));
}

/** --publish: a full run's figures become the committed bench/results.json and bench/chart.svg. */
function publish(cli: Cli, root: string): void {
	const target = publishedDir(root);
	if (resolve(cli.outDir) === resolve(target))
		throw new UsageError(
			'--publish copies from an output folder to bench/: give --out another folder',
		);
	const results = readResults(join(cli.outDir, 'results.json'));
	if (results.environment.mode !== 'full') {
		throw new UsageError(
			`${relative(root, join(cli.outDir, 'results.json'))} comes from a ${String(results.environment.mode)} run: only a full run is published`,
		);
	}
	writeResults(join(target, 'results.json'), results);
	writeChart(join(target, 'chart.svg'), results);
	printTables(results);
	console.log(
		`\npublished ${relative(root, join(cli.outDir, 'results.json'))} (${results.generated_at}) to bench/results.json and bench/chart.svg`,
	);
}

/** A fresh n8n user folder with our package installed, the scenarios' emulators, credentials and workflows imported. */
async function prepare(
	cli: Cli,
	root: string,
	ids: Scenario['id'][],
	sides: readonly SideName[],
	scenarios: Scenario[],
) {
	const workDir = join(
		root,
		'bench',
		'tmp',
		`run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`,
	);
	const logDir = join(workDir, 'logs');
	mkdirSync(logDir, { recursive: true });
	const setup: N8nSetup = {
		userFolder: join(workDir, 'user'),
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: randomBytes(24).toString('hex'),
	};
	log(`installing the package into a fresh n8n user folder (${relative(root, setup.userFolder)})`);
	const tarball = cli.tarball ?? (await packPackage(workDir, root));
	await installPackage(setup.userFolder, tarball);
	ensureListed(setup.userFolder);
	for (const id of ids) scenarios.push(await startScenario(id, cli.config));
	const workflowDir = join(workDir, 'workflows');
	mkdirSync(workflowDir, { recursive: true });
	const baseline = baselineWorkflow();
	const all = scenarios.flatMap((s) => [
		...sides.map((side) => s.workflows[side]),
		...(sides.length === SIDES.length ? (s.variants ?? []).map((v) => v.workflow) : []),
	]);
	for (const workflow of [baseline, ...all]) {
		writeFileSync(
			join(workflowDir, `${workflow.json.id}.json`),
			JSON.stringify(workflow.json, null, 2),
		);
	}
	await importCredentials(
		setup,
		scenarios.flatMap((s) => s.credentials),
	);
	await importWorkflowDirectory(setup, workflowDir);
	log(`imported ${all.length + 1} workflows; latency ${cli.config.latencyMs} ms`);
	return { workDir, logDir, setup, baseline };
}

/** The scenarios' figures of an earlier run in the same folder, kept for the scenarios this run leaves out (--only). */
function previousScenarios(
	file: string,
	results: Pick<BenchResults, 'environment'>,
): ScenarioResult[] {
	if (!existsSync(file)) return [];
	try {
		const previous = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
		const same =
			previous.environment.mode === results.environment.mode &&
			previous.environment.latency_ms === results.environment.latency_ms;
		return same ? (previous.scenarios ?? []) : [];
	} catch {
		return [];
	}
}

async function measure(cli: Cli, root: string): Promise<void> {
	const { config } = cli;
	const scenarios: Scenario[] = [];
	const stopAll = async () => {
		for (const scenario of scenarios) await scenario.stop().catch(() => undefined);
	};
	process.once('SIGINT', () => {
		void stopAll().finally(() => process.exit(130));
	});
	const started = Date.now();
	const loadAtStart = loadavg()[0];
	let workDir: string | undefined;
	try {
		const executed = SCENARIO_IDS.filter((id): id is ScenarioId => cli.only.includes(id));
		const prepared = await prepare(cli, root, executed, SIDES, scenarios);
		workDir = prepared.workDir;
		const { setup, logDir, baseline } = prepared;
		log(`${config.reps} repetition(s), ${cli.lanes} lane(s)`);
		const bench = new Bench(setup, logDir, root, config.latencyMs);
		// A first, unmeasured run warms the disk cache so the first measured run is not penalised.
		if (!cli.smoke) await bench.run('warmup', 'baseline', 0, baseline);
		// Each lane runs its scenarios one after another; every concurrent n8n needs its own task-runner broker port.
		const lanes = Array.from({ length: Math.min(cli.lanes, scenarios.length) }, (_, lane) =>
			scenarios.filter((_s, index) => index % cli.lanes === lane),
		);
		const brokerPorts = [setup.brokerPort];
		while (brokerPorts.length < lanes.length) brokerPorts.push(await freePort());
		await Promise.all(
			lanes.map(async (laneScenarios, lane) => {
				const brokerPort = brokerPorts[lane];
				for (let rep = 0; rep < config.reps; rep++) {
					if (lane === 0 && cli.only.includes('overhead'))
						await bench.run('baseline', 'baseline', rep, baseline, { brokerPort });
					for (const scenario of laneScenarios) {
						// Rotate which side goes first, so drift on a shared machine favours no side.
						const order = SIDES.map((_side, index) => SIDES[(index + rep) % SIDES.length]);
						for (const side of order) {
							await bench.run(scenario.id, side, rep, scenario.workflows[side], {
								scenario,
								checkAs: side,
								brokerPort,
							});
						}
						for (const variant of scenario.variants ?? []) {
							await bench.run(scenario.id, `variant:${variant.key}`, rep, variant.workflow, {
								scenario,
								checkAs: variant.checkAs,
								brokerPort,
							});
						}
					}
				}
			}),
		);

		const fresh = scenarios.map((scenario) =>
			summarise(scenario, bench.records(scenario.id), bench.records('baseline'), config),
		);
		// After the others: it runs its own n8n server on the same user folder.
		if (cli.only.includes(TRIGGER_SCENARIO_ID))
			fresh.push(await runTriggerScenario(setup, config, log));
		const resultsFile = join(cli.outDir, 'results.json');
		const environment: BenchResults['environment'] = {
			n8n: n8nVersion(root),
			node: process.versions.node,
			cpus: cpus().length,
			cpu_model: cpus()[0]?.model ?? 'unknown',
			latency_ms: config.latencyMs,
			reps: config.reps,
			mode: cli.smoke ? 'smoke' : 'full',
			lanes: cli.lanes,
			package: cli.tarball ? `tarball ${cli.tarball}` : 'npm pack of this repository',
			http_request_node: 'n8n-nodes-base.httpRequest 4.2 with the predefined credential type',
			duration_s: Math.round((Date.now() - started) / 1000),
			// The machine is shared: a high load average means the figures carry CPU contention.
			load_avg_1min_start: round(loadAtStart, 2) ?? 0,
			load_avg_1min_end: round(loadavg()[0], 2) ?? 0,
		};
		// A partial run (--only) keeps the other scenarios' figures from the last run in the same folder.
		const previous =
			cli.only.length < ALL_SCENARIO_IDS.length
				? previousScenarios(resultsFile, { environment })
				: [];
		const merged = ALL_SCENARIO_IDS.map(
			(id) => fresh.find((s) => s.id === id) ?? previous.find((s) => s.id === id),
		).filter((s): s is ScenarioResult => s !== undefined);
		const results: BenchResults = {
			generated_at: new Date().toISOString(),
			environment,
			scenarios: merged,
		};
		mkdirSync(cli.outDir, { recursive: true });
		writeResults(resultsFile, results);
		writeChart(join(cli.outDir, 'chart.svg'), results);
		printTables(results);
		if (!cli.smoke) {
			for (const s of fresh) {
				for (const t of (s.details.targets as Array<{
					target: string;
					value: number | null;
					reached: boolean | null;
				}>) ?? []) {
					console.log(
						`${t.reached === null ? '?' : t.reached ? 'reached    ' : 'NOT reached'}  ${s.id}: ${t.target} (measured ${t.value ?? '-'})`,
					);
				}
			}
		}
		console.log(
			`wrote ${relative(root, resultsFile)} and ${relative(root, join(cli.outDir, 'chart.svg'))} in ${Math.round((Date.now() - started) / 1000)} s` +
				(cli.smoke
					? ''
					: '; `npm run bench:publish` makes them the committed bench/results.json and bench/chart.svg'),
		);
	} finally {
		await stopAll();
		if (workDir && cli.keep) log(`kept ${relative(root, workDir)}`);
		else if (workDir) rmSync(workDir, { recursive: true, force: true });
	}
}

/** Epoch milliseconds → the monotonic clock (microseconds) V8 stamps CPU profiles with, the same in every process. */
function toMonotonicUs(epochMs: number): number {
	const nowMonotonicUs = Number(process.hrtime.bigint() / 1000n);
	return nowMonotonicUs - (Date.now() - epochMs) * 1000;
}

/** --profile: our side of one scenario, once, under Node's CPU profiler; prints where the node's time went. */
async function profile(cli: Cli, root: string, id: Scenario['id']): Promise<void> {
	const scenarios: Scenario[] = [];
	let workDir: string | undefined;
	try {
		const prepared = await prepare(cli, root, [id], ['ours'], scenarios);
		workDir = prepared.workDir;
		const [scenario] = scenarios;
		const profileDir = join(cli.outDir, 'profiles');
		mkdirSync(profileDir, { recursive: true });
		const bench = new Bench(prepared.setup, prepared.logDir, root, cli.config.latencyMs);
		// n8n now and then crashes on its way out, before V8 writes the profile: try again then.
		for (let attempt = 1; attempt <= 3; attempt++) {
			const name = `${id}-ours-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
			const file = join(profileDir, name);
			const nodeArgs = [
				'--cpu-prof',
				`--cpu-prof-dir=${profileDir}`,
				`--cpu-prof-name=${name}`,
				'--cpu-prof-interval=200',
			];
			const job = await bench.run(id, 'ours', attempt - 1, scenario.workflows.ours, {
				scenario,
				checkAs: 'ours',
				nodeArgs,
			});
			if (!existsSync(file)) {
				log(
					`attempt ${attempt}: n8n wrote no profile (${job.record.warnings.join('; ') || job.record.problems.join('; ') || 'no reason printed'})`,
				);
				continue;
			}
			if (job.record.problems.length > 0)
				log(`the profiled run had problems: ${job.record.problems.join('; ')}`);
			if (job.jobStart !== null && job.jobEnd !== null) {
				saveNodeWindow(file, {
					fromUs: toMonotonicUs(job.jobStart),
					toUs: toMonotonicUs(job.jobEnd),
					label: `${id}, ours, ${job.record.nodeMs} ms, ${job.record.items ?? '-'} items`,
				});
			}
			console.log(
				`profile: ${relative(root, file)} (${cli.smoke ? 'smoke' : 'full'} sizes, sampled every 200 us; the profiler slows n8n down)`,
			);
			console.log(
				formatProfileSummary(analyseProfile(readProfile(file), chooseWindow(file, cli.window))),
			);
			return;
		}
		throw new Error('n8n wrote no CPU profile in 3 attempts');
	} finally {
		for (const scenario of scenarios) await scenario.stop().catch(() => undefined);
		if (workDir && cli.keep) log(`kept ${relative(root, workDir)}`);
		else if (workDir) rmSync(workDir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const root = repoRoot();
	const cli = parseCli(process.argv.slice(2), root);
	if (!cli) return;
	switch (cli.action.kind) {
		case 'render': {
			const results = readResults(join(cli.outDir, 'results.json'));
			writeChart(join(cli.outDir, 'chart.svg'), results);
			printTables(results);
			return;
		}
		case 'publish':
			publish(cli, root);
			return;
		case 'analyse':
			console.log(
				formatProfileSummary(
					analyseProfile(readProfile(cli.action.file), chooseWindow(cli.action.file, cli.window)),
				),
			);
			return;
		case 'profile':
			await profile(cli, root, cli.action.scenario);
			return;
		case 'floor':
			console.log(formatFloor(await measureFloor(cli.config, log)));
			return;
		case 'measure':
			await measure(cli, root);
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		const usage = error instanceof UsageError;
		console.error(
			`bench failed: ${error instanceof Error ? (usage ? error.message : (error.stack ?? error.message)) : String(error)}`,
		);
		process.exit(1);
	},
);
