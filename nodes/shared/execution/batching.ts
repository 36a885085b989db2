/** The batch pipeline: requests deduplicated, sent in batches as they fill, answers paired back to their items. */

import { ItemScopedError, refusesWholeRun, unscoped } from '../errors';
import { AbortedError } from '../http/abort';

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
	/**
	 * true (a run without Continue On Fail): the first failed batch stops the pipeline, since the
	 * node fails anyway. A refusal of the whole run (`refusesWholeRun`) always stops it.
	 */
	stopOnFailure?: boolean;
}

/**
 * Batches that are sent while requests are still being added: a batch goes out as soon as it is
 * full (at most `concurrency` in flight, the rest queued), so the vendor is already answering
 * while later n8n items are read. Batches hold unique keys in first-seen order, exactly the
 * chunks `chunk(uniqueRequests(all), batchSize)` would give; a later duplicate joins the answer
 * of the batch that carried its key, even if that batch was already sent.
 */
export class BatchPipeline<V, A> {
	private readonly byKey = new Map<string, UniqueRequest<V>>();

	private readonly sent: Array<{
		batch: Array<UniqueRequest<V>>;
		outcome: Promise<PromiseSettledResult<Map<string, A>>>;
	}> = [];

	private readonly waiting: Array<() => void> = [];

	private pending: Array<UniqueRequest<V>> = [];

	private requests: Array<Request<V>> = [];

	private inFlight = 0;

	private stopped = false;

	/** What stopped the pipeline, given to every batch not started (undefined: aborted). */
	private stoppedBy: unknown;

	constructor(private readonly options: BatchOptions<V, A>) {}

	/** Adds one request; returns true when this filled a batch and sent (or queued) it. */
	add(request: Request<V>): boolean {
		const position = this.requests.push(request) - 1;
		const existing = this.options.dedupe === false ? undefined : this.byKey.get(request.key);
		if (existing) {
			existing.positions.push(position);
			return false;
		}
		const unique = { key: request.key, value: request.value, positions: [position] };
		if (this.options.dedupe !== false) this.byKey.set(request.key, unique);
		this.pending.push(unique);
		if (this.pending.length < Math.max(1, Math.floor(this.options.batchSize))) return false;
		this.dispatch();
		return true;
	}

	/**
	 * Sends nothing more: batches not started yet answer with `reason` (the failure that dooms
	 * them), or as aborted when none is given.
	 */
	stop(reason?: unknown): void {
		if (!this.stopped) this.stoppedBy = reason === undefined ? undefined : unscoped(reason);
		this.stopped = true;
		for (const start of this.waiting.splice(0)) {
			this.inFlight++;
			start();
		}
	}

	/** The failure that stopped the pipeline, once one did (an abort gives none). */
	get failure(): unknown {
		return this.stoppedBy;
	}

	/** Sends the last, partial batch and returns one answer per request, in the order added. */
	async finish(): Promise<Array<Answer<A>>> {
		if (this.pending.length > 0) this.dispatch();
		const outcomes = await Promise.all(this.sent.map((entry) => entry.outcome));
		const answers: Array<Answer<A>> = new Array(this.requests.length);
		outcomes.forEach((outcome, index) => {
			for (const entry of this.sent[index].batch) {
				let answer: Answer<A>;
				if (outcome.status === 'rejected') answer = { ok: false, error: outcome.reason };
				else if (outcome.value.has(entry.key))
					answer = { ok: true, value: outcome.value.get(entry.key) as A };
				else answer = this.options.missing(entry);
				for (const position of entry.positions) {
					answers[position] =
						answer.ok || answer.error instanceof ItemScopedError
							? answer
							: {
									ok: false,
									error: new ItemScopedError(this.requests[position].itemIndex, answer.error),
								};
				}
			}
		});
		return answers;
	}

	private dispatch(): void {
		const batch = this.pending;
		this.pending = [];
		this.sent.push({ batch, outcome: this.run(batch) });
	}

	private async run(batch: Array<UniqueRequest<V>>): Promise<PromiseSettledResult<Map<string, A>>> {
		// A slot is taken here or handed over by the batch that frees it, so never more than
		// `concurrency` batches are in flight.
		if (this.inFlight >= Math.max(1, Math.floor(this.options.concurrency))) {
			await new Promise<void>((start) => this.waiting.push(start));
		} else {
			this.inFlight++;
		}
		try {
			if (this.options.signal?.aborted) {
				this.stop();
				return { status: 'rejected', reason: new AbortedError() };
			}
			if (this.stopped) return { status: 'rejected', reason: this.stoppedBy ?? new AbortedError() };
			return { status: 'fulfilled', value: await this.options.send(batch) };
		} catch (reason) {
			if (reason instanceof AbortedError) this.stop();
			else if (this.options.stopOnFailure === true || refusesWholeRun(reason)) this.stop(reason);
			return { status: 'rejected', reason };
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.inFlight--;
		}
	}
}

/**
 * Runs the requests in batches and returns one answer per request, in request order. A batch
 * that fails gives its error to every request in it (scoped to that request's item), while the
 * other batches still answer: nothing is lost and nothing is sent twice — unless the failure
 * refuses the whole run or `stopOnFailure` is set: then the batches not started get that error.
 */
export async function runBatched<V, A>(
	requests: ReadonlyArray<Request<V>>,
	options: BatchOptions<V, A>,
): Promise<Array<Answer<A>>> {
	const pipeline = new BatchPipeline(options);
	for (const request of requests) pipeline.add(request);
	return await pipeline.finish();
}
