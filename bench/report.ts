import { writeFileSync } from 'node:fs';

/**
 * The benchmark's outputs: the console table, bench/results.json (the figures of the last full
 * run, committed) and bench/chart.svg (drawn here by hand, no charting dependency).
 */

export interface ScenarioResult {
	id: string;
	ours_ms: number | null;
	peer_ms: number | null;
	/** peer_ms / ours_ms: how many times faster ours is. */
	ratio: number | null;
	bound_ms: number | null;
	requests_ours: number | null;
	requests_peer: number | null;
	rate_limited_ours: number | null;
	rate_limited_peer: number | null;
	peak_rss_mb_ours: number | null;
	peak_rss_mb_peer: number | null;
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
	return value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function pad(text: string, width: number, right = true): string {
	return right ? text.padStart(width) : text.padEnd(width);
}

export function renderTable(results: BenchResults): string {
	const header = [
		'scenario',
		'ours ms',
		'HTTP Req ms',
		'ratio',
		'req ours',
		'req HTTP',
		'48503 ours',
		'48503 HTTP',
		'bound ms',
		'ours/bound',
		'RSS MB ours',
		'RSS MB HTTP',
	];
	const rows = results.scenarios.map((s) => [
		s.id,
		fmt(s.ours_ms),
		fmt(s.peer_ms),
		s.ratio === null ? '-' : `${fmt(s.ratio, 1)}x`,
		fmt(s.requests_ours),
		fmt(s.requests_peer),
		fmt(s.rate_limited_ours),
		fmt(s.rate_limited_peer),
		fmt(s.bound_ms),
		s.bound_ms && s.ours_ms ? fmt(s.ours_ms / s.bound_ms, 2) : '-',
		fmt(s.peak_rss_mb_ours),
		fmt(s.peak_rss_mb_peer),
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i > 0)).join('  ');
	const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
	for (const s of results.scenarios) {
		const notes: string[] = [];
		const d = s.details;
		if (typeof d.cpu_us_per_item_ours === 'number' || typeof d.cpu_us_per_item_peer === 'number') {
			notes.push(
				`CPU per item while the node ran: ours ${fmt(d.cpu_us_per_item_ours as number, 1)} us, HTTP Request ${fmt(d.cpu_us_per_item_peer as number, 1)} us`,
			);
		}
		if (typeof d.achieved_rate_per_s_ours === 'number') {
			notes.push(
				`rate: ours ${fmt(d.achieved_rate_per_s_ours as number, 1)}/s over the node time (${fmt(d.rate_share_ours_pct as number, 0)}% of ${fmt(d.allowed_rate_per_s as number)}/s), ${fmt(d.sending_rate_per_s_ours as number, 1)}/s from first to last request (${fmt(d.sending_rate_share_ours_pct as number, 0)}%)`,
			);
		}
		for (const variant of (d.variants as Array<{ label: string; ms: number | null; requests: number | null; rate_limited: number | null }> | undefined) ?? []) {
			notes.push(`${variant.label}: ${fmt(variant.ms)} ms, ${fmt(variant.requests)} requests, ${fmt(variant.rate_limited)} x 48503`);
		}
		for (const side of ['ours', 'peer'] as const) {
			const problems = d[`problems_${side}`];
			if (Array.isArray(problems) && problems.length > 0) {
				const first = problems.find((p) => String(p).startsWith('error:')) ?? problems[0];
				notes.push(`${side === 'ours' ? 'ours' : 'HTTP Request'}: ${String(first)}`);
			}
		}
		out.push(...notes.map((note) => `  ${s.id}: ${note}`));
	}
	return out.join('\n');
}

export function writeResults(file: string, results: BenchResults): void {
	writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);
}

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One row per scenario with three bars (ours, HTTP Request node, theoretical bound), each row
 * scaled to its own largest bar: the scenarios differ by orders of magnitude, and the labels carry
 * the figures.
 */
export function renderChart(results: BenchResults): string {
	const width = 860;
	const left = 210;
	const barArea = width - left - 150;
	const barHeight = 16;
	const rowGap = 26;
	const top = 64;
	const rows = results.scenarios;
	const notesOf = (s: ScenarioResult): string[] => {
		const d = s.details;
		const notes: string[] = [];
		if (typeof d.cpu_us_per_item_ours === 'number') {
			notes.push(`CPU per employee while the node ran: ours ${fmt(d.cpu_us_per_item_ours, 1)} us, HTTP Request ${fmt(d.cpu_us_per_item_peer as number, 1)} us`);
		}
		for (const variant of (d.variants as Array<{ label: string; ms: number | null; rate_limited: number | null }> | undefined) ?? []) {
			notes.push(`${variant.label}: ${fmt(variant.ms)} ms, ${fmt(variant.rate_limited)} x 48503`);
		}
		for (const [side, label] of [['ours', 'ours'], ['peer', 'HTTP Request']] as const) {
			const problems = d[`problems_${side}`];
			const failure = Array.isArray(problems) ? problems.find((p) => String(p).startsWith('error:')) : undefined;
			if (failure !== undefined) notes.push(`${label} failed: ${String(failure).slice(6, 96)}`);
		}
		return notes;
	};
	const noteLines = Math.max(1, ...rows.map((s) => notesOf(s).length));
	const rowHeight = barHeight * 3 + 8 + noteLines * 14 + rowGap;
	const height = top + rows.length * rowHeight + 30;
	const colors = { ours: '#2f7d5b', peer: '#c0583c', bound: '#8a8f98' };
	const parts: string[] = [];
	parts.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="16" y="24" font-size="16" font-weight="bold" fill="#222">n8n-nodes-employee-sync vs n8n HTTP Request node (median time of the measured node, ms)</text>`,
	);
	const legend: Array<[string, string]> = [
		['ours', colors.ours],
		['HTTP Request node', colors.peer],
		['theoretical bound', colors.bound],
	];
	legend.forEach(([label, color], index) => {
		const x = 16 + index * 170;
		parts.push(`<rect x="${x}" y="36" width="12" height="12" fill="${color}"/>`);
		parts.push(`<text x="${x + 18}" y="46" fill="#333">${escapeXml(label)}</text>`);
	});
	rows.forEach((s, index) => {
		const y0 = top + index * rowHeight;
		const values = [s.ours_ms, s.peer_ms, s.bound_ms].filter((v): v is number => typeof v === 'number' && v > 0);
		const max = Math.max(1, ...values);
		parts.push(`<text x="16" y="${y0 + 14}" font-weight="bold" fill="#222">${escapeXml(s.id)}</text>`);
		const sub = s.ratio === null ? '' : `HTTP Request / ours = ${fmt(s.ratio, 1)}x`;
		parts.push(`<text x="16" y="${y0 + 30}" fill="#555">${escapeXml(sub)}</text>`);
		const reqs = `requests ${fmt(s.requests_ours)} vs ${fmt(s.requests_peer)}`;
		parts.push(`<text x="16" y="${y0 + 46}" fill="#555">${escapeXml(reqs)}</text>`);
		const rss = `peak RSS ${fmt(s.peak_rss_mb_ours)} vs ${fmt(s.peak_rss_mb_peer)} MB`;
		parts.push(`<text x="16" y="${y0 + 62}" fill="#555">${escapeXml(rss)}</text>`);
		notesOf(s).forEach((note, line) => {
			parts.push(`<text x="${left}" y="${y0 + 3 * (barHeight + 4) + 12 + line * 14}" fill="#666" font-size="11">${escapeXml(note)}</text>`);
		});
		const bars: Array<[number | null, string, string]> = [
			[s.ours_ms, colors.ours, `${fmt(s.ours_ms)} ms`],
			[s.peer_ms, colors.peer, `${fmt(s.peer_ms)} ms${s.rate_limited_peer ? `, ${fmt(s.rate_limited_peer)} x 48503` : ''}`],
			[s.bound_ms, colors.bound, s.bound_ms === null ? 'no bound (no latency)' : `${fmt(s.bound_ms)} ms`],
		];
		bars.forEach(([value, color, label], barIndex) => {
			const y = y0 + barIndex * (barHeight + 4);
			const w = value && value > 0 ? Math.max(2, Math.round((value / max) * barArea)) : 0;
			if (w > 0) parts.push(`<rect x="${left}" y="${y}" width="${w}" height="${barHeight}" fill="${color}" rx="2"/>`);
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
