import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startShihengEmulator } from '../test/emulators/shiheng';
import type { ShihengEmulatorHandle } from '../test/emulators/shiheng';
import { FLOOR_REQUEST_ENV } from './floor-client';
import type { FloorReading, FloorRequest } from './floor-client';
import type { BenchConfig } from './scenarios';
import { median } from './summary';

/**
 * `npm run bench -- --floor`: what shiheng-list's bound leaves out. The bound counts rounds of the
 * latency alone; a real client on this machine also pays the loopback, both sides' HTTP parsing
 * and the emulator's own work, all on two cores. A bare undici client (bench/floor-client.ts) in a
 * fresh process, against the same emulator, sizes and latency, shows that cost: no client, ours
 * or n8n's HTTP Request node, can be faster than it here.
 */

const run = promisify(execFile);

/** The emulator's default signing scheme, which the floor client signs with. */
const FLOOR_SIGNING_SCHEME = 'md5QueryAppendUpperMs';

export interface FloorRun extends FloorReading {
	/** From the first request's arrival at the emulator to the last one's. */
	firstToLastMs: number;
}

export interface FloorSummary {
	runs: FloorRun[];
	boundMs: number | null;
	/** Null when no run was made (--reps 0 is refused, so never in practice). */
	medianWholeMs: number | null;
}

/** Problems that make a run no floor at all: a client that skipped work would look fast. */
export function floorProblems(reading: FloorReading, employees: number, pages: number): string[] {
	const problems: string[] = [];
	if (reading.refusals.length > 0)
		problems.push(`the emulator refused ${reading.refusals.slice(0, 3).join(', ')}`);
	if (reading.requests !== pages) problems.push(`${reading.requests} requests for ${pages} pages`);
	if (reading.items !== employees || reading.distinctIds !== employees)
		problems.push(
			`${reading.items} employees read (${reading.distinctIds} different) of ${employees}`,
		);
	return problems;
}

/** The client's request for the emulator's whole employee list, as the run's sizes give it. */
export function floorRequest(
	handle: ShihengEmulatorHandle,
	config: Pick<BenchConfig, 'employees' | 'pageSize' | 'shihengConcurrency'>,
): FloorRequest {
	return {
		url: `${handle.baseUrl}${handle.employeePath}`,
		appId: String(handle.credentials.appId),
		appSecret: String(handle.credentials.appSecret),
		version: String(handle.credentials.version),
		pages: Math.ceil(config.employees / config.pageSize),
		pageSize: config.pageSize,
		concurrency: config.shihengConcurrency,
	};
}

/**
 * Runs the client in a fresh process. The request, secret included, goes in the environment: a
 * failed execFile quotes its command line, which would put the secret in the error.
 */
async function runClient(clientFile: string, request: FloorRequest): Promise<FloorReading> {
	try {
		const { stdout } = await run(process.execPath, [clientFile], {
			env: { ...process.env, [FLOOR_REQUEST_ENV]: JSON.stringify(request) },
			maxBuffer: 1024 * 1024,
		});
		return JSON.parse(stdout) as FloorReading;
	} catch (error) {
		const stderr = (error as { stderr?: unknown }).stderr;
		const tail = typeof stderr === 'string' ? stderr.trim().split('\n').slice(-3).join(' | ') : '';
		throw new Error(`floor client failed${tail ? `: ${tail}` : ''}`);
	}
}

export async function measureFloor(
	config: BenchConfig,
	log: (line: string) => void,
	clientFile = join(__dirname, 'floor-client.js'),
): Promise<FloorSummary> {
	const handle = await startShihengEmulator({
		latencyMs: config.latencyMs,
		employees: config.employees,
		signingScheme: FLOOR_SIGNING_SCHEME,
	});
	const request = floorRequest(handle, config);
	const { pages } = request;
	const runs: FloorRun[] = [];
	try {
		for (let rep = 0; rep < config.reps; rep++) {
			const seen = handle.emulator.records.length;
			const reading = await runClient(clientFile, request);
			const problems = floorProblems(reading, config.employees, pages);
			if (problems.length > 0) throw new Error(`floor #${rep + 1}: ${problems.join('; ')}`);
			const arrivals = handle.emulator.records.slice(seen).map((record) => record.at);
			const floorRun: FloorRun = {
				...reading,
				firstToLastMs: Math.max(...arrivals) - Math.min(...arrivals),
			};
			runs.push(floorRun);
			log(
				`floor #${rep + 1}: ${Math.round(floorRun.wholeMs)} ms, ${floorRun.requests} requests over ${floorRun.firstToLastMs} ms, mean round trip ${floorRun.meanRoundTripMs.toFixed(1)} ms (latency ${config.latencyMs} ms)`,
			);
		}
	} finally {
		await handle.stop();
	}
	return {
		runs,
		boundMs:
			config.latencyMs > 0 ? Math.ceil(pages / config.shihengConcurrency) * config.latencyMs : null,
		medianWholeMs: median(runs.map((floorRun) => floorRun.wholeMs)),
	};
}

export function formatFloor(summary: FloorSummary): string {
	if (summary.medianWholeMs === null) return 'shiheng-list floor: no run made';
	const whole = Math.round(summary.medianWholeMs);
	const ratio =
		summary.boundMs === null
			? ''
			: ` = ${(whole / summary.boundMs).toFixed(2)} x the bound (${summary.boundMs} ms)`;
	return [
		`shiheng-list floor: a bare undici client takes ${whole} ms (median)${ratio}.`,
		"A job in n8n adds n8n's own start before its first request (credentials read and decrypted), the same on every side.",
	].join('\n');
}
