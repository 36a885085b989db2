import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs once after the whole jest suite: every secret any test used must appear in no output,
 * error or log line any test produced. One assertion for the suite; a hit fails the run.
 */
export default function secretAuditTeardown(): void {
	const dir = process.env.EMPLOYEE_SYNC_SECRET_AUDIT_DIR;
	if (!dir || !existsSync(dir)) return;
	const secrets = new Map<string, string>();
	const visible: Array<{ label: string; text: string }> = [];
	for (const file of readdirSync(dir)) {
		const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
		for (const line of lines) {
			const entry = JSON.parse(line) as {
				kind?: string;
				value?: string;
				label?: string;
				text?: string;
			};
			if (file.startsWith('secrets-') && entry.value)
				secrets.set(entry.value, entry.kind ?? 'secret');
			if (file.startsWith('visible-') && entry.text !== undefined)
				visible.push({ label: entry.label ?? '', text: entry.text });
		}
	}
	const hits: string[] = [];
	// Indexed by each secret's first characters, so the text is read once rather than once per
	// secret: 16,000 secrets against 57 MB of outputs took over an hour the naive way.
	const prefix = Math.max(1, Math.min(...[...secrets.keys()].map((secret) => secret.length)));
	const byPrefix = new Map<string, string[]>();
	for (const secret of secrets.keys()) {
		const start = secret.slice(0, prefix);
		byPrefix.set(start, [...(byPrefix.get(start) ?? []), secret]);
	}
	for (const { label, text } of visible) {
		for (let at = 0; at + prefix <= text.length; at++) {
			const candidates = byPrefix.get(text.slice(at, at + prefix));
			if (!candidates) continue;
			for (const secret of candidates) {
				if (text.startsWith(secret, at)) hits.push(`${secrets.get(secret)} found in ${label}`);
			}
		}
	}
	rmSync(dir, { recursive: true, force: true });
	const kinds = new Map<string, number>();
	for (const kind of secrets.values())
		kinds.set(kind.split(' ')[0], (kinds.get(kind.split(' ')[0]) ?? 0) + 1);
	const summary = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
	console.log(
		`\nSecret audit: ${secrets.size} secrets (${summary}) checked against ${visible.length} outputs, errors and log lines: ${hits.length} hits`,
	);
	if (hits.length > 0) {
		throw new Error(`Secret audit failed:\n${[...new Set(hits)].slice(0, 20).join('\n')}`);
	}
}
