/** What the shared token cache keeps and takes, and the fetch run under its Redis lock. */

import type { SharedRedis } from './redis-connection';
import { runScript } from './redis-script';
import { EXTEND_IF } from './token-cache-scripts';

export interface TokenOwner {
	/** The vendor app without its secret, e.g. `<base URL>|<client id>`. */
	app: string;
	/** The secret the token is fetched with. Only an HMAC made with it is shared. */
	secret: string;
}

export interface FreshToken {
	token: string;
	/** Epoch ms from which the token should no longer be used (a margin before it expires). */
	refreshAt: number;
}

export interface TokenCacheOptions {
	/** How long a fetching process holds the lock unless it extends it (default 10 s). */
	lockTtlMs?: number;
	/** How often a process waiting for another's fetch looks again (default 50 ms). */
	pollMs?: number;
	/**
	 * How long a fetch the vendor refused for the credential itself (`refusesWholeRun`) is answered
	 * from memory instead of asking again (default `REFUSAL_MEMORY_MS`).
	 */
	refusalMemoryMs?: number;
}

/** Runs the fetch while extending the lock, so a slow fetch is not taken for a dead one. */
export async function fetchWhileHoldingLock(
	shared: SharedRedis,
	lockKey: string,
	lockId: string,
	lockTtlMs: number,
	fetch: () => Promise<FreshToken>,
): Promise<FreshToken> {
	const heartbeat = setInterval(
		() => {
			runScript(shared.client, EXTEND_IF, [lockKey], [lockId, lockTtlMs]).catch(() => undefined);
		},
		Math.max(100, Math.floor(lockTtlMs / 3)),
	);
	heartbeat.unref();
	try {
		return await fetch();
	} finally {
		clearInterval(heartbeat);
	}
}
