import type { VendorEmulatorHandle } from './frame';
import { startAliyunIotEmulator, type AliyunIotEmulatorHandle } from './aliyun';
import { startMingdaoEmulator, type MingdaoEmulatorHandle } from './mingdao';
import { startShihengEmulator, type ShihengEmulatorHandle } from './shiheng';
import { startWeLinkEmulator, type WeLinkEmulatorHandle } from './welink';

/**
 * The four vendor emulators with one coherent demo company, for `npm start` and the end-to-end
 * tests: the WeCom employees Shiheng lists are the people Mingdao has relations for and WeLink
 * provisions, so the example "Employee identity sync" workflow shows every outcome:
 *  - employee n is mapped in Mingdao unless n is a multiple of 5;
 *  - WeLink: mapped employees are being provisioned (pending → processing → opening → final over a
 *    few status polls); the account opening fails for multiples of 7, multiples of 9 are saved
 *    without an account, multiples of 11 were never submitted (WeLink: account does not exist).
 * Run directly (`node build/test/emulators/serve.js`) it prints the base URLs and serves until Ctrl-C.
 */

export type VendorKey = 'shiheng' | 'mingdao' | 'weLink' | 'aliyunIot';

export const VENDORS: VendorKey[] = ['shiheng', 'mingdao', 'weLink', 'aliyunIot'];

export interface DemoEmulatorOptions {
	/** Fixed ports per vendor (0 or absent: a free port). */
	ports?: Partial<Record<VendorKey, number>>;
	/** Latency added to every answer (default 20 ms: visible in the editor, quick in tests). */
	latencyMs?: number;
	/** WeCom employees in the demo company (default 40). */
	employees?: number;
}

export interface DemoEmulators {
	shiheng: ShihengEmulatorHandle;
	mingdao: MingdaoEmulatorHandle;
	weLink: WeLinkEmulatorHandle;
	aliyunIot: AliyunIotEmulatorHandle;
	handles: Record<VendorKey, VendorEmulatorHandle>;
	/** What the demo company's employee n is expected to end as (for tests and the README). */
	expectedOutcome(n: number): DemoOutcome;
	employeeCount: number;
	stop(): Promise<void>;
}

export type DemoOutcome =
	'missing-in-mingdao' | 'provisioned' | 'failed' | 'saved' | 'missing-in-welink';

export function demoOutcome(n: number): DemoOutcome {
	if (n % 5 === 0) return 'missing-in-mingdao';
	if (n % 11 === 0) return 'missing-in-welink';
	if (n % 7 === 0) return 'failed';
	if (n % 9 === 0) return 'saved';
	return 'provisioned';
}

/** The WeCom user id Shiheng's emulator gives employee n (1-based). */
export function weComUserId(n: number): string {
	return `wx-emp-${n}`;
}

export async function startDemoEmulators(
	options: DemoEmulatorOptions = {},
): Promise<DemoEmulators> {
	const latencyMs = options.latencyMs ?? 20;
	const employeeCount = options.employees ?? 40;
	const ports = options.ports ?? {};
	const started: VendorEmulatorHandle[] = [];
	const stopAll = async (): Promise<void> => {
		await Promise.allSettled(started.map((handle) => handle.stop()));
	};
	try {
		const shiheng = await startShihengEmulator({
			port: ports.shiheng ?? 0,
			latencyMs,
			employees: employeeCount,
			customers: 60,
		});
		started.push(shiheng);
		const mingdao = await startMingdaoEmulator({
			port: ports.mingdao ?? 0,
			latencyMs,
			users: Math.max(employeeCount, 100),
			unmatchedEvery: 5,
			// In a real company both vendors know the same WeCom user id.
			corpUserId: weComUserId,
		});
		started.push(mingdao);
		const weLink = await startWeLinkEmulator({
			port: ports.weLink ?? 0,
			latencyMs,
			demoPersons: 0,
			pollsPerStage: 1,
		});
		started.push(weLink);
		const byOutcome = new Map<'opened' | 'failed' | 'saved', string[]>();
		for (let n = 1; n <= employeeCount; n++) {
			const outcome = demoOutcome(n);
			const welinkOutcome =
				outcome === 'failed'
					? 'failed'
					: outcome === 'saved'
						? 'saved'
						: outcome === 'provisioned'
							? 'opened'
							: undefined;
			if (welinkOutcome)
				byOutcome.set(welinkOutcome, [...(byOutcome.get(welinkOutcome) ?? []), weComUserId(n)]);
		}
		for (const [outcome, ids] of byOutcome) weLink.addPendingPersons(ids, outcome);
		const aliyunIot = await startAliyunIotEmulator({ port: ports.aliyunIot ?? 0, latencyMs });
		started.push(aliyunIot);
		return {
			shiheng,
			mingdao,
			weLink,
			aliyunIot,
			handles: { shiheng, mingdao, weLink, aliyunIot },
			expectedOutcome: demoOutcome,
			employeeCount,
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

async function main(): Promise<void> {
	const demo = await startDemoEmulators({});
	const urls = Object.fromEntries(VENDORS.map((vendor) => [vendor, demo.handles[vendor].baseUrl]));
	process.stdout.write(`${JSON.stringify(urls, null, 2)}\n`);
	const stop = (): void => {
		void demo.stop().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${String(error)}\n`);
		process.exit(1);
	});
}
