import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { FULL_CONFIG, SCENARIO_IDS, SMOKE_CONFIG } from './scenarios';
import type { BenchConfig, ScenarioId } from './scenarios';
import { TRIGGER_SCENARIO_ID } from './trigger';

/** The command line of `npm run bench`. */

/** A mistake in how the benchmark was called: its message is all the user needs (no stack). */
export class UsageError extends Error {}

export type BenchScenarioId = ScenarioId | typeof TRIGGER_SCENARIO_ID;

/** Every scenario in report order: those run by `n8n execute`, then the trigger's (a running n8n, bench/trigger.ts). */
export const ALL_SCENARIO_IDS: readonly BenchScenarioId[] = [...SCENARIO_IDS, TRIGGER_SCENARIO_ID];

/** What one invocation does: measure (the default), or work on files an earlier run wrote. */
export type Action =
	| { kind: 'measure' }
	/** Run our side of one scenario once under Node's CPU profiler and print where its time goes. */
	| { kind: 'profile'; scenario: ScenarioId }
	/** Run no n8n: a bare undici client reads shiheng-list's pages, the least any client takes in this rig (bench/floor.ts). */
	| { kind: 'floor' }
	/** Print the grouping of an existing .cpuprofile. */
	| { kind: 'analyse'; file: string }
	/** Print the tables and redraw chart.svg from the results.json in the output folder. */
	| { kind: 'render' }
	/** Copy the output folder's results.json (a full run) to the committed bench/results.json, redraw bench/chart.svg. */
	| { kind: 'publish' };

export interface Cli {
	action: Action;
	config: BenchConfig;
	smoke: boolean;
	only: BenchScenarioId[];
	/** Where results.json, chart.svg and profiles go: an ignored folder, never the committed files. */
	outDir: string;
	keep: boolean;
	/** Scenarios run side by side (each in its own n8n processes); 1 for real measurements. */
	lanes: number;
	/** A package tarball to benchmark instead of packing this repository's dist/. */
	tarball?: string;
	/** Which samples of a CPU profile are grouped (undefined: the measured node's run when its span is known). */
	window?: ProfileWindow;
}

export type ProfileWindow = 'node' | 'package' | 'all';

/** The committed figures, written only by --publish. */
export function publishedDir(root: string): string {
	return join(root, 'bench');
}

export function defaultOutDir(root: string, smoke: boolean): string {
	return smoke ? join(root, 'bench', 'out', 'smoke') : join(root, 'bench', 'out');
}

export const HELP = `usage: npm run bench -- [options]
  --smoke                 tiny sizes, 1 repetition, output in bench/out/smoke/ (proves the machinery, not a measurement)
  --reps N                repetitions per side (default 3), median reported
  --latency MS            injected latency per response (default 50)
  --only a,b              scenarios: ${ALL_SCENARIO_IDS.join(', ')}
  --concurrency N         our Shiheng node's page concurrency (default ${FULL_CONFIG.shihengConcurrency})
  --employees N --ids N --persons N --overhead-employees N   data sizes
  --trigger-employees N --trigger-changes N   shiheng-trigger: employees polled (default ${FULL_CONFIG.triggerEmployees.toLocaleString('en')}), changes before the measured poll (default ${FULL_CONFIG.triggerChanges})
  --out DIR               where results.json, chart.svg and profiles go (default bench/out/; never the committed files)
  --lanes N               run N scenarios side by side (default 1; --smoke uses 2): faster, but the
                          scenarios then compete for CPU, so only for checking that the benchmark works
  --package FILE.tgz      benchmark this package tarball instead of \`npm pack\` of dist/
  --keep                  keep the n8n user folder and run logs in bench/tmp/
  --profile SCENARIO      run our side of SCENARIO once under Node's --cpu-prof, write the .cpuprofile
                          into <out>/profiles/ and print the self time by group (sizes as for the run:
                          full, or --smoke and the size options)
  --floor                 run no n8n: a bare undici client in a fresh process reads shiheng-list's pages
                          from the same emulator (sizes, latency, --concurrency and --reps as for the run),
                          the least any client takes on this machine, beside the bound
  --analyse FILE          print the self-time grouping of an existing .cpuprofile
  --window node|package|all   what --profile / --analyse group: the measured node's run (default when the
                          benchmark saved its span), the samples from the first to the last one running
                          our package (default otherwise), or the whole n8n process (start-up included)
  --render                run nothing: print the tables and redraw chart.svg from the results.json in --out
  --publish               run nothing: copy <out>/results.json of a full run to the committed bench/results.json,
                          redraw bench/chart.svg and print the README table (also: npm run bench:publish)`;

function wholeNumber(flag: string, value: string | undefined, min: number): number {
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < min)
		throw new UsageError(`${flag} needs a whole number >= ${min}, got ${String(value)}`);
	return parsed;
}

function scenarioId(flag: string, value: string | undefined): ScenarioId {
	if (value === TRIGGER_SCENARIO_ID)
		throw new UsageError(
			`${flag}: ${TRIGGER_SCENARIO_ID} runs in a running n8n, not in one \`n8n execute\` process: it cannot be profiled this way`,
		);
	const found = SCENARIO_IDS.find((id) => id === value);
	if (!found)
		throw new UsageError(
			`${flag}: unknown scenario ${String(value)} (one of ${SCENARIO_IDS.join(', ')})`,
		);
	return found;
}

/** Parses the options; `--help` prints HELP and returns undefined. */
export function parseCli(argv: string[], root: string): Cli | undefined {
	const smoke = argv.includes('--smoke');
	const config: BenchConfig = { ...(smoke ? SMOKE_CONFIG : FULL_CONFIG) };
	let action: Action = { kind: 'measure' };
	let only = [...ALL_SCENARIO_IDS];
	let outDir = defaultOutDir(root, smoke);
	let keep = false;
	let lanes = smoke ? 2 : 1;
	let tarball: string | undefined;
	let window: ProfileWindow | undefined;
	const setAction = (next: Action): void => {
		if (action.kind !== 'measure')
			throw new UsageError(`--${action.kind} and --${next.kind} cannot be combined`);
		action = next;
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
				if (!tarball || !existsSync(tarball))
					throw new UsageError(`--package: no such file ${String(tarball)}`);
				break;
			case '--lanes':
				lanes = wholeNumber(flag, value(), 1);
				break;
			case '--reps':
				config.reps = wholeNumber(flag, value(), 1);
				break;
			case '--latency':
				config.latencyMs = wholeNumber(flag, value(), 0);
				break;
			case '--concurrency':
				config.shihengConcurrency = wholeNumber(flag, value(), 1);
				break;
			case '--employees':
				config.employees = wholeNumber(flag, value(), 1);
				break;
			case '--ids':
				config.relationIds = wholeNumber(flag, value(), 1);
				break;
			case '--persons':
				config.persons = wholeNumber(flag, value(), 1);
				if (config.persons > 9999)
					throw new UsageError('--persons: the WeLink emulator seeds at most 9,999 demo persons');
				break;
			case '--overhead-employees':
				config.overheadEmployees = wholeNumber(flag, value(), 1);
				break;
			case '--trigger-employees':
				config.triggerEmployees = wholeNumber(flag, value(), 3);
				break;
			case '--trigger-changes':
				config.triggerChanges = wholeNumber(flag, value(), 3);
				break;
			case '--only': {
				const wanted = (value() ?? '').split(',').filter(Boolean);
				const unknown = wanted.filter((id) => !ALL_SCENARIO_IDS.some((known) => known === id));
				if (unknown.length > 0 || wanted.length === 0)
					throw new UsageError(`--only: unknown scenario ${unknown.join(', ')}`);
				only = ALL_SCENARIO_IDS.filter((id) => wanted.includes(id));
				break;
			}
			case '--out':
				outDir = value() ?? outDir;
				break;
			case '--profile':
				setAction({ kind: 'profile', scenario: scenarioId(flag, value()) });
				break;
			case '--analyse': {
				const file = value();
				if (!file || !existsSync(file))
					throw new UsageError(`--analyse: no such file ${String(file)}`);
				setAction({ kind: 'analyse', file });
				break;
			}
			case '--window': {
				const wanted = value();
				if (wanted !== 'node' && wanted !== 'package' && wanted !== 'all')
					throw new UsageError(`--window: node, package or all, got ${String(wanted)}`);
				window = wanted;
				break;
			}
			case '--floor':
				setAction({ kind: 'floor' });
				break;
			case '--render':
				setAction({ kind: 'render' });
				break;
			case '--publish':
				setAction({ kind: 'publish' });
				break;
			case '--help':
			case '-h':
				console.log(HELP);
				return undefined;
			default:
				throw new UsageError(`unknown option ${flag}\n${HELP}`);
		}
	}
	return { action, config, smoke, only, outDir, keep, lanes, tarball, window };
}
