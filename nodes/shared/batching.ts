import { ItemScopedError } from './errors';
import { mapConcurrentSettled } from './limiter';

/**
 * Batching across n8n items: gather the values every item asks about, de-duplicate them, send
 * them in chunks of the vendor's maximum, and map each answer back to every item that asked.
 */

export function chunk<T>(list: readonly T[], size: number): T[][] {
	const width = Math.max(1, Math.floor(size));
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += width) out.push(list.slice(i, i + width));
	return out;
}

export interface Request<V> {
	itemIndex: number;
	/** Identity for de-duplication: two requests with the same key are sent once. */
	key: string;
	value: V;
}

export interface UniqueRequest<V> {
	key: string;
	value: V;
	/** Positions in the original request list that asked for this key. */
	positions: number[];
}

/** De-duplicates requests by key, keeping first-seen order. */
export function uniqueRequests<V>(requests: ReadonlyArray<Request<V>>): Array<UniqueRequest<V>> {
	const byKey = new Map<string, UniqueRequest<V>>();
	requests.forEach((request, position) => {
		const existing = byKey.get(request.key);
		if (existing) existing.positions.push(position);
		else byKey.set(request.key, { key: request.key, value: request.value, positions: [position] });
	});
	return [...byKey.values()];
}

export type Answer<A> = { ok: true; value: A } | { ok: false; error: unknown };

export interface BatchOptions<V, A> {
	batchSize: number;
	concurrency: number;
	/** Sends one batch and returns an answer per key in it (a missing key means "not found"). */
	send: (batch: Array<UniqueRequest<V>>) => Promise<Map<string, A>>;
	/** Answer for a key the vendor left out. */
	missing: (request: UniqueRequest<V>) => Answer<A>;
	signal?: AbortSignal;
	/** false sends every request even when keys repeat (the default de-duplicates). */
	dedupe?: boolean;
}

/**
 * Runs the requests in batches and returns one answer per request, in request order. A batch
 * that fails gives its error to every request in it (scoped to that request's item), while the
 * other batches still answer: nothing is lost and nothing is sent twice.
 */
export async function runBatched<V, A>(
	requests: ReadonlyArray<Request<V>>,
	options: BatchOptions<V, A>,
): Promise<Array<Answer<A>>> {
	const unique = options.dedupe === false
		? requests.map((request, position) => ({ key: request.key, value: request.value, positions: [position] }))
		: uniqueRequests(requests);
	const batches = chunk(unique, options.batchSize);
	const outcomes = await mapConcurrentSettled(batches, options.concurrency, options.send, options.signal);
	const answers: Array<Answer<A>> = new Array(requests.length);
	outcomes.forEach((outcome, batchIndex) => {
		for (const entry of batches[batchIndex]) {
			let answer: Answer<A>;
			if (outcome.status === 'rejected') {
				answer = { ok: false, error: outcome.reason };
			} else if (outcome.value.has(entry.key)) {
				answer = { ok: true, value: outcome.value.get(entry.key) as A };
			} else {
				answer = options.missing(entry);
			}
			for (const position of entry.positions) {
				answers[position] =
					answer.ok || answer.error instanceof ItemScopedError
						? answer
						: { ok: false, error: new ItemScopedError(requests[position].itemIndex, answer.error) };
			}
		}
	});
	return answers;
}
