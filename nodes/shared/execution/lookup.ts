/** A lookup across items: each item's request read, batched through the pipeline, answers paired with their item. */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { BatchPipeline } from './batching';
import type { Answer, Request, UniqueRequest } from './batching';
import { failItem } from './item-loop';
import type { Redactor } from '../redact';

/**
 * The cross-item lookup engine: every item names one or more values (ids, persons); the values of
 * all items are de-duplicated and sent in batches of the vendor's size, and the answers are
 * paired back to the items that asked, in input order. Used by every operation that asks a
 * vendor about many keys at once.
 *
 * It is a pipeline: a batch is sent as soon as it is full while later items are still being read,
 * and set-up such as a token fetch (`warmUp`) runs meanwhile, so the node's time is the vendor's
 * time, not reading time plus vendor time.
 */

/** Items read between two yields to the event loop, so answers and sends progress meanwhile. */
const ITEMS_PER_YIELD = 256;

const nextTurn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve));

export interface CrossItemLookup<V, A> {
	/** The values one item asks about; throws a ParameterError naming the field. */
	read: (itemIndex: number) => V[];
	/** Identity for de-duplication: values with the same key are sent once. */
	key: (value: V, itemIndex: number) => string;
	batchSize: number;
	concurrency: number;
	signal?: AbortSignal;
	/** false sends every value even when keys repeat (a submission per item). */
	dedupe?: boolean;
	/**
	 * true reads every item before anything is sent, so a bad item stops the run before the vendor
	 * changes anything. For operations that write; lookups stream.
	 */
	readAllFirst?: boolean;
	/** Set-up to start at once, while items are read (a token fetch); its failure surfaces in `send`. */
	warmUp?: () => Promise<unknown>;
	/** Sends one batch; an answer per key (a key left out means the vendor did not report it). */
	send: (batch: Array<UniqueRequest<V>>) => Promise<Map<string, A>>;
	/** The answer for a key the vendor left out. */
	missing: (request: UniqueRequest<V>) => Answer<A>;
	/** Further rounds over the first answers (polling until final); gets and returns one per request. */
	followUp?: (requests: Array<Request<V>>, answers: Array<Answer<A>>) => Promise<Array<Answer<A>>>;
	/** The output of one item from its values and their answers; a throw fails that item. */
	toItems: (itemIndex: number, values: V[], answers: A[]) => IDataObject[];
}

type ItemRead<V> = { values: V[]; positions: number[] } | { error: unknown };

export async function lookUpAcrossItems<V, A>(
	ctx: IExecuteFunctions,
	redactor: Redactor,
	lookup: CrossItemLookup<V, A>,
): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	let sentSinceYield = false;
	void lookup.warmUp?.().catch(() => undefined);
	// Without Continue On Fail the first failure fails the node, so nothing after it is sent.
	const pipeline = new BatchPipeline<V, A>({ ...lookup, stopOnFailure: !continueOnFail });
	const requests: Array<Request<V>> = [];
	const reads: Array<ItemRead<V>> = [];
	const queued: Array<Request<V>> = [];
	try {
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
			try {
				const values = lookup.read(itemIndex);
				const positions = values.map((value) => {
					const request = { itemIndex, key: lookup.key(value, itemIndex), value };
					if (lookup.readAllFirst) queued.push(request);
					else if (pipeline.add(request)) sentSinceYield = true;
					return requests.push(request) - 1;
				});
				reads.push({ values, positions });
			} catch (error) {
				// Without Continue On Fail this stops the run here; with readAllFirst nothing was sent yet.
				failItem(ctx, error, itemIndex, redactor);
				reads.push({ error });
			}
			if (sentSinceYield || itemIndex % ITEMS_PER_YIELD === ITEMS_PER_YIELD - 1) {
				sentSinceYield = false;
				await nextTurn();
			}
			// The node fails on that failure: reading the rest would only delay it.
			if (!continueOnFail && pipeline.failure !== undefined) break;
		}
	} catch (error) {
		pipeline.stop();
		throw error;
	}
	for (const request of queued) pipeline.add(request);

	let answers = await pipeline.finish();
	if (lookup.followUp) answers = await lookup.followUp(requests, answers);

	const out: INodeExecutionData[] = [];
	reads.forEach((read, itemIndex) => {
		if ('error' in read) {
			out.push(failItem(ctx, read.error, itemIndex, redactor));
			return;
		}
		const itemAnswers = read.positions.map((position) => answers[position]);
		const failed = itemAnswers.find(
			(answer): answer is { ok: false; error: unknown } => !answer.ok,
		);
		if (failed) {
			out.push(failItem(ctx, failed.error, itemIndex, redactor));
			return;
		}
		try {
			const values = itemAnswers.map((answer) => (answer as { ok: true; value: A }).value);
			for (const json of lookup.toItems(itemIndex, read.values, values))
				out.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			out.push(failItem(ctx, error, itemIndex, redactor));
		}
	});
	// Reading stopped early only after a failure, which an item read before it carries.
	if (reads.length < itemCount) failItem(ctx, pipeline.failure, reads.length, redactor);
	return out;
}
