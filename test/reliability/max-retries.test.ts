import { SCENARIOS } from './vendors';
import type { ReadScenario } from './vendors';

/**
 * The user's Max Retries is the number of retries in every vendor node, however it is given. An
 * expression hands the node whatever its source holds — text when the value comes from a sheet,
 * a CSV file or a webhook — and that text was once replaced by the default of 3 without a word.
 * The part of the run that meets a 503 must be tried exactly 1 + Max Retries times.
 */

describe.each(SCENARIOS)('%s', (_vendor, start) => {
	let s: ReadScenario;
	beforeAll(async () => {
		s = await start();
	});
	afterAll(async () => await s.stop());
	beforeEach(() => s.reset());

	test.each([
		['a number', 2, 2],
		['text from an expression', '={{ "0" }}', 0],
		['text from an expression', '={{ "2" }}', 2],
		['a number from an expression', '={{ 1 }}', 1],
	])('Max Retries as %s (%p) gives %p retries', async (_how, maxRetries, retries) => {
		// The fault outlasts exactly the retries the user asked for: one more would get through.
		s.emulator.injectFault({
			path: s.path,
			skip: s.partialSkip,
			times: 1 + retries,
			fault: { kind: 'status', status: 503, json: {} },
		});
		const { result, failingItems } = await s.partial({ maxRetries }, true);
		expect(result.error).toBeUndefined();
		// The part before and the part after the failing one are asked once each.
		expect(s.emulator.count(s.path)).toBe(2 + 1 + retries);
		const failed = result.items.filter((item) => item.json.error !== undefined);
		expect(failed.map((item) => (item.pairedItem as { item: number }).item)).toEqual(failingItems);
	});

	test('a Max Retries that is not a whole number from 0 to 10 fails naming the field', async () => {
		const { result } = await s.partial({ maxRetries: '={{ "three" }}' }, false);
		// The run stops before any request, with the field and the value named; never a silent default.
		expect(result.error?.message).toContain(
			'Max Retries must be a whole number from 0 to 10, got "three"',
		);
		expect(result.error?.message).toMatch(/item \d+, field "Max Retries"/);
		expect(s.emulator.count(s.path)).toBe(0);
	});
});
