import { writeFileSync } from 'node:fs';

/**
 * The benchmark's outputs: the console table, the README table (markdown), results.json and
 * chart.svg (drawn here by hand, no charting dependency). A run writes them into its ignored output
 * folder; `--publish` copies a full run's figures to the committed bench/results.json and chart.svg.
 */

/** `peer` is the HTTP Request node as a user first builds it, `peer_tuned` as a skilled n8n user would. */
export interface ScenarioResult {
	id: string;
	ours_ms: number | null;
	peer_ms: number | null;
	/** Absent in results written before the tuned peer was measured (as are the other *_peer_tuned fields). */
	peer_tuned_ms?: number | null;
	/** peer_ms / ours_ms: how many times faster ours is. */
	ratio: number | null;
	/** peer_tuned_ms / ours_ms. */
	ratio_tuned?: number | null;
	bound_ms: number | null;
	requests_ours: number | null;
	requests_peer: number | null;
	requests_peer_tuned?: number | null;
	rate_limited_ours: number | null;
	rate_limited_peer: number | null;
	rate_limited_peer_tuned?: number | null;
	peak_rss_mb_ours: number | null;
	peak_rss_mb_peer: number | null;
	peak_rss_mb_peer_tuned?: number | null;
	/** Everything else worth knowing about the run (settings, per-item CPU, problems seen). */
	details: Record<string, unknown>;
}

export interface BenchResults {
	generated_at: string;
	environment: Record<string, string | number>;
	scenarios: ScenarioResult[];
}

function fmt(value: number | null | undefined, digits = 0): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return '-';
	return value.toLocaleString('en', {
		maximumFractionDigits: digits,
		minimumFractionDigits: digits,
	});
}

function pad(text: string, width: number, right = true): string {
	return right ? text.padStart(width) : text.padEnd(width);
}

function times(value: number | null | undefined): string {
	return value === null || value === undefined ? '-' : `${fmt(value, 1)}x`;
}

/** The trigger scenario's state and memory figures (bench/trigger.ts); nothing for the others. */
function triggerNotes(d: Record<string, unknown>): string[] {
	const num = (key: string): number | undefined =>
		typeof d[key] === 'number' ? d[key] : undefined;
	if (num('state_bytes_ours') === undefined && num('state_bytes_peer') === undefined) return [];
	return [
		`state kept between polls: ours ${fmt(num('state_bytes_ours'))} bytes (${fmt(num('state_bytes_per_employee_ours'), 1)} per employee), ` +
			`HTTP Request + Code ${fmt(num('state_bytes_peer'))} bytes (${fmt(num('state_bytes_per_employee_peer'), 1)} per employee)`,
		`memory growth of the n8n processes during the poll: ours ${fmt(num('rss_growth_mb_ours'))} MB, HTTP Request + Code ${fmt(num('rss_growth_mb_peer'))} MB`,
	];
}

/** Lines under the table: per-item CPU, rates, variants, and the first problem of each side. */
function notesOf(s: ScenarioResult): string[] {
	const d = s.details;
	const notes: string[] = [];
	const num = (key: string): number | undefined =>
		typeof d[key] === 'number' ? d[key] : undefined;
	notes.push(...triggerNotes(d));
	if (num('cpu_us_per_item_ours') !== undefined || num('cpu_us_per_item_peer') !== undefined) {
		notes.push(
			`CPU per item while the job ran: ours ${fmt(num('cpu_us_per_item_ours'), 1)} us, HTTP Request ${fmt(num('cpu_us_per_item_peer'), 1)} us` +
				(num('cpu_us_per_item_peer_tuned') === undefined
					? ''
					: `, tuned ${fmt(num('cpu_us_per_item_peer_tuned'), 1)} us`),
		);
	}
	if (num('achieved_rate_per_s_ours') !== undefined) {
		notes.push(
			`rate: ours ${fmt(num('achieved_rate_per_s_ours'), 1)}/s over the node time (${fmt(num('rate_share_ours_pct'), 0)}% of ${fmt(num('allowed_rate_per_s'))}/s), ${fmt(num('sending_rate_per_s_ours'), 1)}/s from first to last request (${fmt(num('sending_rate_share_ours_pct'), 0)}%); tuned HTTP Request ${fmt(num('achieved_rate_per_s_peer_tuned'), 1)}/s over its time`,
		);
	}
	if (num('peak_in_flight_ours') !== undefined) {
		notes.push(
			`requests in flight at once (at least): ours ${fmt(num('peak_in_flight_ours'))}, HTTP Request ${fmt(num('peak_in_flight_peer'))}, tuned ${fmt(num('peak_in_flight_peer_tuned'))}`,
		);
	}
	for (const variant of (d.variants as
		| Array<{
				label: string;
				ms: number | null;
				requests: number | null;
				rate_limited: number | null;
		  }>
		| undefined) ?? []) {
		notes.push(
			`${variant.label}: ${fmt(variant.ms)} ms, ${fmt(variant.requests)} requests${variant.rate_limited === null ? '' : `, ${fmt(variant.rate_limited)} x 48503`}`,
		);
	}
	for (const [side, label] of [
		['ours', 'ours'],
		['peer', 'HTTP Request'],
		['peer_tuned', 'tuned HTTP Request'],
	] as const) {
		const problems = d[`problems_${side}`];
		if (Array.isArray(problems) && problems.length > 0) {
			const first: unknown = problems.find((p) => String(p).startsWith('error:')) ?? problems[0];
			notes.push(`${label}: ${String(first)}`);
		}
	}
	return notes;
}

/** The console table: one line per scenario, then notes. */
export function renderTable(results: BenchResults): string {
	const header = [
		'scenario',
		'ours ms',
		'HTTP Req ms',
		'ratio',
		'tuned ms',
		'ratio tuned',
		'req ours',
		'req HTTP',
		'req tuned',
		'48503 ours',
		'48503 HTTP',
		'48503 tuned',
		'bound ms',
		'ours/bound',
		'RSS MB ours',
		'RSS MB HTTP',
		'RSS MB tuned',
	];
	const rows = results.scenarios.map((s) => [
		s.id,
		fmt(s.ours_ms),
		fmt(s.peer_ms),
		times(s.ratio),
		fmt(s.peer_tuned_ms),
		times(s.ratio_tuned),
		fmt(s.requests_ours),
		fmt(s.requests_peer),
		fmt(s.requests_peer_tuned),
		fmt(s.rate_limited_ours),
		fmt(s.rate_limited_peer),
		fmt(s.rate_limited_peer_tuned),
		fmt(s.bound_ms),
		s.bound_ms && s.ours_ms ? fmt(s.ours_ms / s.bound_ms, 2) : '-',
		fmt(s.peak_rss_mb_ours),
		fmt(s.peak_rss_mb_peer),
		fmt(s.peak_rss_mb_peer_tuned),
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i > 0)).join('  ');
	const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
	for (const s of results.scenarios) out.push(...notesOf(s).map((note) => `  ${s.id}: ${note}`));
	return out.join('\n');
}

/** The table of README.md and docs/benchmark.md, in markdown. */
export function renderMarkdownTable(results: BenchResults): string {
	const limited = (value: number | null | undefined): string =>
		value ? ` (${fmt(value)} × 48503)` : '';
	const ms = (value: number | null | undefined): string =>
		typeof value === 'number' ? `${fmt(value)} ms` : '–';
	const lines = [
		'| scenario | ours | HTTP Request | tuned HTTP Request | ratio | ratio tuned | requests ours / HTTP / tuned | bound | ours / bound | peak RSS ours / HTTP / tuned |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const s of results.scenarios) {
		lines.push(
			`| ${s.id} | ${ms(s.ours_ms)} | ${ms(s.peer_ms)}${limited(s.rate_limited_peer)} | ${ms(s.peer_tuned_ms)}${limited(s.rate_limited_peer_tuned)} | ` +
				`${times(s.ratio)} | ${times(s.ratio_tuned)} | ${fmt(s.requests_ours)} / ${fmt(s.requests_peer)} / ${fmt(s.requests_peer_tuned)} | ` +
				`${s.bound_ms === null ? '–' : `${fmt(s.bound_ms)} ms`} | ${s.bound_ms && s.ours_ms ? fmt(s.ours_ms / s.bound_ms, 2) : '–'} | ` +
				`${fmt(s.peak_rss_mb_ours)} / ${fmt(s.peak_rss_mb_peer)} / ${fmt(s.peak_rss_mb_peer_tuned)} MB |`,
		);
	}
	return lines.join('\n');
}

export function writeResults(file: string, results: BenchResults): void {
	writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);
}

function escapeXml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/**
 * One row per scenario with four bars (ours, HTTP Request node, tuned HTTP Request node,
 * theoretical bound), each row scaled to its own largest bar: the scenarios differ by orders of
 * magnitude, and the labels carry the figures.
 */
export function renderChart(results: BenchResults): string {
	const width = 900;
	const left = 230;
	const barArea = width - left - 170;
	const barHeight = 16;
	const rowGap = 26;
	const top = 64;
	const rows = results.scenarios;
	const chartNotesOf = (s: ScenarioResult): string[] => {
		const d = s.details;
		const notes: string[] = [];
		notes.push(...triggerNotes(d));
		if (typeof d.cpu_us_per_item_ours === 'number') {
			const tuned =
				typeof d.cpu_us_per_item_peer_tuned === 'number'
					? `, tuned ${fmt(d.cpu_us_per_item_peer_tuned, 1)} us`
					: '';
			notes.push(
				`CPU per employee while the job ran: ours ${fmt(d.cpu_us_per_item_ours, 1)} us, HTTP Request ${fmt(d.cpu_us_per_item_peer as number, 1)} us${tuned}`,
			);
		}
		for (const variant of (d.variants as
			Array<{ label: string; ms: number | null; rate_limited: number | null }> | undefined) ?? []) {
			notes.push(
				`${variant.label}: ${fmt(variant.ms)} ms${variant.rate_limited === null ? '' : `, ${fmt(variant.rate_limited)} x 48503`}`,
			);
		}
		for (const [side, label] of [
			['ours', 'ours'],
			['peer', 'HTTP Request'],
			['peer_tuned', 'tuned HTTP Request'],
		] as const) {
			const problems = d[`problems_${side}`];
			const failure: unknown = Array.isArray(problems)
				? problems.find((p) => String(p).startsWith('error:'))
				: undefined;
			if (failure !== undefined) notes.push(`${label} failed: ${String(failure).slice(6, 96)}`);
		}
		return notes;
	};
	const bars = 4;
	const noteLines = Math.max(1, ...rows.map((s) => chartNotesOf(s).length));
	const rowHeight = barHeight * bars + 12 + noteLines * 14 + rowGap;
	const height = top + rows.length * rowHeight + 30;
	const colors = { ours: '#2f7d5b', peer: '#c0583c', tuned: '#d99a2b', bound: '#8a8f98' };
	const parts: string[] = [];
	parts.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="16" y="24" font-size="16" font-weight="bold" fill="#222">n8n-nodes-employee-sync vs n8n HTTP Request node (median time of the job, ms)</text>`,
	);
	const legend: Array<[string, string]> = [
		['ours', colors.ours],
		['HTTP Request node', colors.peer],
		['HTTP Request node, tuned', colors.tuned],
		['theoretical bound', colors.bound],
	];
	legend.forEach(([label, color], index) => {
		const x = 16 + index * 190;
		parts.push(`<rect x="${x}" y="36" width="12" height="12" fill="${color}"/>`);
		parts.push(`<text x="${x + 18}" y="46" fill="#333">${escapeXml(label)}</text>`);
	});
	rows.forEach((s, index) => {
		const y0 = top + index * rowHeight;
		const values = [s.ours_ms, s.peer_ms, s.peer_tuned_ms, s.bound_ms].filter(
			(v): v is number => typeof v === 'number' && v > 0,
		);
		const max = Math.max(1, ...values);
		parts.push(
			`<text x="16" y="${y0 + 14}" font-weight="bold" fill="#222">${escapeXml(s.id)}</text>`,
		);
		const side = [
			s.ratio === null ? '' : `HTTP Request / ours = ${fmt(s.ratio, 1)}x`,
			typeof s.ratio_tuned === 'number' ? `tuned / ours = ${fmt(s.ratio_tuned, 1)}x` : '',
			`requests ${fmt(s.requests_ours)} / ${fmt(s.requests_peer)} / ${fmt(s.requests_peer_tuned)}`,
			`peak RSS ${fmt(s.peak_rss_mb_ours)} / ${fmt(s.peak_rss_mb_peer)} / ${fmt(s.peak_rss_mb_peer_tuned)} MB`,
		].filter(Boolean);
		side.forEach((text, line) =>
			parts.push(`<text x="16" y="${y0 + 30 + line * 16}" fill="#555">${escapeXml(text)}</text>`),
		);
		chartNotesOf(s).forEach((note, line) => {
			parts.push(
				`<text x="${left}" y="${y0 + bars * (barHeight + 4) + 12 + line * 14}" fill="#666" font-size="11">${escapeXml(note)}</text>`,
			);
		});
		const limited = (value: number | null | undefined): string =>
			value ? `, ${fmt(value)} x 48503` : '';
		const barsOf: Array<[number | null | undefined, string, string]> = [
			[s.ours_ms, colors.ours, `${fmt(s.ours_ms)} ms`],
			[s.peer_ms, colors.peer, `${fmt(s.peer_ms)} ms${limited(s.rate_limited_peer)}`],
			[
				s.peer_tuned_ms,
				colors.tuned,
				s.peer_tuned_ms === undefined
					? 'not measured in this run'
					: `${fmt(s.peer_tuned_ms)} ms${limited(s.rate_limited_peer_tuned)}`,
			],
			[
				s.bound_ms,
				colors.bound,
				s.bound_ms === null ? 'no bound (no latency)' : `${fmt(s.bound_ms)} ms`,
			],
		];
		barsOf.forEach(([value, color, label], barIndex) => {
			const y = y0 + barIndex * (barHeight + 4);
			const w = value && value > 0 ? Math.max(2, Math.round((value / max) * barArea)) : 0;
			if (w > 0)
				parts.push(
					`<rect x="${left}" y="${y}" width="${w}" height="${barHeight}" fill="${color}" rx="2"/>`,
				);
			parts.push(`<text x="${left + w + 6}" y="${y + 12}" fill="#333">${escapeXml(label)}</text>`);
		});
	});
	const env = results.environment;
	parts.push(
		`<text x="16" y="${height - 10}" fill="#777" font-size="11">${escapeXml(
			`n8n ${String(env.n8n)}, Node ${String(env.node)}, ${String(env.cpus)} CPUs, latency ${String(env.latency_ms)} ms per response, median of ${String(env.reps)} runs, ${results.generated_at}`,
		)}</text>`,
		'</svg>',
	);
	return `${parts.join('\n')}\n`;
}

export function writeChart(file: string, results: BenchResults): void {
	writeFileSync(file, renderChart(results));
}
