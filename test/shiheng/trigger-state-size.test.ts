import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { shihengTrigger } from './fixtures';

/**
 * What the Shiheng Trigger keeps in the workflow's static data for 100,000 employees (moved from
 * trigger.test.ts so mutation testing can leave out its long polls: stryker.config.mjs).
 */

describe('what the trigger remembers', () => {
	let big: ShihengEmulatorHandle;
	beforeAll(async () => {
		big = await startShihengEmulator({ employees: 100_000, customers: 10 });
	});
	afterAll(async () => await big.stop());

	test.each([
		['the defaults', {}, 32],
		['Remember Previous Values', { rememberPreviousValues: true }, 200],
	])(
		'100,000 employees, %s: bytes per employee',
		async (_label, options, budget) => {
			const trigger = shihengTrigger(big, { options: { concurrency: 8, ...options } });
			expect(await trigger.poll()).toEqual({ emitted: undefined, error: undefined });
			const bytes = Buffer.byteLength(JSON.stringify(trigger.staticData()), 'utf8');
			const perEmployee = bytes / big.employeeCount();
			process.stdout.write(
				`Shiheng Trigger state, ${_label}: ${bytes} bytes for ${big.employeeCount()} employees = ${perEmployee.toFixed(1)} bytes each\n`,
			);
			expect(
				Object.keys((trigger.staticData().employees as { employees: object }).employees),
			).toHaveLength(100_000);
			expect(perEmployee).toBeLessThanOrEqual(budget);
			// Issue 20: a baseline is read twice (the second read must give the same ids): 4,000 pages.
		},
		180_000,
	);
});
