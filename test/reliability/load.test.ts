import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { startAliyunIotEmulator } from '../emulators/aliyun';
import type { VendorEmulatorHandle } from '../emulators/frame';
import { startMingdaoEmulator } from '../emulators/mingdao';
import { startShihengEmulator } from '../emulators/shiheng';
import { startWeLinkEmulator } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';
import { ALIYUN_TYPE } from './vendors';

/**
 * 100,000 items through each node in one execution, emulators without latency: every item comes
 * out once, in order, paired, and the worker's memory stays within MEMORY_BOUND_MB. Prints peak
 * RSS and duration.
 *
 * The suite-wide secret audit is paused for this file only: it compares every recorded secret
 * (here thousands of per-request signatures) with every output text (here 100,000 items per run),
 * which would take minutes at teardown. The outputs are checked here for the credential's secret
 * and the issued tokens instead; the audit is restored after the file.
 */

const COUNT = Number(process.env.RELIABILITY_LOAD_ITEMS ?? 100_000);

/**
 * The memory bound: while one execution of COUNT items runs, the worker's resident set stays under
 * an allowance for the worker itself (jest, n8n-core, the emulator and its COUNT records) plus a
 * budget per item for the items n8n holds. A node that keeps something per request or per page
 * besides its items, or copies the items over and over, goes past it.
 */
const WORKER_ALLOWANCE_MB = 512;
const BUDGET_PER_ITEM_BYTES = 8 * 1024;
const MEMORY_BOUND_MB = Math.round(WORKER_ALLOWANCE_MB + (COUNT * BUDGET_PER_ITEM_BYTES) / 2 ** 20);

/** A full collection before each run, so one run's garbage does not count against the next. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const figures: string[] = [];
const auditDir = process.env.EMPLOYEE_SYNC_SECRET_AUDIT_DIR;

beforeAll(() => {
	delete process.env.EMPLOYEE_SYNC_SECRET_AUDIT_DIR;
});
afterAll(() => {
	if (auditDir !== undefined) process.env.EMPLOYEE_SYNC_SECRET_AUDIT_DIR = auditDir;
	console.log(
		[
			'',
			`Load: ${COUNT.toLocaleString('en')} items per node, one execution each (emulators without latency)`,
			...figures,
		].join('\n'),
	);
});

interface Measured<T> {
	value: T;
	ms: number;
	peakRssMb: number;
}

/** Runs `work` while sampling the process's resident set size. */
async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
	collectGarbage();
	let peak = process.memoryUsage().rss;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 10);
	const started = Date.now();
	try {
		const value = await work();
		peak = Math.max(peak, process.memoryUsage().rss);
		return { value, ms: Date.now() - started, peakRssMb: Math.round(peak / 2 ** 20) };
	} finally {
		clearInterval(timer);
	}
}

/** Prints the run's figures and holds it to the memory bound. */
function recordAndBound(
	vendor: string,
	what: string,
	measured: Measured<unknown>,
	requests: number,
): void {
	const maxRss = Math.round(process.resourceUsage().maxRSS / 1024);
	figures.push(
		`  ${vendor.padEnd(11)} ${what.padEnd(34)} ${(measured.ms / 1000).toFixed(1).padStart(5)} s  peak RSS ${measured.peakRssMb} MB of ${MEMORY_BOUND_MB} MB allowed (worker max ${maxRss} MB)  ${requests} requests`,
	);
	expect(measured.peakRssMb).toBeLessThanOrEqual(MEMORY_BOUND_MB);
}

async function withEmulator<H extends VendorEmulatorHandle>(
	start: () => Promise<H>,
	use: (handle: H) => Promise<void>,
): Promise<void> {
	const handle = await start();
	try {
		await use(handle);
	} finally {
		await handle.stop();
	}
}

function expectNoSecret(items: Array<{ json: IDataObject }>, secrets: string[]): void {
	const text = JSON.stringify(items);
	for (const secret of secrets) expect(text.includes(secret)).toBe(false);
}

test(`Shiheng: Get Many employees, ${COUNT} in one listing`, async () => {
	await withEmulator(
		async () => await startShihengEmulator({ employees: COUNT }),
		async (sh) => {
			const measured = await measure(
				async () =>
					await runNode({
						type: 'n8n-nodes-employee-sync.shiheng',
						parameters: {
							resource: 'employee',
							operation: 'getAll',
							endpointPath: sh.employeePath,
							returnAll: true,
							pageSize: 50,
							options: { concurrency: 8 },
						},
						credentials: { shihengApi: sh.credentials },
					}),
			);
			const { items, error } = measured.value;
			expect(error).toBeUndefined();
			expect(items).toHaveLength(COUNT);
			expect(items[0].json.id).toBe(sh.employeeId(0));
			expect(items[COUNT - 1].json.id).toBe(sh.employeeId(COUNT - 1));
			expect(new Set(items.map((item) => item.json.id)).size).toBe(COUNT);
			expectNoSecret(items, [String(sh.credentials.appSecret)]);
			recordAndBound('Shiheng', 'employee getAll (1 item → 100k)', measured, sh.emulator.count());
		},
	);
});

test(`Mingdao: Get Relations for ${COUNT} input items`, async () => {
	await withEmulator(
		async () => await startMingdaoEmulator({ users: COUNT }),
		async (md) => {
			const measured = await measure(
				async () =>
					await runNode({
						type: 'n8n-nodes-employee-sync.mingdao',
						items: md.userIds.map((id) => ({ id })),
						parameters: {
							resource: 'user',
							operation: 'getRelations',
							corpUserIds: '={{ $json.id }}',
							options: { batchSize: 500, concurrency: 4 },
						},
						credentials: { mingdaoApi: md.credentials },
					}),
			);
			const { items, error } = measured.value;
			expect(error).toBeUndefined();
			expect(items).toHaveLength(COUNT);
			const step = Math.max(1, Math.floor(COUNT / 1_000));
			for (let i = 0; i < COUNT; i += step) {
				expect(items[i].json.corpUserId).toBe(md.userIds[i]);
				expect((items[i].pairedItem as { item: number }).item).toBe(i);
			}
			expect(items.filter((item) => item.json.found === false)).toHaveLength(Math.floor(COUNT / 5));
			expectNoSecret(items, [md.secretKey]);
			recordAndBound('Mingdao', 'user getRelations (100k → 100k)', measured, md.emulator.count());
		},
	);
});

test(`WeLink: Get WeLink ID for ${COUNT} input items`, async () => {
	clearTokenCache();
	await withEmulator(
		async () => await startWeLinkEmulator({ demoPersons: COUNT, ratePerSecond: 1_000_000 }),
		async (wl) => {
			const ids = Array.from({ length: COUNT }, (_, i) => `demo${String(i + 1).padStart(4, '0')}`);
			const parameters: INodeParameters = {
				resource: 'user',
				operation: 'getWeLinkId',
				corpUserId: '={{ $json.id }}',
				options: { concurrency: 8, ratePerSecond: 1_000_000, ratePerMinute: 100_000_000 },
			};
			const measured = await measure(
				async () =>
					await runNode({
						type: 'n8n-nodes-employee-sync.weLink',
						items: ids.map((id) => ({ id })),
						parameters,
						credentials: { weLinkApi: wl.credentials },
					}),
			);
			const { items, error } = measured.value;
			expect(error).toBeUndefined();
			expect(items).toHaveLength(COUNT);
			expect(items[0].json).toEqual({ corpUserId: ids[0], userId: `wl-${ids[0]}`, found: true });
			expect(items[COUNT - 1].json.corpUserId).toBe(ids[COUNT - 1]);
			expect(items.every((item) => item.json.found === true)).toBe(true);
			expectNoSecret(items, [String(wl.credentials.clientSecret), ...wl.issuedTokens()]);
			recordAndBound('WeLink', 'user getWeLinkId (100k → 100k)', measured, wl.emulator.count());
		},
	);
});

test(`Aliyun IoT: Get Many by Company, ${COUNT} in one listing`, async () => {
	await withEmulator(
		async () => await startAliyunIotEmulator({ employees: COUNT }),
		async (al) => {
			const measured = await measure(
				async () =>
					await runNode({
						type: ALIYUN_TYPE,
						items: [{ companyId: al.companyId }],
						parameters: {
							resource: 'employee',
							operation: 'getManyByCompany',
							companyId: '={{ $json.companyId }}',
							returnAll: true,
							options: { pageSize: 100, concurrency: 8 },
						},
						credentials: { aliyunIotApi: al.credentials },
					}),
			);
			const { items, error } = measured.value;
			expect(error).toBeUndefined();
			expect(items).toHaveLength(COUNT);
			const expected = al.companyEmployees();
			expect(items[0].json.employeeId).toBe(expected[0].employeeId);
			expect(items[COUNT - 1].json.employeeId).toBe(expected[COUNT - 1].employeeId);
			expect(new Set(items.map((item) => item.json.employeeId)).size).toBe(COUNT);
			expectNoSecret(items, [al.appSecret]);
			recordAndBound(
				'Aliyun IoT',
				'employee getManyByCompany (1 → 100k)',
				measured,
				al.emulator.count(),
			);
		},
	);
});
