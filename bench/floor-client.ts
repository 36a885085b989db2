import { createHash } from 'node:crypto';

import { Pool } from 'undici';

/**
 * The least any client can take for shiheng-list in this rig: bare undici, no n8n, no checks
 * beyond the answer's code, the page count known before the first request (as the bound assumes),
 * `concurrency` pages in flight from start to end. Run in a fresh process (`npm run bench --
 * --floor`), as each measured n8n run is. It signs with the emulator's default scheme (MD5 of the
 * sorted k=v& string + secret, upper-case hex, ms timestamps), written here from that scheme's
 * description and not taken from the node, which it must not share a mistake with.
 */

export interface FloorRequest {
	/** The employee list's URL. */
	url: string;
	appId: string;
	appSecret: string;
	version: string;
	pages: number;
	pageSize: number;
	concurrency: number;
}

export interface FloorReading {
	/** From the first request sent to the last answer parsed. */
	wholeMs: number;
	requests: number;
	items: number;
	distinctIds: number;
	/** From a request sent to its answer's headers, averaged over every request. */
	meanRoundTripMs: number;
	/** Answers whose code was not success, as "page N: code". */
	refusals: string[];
}

function signedBody(request: FloorRequest, pageNum: number): string {
	const params: Record<string, unknown> = {
		appId: request.appId,
		paramContent: { pageNum, pageSize: request.pageSize },
		timestamp: Date.now(),
		version: request.version,
	};
	const base = Object.keys(params)
		.sort()
		.map((key) => {
			const value = params[key];
			return `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
		})
		.join('&');
	params.sign = createHash('md5')
		.update(base + request.appSecret)
		.digest('hex')
		.toUpperCase();
	return JSON.stringify(params);
}

interface PageAnswer {
	code?: unknown;
	result?: { result?: Array<{ id?: unknown }> };
}

export async function readEveryPage(request: FloorRequest): Promise<FloorReading> {
	const url = new URL(request.url);
	const pool = new Pool(url.origin, { connections: request.concurrency });
	const ids = new Set<unknown>();
	const refusals: string[] = [];
	let items = 0;
	let requests = 0;
	let roundTrips = 0;
	let nextPage = 1;
	const started = performance.now();
	const worker = async (): Promise<void> => {
		while (nextPage <= request.pages) {
			const pageNum = nextPage++;
			const sent = performance.now();
			requests++;
			const response = await pool.request({
				path: url.pathname,
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: signedBody(request, pageNum),
			});
			roundTrips += performance.now() - sent;
			const answer = (await response.body.json()) as PageAnswer;
			if (answer.code !== '0') {
				refusals.push(`page ${pageNum}: ${String(answer.code)}`);
				continue;
			}
			for (const row of answer.result?.result ?? []) {
				items++;
				ids.add(row.id);
			}
		}
	};
	try {
		await Promise.all(Array.from({ length: request.concurrency }, worker));
	} finally {
		await pool.close();
	}
	return {
		wholeMs: performance.now() - started,
		requests,
		items,
		distinctIds: ids.size,
		meanRoundTripMs: requests === 0 ? 0 : roundTrips / requests,
		refusals,
	};
}

/** Where a child process finds its request (JSON): not argv, which error messages quote. */
export const FLOOR_REQUEST_ENV = 'BENCH_FLOOR_REQUEST';

// As a child process: the request from the environment, the reading as one JSON line on stdout.
if (require.main === module) {
	readEveryPage(JSON.parse(process.env[FLOOR_REQUEST_ENV] ?? '{}') as FloorRequest).then(
		(reading) => process.stdout.write(`${JSON.stringify(reading)}\n`),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : String(error));
			process.exit(1);
		},
	);
}
