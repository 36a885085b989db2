/** A numbered listing checked against the total its vendor states, re-read while it does not add up; remembered page counts. */

import type { InFlightSlot } from '../http/types';
import { fetchNumberedPages } from './paging';
import type { NumberedPagingOptions } from './paging';

/** A numbered page of a listing whose vendor states how many records there are. */
export interface CountedPage<T> {
	items: T[];
	total?: number;
	pages?: number;
}

export interface CountedListingOptions<T> extends Omit<NumberedPagingOptions<T>, 'fetchPage'> {
	fetchPage: (pageNumber: number, inFlight: InFlightSlot) => Promise<CountedPage<T>>;
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
			fetchPage: async (pageNumber, inFlight) => {
				const page = await options.fetchPage(pageNumber, inFlight);
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
