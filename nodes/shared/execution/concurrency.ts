/** Bounded concurrency over a list: results in input order, and every input's outcome when asked. */

import { AbortedError } from '../http/abort';

/**
 * Runs `fn` over `inputs` with at most `concurrency` calls in flight and returns the results in
 * input order. Stops starting new calls once the signal fires or a call fails; the first failure
 * is rethrown after the calls in flight have settled, so nothing is left running behind it.
 */
export async function mapConcurrent<T, R>(
	inputs: readonly T[],
	concurrency: number,
	fn: (input: T, index: number) => Promise<R>,
	signal?: AbortSignal,
): Promise<R[]> {
	const settled = await mapConcurrentSettled(inputs, concurrency, fn, signal, true);
	const results: R[] = [];
	for (const outcome of settled) {
		if (outcome.status === 'rejected') throw outcome.reason;
		results.push(outcome.value);
	}
	return results;
}

/**
 * Like `mapConcurrent`, but one failure does not stop the others: every input gets an outcome.
 * Used where each input belongs to different n8n items (a batch failing must not lose the rest).
 */
export async function mapConcurrentSettled<T, R>(
	inputs: readonly T[],
	concurrency: number,
	fn: (input: T, index: number) => Promise<R>,
	signal?: AbortSignal,
	stopOnFirstFailure = false,
): Promise<Array<PromiseSettledResult<R>>> {
	const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, inputs.length));
	const outcomes: Array<PromiseSettledResult<R>> = new Array(inputs.length);
	let next = 0;
	let stopped = false;
	const worker = async () => {
		while (!stopped && next < inputs.length) {
			const index = next++;
			if (signal?.aborted) {
				outcomes[index] = { status: 'rejected', reason: new AbortedError() };
				stopped = true;
				break;
			}
			try {
				outcomes[index] = { status: 'fulfilled', value: await fn(inputs[index], index) };
			} catch (reason) {
				outcomes[index] = { status: 'rejected', reason };
				if (stopOnFirstFailure || reason instanceof AbortedError) stopped = true;
			}
		}
	};
	await Promise.all(Array.from({ length: width }, worker));
	// Inputs never started (stopped early) are reported as aborted rather than silently missing.
	for (let i = 0; i < inputs.length; i++) {
		if (outcomes[i] === undefined) outcomes[i] = { status: 'rejected', reason: new AbortedError() };
	}
	return outcomes;
}
