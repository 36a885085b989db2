/** One undici dispatcher per connection setting for the whole process: keep-alive pools, proxy, egress lookup. */

import { Agent, EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';

import type { EgressFilter } from './egress';

const dispatchers = new Map<string, Dispatcher>();

/** A number per egress filter object, so pools made with its lookup are never handed to another. */
const egressIds = new WeakMap<EgressFilter, number>();
let egressCount = 0;

function egressKey(egress: EgressFilter | undefined): string {
	if (!egress) return 'open';
	let id = egressIds.get(egress);
	if (id === undefined) {
		id = ++egressCount;
		egressIds.set(egress, id);
	}
	return `egress${id}`;
}

function proxyConfigured(): boolean {
	const env = process.env;
	return Boolean(env.HTTP_PROXY || env.HTTPS_PROXY || env.http_proxy || env.https_proxy);
}

/**
 * One dispatcher per (connect timeout, TLS strictness, proxy on/off, egress filter). undici's
 * Agent keeps one Pool per origin inside it, so connections are reused across items, pages and
 * executions. A filtered dispatcher resolves with the filter's secure lookup, so a socket opened
 * without it (in an unfiltered dispatcher) is never reused for a filtered request. Through a proxy
 * the lookup only serves direct (NO_PROXY) connections; the proxy itself is reached as configured
 * and the destination is checked before sending (`sendOnce`), as n8n's own egress does.
 */
export function dispatcherFor(
	connectTimeoutMs: number,
	allowInsecureTls: boolean,
	egress: EgressFilter | undefined,
): Dispatcher {
	const useProxy = proxyConfigured();
	const key = `${connectTimeoutMs}|${allowInsecureTls}|${useProxy}|${egressKey(egress)}`;
	let dispatcher = dispatchers.get(key);
	if (!dispatcher) {
		const connect = {
			timeout: connectTimeoutMs,
			rejectUnauthorized: !allowInsecureTls,
			...(egress ? { lookup: egress.createSecureLookup() } : {}),
		};
		const options = { connect, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 };
		dispatcher = useProxy ? new EnvHttpProxyAgent(options) : new Agent(options);
		dispatchers.set(key, dispatcher);
	}
	return dispatcher;
}

/** Closes every pooled connection (tests and benchmarks call it on shutdown). */
export async function closeTransport(): Promise<void> {
	const all = [...dispatchers.values()];
	dispatchers.clear();
	await Promise.all(all.map(async (d) => await d.close()));
}
