/** Secrets removed from any text that may reach a user: known values and fields named secret. */

/**
 * The one place secrets are removed from text that may reach a user: error messages, error
 * descriptions, log lines. Two layers, because neither alone is enough:
 * - exact values the code knows are secret (a credential's secret, a token it fetched, a
 *   signature it computed) are replaced wherever they appear;
 * - values of fields whose *name* says they are secret (sign, token, secret, signature …) are
 *   replaced even when the value was never registered, e.g. a vendor echoing a request back.
 */

import { asText } from './text';

const MASK = '[redacted]';

/** Field names whose values are secret wherever they appear (JSON, query strings, headers). */
const SECRET_FIELD =
	'(?:sign|signature|x-ca-signature|secret|secretkey|secret_key|appsecret|app_secret|client_secret|clientsecret|access_token|accesstoken|token|iottoken|cloudtoken|x-wlk-authorization|authorization)';

const SECRET_PATTERNS: RegExp[] = [
	// "sign": "abc"  /  'token':'abc'
	new RegExp(`(["']${SECRET_FIELD}["']\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'),
	new RegExp(`(["']${SECRET_FIELD}["']\\s*:\\s*)'(?:[^'\\\\]|\\\\.)*'`, 'gi'),
	// sign=abc&  (query strings, form bodies, string-to-sign excerpts)
	new RegExp(`(\\b${SECRET_FIELD}=)[^&\\s"',;]+`, 'gi'),
	// X-Ca-Signature: abc  (header dumps). Only header names: a bare "token:" is also prose
	// ("could not get an access token: …"), and masking the next word there hides the reason.
	/(\b(?:x-ca-signature|x-wlk-authorization|authorization):\s*)[^\s"',;]+/gi,
];

/** Secrets shorter than this are not registered: masking "1" everywhere would mangle messages. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
	private readonly secrets = new Set<string>();

	constructor(secrets: Iterable<unknown> = []) {
		for (const secret of secrets) this.add(secret);
	}

	/** Registers a value to be masked wherever it appears. Non-strings and short values are ignored. */
	add(secret: unknown): this {
		if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) {
			this.secrets.add(secret);
			// The same value percent-encoded or base64'd may appear in URLs and echoes.
			const encoded = encodeURIComponent(secret);
			if (encoded !== secret) this.secrets.add(encoded);
		}
		return this;
	}

	/** Accepts anything a vendor may have sent where text was expected (numbers, objects, null). */
	redact(text: unknown): string {
		let out = asText(text);
		// Longest first, so a secret containing another is masked whole.
		const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
		for (const secret of ordered) out = out.split(secret).join(MASK);
		for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, `$1${MASK}`);
		return out;
	}
}

/** Masks secret-named fields even when no exact secret is known (used on vendor echoes). */
export function redactSecretFields(text: string): string {
	return new Redactor().redact(text);
}

export const REDACTION_MASK = MASK;
