/** Cursor paging: page after page until the vendor's cursor ends, never the same cursor twice. */

import { throwIfAborted } from '../http/abort';

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
export async function followCursor<T, C>(
	options: CursorPagingOptions<T, C>,
): Promise<CursorResult<T>> {
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
			throw new Error(
				`The vendor returned the same cursor (${marker}) twice; stopping to avoid an endless loop`,
			);
		}
		seenCursors.add(marker);
		const page = await fetch(cursor);
		pagesFetched++;
		for (const item of page.items) {
			items.push(item);
			// Where a later run resumes depends on the vendor's cursor semantics: the caller decides.
			if (limit !== undefined && items.length >= limit) return { items, pagesFetched };
		}
		if (
			page.next === null ||
			page.next === undefined ||
			page.items.length === 0 ||
			pagesFetched >= maxPages
		) {
			return { items, pagesFetched };
		}
		cursor = page.next;
	}
}
