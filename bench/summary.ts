import type { ScenarioResult } from './report';
import { SIDES } from './scenarios';
import type { BenchConfig, Scenario, SideName } from './scenarios';

/** What one `n8n execute` run measured, and how a scenario's runs become its line of results.json. */

export type RunSide = SideName | 'baseline' | `variant:${string}`;

export interface RunRecord {
	side: RunSide;
	rep: number;
	ok: boolean;
	/** From the first job node's start to the last one's end (one node: its executionTime). */
	nodeMs: number | null;
	requests: number | null;
	apiRequests: number | null;
	rateLimited: number | null;
	peakRssMb: number;
	cpuMs: number;
	/** CPU time the n8n processes used while the job nodes ran (from /proc samples). */
	nodeCpuMs: number | null;
	processWallMs: number;
	/** From the first request's arrival at the emulator to the last one's. */
	requestSpanMs: number | null;
	/** From the job's start to the first request's arrival: reading parameters, preparing. */
	beforeFirstRequestMs: number | null;
	/** From the last request's arrival to the job's end: the last answers, building output items. */
	afterLastRequestMs: number | null;
	/**
	 * Most requests that arrived within one latency period: each was still unanswered when the last
	 * of them arrived, so at least this many were in flight at once (null without latency).
	 */
	peakInFlight: number | null;
	items: number | null;
	problems: string[];
	/** Things that did not spoil the figures, e.g. n8n crashing on its way out after printing the run data. */
	warnings: string[];
}

/** results.json names each side's fields with this suffix (requests_peer_tuned, …). */
export const SIDE_SUFFIX: Record<SideName, string> = {
	ours: 'ours',
	peer: 'peer',
	tuned: 'peer_tuned',
};

export function median(values: number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number | null, digits = 0): number | null {
	if (value === null || !Number.isFinite(value)) return null;
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/** Most arrivals (epoch ms) within any window of `windowMs`. */
export function peakWithin(arrivals: number[], windowMs: number): number | null {
	if (windowMs <= 0 || arrivals.length === 0) return null;
	const sorted = [...arrivals].sort((a, b) => a - b);
	let peak = 0;
	let start = 0;
	for (let end = 0; end < sorted.length; end++) {
		while (sorted[end] - sorted[start] >= windowMs) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

interface Target {
	target: string;
	value: number | null;
	reached: boolean | null;
}

function targetsOf(
	scenario: Scenario,
	result: Pick<ScenarioResult, 'ours_ms' | 'ratio'>,
	details: Record<string, unknown>,
	limitedOurs: number | null,
): Target[] {
	const targets: Target[] = [];
	const { ratio } = result;
	if (scenario.id === 'shiheng-list') {
		targets.push({
			target: 'ours >= 8x faster than the HTTP Request node',
			value: ratio,
			reached: ratio === null ? null : ratio >= 8,
		});
		const share =
			result.ours_ms && scenario.boundMs ? round(result.ours_ms / scenario.boundMs, 2) : null;
		targets.push({
			target: 'ours <= 1.2x the bound',
			value: share,
			reached: share === null ? null : share <= 1.2,
		});
	}
	if (scenario.id === 'mingdao-relations' || scenario.id === 'mingdao-relations-field') {
		targets.push({
			target: 'ours >= 50x faster than the HTTP Request node',
			value: ratio,
			reached: ratio === null ? null : ratio >= 50,
		});
	}
	if (scenario.id === 'welink-status') {
		const share = (details.rate_share_ours_pct as number | undefined) ?? null;
		targets.push({
			target: 'ours >= 95% of the allowed rate (over the node time)',
			value: share,
			reached: share === null ? null : share >= 95,
		});
		const sending = (details.sending_rate_share_ours_pct as number | undefined) ?? null;
		targets.push({
			target: 'ours >= 95% of the allowed rate (first to last request)',
			value: sending,
			reached: sending === null ? null : sending >= 95,
		});
		targets.push({
			target: 'ours gets zero 48503 answers',
			value: limitedOurs,
			reached: limitedOurs === null ? null : limitedOurs === 0,
		});
	}
	if (scenario.id === 'welink-departments') {
		const share =
			result.ours_ms && scenario.boundMs ? round(result.ours_ms / scenario.boundMs, 2) : null;
		targets.push({
			target: 'ours within 10% of the rate-limit bound (<= 1.1x)',
			value: share,
			reached: share === null ? null : share <= 1.1,
		});
		targets.push({
			target: 'ours gets zero 48503 answers',
			value: limitedOurs,
			reached: limitedOurs === null ? null : limitedOurs === 0,
		});
	}
	return targets;
}

/** The medians of a scenario's runs; `baseline` are the runs of the empty workflow (for the overhead's CPU figures). */
export function summarise(
	scenario: Scenario,
	records: RunRecord[],
	baseline: RunRecord[],
	config: BenchConfig,
): ScenarioResult {
	const runsOf = (name: SideName) => records.filter((r) => r.side === name);
	const med = (name: SideName, pick: (r: RunRecord) => number | null): number | null =>
		median(
			runsOf(name)
				.filter((r) => r.nodeMs !== null)
				.map(pick)
				.filter((v): v is number => v !== null),
		);
	const time: Record<SideName, number | null> = {
		ours: round(med('ours', (r) => r.nodeMs)),
		peer: round(med('peer', (r) => r.nodeMs)),
		tuned: round(med('tuned', (r) => r.nodeMs)),
	};
	const details: Record<string, unknown> = {
		title: scenario.title,
		job_items: scenario.jobItems,
		settings: scenario.settings,
		builds: Object.fromEntries(SIDES.map((side) => [SIDE_SUFFIX[side], scenario.builds[side]])),
		bound_formula: scenario.boundFormula,
		warnings: [...new Set(records.flatMap((r) => r.warnings.map((w) => `${r.side}: ${w}`)))],
	};
	for (const side of SIDES) {
		const suffix = SIDE_SUFFIX[side];
		// The side is in the key already.
		details[`runs_${suffix}`] = runsOf(side).map((run) =>
			Object.fromEntries(Object.entries(run).filter(([key]) => key !== 'side')),
		);
		details[`problems_${suffix}`] = [...new Set(runsOf(side).flatMap((r) => r.problems))];
	}
	const perSide: Array<[string, (r: RunRecord) => number | null]> = [
		['cpu_ms', (r) => r.cpuMs],
		['node_cpu_ms', (r) => r.nodeCpuMs],
		['request_span_ms', (r) => r.requestSpanMs],
		['before_first_request_ms', (r) => r.beforeFirstRequestMs],
		['after_last_request_ms', (r) => r.afterLastRequestMs],
		['peak_in_flight', (r) => r.peakInFlight],
	];
	for (const [name, pick] of perSide) {
		for (const side of SIDES) details[`${name}_${SIDE_SUFFIX[side]}`] = round(med(side, pick));
	}
	if (scenario.id === 'overhead') {
		const baselineCpu = median(baseline.map((r) => r.cpuMs));
		details.cpu_ms_baseline = baselineCpu;
		details.note_cpu =
			'cpu_us_per_item = CPU time of the n8n processes while the job nodes ran (sampled from /proc every 25 ms) / employees listed; ' +
			'process_cpu_us_per_item = (CPU time of the whole n8n run - that of a run of an empty workflow) / employees, which adds what n8n does with the result (saving the execution, printing it); ' +
			'node_us_per_item = job time / employees';
		for (const side of SIDES) {
			const suffix = SIDE_SUFFIX[side];
			const nodeCpu = med(side, (r) => r.nodeCpuMs);
			details[`cpu_us_per_item_${suffix}`] =
				nodeCpu === null ? null : round((nodeCpu * 1000) / scenario.jobItems, 1);
			const cpu = med(side, (r) => r.cpuMs);
			details[`process_cpu_us_per_item_${suffix}`] =
				cpu === null || baselineCpu === null
					? null
					: round(((cpu - baselineCpu) * 1000) / scenario.jobItems, 1);
			const ms = time[side];
			details[`node_us_per_item_${suffix}`] =
				ms === null ? null : round((ms * 1000) / scenario.jobItems, 1);
		}
	}
	if (scenario.id === 'welink-status') {
		const rate = config.welinkRatePerSecond;
		details.allowed_rate_per_s = rate;
		for (const side of SIDES) {
			const suffix = SIDE_SUFFIX[side];
			const api = med(side, (r) => r.apiRequests);
			const ms = time[side];
			if (api === null || !ms) continue;
			// Over the job's whole time (parameters, token, output included) …
			details[`achieved_rate_per_s_${suffix}`] = round((api * 1000) / ms, 1);
			details[`rate_share_${suffix}_pct`] = round(((api * 1000) / ms / rate) * 100, 1);
			// … and over the sending itself: N arrivals span N - 1 intervals.
			const span = med(side, (r) => r.requestSpanMs);
			if (span && api > 1) {
				details[`sending_rate_per_s_${suffix}`] = round(((api - 1) * 1000) / span, 1);
				details[`sending_rate_share_${suffix}_pct`] = round(
					(((api - 1) * 1000) / span / rate) * 100,
					1,
				);
			}
		}
	}
	const ratio = time.ours && time.peer ? round(time.peer / time.ours, 2) : null;
	const ratioTuned = time.ours && time.tuned ? round(time.tuned / time.ours, 2) : null;
	const rateLimitedScenario =
		scenario.id === 'welink-status' || scenario.id === 'welink-departments';
	const limited = (side: SideName) =>
		rateLimitedScenario ? round(med(side, (r) => r.rateLimited)) : null;
	details.targets = targetsOf(scenario, { ours_ms: time.ours, ratio }, details, limited('ours'));
	details.variants = (scenario.variants ?? []).map((variant) => {
		const runs = records.filter((r) => r.side === `variant:${variant.key}`);
		const pick = (f: (r: RunRecord) => number | null) =>
			round(median(runs.map(f).filter((v): v is number => v !== null)));
		return {
			key: variant.key,
			label: variant.label,
			ms: pick((r) => r.nodeMs),
			requests: pick((r) => r.requests),
			rate_limited: pick((r) => r.rateLimited),
			peak_rss_mb: pick((r) => r.peakRssMb),
			peak_in_flight: pick((r) => r.peakInFlight),
			problems: [...new Set(runs.flatMap((r) => r.problems))],
		};
	});
	return {
		id: scenario.id,
		ours_ms: time.ours,
		peer_ms: time.peer,
		peer_tuned_ms: time.tuned,
		ratio,
		ratio_tuned: ratioTuned,
		bound_ms: scenario.boundMs,
		requests_ours: round(med('ours', (r) => r.requests)),
		requests_peer: round(med('peer', (r) => r.requests)),
		requests_peer_tuned: round(med('tuned', (r) => r.requests)),
		rate_limited_ours: limited('ours'),
		rate_limited_peer: limited('peer'),
		rate_limited_peer_tuned: limited('tuned'),
		peak_rss_mb_ours: round(med('ours', (r) => r.peakRssMb)),
		peak_rss_mb_peer: round(med('peer', (r) => r.peakRssMb)),
		peak_rss_mb_peer_tuned: round(med('tuned', (r) => r.peakRssMb)),
		details,
	};
}
