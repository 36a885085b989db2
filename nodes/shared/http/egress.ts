/** n8n's outbound network policy (the egress filter) as the transport uses it, and its refusals. */

import type { LookupFunction } from 'net';

import { TransportError } from '../errors';

/**
 * n8n's outbound network policy (SSRF protection) applied to our own HTTP client. n8n 2.41 hands
 * nodes with an embedded client `helpers.getSecureEgressFilter(policy)`; n8n 1.123 has none, and
 * there every request goes out as before.
 *
 * The interface is written here, not imported: n8n-workflow 1.x lacks it, and the package must
 * type-check and load against both lines. It is the part of n8n-workflow 2.41's
 * `NodeEgressFilter` the transport uses.
 */
export interface EgressFilter {
	/** Before any connection: resolves the host (an IP literal is checked as is) and checks it. */
	validateUrl(url: string | URL): Promise<{ ok: true } | { ok: false; error: Error }>;
	/** A DNS lookup that refuses blocked addresses at connect time (covers DNS rebinding). */
	createSecureLookup(): LookupFunction;
	/** Throws when a redirect target is not allowed (IP literals and host names, no DNS). */
	validateRedirectSync(url: string): void;
}

interface ContextWithEgress {
	helpers: object;
}

type EgressFilterGetter = (policy?: 'safe' | 'enforced' | 'unsafe') => EgressFilter;

/**
 * The filter n8n gives this execution, or undefined where n8n has none (1.x). Policy `'safe'`:
 * our destinations are the user's own (a credential's base URL, a private Mingdao deployment), so
 * the instance's setting decides — `'enforced'` would refuse a private deployment on an instance
 * that leaves protection off, `'unsafe'` would ignore the administrator.
 */
export function egressFilterOf(ctx: ContextWithEgress): EgressFilter | undefined {
	const getter = (ctx.helpers as { getSecureEgressFilter?: unknown }).getSecureEgressFilter;
	if (typeof getter !== 'function') return undefined;
	return (getter as EgressFilterGetter).call(ctx.helpers, 'safe');
}

/** The host of a URL for messages: never the path or query, which may carry a signature. */
export function hostOf(url: string | undefined): string {
	if (url === undefined) return 'the server';
	try {
		return new URL(url).host;
	} catch {
		return 'the server';
	}
}

/** n8n's refusal errors (`SsrfBlockedIpError`, `SsrfBlockedHostnameError`), found by name. */
function refusalIn(error: unknown): { name: string; ip?: string } | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { name, ip } = current as { name?: unknown; ip?: unknown };
		if (name === 'SsrfBlockedIpError' || name === 'SsrfBlockedHostnameError') {
			return { name, ip: typeof ip === 'string' ? ip : undefined };
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

export function isEgressRefusal(error: unknown): boolean {
	return refusalIn(error) !== undefined;
}

/**
 * The error a refused destination becomes: names the host and the n8n setting that refused it,
 * and nothing else of the request (no path, no query, no header). Never retried.
 */
export function egressRefusedError(url: string, cause: unknown, via?: string): TransportError {
	const refusal = refusalIn(cause);
	const host = hostOf(url);
	// A host name that resolved to a blocked address: show the address too, it is the reason.
	const target =
		refusal?.ip !== undefined && !host.includes(refusal.ip) ? `${host} (${refusal.ip})` : host;
	const setting =
		refusal?.name === 'SsrfBlockedHostnameError'
			? 'it is a blocked host name (N8N_SSRF_BLOCKED_HOSTNAMES)'
			: 'its address is in a blocked range (N8N_SSRF_BLOCKED_IP_RANGES, applied because N8N_SSRF_PROTECTION_ENABLED is on)';
	return new TransportError({
		kind: 'egress-refused',
		message: `n8n's outbound network policy refused ${via ? `${via} ` : ''}${target}: ${setting}`,
		mayHaveReachedServer: false,
	});
}
