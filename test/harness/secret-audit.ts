import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The suite-wide secret audit. During every test, two things are written to a folder shared by
 * all jest workers: every secret a test used (credential secrets, tokens the emulators issued,
 * signatures they received) and every text a user could see (node outputs, error messages and
 * descriptions, captured log lines). `secret-audit.teardown.ts` scans the one against the other
 * once, after the whole suite, and fails the run on any hit.
 */

/** Values shorter than this are too common to be meaningful as secrets (e.g. "1", "ok"). */
const MIN_LENGTH = 6;

function auditDir(): string | undefined {
	const dir = process.env.EMPLOYEE_SYNC_SECRET_AUDIT_DIR;
	if (!dir) return undefined;
	mkdirSync(dir, { recursive: true });
	return dir;
}

const reported = new Set<string>();

export function recordSecret(value: unknown, kind: string): void {
	if (typeof value !== 'string' || value.length < MIN_LENGTH || reported.has(value)) return;
	const dir = auditDir();
	if (!dir) return;
	reported.add(value);
	appendFileSync(join(dir, `secrets-${process.pid}.jsonl`), `${JSON.stringify({ kind, value })}\n`);
}

export function recordVisible(label: string, value: unknown): void {
	const dir = auditDir();
	if (!dir) return;
	const text = typeof value === 'string' ? value : JSON.stringify(value, replaceErrors);
	if (!text) return;
	appendFileSync(join(dir, `visible-${process.pid}.jsonl`), `${JSON.stringify({ label, text })}\n`);
}

function replaceErrors(_key: string, value: unknown): unknown {
	if (value instanceof Error) {
		const { message, name } = value;
		const extra = value as unknown as Record<string, unknown>;
		return {
			name,
			message,
			description: extra.description,
			context: extra.context,
			cause: extra.cause,
		};
	}
	return value;
}

/** Field names whose values are secrets wherever a request carries them. */
const SECRET_FIELD =
	/^(sign|signature|x-ca-signature|x-wlk-authorization|access_token|accesstoken|token|iottoken|cloudtoken|appsecret|app_secret|secret|secretkey|client_secret|clientsecret)$/i;

/** Records secret-named fields of a request an emulator received (signatures, tokens, secrets). */
export function recordRequestSecrets(
	headers: Record<string, unknown>,
	query: URLSearchParams,
	body: string,
): void {
	for (const [name, value] of Object.entries(headers)) {
		if (SECRET_FIELD.test(name)) recordSecret(value, `header ${name}`);
	}
	for (const [name, value] of query.entries()) {
		if (SECRET_FIELD.test(name)) recordSecret(value, `query ${name}`);
	}
	if (!body.startsWith('{')) return;
	try {
		walk(JSON.parse(body) as unknown, 0);
	} catch {
		// Not JSON: nothing to pick out.
	}
}

function walk(value: unknown, depth: number): void {
	if (depth > 4 || value === null || typeof value !== 'object') return;
	for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
		if (SECRET_FIELD.test(name)) recordSecret(entry, `body ${name}`);
		else walk(entry, depth + 1);
	}
}
