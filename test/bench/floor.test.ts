import { join } from 'node:path';

import { readEveryPage } from '../../bench/floor-client';
import type { FloorRequest } from '../../bench/floor-client';
import { floorProblems, floorRequest, measureFloor } from '../../bench/floor';
import { SMOKE_CONFIG } from '../../bench/scenarios';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';

/**
 * The floor client (`npm run bench -- --floor`) is only a floor if it does the whole job: every
 * page asked for once, signed so the emulator accepts it, every employee read. A client that
 * skipped work would report a floor no node could be held to.
 */

const EMPLOYEES = 230;
const PAGE_SIZE = 50;
const PAGES = Math.ceil(EMPLOYEES / PAGE_SIZE);

let handle: ShihengEmulatorHandle;

function requestFor(overrides: Partial<FloorRequest> = {}): FloorRequest {
	const sizes = { employees: EMPLOYEES, pageSize: PAGE_SIZE, shihengConcurrency: 3 };
	return { ...floorRequest(handle, sizes), ...overrides };
}

beforeEach(async () => {
	handle = await startShihengEmulator({
		employees: EMPLOYEES,
		signingScheme: 'md5QueryAppendUpperMs',
	});
});

afterEach(async () => {
	await handle.stop();
});

test('reads every page once, signed the way the emulator checks, and every employee once', async () => {
	const reading = await readEveryPage(requestFor());

	expect(reading.refusals).toEqual([]);
	expect(reading.requests).toBe(PAGES);
	expect(reading.items).toBe(EMPLOYEES);
	expect(reading.distinctIds).toBe(EMPLOYEES);
	expect(floorProblems(reading, EMPLOYEES, PAGES)).toEqual([]);
	expect(handle.served.map((page) => page.pageNum).sort()).toEqual([1, 2, 3, 4, 5]);
	// The pool holds no more connections than pages in flight.
	expect(
		new Set(handle.emulator.records.map((record) => record.remotePort)).size,
	).toBeLessThanOrEqual(3);
});

test('a refused signature is reported, and makes the run no floor', async () => {
	const reading = await readEveryPage(requestFor({ appSecret: 'not-the-secret' }));

	expect(reading.refusals).toHaveLength(PAGES);
	expect(reading.refusals[0]).toMatch(/^page \d: 40004$/);
	expect(reading.items).toBe(0);
	expect(floorProblems(reading, EMPLOYEES, PAGES).join('; ')).toMatch(
		/refused page \d: 40004.*0 employees read \(0 different\) of 230/,
	);
});

test('a run that reads fewer pages than the list has is no floor', () => {
	const problems = floorProblems(
		{
			wholeMs: 10,
			requests: PAGES - 1,
			items: 200,
			distinctIds: 200,
			meanRoundTripMs: 1,
			refusals: [],
		},
		EMPLOYEES,
		PAGES,
	);
	expect(problems).toEqual([`4 requests for 5 pages`, '200 employees read (200 different) of 230']);
});

test('a floor client that fails names the failure, never the app secret', async () => {
	const secret = String(handle.credentials.appSecret);
	const failure = measureFloor(
		{ ...SMOKE_CONFIG, employees: EMPLOYEES, reps: 1 },
		() => undefined,
		join(__dirname, 'no-such-floor-client.js'),
	);
	await expect(failure).rejects.toThrow(/floor client failed/);
	await expect(failure.catch((error: Error) => error.message)).resolves.not.toContain(secret);
});
