import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';

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
import { cpuBetween, runMeasured } from './measure';
import { renderTable, writeChart, writeResults } from './report';
import type { BenchResults, ScenarioResult } from './report';
import { FULL_CONFIG, SCENARIO_IDS, SMOKE_CONFIG, baselineWorkflow, startScenario } from './scenarios';
import type { BenchConfig, Counters, Scenario, SideName } from './scenarios';
import { MEASURED, PACKAGE } from './workflows';
import type { WorkflowJson } from './workflows';

/**
 * `npm run bench`: our nodes against n8n's HTTP Request node, in one real n8n 2.41.1, against the
 * same emulators with the same injected latency. Every run is a fresh `n8n execute` process; the
 * time is the measured node's own executionTime from the run data (not n8n's start-up), requests
 * come from the emulators' counters, memory and CPU from /proc.
 *
 *   npm run bench                          full run: writes bench/results.json and bench/chart.svg
 *   npm run bench -- --smoke               tiny sizes, 1 repetition, output in bench/tmp/smoke/
 *   npm run bench -- --reps 5 --latency 50 --only shiheng-list,overhead --keep
 */

interface Cli {
	config: BenchConfig;
	smoke: boolean;
	only: Array<Scenario['id']>;
	outDir: string;
	keep: boolean;
	/** Scenarios run side by side (each in its own n8n processes); 1 for real measurements. */
	lanes: number;
	/** A package tarball to benchmark instead of packing this repository's dist/. */
	tarball?: string;
}

const HELP = `usage: npm run bench -- [options]
  --smoke                 tiny sizes, 1 repetition, results in bench/tmp/smoke/ (the committed files are left alone)
  --reps N                repetitions per side (default 3), median reported
  --latency MS            injected latency per response (default 50)
  --only a,b              scenarios: ${SCENARIO_IDS.join(', ')}
  --concurrency N         our Shiheng node's page concurrency (default ${FULL_CONFIG.shihengConcurrency})
  --employees N --ids N --persons N --overhead-employees N   data sizes
  --out DIR               where results.json and chart.svg go (default bench/)
  --lanes N               run N scenarios side by side (default 1; --smoke uses 2): faster, but the
                          scenarios then compete for CPU, so only for checking that the benchmark works
  --package FILE.tgz      benchmark this package tarball instead of \`npm pack\` of dist/
  --keep                  keep the n8n user folder and run logs in bench/tmp/
  --render                run nothing: print the table and redraw chart.svg from the results.json in --out`;

function parseCli(argv: string[], root: string): Cli {
	const smoke = argv.includes('--smoke');
	const config: BenchConfig = { ...(smoke ? SMOKE_CONFIG : FULL_CONFIG) };
	let only = [...SCENARIO_IDS];
	let outDir = smoke ? join(root, 'bench', 'tmp', 'smoke') : join(root, 'bench');
	let keep = false;
	let lanes = smoke ? 2 : 1;
	let tarball: string | undefined;
	const number = (flag: string, value: string | undefined, min: number): number => {
		const parsed = Number(value);
		if (!Number.isInteger(parsed) || parsed < min) throw new Error(`${flag} needs a whole number >= ${min}, got ${String(value)}`);
		return parsed;
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = (): string | undefined => argv[++i];
		switch (flag) {
			case '--smoke':
				break;
			case '--keep':
				keep = true;
				break;
			case '--package':
				tarball = value();
				if (!tarball || !existsSync(tarball)) throw new Error(`--package: no such file ${String(tarball)}`);
				break;
			case '--lanes':
				lanes = number(flag, value(), 1);
				break;
			case '--reps':
				config.reps = number(flag, value(), 1);
				break;
			case '--latency':
				config.latencyMs = number(flag, value(), 0);
				break;
			case '--concurrency':
				config.shihengConcurrency = number(flag, value(), 1);
				break;
			case '--employees':
				config.employees = number(flag, value(), 1);
				break;
			case '--ids':
				config.relationIds = number(flag, value(), 1);
				break;
			case '--persons':
				config.persons = number(flag, value(), 1);
				if (config.persons > 9999) throw new Error('--persons: the WeLink emulator seeds at most 9,999 demo persons');
				break;
			case '--overhead-employees':
				config.overheadEmployees = number(flag, value(), 1);
				break;
			case '--only': {
				const wanted = (value() ?? '').split(',').filter(Boolean);
				const unknown = wanted.filter((id) => !(SCENARIO_IDS as string[]).includes(id));
				if (unknown.length > 0 || wanted.length === 0) throw new Error(`--only: unknown scenario ${unknown.join(', ')}`);
				only = SCENARIO_IDS.filter((id) => wanted.includes(id));
				break;
			}
			case '--out':
				outDir = value() ?? outDir;
				break;
			case '--help':
			case '-h':
				console.log(HELP);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${flag}\n${HELP}`);
		}
	}
	return { config, smoke, only, outDir, keep, lanes, tarball };
}

const startedAt = Date.now();

function log(message: string): void {
	process.stderr.write(`bench [${((Date.now() - startedAt) / 1000).toFixed(1)} s]: ${message}\n`);
}

function median(values: number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number | null, digits = 0): number | null {
	if (value === null || !Number.isFinite(value)) return null;
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/**
 * n8n loads only the nodes and credentials listed in the package's "n8n" block. While that list
 * is still empty in the repository, the installed copy (never the repository) gets the built
 * files listed, so the benchmark measures the nodes as soon as they exist.
 */
function ensureListed(userFolder: string): void {
	const installed = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE);
	const manifestFile = join(installed, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { n8n?: { nodes?: string[]; credentials?: string[] } };
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
		log(`package.json lists no nodes/credentials yet: the installed copy lists ${block.nodes.length} nodes and ${block.credentials.length} credentials from dist/`);
		manifest.n8n = block;
		writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
	}
}

type RunSide = SideName | 'baseline' | `variant:${string}`;

interface RunRecord {
	side: RunSide;
	rep: number;
	ok: boolean;
	nodeMs: number | null;
	requests: number | null;
	apiRequests: number | null;
	rateLimited: number | null;
	peakRssMb: number;
	cpuMs: number;
	/** CPU time the n8n processes used while the measured node ran (from /proc samples). */
	nodeCpuMs: number | null;
	processWallMs: number;
	/** From the first request's arrival at the emulator to the last one's. */
	requestSpanMs: number | null;
	/** From the node's start to the first request's arrival: reading parameters, preparing. */
	beforeFirstRequestMs: number | null;
	/** From the last request's arrival to the node's end: the last answers, building output items. */
	afterLastRequestMs: number | null;
	items: number | null;
	problems: string[];
	/** Things that did not spoil the figures, e.g. n8n crashing on its way out after printing the run data. */
	warnings: string[];
}

interface RunData {
	status?: string;
	data?: {
		resultData?: {
			error?: { message?: string };
			runData?: Record<string, Array<{ startTime?: number; executionTime?: number; error?: { message?: string }; data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> } }>>;
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

class Bench {
	private readonly runs = new Map<string, RunRecord[]>();

	private counter = 0;

	constructor(
		private readonly setup: N8nSetup,
		private readonly logDir: string,
		private readonly root: string,
	) {}

	records(key: string): RunRecord[] {
		return this.runs.get(key) ?? [];
	}

	async run(
		key: string,
		side: RunSide,
		rep: number,
		workflow: WorkflowJson,
		scenario?: Scenario,
		brokerPort = this.setup.brokerPort,
	): Promise<RunRecord> {
		const stdoutFile = join(this.logDir, `${String(++this.counter).padStart(3, '0')}-${key}-${side}.log`);
		const before: Counters | undefined = scenario?.counters();
		const firstRecord = scenario?.emulator.records.length ?? 0;
		const measured = await runMeasured(process.execPath, [n8nMainScript(this.root), 'execute', `--id=${workflow.id}`, '--rawOutput'], {
			// `execute` prints the run data through n8n's logger at level info.
			env: n8nEnv(this.setup, { N8N_LOG_LEVEL: 'info', N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
			stdoutFile,
		});
		const after: Counters | undefined = scenario?.counters();
		const arrivals = (scenario?.emulator.records.slice(firstRecord) ?? []).map((r) => r.at);
		const problems: string[] = [];
		const warnings: string[] = [];
		const parsed = parseRunOutput(stdoutFile);
		const nodeRun = parsed?.data?.resultData?.runData?.[MEASURED]?.[0];
		if (measured.signal !== null && parsed?.status === 'success') {
			// Seen now and then: n8n 2.41.1 dies by a signal while shutting down, after it printed the full run data.
			warnings.push(`n8n execute ended by ${measured.signal} after printing a successful run`);
		} else if (measured.code !== 0) {
			problems.push(`n8n execute exited with ${measured.signal ?? measured.code}`);
		}
		if (!parsed) problems.push(`no run data printed; stderr: ${measured.stderrTail.slice(-600)}`);
		const error = nodeRun?.error?.message ?? parsed?.data?.resultData?.error?.message;
		if (error) problems.push(`error: ${error}`);
		const items = (nodeRun?.data?.main?.[0] ?? []).map((item) => item.json);
		let itemCount: number | null = nodeRun ? items.length : null;
		if (scenario && side !== 'baseline' && nodeRun) {
			const check = scenario.check(side === 'ours' || side === 'peer' ? side : 'variant', items);
			itemCount = check.items;
			problems.push(...check.problems);
		}
		const diff = (pick: (c: Counters) => number | null): number | null => {
			const a = after ? pick(after) : null;
			const b = before ? pick(before) : null;
			return a === null || b === null ? null : a - b;
		};
		const firstArrival = arrivals.length > 0 ? Math.min(...arrivals) : null;
		const lastArrival = arrivals.length > 0 ? Math.max(...arrivals) : null;
		const nodeStart = typeof nodeRun?.startTime === 'number' ? nodeRun.startTime : null;
		const nodeEnd = nodeStart !== null && typeof nodeRun?.executionTime === 'number' ? nodeStart + nodeRun.executionTime : null;
		const record: RunRecord = {
			side,
			rep,
			ok: problems.length === 0 && !!nodeRun,
			nodeMs: typeof nodeRun?.executionTime === 'number' ? nodeRun.executionTime : null,
			requests: diff((c) => c.requests),
			apiRequests: diff((c) => c.apiRequests),
			rateLimited: diff((c) => c.rateLimited),
			peakRssMb: measured.peakRssMb,
			cpuMs: measured.cpuMs,
			nodeCpuMs: nodeStart === null || nodeEnd === null ? null : round(cpuBetween(measured.cpuSeries, nodeStart, nodeEnd)),
			processWallMs: measured.wallMs,
			requestSpanMs: firstArrival === null || lastArrival === null ? null : lastArrival - firstArrival,
			beforeFirstRequestMs: firstArrival === null || nodeStart === null ? null : firstArrival - nodeStart,
			afterLastRequestMs: lastArrival === null || nodeEnd === null ? null : nodeEnd - lastArrival,
			items: itemCount,
			problems,
			warnings,
		};
		const list = this.runs.get(key) ?? [];
		list.push(record);
		this.runs.set(key, list);
		log(
			`${key} ${side} #${rep + 1}: node ${record.nodeMs ?? '-'} ms, ${record.requests ?? '-'} requests` +
				`${record.requestSpanMs === null ? '' : ` over ${record.requestSpanMs} ms (node start → first ${record.beforeFirstRequestMs} ms, last → node end ${record.afterLastRequestMs} ms)`}` +
				`${record.rateLimited ? `, ${record.rateLimited} x 48503` : ''}, peak ${record.peakRssMb} MB, CPU ${record.cpuMs} ms (node ${record.nodeCpuMs ?? '-'} ms)` +
				`${problems.length ? ` — ${problems.join('; ')}` : ''}${warnings.length ? ` (warning: ${warnings.join('; ')})` : ''}`,
		);
		return record;
	}
}

function summarise(scenario: Scenario, bench: Bench, config: BenchConfig): ScenarioResult {
	const side = (name: SideName) => bench.records(scenario.id).filter((r) => r.side === name);
	const ok = (name: SideName) => side(name).filter((r) => r.nodeMs !== null);
	const med = (name: SideName, pick: (r: RunRecord) => number | null): number | null =>
		median(
			ok(name)
				.map(pick)
				.filter((v): v is number => v !== null),
		);
	const ours = round(med('ours', (r) => r.nodeMs));
	const peer = round(med('peer', (r) => r.nodeMs));
	const details: Record<string, unknown> = {
		title: scenario.title,
		job_items: scenario.jobItems,
		settings: scenario.settings,
		bound_formula: scenario.boundFormula,
		runs_ours: side('ours').map(({ side: _s, ...rest }) => rest),
		runs_peer: side('peer').map(({ side: _s, ...rest }) => rest),
		problems_ours: [...new Set(side('ours').flatMap((r) => r.problems))],
		problems_peer: [...new Set(side('peer').flatMap((r) => r.problems))],
		warnings: [...new Set(bench.records(scenario.id).flatMap((r) => r.warnings.map((w) => `${r.side}: ${w}`)))],
		cpu_ms_ours: round(med('ours', (r) => r.cpuMs)),
		cpu_ms_peer: round(med('peer', (r) => r.cpuMs)),
		node_cpu_ms_ours: round(med('ours', (r) => r.nodeCpuMs)),
		node_cpu_ms_peer: round(med('peer', (r) => r.nodeCpuMs)),
		request_span_ms_ours: round(med('ours', (r) => r.requestSpanMs)),
		request_span_ms_peer: round(med('peer', (r) => r.requestSpanMs)),
		before_first_request_ms_ours: round(med('ours', (r) => r.beforeFirstRequestMs)),
		before_first_request_ms_peer: round(med('peer', (r) => r.beforeFirstRequestMs)),
		after_last_request_ms_ours: round(med('ours', (r) => r.afterLastRequestMs)),
		after_last_request_ms_peer: round(med('peer', (r) => r.afterLastRequestMs)),
	};
	if (scenario.id === 'overhead') {
		const baseline = median(bench.records('baseline').map((r) => r.cpuMs));
		details.cpu_ms_baseline = baseline;
		details.note_cpu =
			'cpu_us_per_item = CPU time of the n8n processes while the measured node ran (sampled from /proc every 25 ms) / employees listed; ' +
			'process_cpu_us_per_item = (CPU time of the whole n8n run - that of a run of an empty workflow) / employees, which adds what n8n does with the result (saving the execution, printing it); ' +
			'node_us_per_item = node time / employees';
		for (const name of ['ours', 'peer'] as const) {
			const nodeCpu = med(name, (r) => r.nodeCpuMs);
			details[`cpu_us_per_item_${name}`] = nodeCpu === null ? null : round((nodeCpu * 1000) / scenario.jobItems, 1);
			const cpu = med(name, (r) => r.cpuMs);
			details[`process_cpu_us_per_item_${name}`] =
				cpu === null || baseline === null ? null : round(((cpu - baseline) * 1000) / scenario.jobItems, 1);
			const time = name === 'ours' ? ours : peer;
			details[`node_us_per_item_${name}`] = time === null ? null : round((time * 1000) / scenario.jobItems, 1);
		}
	}
	if (scenario.id === 'welink-status') {
		const api = med('ours', (r) => r.apiRequests);
		const rate = config.welinkRatePerSecond;
		details.allowed_rate_per_s = rate;
		if (api !== null && ours) {
			// Over the node's whole time (parameters, token, output included) …
			details.achieved_rate_per_s_ours = round((api * 1000) / ours, 1);
			details.rate_share_ours_pct = round(((api * 1000) / ours / rate) * 100, 1);
			// … and over the sending itself: N arrivals span N - 1 intervals.
			const span = med('ours', (r) => r.requestSpanMs);
			if (span && api > 1) {
				details.sending_rate_per_s_ours = round(((api - 1) * 1000) / span, 1);
				details.sending_rate_share_ours_pct = round((((api - 1) * 1000) / span / rate) * 100, 1);
			}
		}
	}
	const ratio = ours && peer ? round(peer / ours, 2) : null;
	const targets: Array<{ target: string; value: number | null; reached: boolean | null }> = [];
	if (scenario.id === 'shiheng-list') {
		targets.push({ target: 'ours >= 8x faster than the HTTP Request node', value: ratio, reached: ratio === null ? null : ratio >= 8 });
		const share = ours && scenario.boundMs ? round(ours / scenario.boundMs, 2) : null;
		targets.push({ target: 'ours <= 1.2x the bound', value: share, reached: share === null ? null : share <= 1.2 });
	}
	if (scenario.id === 'mingdao-relations') {
		targets.push({ target: 'ours >= 50x faster than the HTTP Request node', value: ratio, reached: ratio === null ? null : ratio >= 50 });
	}
	if (scenario.id === 'welink-status') {
		const share = (details.rate_share_ours_pct as number | undefined) ?? null;
		targets.push({ target: 'ours >= 95% of the allowed rate (over the node time)', value: share, reached: share === null ? null : share >= 95 });
		const sending = (details.sending_rate_share_ours_pct as number | undefined) ?? null;
		targets.push({
			target: 'ours >= 95% of the allowed rate (first to last request)',
			value: sending,
			reached: sending === null ? null : sending >= 95,
		});
		const limited = med('ours', (r) => r.rateLimited);
		targets.push({ target: 'ours gets zero 48503 answers', value: limited, reached: limited === null ? null : limited === 0 });
	}
	details.targets = targets;
	details.variants = (scenario.variants ?? []).map((variant) => {
		const runs = bench.records(scenario.id).filter((r) => r.side === `variant:${variant.key}`);
		const pick = (f: (r: RunRecord) => number | null) =>
			round(median(runs.map(f).filter((v): v is number => v !== null)));
		return {
			key: variant.key,
			label: variant.label,
			ms: pick((r) => r.nodeMs),
			requests: pick((r) => r.requests),
			rate_limited: pick((r) => r.rateLimited),
			peak_rss_mb: pick((r) => r.peakRssMb),
			problems: [...new Set(runs.flatMap((r) => r.problems))],
		};
	});
	return {
		id: scenario.id,
		ours_ms: ours,
		peer_ms: peer,
		ratio,
		bound_ms: scenario.boundMs,
		requests_ours: round(med('ours', (r) => r.requests)),
		requests_peer: round(med('peer', (r) => r.requests)),
		rate_limited_ours: scenario.id === 'welink-status' ? round(med('ours', (r) => r.rateLimited)) : null,
		rate_limited_peer: scenario.id === 'welink-status' ? round(med('peer', (r) => r.rateLimited)) : null,
		peak_rss_mb_ours: round(med('ours', (r) => r.peakRssMb)),
		peak_rss_mb_peer: round(med('peer', (r) => r.peakRssMb)),
		details,
	};
}

function n8nVersion(root: string): string {
	try {
		const file = join(root, '.n8n-runtime', 'app', 'node_modules', 'n8n', 'package.json');
		return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

async function main(): Promise<void> {
	const root = repoRoot();
	const argv = process.argv.slice(2);
	if (argv.includes('--render')) {
		const cli = parseCli(argv.filter((arg) => arg !== '--render'), root);
		const results = JSON.parse(readFileSync(join(cli.outDir, 'results.json'), 'utf8')) as BenchResults;
		writeChart(join(cli.outDir, 'chart.svg'), results);
		console.log(renderTable(results));
		return;
	}
	const cli = parseCli(argv, root);
	const { config } = cli;
	const workDir = join(root, 'bench', 'tmp', `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
	const logDir = join(workDir, 'logs');
	mkdirSync(logDir, { recursive: true });
	const setup: N8nSetup = {
		userFolder: join(workDir, 'user'),
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: randomBytes(24).toString('hex'),
	};
	const scenarios: Scenario[] = [];
	const stopAll = async () => {
		for (const scenario of scenarios) await scenario.stop().catch(() => undefined);
	};
	process.once('SIGINT', () => {
		void stopAll().finally(() => process.exit(130));
	});
	const started = Date.now();
	const loadAtStart = loadavg()[0];
	try {
		log(`installing the package into a fresh n8n user folder (${relative(root, setup.userFolder)})`);
		const tarball = cli.tarball ?? (await packPackage(workDir, root));
		await installPackage(setup.userFolder, tarball);
		ensureListed(setup.userFolder);

		for (const id of cli.only) scenarios.push(await startScenario(id, config));
		const workflowDir = join(workDir, 'workflows');
		mkdirSync(workflowDir, { recursive: true });
		const baseline = baselineWorkflow();
		const all = scenarios.flatMap((s) => [s.workflows.ours, s.workflows.peer, ...(s.variants ?? []).map((v) => v.workflow)]);
		for (const workflow of [baseline, ...all]) {
			writeFileSync(join(workflowDir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		}
		await importCredentials(setup, scenarios.flatMap((s) => s.credentials));
		await importWorkflowDirectory(setup, workflowDir);
		log(`imported ${all.length + 1} workflows; ${config.reps} repetition(s), latency ${config.latencyMs} ms`);

		const bench = new Bench(setup, logDir, root);
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
				for (let rep = 0; rep < config.reps; rep++) {
					if (lane === 0 && cli.only.includes('overhead')) {
						await bench.run('baseline', 'baseline', rep, baseline, undefined, brokerPorts[lane]);
					}
					for (const scenario of laneScenarios) {
						// Alternate which side goes first, so drift on a shared machine does not favour one side.
						const order: SideName[] = rep % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
						for (const side of order) {
							await bench.run(scenario.id, side, rep, scenario.workflows[side], scenario, brokerPorts[lane]);
						}
						for (const variant of scenario.variants ?? []) {
							await bench.run(scenario.id, `variant:${variant.key}`, rep, variant.workflow, scenario, brokerPorts[lane]);
						}
					}
				}
			}),
		);

		const fresh = scenarios.map((scenario) => summarise(scenario, bench, config));
		const resultsFile = join(cli.outDir, 'results.json');
		// A partial run (--only) keeps the other scenarios' figures from the last run.
		let previous: ScenarioResult[] = [];
		if (cli.only.length < SCENARIO_IDS.length && existsSync(resultsFile)) {
			try {
				previous = (JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults).scenarios ?? [];
			} catch {
				previous = [];
			}
		}
		const merged = SCENARIO_IDS.map((id) => fresh.find((s) => s.id === id) ?? previous.find((s) => s.id === id)).filter(
			(s): s is ScenarioResult => s !== undefined,
		);
		const results: BenchResults = {
			generated_at: new Date().toISOString(),
			environment: {
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
			},
			scenarios: merged,
		};
		mkdirSync(cli.outDir, { recursive: true });
		writeResults(resultsFile, results);
		writeChart(join(cli.outDir, 'chart.svg'), results);
		console.log(renderTable(results));
		if (!cli.smoke) {
			for (const s of fresh) {
				for (const t of (s.details.targets as Array<{ target: string; value: number | null; reached: boolean | null }>) ?? []) {
					console.log(`${t.reached === null ? '?' : t.reached ? 'reached    ' : 'NOT reached'}  ${s.id}: ${t.target} (measured ${t.value ?? '-'})`);
				}
			}
		}
		console.log(`wrote ${relative(root, resultsFile)} and ${relative(root, join(cli.outDir, 'chart.svg'))} in ${Math.round((Date.now() - started) / 1000)} s`);
	} finally {
		await stopAll();
		if (cli.keep) log(`kept ${relative(root, workDir)}`);
		else rmSync(workDir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		process.exit(1);
	},
);
