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
