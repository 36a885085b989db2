import { mapConcurrent } from './limiter';
import { throwIfAborted } from './retry';

/** Return All / Limit and the two paging styles vendors use: numbered pages and cursors. */

export interface NumberedPage<T> {
	items: T[];
	/** The page count the vendor reports; undefined when it reports none. */
	totalPages?: number;
}

export interface NumberedPagingOptions<T> {
	pageSize: number;
	/** Undefined means Return All. */
	limit?: number;
	/** Pages in flight at once after the first. */
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
}

/**
 * Fetches the first page, learns the page count from it, then fetches only the pages needed for
 * the limit, concurrently, and returns the items in page order. Without a page count it falls
 * back to one page after another until a short page.
 */
export async function fetchNumberedPages<T>(options: NumberedPagingOptions<T>): Promise<T[]> {
	const { pageSize, limit, concurrency, fetchPage, signal } = options;
	const firstPage = options.firstPage ?? 1;
	const maxPages = options.maxPages ?? 100_000;
	const neededPages = limit === undefined ? Infinity : Math.ceil(limit / pageSize);
	if (neededPages === 0) return [];

	const pages: T[][] = [];
	const first = await fetchPage(firstPage);
	pages.push(first.items);

	if (first.totalPages !== undefined) {
		const lastPage = firstPage + Math.min(first.totalPages, neededPages, maxPages) - 1;
		const rest: number[] = [];
		for (let page = firstPage + 1; page <= lastPage; page++) rest.push(page);
		const fetched = await mapConcurrent(rest, concurrency, async (page) => (await fetchPage(page)).items, signal);
		pages.push(...fetched);
	} else {
		let last = first;
		let page = firstPage;
		while (last.items.length >= pageSize && pages.length < Math.min(neededPages, maxPages)) {
			throwIfAborted(signal);
			last = await fetchPage(++page);
			pages.push(last.items);
		}
	}
	return collect(pages, limit, options.key);
}

function collect<T>(pages: T[][], limit: number | undefined, key?: (item: T) => string | number | undefined): T[] {
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
 * Reads a numbered listing (first page, then the rest concurrently), and reads it again while what
 * was read does not add up to the total the vendor states: a listing that changes during
 * concurrent paging can otherwise lose or repeat records silently. The last read is returned,
 * marked incomplete if it still does not add up.
 */
export async function readCountedListing<T>(options: CountedListingOptions<T>): Promise<CountedListing<T>> {
	const readOnce = async (): Promise<Omit<CountedListing<T>, 'passes'>> => {
		const totals = new Set<number>();
		let total: number | undefined;
		let pages: number | undefined;
		const items = await fetchNumberedPages<T>({
			...options,
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
	let listing = await readOnce();
	let passes = 1;
	while (listing.complete === false && passes <= options.maxExtraPasses) {
		listing = await readOnce();
		passes++;
	}
	return { ...listing, passes };
}

export interface CursorPage<T, C> {
	items: T[];
	/** null or undefined at the end. */
	next: C | null | undefined;
}

export interface CursorPagingOptions<T, C> {
	start: C;
	limit?: number;
	fetch: (cursor: C) => Promise<CursorPage<T, C>>;
	signal?: AbortSignal;
	maxPages?: number;
}

export interface CursorResult<T> {
	items: T[];
	pagesFetched: number;
}

/** Follows a cursor page after page (cursors cannot be fetched concurrently). */
export async function followCursor<T, C>(options: CursorPagingOptions<T, C>): Promise<CursorResult<T>> {
	const { limit, fetch, signal } = options;
	const maxPages = options.maxPages ?? 100_000;
	const items: T[] = [];
	const seenCursors = new Set<string>();
	let cursor: C = options.start;
	let pagesFetched = 0;
	for (;;) {
		throwIfAborted(signal);
		const marker = JSON.stringify(cursor);
		if (seenCursors.has(marker)) {
			throw new Error(`The vendor returned the same cursor (${marker}) twice; stopping to avoid an endless loop`);
		}
		seenCursors.add(marker);
		const page = await fetch(cursor);
		pagesFetched++;
		for (const item of page.items) {
			items.push(item);
			// Where a later run resumes depends on the vendor's cursor semantics: the caller decides.
			if (limit !== undefined && items.length >= limit) return { items, pagesFetched };
		}
		if (page.next === null || page.next === undefined || page.items.length === 0 || pagesFetched >= maxPages) {
			return { items, pagesFetched };
		}
		cursor = page.next;
	}
}
