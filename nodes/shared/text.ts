/** Vendor values made text once, and sentences joined. */

/**
 * Vendor fields that should be text can arrive as numbers, objects or null; they are made text
 * here, once, so no later step ("[object Object]", a crash in redaction) has to care.
 */
export function asText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === undefined || value === null) return '';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/** A sentence that already ends: a full stop, question or exclamation mark (Latin or Chinese). */
const SENTENCE_END = /[.!?。！？]$/;

/**
 * Joins parts of a message as sentences. Hints and vendor texts may or may not end with their own
 * full stop; each part but the last gets one only when it has none, so no ".." appears. Empty
 * parts are left out, and the last part keeps its own ending.
 */
export function joinSentences(parts: ReadonlyArray<string | undefined>): string {
	const present = parts.map((part) => part?.trim() ?? '').filter((part) => part !== '');
	return present
		.map((part, index) =>
			index < present.length - 1 && !SENTENCE_END.test(part) ? `${part}.` : part,
		)
		.join(' ');
}
