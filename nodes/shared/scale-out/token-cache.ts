/** Vendor access tokens cached per process and, scaled out, shared through Redis with one fetcher at a time. */

import { createHash, createHmac, randomBytes } from 'node:crypto';

import { refusesWholeRun } from '../errors';
import { fallBackAfter, sharedRedis } from './redis-connection';
import { runScript, sharedKey } from './redis-script';
import { DELETE_IF, READ } from './token-cache-scripts';
import type { SharedRedis } from './redis-connection';
import { fetchWhileHoldingLock } from './token-lock';
import type { FreshToken, TokenCacheOptions, TokenOwner } from './token-lock';
import { sleep, throwIfAborted } from '../http/abort';

/**
 * Access tokens of vendor apps, cached in process memory and, when n8n runs scaled out, in Redis:
 * every process then uses the same token, and only one process at a time fetches a new one. The
 * fetching process holds a lock in Redis that expires on its own (and is extended while the fetch
 * runs), so a process killed mid-fetch delays the others by at most the lock's lifetime.
 *
 * What Redis holds: the token itself (the point of sharing it; anyone who can read the Redis n8n
 * uses can already read n8n's queue), kept only until it is due for refresh, next to an HMAC keyed
 * with the client secret so that a credential with another secret for the same app never gets the
 * token. Key names hold a hash of the app's identity, never a secret.
 */

/**
 * A refused token fetch is not repeated for this long by the same process and credential: the
 * rest of the run fails at once, and so does another run started within this time, instead of
 * each asking the vendor again (WeLink locks a client after too many failures, 41403). A changed
 * secret is another credential and is asked at once.
 */
export const REFUSAL_MEMORY_MS = 30_000;

interface Cached {
	token: string;
	refreshAt: number;
}

/** Refused tokens remembered per app, so a stale copy read back from Redis is not used again. */
const REFUSED_KEPT = 8;

class RedisFailure extends Error {
	constructor(readonly inner: unknown) {
		super('Redis failed');
	}
}

export class SharedTokenCache {
	private readonly tokens = new Map<string, Cached>();

	private readonly inFlight = new Map<string, Promise<FreshToken>>();

	private readonly refused = new Map<string, string[]>();

	private readonly refusedFetches = new Map<string, { error: unknown; until: number }>();

	private readonly lockTtlMs: number;

	private readonly pollMs: number;

	private readonly refusalMemoryMs: number;

	/** `namespace` keeps vendors apart (e.g. "welink"). */
	constructor(
		private readonly namespace: string,
		options: TokenCacheOptions = {},
	) {
		this.lockTtlMs = options.lockTtlMs ?? 10_000;
		this.pollMs = options.pollMs ?? 50;
		this.refusalMemoryMs = options.refusalMemoryMs ?? REFUSAL_MEMORY_MS;
	}

	/**
	 * A valid token: the one held in memory while fresh, else the one another process fetched,
	 * else one fetched now by `fetch` — by one caller in this process and, with Redis, by one
	 * process at a time.
	 */
	async get(
		owner: TokenOwner,
		fetch: () => Promise<FreshToken>,
		signal?: AbortSignal,
	): Promise<FreshToken> {
		const local = this.localKey(owner);
		const cached = this.tokens.get(local);
		if (cached && Date.now() < cached.refreshAt) return { ...cached };
		const refusal = this.refusedFetches.get(local);
		if (refusal && Date.now() < refusal.until) throw refusal.error;
		let pending = this.inFlight.get(local);
		if (!pending) {
			pending = this.obtain(owner, fetch, signal)
				.catch((error: unknown) => {
					if (refusesWholeRun(error))
						this.refusedFetches.set(local, { error, until: Date.now() + this.refusalMemoryMs });
					throw error;
				})
				.finally(() => this.inFlight.delete(local));
			this.inFlight.set(local, pending);
		}
		return await pending;
	}

	/** The token held in memory, if it is fresh (no network, no Redis). */
	peek(owner: TokenOwner): FreshToken | undefined {
		const cached = this.tokens.get(this.localKey(owner));
		return cached && Date.now() < cached.refreshAt ? { ...cached } : undefined;
	}

	/**
	 * Drops a token the vendor refused — only that token: a newer one already in place (here or
	 * in Redis) stays, so a burst of refusals causes one refetch.
	 */
	invalidate(owner: TokenOwner, token: string): void {
		const local = this.localKey(owner);
		if (this.tokens.get(local)?.token === token) this.tokens.delete(local);
		const refused = this.refused.get(local) ?? [];
		if (!refused.includes(token)) this.refused.set(local, [...refused, token].slice(-REFUSED_KEPT));
		void this.invalidateShared(owner, token);
	}

	/** Forgets everything held in memory (tests). Redis entries expire on their own. */
	clear(): void {
		this.tokens.clear();
		this.inFlight.clear();
		this.refused.clear();
		this.refusedFetches.clear();
	}

	private localKey(owner: TokenOwner): string {
		const secretHash = createHash('sha256').update(owner.secret).digest('hex').slice(0, 16);
		return `${owner.app}|${secretHash}`;
	}

	/** Marks the token as this owner's: another secret yields another tag. */
	private ownerTag(owner: TokenOwner): string {
		return createHmac('sha256', owner.secret)
			.update(`${this.namespace}\n${owner.app}`)
			.digest('base64url')
			.slice(0, 22);
	}

	private keep(owner: TokenOwner, fresh: FreshToken): FreshToken {
		this.tokens.set(this.localKey(owner), { token: fresh.token, refreshAt: fresh.refreshAt });
		return { ...fresh };
	}

	private async obtain(
		owner: TokenOwner,
		fetch: () => Promise<FreshToken>,
		signal?: AbortSignal,
	): Promise<FreshToken> {
		const shared = await sharedRedis();
		if (shared) {
			try {
				return await this.obtainShared(shared, owner, fetch, signal);
			} catch (error) {
				if (!(error instanceof RedisFailure)) throw error;
				fallBackAfter(error.inner);
			}
		}
		return this.keep(owner, await fetch());
	}

	private async redis<T>(operation: () => Promise<T>): Promise<T> {
		try {
			return await operation();
		} catch (error) {
			throw new RedisFailure(error);
		}
	}

	private async readShared(
		shared: SharedRedis,
		key: string,
		owner: TokenOwner,
	): Promise<FreshToken | undefined> {
		const found = await this.redis(async () => await runScript(shared.client, READ, [key], []));
		if (!Array.isArray(found) || found.length !== 2) return undefined;
		const [value, ttl] = found as [unknown, unknown];
		const tag = `${this.ownerTag(owner)} `;
		if (typeof value !== 'string' || !value.startsWith(tag) || typeof ttl !== 'number' || ttl <= 0)
			return undefined;
		const token = value.slice(tag.length);
		if (this.refused.get(this.localKey(owner))?.includes(token)) return undefined;
		return { token, refreshAt: Date.now() + ttl };
	}

	private async obtainShared(
		shared: SharedRedis,
		owner: TokenOwner,
		fetch: () => Promise<FreshToken>,
		signal?: AbortSignal,
	): Promise<FreshToken> {
		const tokenKey = sharedKey(shared, this.namespace, owner.app, 'token');
		const lockKey = sharedKey(shared, this.namespace, owner.app, 'token-lock');
		for (;;) {
			throwIfAborted(signal);
			const found = await this.readShared(shared, tokenKey, owner);
			if (found) return this.keep(owner, found);
			const lockId = randomBytes(12).toString('hex');
			const locked = await this.redis(
				async () => await shared.client.set(lockKey, lockId, 'PX', this.lockTtlMs, 'NX'),
			);
			if (locked !== 'OK') {
				await sleep(this.pollMs, signal);
				continue;
			}
			try {
				// Another process may have stored a token between our read and our lock.
				const stored = await this.readShared(shared, tokenKey, owner);
				if (stored) return this.keep(owner, stored);
				const fresh = await fetchWhileHoldingLock(shared, lockKey, lockId, this.lockTtlMs, fetch);
				const ttl = Math.floor(fresh.refreshAt - Date.now());
				if (ttl > 0) {
					await this.redis(
						async () =>
							await shared.client.set(
								tokenKey,
								`${this.ownerTag(owner)} ${fresh.token}`,
								'PX',
								ttl,
							),
					).catch(
						// The token is good even if it could not be shared.
						(error: unknown) => fallBackAfter(error instanceof RedisFailure ? error.inner : error),
					);
				}
				return this.keep(owner, fresh);
			} finally {
				await runScript(shared.client, DELETE_IF, [lockKey], [lockId]).catch(() => undefined);
			}
		}
	}

	private async invalidateShared(owner: TokenOwner, token: string): Promise<void> {
		const shared = await sharedRedis();
		if (!shared) return;
		const tokenKey = sharedKey(shared, this.namespace, owner.app, 'token');
		await runScript(
			shared.client,
			DELETE_IF,
			[tokenKey],
			[`${this.ownerTag(owner)} ${token}`],
		).catch(fallBackAfter);
	}
}
