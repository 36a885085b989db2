/** Numbered pages fetched concurrently, at most Concurrency in flight, in page order. */

import { AbortedError } from '../http/abort';
import type { InFlightSlot } from '../http/types';

export interface NumberedPage<T> {
	items: T[];
	/** The page count the vendor reports; undefined when it reports none. */
	totalPages?: number;
}

export interface NumberedPagingOptions<T> {
	pageSize: number;
	/** Undefined means Return All. */
	limit?: number;
	/** Pages in flight at once. */
	concurrency: number;
	firstPage?: number;
	/**
	 * `inFlight` is the page's place among the `concurrency` in flight, held from the call on. A
	 * fetch that hands it to the transport (TransportSettings.inFlight) lets the next page go out
	 * the moment this page's answer arrives, before it is read; one that ignores it keeps the place
	 * until it returns.
	 */
	fetchPage: (pageNumber: number, inFlight: InFlightSlot) => Promise<NumberedPage<T>>;
	/**
	 * Drops an item whose key was already seen on an earlier page (data shifting under paging); an
	 * item without a key (undefined) is always kept.
	 */
	key?: (item: T) => string | number | undefined;
	signal?: AbortSignal;
	/** Hard stop against a vendor reporting an absurd page count. */
	maxPages?: number;
	/**
	 * The page count expected before any answer states one (e.g. remembered from the last listing
	 * of the same list): the first wave asks for that many pages at once (at most `concurrency` in
	 * flight). When the count is right, no request is wasted.
	 */
	pageCountHint?: number;
	/**
	 * Without a hint, ask for the first `concurrency` pages at once instead of the first page alone:
	 * a list of more pages saves a round trip; a shorter one costs at most concurrency − 1 requests
	 * for pages past its end (answered empty).
	 */
	speculative?: boolean;
}

/**
 * Fetches the pages needed for the limit, `concurrency` at a time, and returns the items in page
 * order. The first wave is the first page alone, or as many pages as `pageCountHint` (or, when
 * `speculative`, `concurrency`) says; from the first answer that states a page count on, the pages
 * asked for follow the largest count stated. At most concurrency − 1 pages past the real end are
 * ever asked for: only those already in flight when the first count arrives. Every page fetched is
 * kept (a page past the end adds nothing; one the list grew into adds its items). Without any
 * stated count it goes on one page after another until a short page.
 */
export async function fetchNumberedPages<T>(options: NumberedPagingOptions<T>): Promise<T[]> {
	const { pageSize, limit, fetchPage, signal } = options;
	const firstPage = options.firstPage ?? 1;
	const cap = Math.min(
		limit === undefined ? Infinity : Math.ceil(limit / pageSize),
		options.maxPages ?? 100_000,
	);
	if (cap === 0) return [];
	const width = Math.max(1, Math.floor(options.concurrency) || 1);
	const hint =
		options.pageCountHint !== undefined && options.pageCountHint >= 1
			? Math.floor(options.pageCountHint)
			: undefined;
	const firstWave = hint ?? (options.speculative === true ? width : 1);

	const pages: T[][] = [];
	/** Pages (counted from firstPage) to ask for as things stand, and asked for so far. */
	let planned = Math.min(firstWave, cap);
	let launched = 0;
	/** Places in flight taken (at most `width`), and fetches not finished (answers still being read too). */
	let active = 0;
	let unfinished = 0;
	/** Retries waiting for a place: they get one before any new page. */
	const waiting: Array<() => void> = [];
	let stated: number | undefined;
	let shortPageSeen = false;
	let failure: { error: unknown } | undefined;

	const record = (index: number, page: NumberedPage<T>) => {
		pages[index] = page.items;
		if (page.totalPages !== undefined) {
			stated = Math.max(stated ?? 0, page.totalPages);
			planned = Math.min(stated, cap);
		} else if (stated === undefined) {
			// No count: the next page is worth asking for while every page so far was full; a short
			// page is the end, so nothing further is asked for.
			if (page.items.length < pageSize) {
				shortPageSeen = true;
				planned = Math.min(planned, launched);
			} else if (!shortPageSeen) planned = Math.max(planned, Math.min(index + 2, cap));
		}
	};

	return await new Promise<T[]>((resolve, reject) => {
		let settled = false;
		const place = (): InFlightSlot => {
			let held = true;
			return {
				acquire: async () => {
					if (held) return;
					if (active < width) active++;
					else await new Promise<void>((granted) => waiting.push(granted));
					held = true;
				},
				release: () => {
					if (!held) return;
					held = false;
					const next = waiting.shift();
					// Handed straight to a waiting retry; otherwise free for the next page.
					if (next) next();
					else {
						active--;
						pump();
					}
				},
			};
		};
		const pump = (): void => {
			while (failure === undefined && active < width && launched < planned) {
				if (signal?.aborted) {
					failure = { error: new AbortedError() };
					break;
				}
				const index = launched++;
				active++;
				unfinished++;
				const inFlight = place();
				void (async () => {
					try {
						record(index, await fetchPage(firstPage + index, inFlight));
					} catch (error) {
						failure ??= { error };
					} finally {
						unfinished--;
						inFlight.release();
						pump();
					}
				})();
			}
			if (unfinished > 0 || settled) return;
			settled = true;
			if (failure !== undefined) reject(failure.error);
			else {
				try {
					resolve(collect(pages, limit, options.key));
				} catch (error) {
					reject(error);
				}
			}
		};
		pump();
	});
}

function collect<T>(
	pages: T[][],
	limit: number | undefined,
	key?: (item: T) => string | number | undefined,
): T[] {
	const out: T[] = [];
	const seen = key ? new Set<string | number>() : undefined;
	for (const page of pages) {
		for (const item of page) {
			if (seen && key) {
				const k = key(item);
				if (k !== undefined) {
					if (seen.has(k)) continue;
					seen.add(k);
				}
			}
			out.push(item);
			if (limit !== undefined && out.length >= limit) return out;
		}
	}
	return out;
}
