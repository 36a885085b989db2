/** Numbered pages fetched concurrently, and the counted listing checked against a vendor's total. */

import { AbortedError } from '../http/abort';

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
	fetchPage: (pageNumber: number) => Promise<NumberedPage<T>>;
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
	/** Pages (counted from firstPage) to ask for as things stand, asked for so far, and in flight. */
	let planned = Math.min(firstWave, cap);
	let launched = 0;
	let active = 0;
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
		const pump = (): void => {
			while (failure === undefined && active < width && launched < planned) {
				if (signal?.aborted) {
					failure = { error: new AbortedError() };
					break;
				}
				const index = launched++;
				active++;
				void (async () => {
					try {
						record(index, await fetchPage(firstPage + index));
					} catch (error) {
						failure ??= { error };
					} finally {
						active--;
						pump();
					}
				})();
			}
			if (active > 0) return;
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

/** A numbered page of a listing whose vendor states how many records there are. */
export interface CountedPage<T> {
	items: T[];
	total?: number;
	pages?: number;
}

export interface CountedListingOptions<T> extends Omit<NumberedPagingOptions<T>, 'fetchPage'> {
	fetchPage: (pageNumber: number) => Promise<CountedPage<T>>;
	/** Whole re-reads while the records read do not add up to the stated total. */
	maxExtraPasses: number;
}

export interface CountedListing<T> {
	/** Each record once (by `key`), in listing order. */
	items: T[];
	/** The total and page count of the latest answer (undefined when the vendor states none). */
	total?: number;
	pages?: number;
	/**
	 * Whether the records read are all there are: as many different ones as the total says (or the
	 * limit allows), with every answer stating the same total. Undefined when no total was stated.
	 */
	complete: boolean | undefined;
	/** How often the listing was read. */
	passes: number;
}

/**
 * Reads a numbered listing (the first wave, then the rest concurrently; see fetchNumberedPages), and reads it again while what
 * was read does not add up to the total the vendor states: a listing that changes during
 * concurrent paging can otherwise lose or repeat records silently. The last read is returned,
 * marked incomplete if it still does not add up.
 */
export async function readCountedListing<T>(
	options: CountedListingOptions<T>,
): Promise<CountedListing<T>> {
	const readOnce = async (
		pageCountHint: number | undefined,
	): Promise<Omit<CountedListing<T>, 'passes'>> => {
		const totals = new Set<number>();
		let total: number | undefined;
		let pages: number | undefined;
		const items = await fetchNumberedPages<T>({
			...options,
			pageCountHint,
			fetchPage: async (pageNumber) => {
				const page = await options.fetchPage(pageNumber);
				if (page.total !== undefined) {
					totals.add(page.total);
					total = page.total;
				}
				pages = page.pages ?? pages;
				return { items: page.items, totalPages: page.pages };
			},
		});
		let complete: boolean | undefined;
		if (total !== undefined) {
			const expected = options.limit === undefined ? total : Math.min(options.limit, total);
			complete = totals.size === 1 && items.length === expected;
		}
		return { items, total, pages, complete };
	};
	let listing = await readOnce(options.pageCountHint);
	let passes = 1;
	while (listing.complete === false && passes <= options.maxExtraPasses) {
		// A re-read starts with the page count the last read saw.
		listing = await readOnce(listing.pages ?? options.pageCountHint);
		passes++;
	}
	return { ...listing, passes };
}

/**
 * The page count each list had when last read in this process, so that the next reading of it can
 * ask for all its first pages at once. The key names the list (vendor, account, path, page size;
 * never a secret). Bounded: past `capacity` lists, the one read longest ago is forgotten.
 */
export class PageCountMemory {
	private readonly counts = new Map<string, number>();

	constructor(private readonly capacity = 1000) {}

	recall(key: string): number | undefined {
		return this.counts.get(key);
	}

	remember(key: string, pageCount: number | undefined): void {
		if (pageCount === undefined || !Number.isInteger(pageCount) || pageCount < 0) return;
		this.counts.delete(key);
		this.counts.set(key, pageCount);
		if (this.counts.size > this.capacity) {
			const oldest = this.counts.keys().next();
			if (!oldest.done) this.counts.delete(oldest.value);
		}
	}
}
